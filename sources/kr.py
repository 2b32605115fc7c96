"""Korea: MSIT press releases (korea.kr) and the AI Basic Act through the law.go.kr Open API.

Endpoints and formats: docs/sources.md, section Korea.
"""

from __future__ import annotations

from tracker.specs import DocumentParser, EndpointSpec, FeedParser, SourceSpec
from tracker.types import DocType

# 인공지능 발전과 신뢰 기반 조성 등에 관한 기본법 (법령ID 014820). `ID=` answers the version in force,
# so a new 공포번호 shows up as article changes (`MST=` would pin one version).
AI_BASIC_ACT_ID = "014820"
# law.go.kr needs a free personal key (OC). The source ships disabled in config.toml; to enable it, set
#   [sources.kr_law.endpoints.ai_basic_act]
#   url = "https://www.law.go.kr/DRF/lawService.do?OC=<your key>&target=law&ID=014820&type=XML"
# Left as is, this placeholder makes law.go.kr refuse the request, which shows as a failing source.
LAWGOKR_URL = (
    "https://www.law.go.kr/DRF/lawService.do?OC=SET_YOUR_LAW_GO_KR_OC_KEY"
    f"&target=law&ID={AI_BASIC_ACT_ID}&type=XML"
)

kr_msit = SourceSpec(
    id="kr_msit",
    jurisdiction="KR",
    regulator="MSIT",
    language="ko",
    homepage="https://www.msit.go.kr/",
    endpoints=(
        EndpointSpec(
            id="press_releases",
            url="https://www.korea.kr/rss/dept_msit.xml",
            # link ".../briefing/pressReleaseView.do?newsId=156712345": the newsId is the id
            parser=FeedParser(id_from="link", id_pattern=r"newsId=(\d+)"),
        ),
    ),
)

kr_law = SourceSpec(
    id="kr_law",
    jurisdiction="KR",
    regulator="MSIT (AI Basic Act)",
    language="ko",
    homepage="https://www.law.go.kr/법령/인공지능발전과신뢰기반조성등에관한기본법",
    enabled=False,  # needs the user's own law.go.kr OC key in the URL (config.toml says how)
    endpoints=(
        EndpointSpec(
            id="ai_basic_act",
            url=LAWGOKR_URL,
            parser=DocumentParser(dialect="lawgokr"),
            relevance="assume_ai_rule",
            doc_type=DocType.LAW,
        ),
    ),
)

SOURCES: tuple[SourceSpec, ...] = (kr_msit, kr_law)
