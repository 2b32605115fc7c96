"""Korea: MSIT press releases (korea.kr) and the AI Basic Act through the law.go.kr Open API.

Endpoints and formats: docs/sources.md, section Korea.
"""

from __future__ import annotations

from tracker.config_checks import SourceKey
from tracker.specs import DocumentParser, EndpointSpec, FeedParser, SourceSpec
from tracker.types import DocType

# 인공지능 발전과 신뢰 기반 조성 등에 관한 기본법 (법령ID 014820). `ID=` answers the version in force,
# so a new 공포번호 shows up as article changes (`MST=` would pin one version).
AI_BASIC_ACT_ID = "014820"
# law.go.kr needs a free personal key (OC, https://open.law.go.kr). Like every secret it comes from the
# environment, never from config.toml: with LAW_GO_KR_OC set, the key replaces the placeholder below (also
# in a mirror URL set in the file) and the source is on; without it the source is off and
# `tracker check kr_law` says how to turn it on. Stored and logged URLs carry REDACTED in its place.
LAW_GO_KR_OC = "LAW_GO_KR_OC"
OC_PLACEHOLDER = "SET_YOUR_LAW_GO_KR_OC_KEY"
LAWGOKR_URL = (
    f"https://www.law.go.kr/DRF/lawService.do?OC={OC_PLACEHOLDER}&target=law&ID={AI_BASIC_ACT_ID}&type=XML"
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
    enabled=False,  # on once LAW_GO_KR_OC holds the user's own key (SOURCE_KEYS)
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

# Built-in sources that need the user's own key (tracker.config_checks.with_key fills it in).
SOURCE_KEYS: dict[str, SourceKey] = {
    "kr_law": SourceKey(LAW_GO_KR_OC, OC_PLACEHOLDER, "law.go.kr Open API key (OC, free at open.law.go.kr)"),
}
