"""Korea: the Personal Information Protection Commission (PIPC, 개인정보보호위원회) press releases.

Same korea.kr department feed as MSIT (sources/kr.py): https://www.korea.kr/rss/dept_<code>.xml, item
links carrying newsId. Evidence: docs/sources-evidence.md, section Korea.
"""

from __future__ import annotations

from tracker.specs import EndpointSpec, Expectations, FeedParser, SourceSpec

kr_pipc = SourceSpec(
    id="kr_pipc",
    jurisdiction="KR",
    regulator="PIPC",
    language="ko",
    homepage="https://www.pipc.go.kr/",
    endpoints=(
        EndpointSpec(
            id="press_releases",
            url="https://www.korea.kr/rss/dept_pipc.xml",
            parser=FeedParser(id_from="link", id_pattern=r"newsId=(\d+)"),
            expect=Expectations(min_items=3),
        ),
    ),
)

SOURCES: tuple[SourceSpec, ...] = (kr_pipc,)
