"""What each endpoint of the regulators added for issue 19 serves in tests: (file, content type).

Shared by their own end-to-end test and tests/test_sources_e2e.py (which needs every built-in endpoint).
All files are reconstructions in the documented shapes (docs/sources-evidence.md), never recordings.
"""

from __future__ import annotations

from pathlib import Path

from tests.paths import FIXTURES

RSS = "application/rss+xml"
ATOM = "application/atom+xml"
HTML = "text/html"

NEW_SOURCES: tuple[str, ...] = (
    "ie_dpc",
    "it_garante",
    "fr_cnil",
    "nl_ap",
    "uk_dsit",
    "uk_aisi",
    "uk_ico",
    "uk_cma",
    "us_nist",
    "us_copyright_office",
    "us_cppa",
    "us_colorado_ag",
    "jp_cao",
    "jp_ppc",
    "cn_tc260",
    "cn_miit",
    "kr_pipc",
    "coe_ai",
    "oecd_ai",
)

SERVED_NEW: dict[str, tuple[Path, str]] = {
    "ie_dpc/press_releases": (FIXTURES / "eu/dpc_press_releases.reconstructed.html", HTML),
    "it_garante/news": (FIXTURES / "eu/garante_news.reconstructed.rss", RSS),
    "fr_cnil/news": (FIXTURES / "eu/cnil_news.reconstructed.rss", RSS),
    "nl_ap/news": (FIXTURES / "eu/ap_news.reconstructed.rss", RSS),
    "uk_dsit/activity": (FIXTURES / "uk/govuk_dsit.reconstructed.atom", ATOM),
    "uk_aisi/activity": (FIXTURES / "uk/govuk_aisi.reconstructed.atom", ATOM),
    "uk_cma/activity": (FIXTURES / "uk/govuk_cma.reconstructed.atom", ATOM),
    "uk_ico/news": (FIXTURES / "uk/ico_news.reconstructed.html", HTML),
    "us_nist/news": (FIXTURES / "us/nist_news.reconstructed.rss", RSS),
    "us_copyright_office/ai_documents": (FIXTURES / "us/copyright_ai.reconstructed.html", HTML),
    "us_cppa/regulations": (FIXTURES / "us/cppa_regulations.reconstructed.html", HTML),
    "us_colorado_ag/rulemaking_documents": (FIXTURES / "us/colorado_ai.reconstructed.html", HTML),
    "us_colorado_ag/rulemaking_page": (FIXTURES / "us/colorado_ai.reconstructed.html", HTML),
    "jp_cao/headquarters_documents": (FIXTURES / "jp/cao_ai_hq_kaisai.reconstructed.html", HTML),
    "jp_cao/ai_strategy_page": (FIXTURES / "jp/cao_ai_index.reconstructed.html", HTML),
    "jp_ppc/press_releases": (FIXTURES / "jp/ppc_press.reconstructed.html", HTML),
    "cn_tc260/drafts_for_comment": (FIXTURES / "cn/tc260_suggestion.reconstructed.html", HTML),
    "cn_miit/policy_documents": (FIXTURES / "cn/miit_policy.reconstructed.rss", RSS),
    "cn_miit/consultations": (FIXTURES / "cn/miit_consultations.reconstructed.rss", RSS),
    "kr_pipc/press_releases": (FIXTURES / "kr/korea_kr_dept_pipc.reconstructed.xml", RSS),
    "coe_ai/framework_convention_page": (FIXTURES / "int/coe_framework_convention.reconstructed.html", HTML),
    "coe_ai/ai_portal_page": (FIXTURES / "int/coe_ai_portal.reconstructed.html", HTML),
    "oecd_ai/policy_news": (FIXTURES / "int/oecd_ai_wonk.reconstructed.rss", RSS),
}
