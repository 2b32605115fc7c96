"""Issue 20: the source's own metadata decides rule / enforcement / other, and `tracker classify` says so."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sources.cn import cn_cac
from sources.us import us_federal_register, us_ftc
from tests.paths import FIXTURES, REPO, SAMPLES
from tracker.config import Config
from tracker.relevance.classifier import RelevanceClassifier, classify_jsonl, guess_doc_type
from tracker.relevance.judge import Judge
from tracker.relevance.meta import SourceMeta, meta_kind
from tracker.specs import EndpointSpec, SourceSpec
from tracker.types import DocType, ExtractedItem, RelevanceLabel

CLASSIFIER = RelevanceClassifier()
KINDS = FIXTURES / "relevance" / "kinds.jsonl"
EO = "Presidential Document/Executive Order"
# Real titles (tests/fixtures/relevance/kinds.jsonl says where each was found)
EO_14179 = "Removing Barriers to American Leadership in Artificial Intelligence"
BIS_PROPOSED = (
    "Establishment of Reporting Requirements for the Development of Advanced Artificial Intelligence "
    "Models and Computing Clusters"
)
FTC_INQUIRY = "FTC Launches Inquiry into Generative AI Investments and Partnerships"
FTC_INQUIRY_URL = (
    "https://www.ftc.gov/news-events/news/press-releases/2024/01/"
    "ftc-launches-inquiry-generative-ai-investments-partnerships"
)
RFI = "Request for Information on the Development of an Artificial Intelligence (AI) Action Plan"


def _label(title: str, summary: str = "", **meta: str) -> RelevanceLabel:
    return CLASSIFIER.classify(title, summary, meta=SourceMeta(**meta)).label


def test_executive_order_metadata_makes_an_ai_title_a_rule() -> None:
    assert _label(EO_14179) is RelevanceLabel.AI_OTHER  # the words alone say nothing of the kind
    result = CLASSIFIER.classify(EO_14179, meta=SourceMeta(doc_type=EO))
    assert result.label is RelevanceLabel.AI_RULE
    assert f"doc_type={EO}" in result.matched
    # A memorandum too; a proclamation is not a rule.
    assert _label(EO_14179, doc_type="Presidential Document/Memorandum") is RelevanceLabel.AI_RULE
    assert _label(EO_14179, doc_type="Presidential Document/Proclamation") is RelevanceLabel.AI_OTHER


@pytest.mark.parametrize("path", sorted((SAMPLES / "fedreg").glob("*.json")), ids=lambda p: p.name)
def test_metadata_never_makes_a_recorded_federal_register_document_ai(path: Path) -> None:
    results = json.loads(path.read_text(encoding="utf-8")).get("results") or []
    for result in results:
        kind = "/".join(p for p in (result.get("type"), result.get("subtype")) if p)
        meta = SourceMeta(doc_type=kind, url=result.get("html_url", ""), source="us_federal_register")
        relevance = CLASSIFIER.classify(result["title"], result.get("abstract") or "", meta=meta)
        assert relevance.label is RelevanceLabel.NOT_AI, (result["title"], relevance)


def test_proposed_rule_is_a_draft_rule_and_a_meeting_notice_is_other() -> None:
    proposed = CLASSIFIER.classify(BIS_PROPOSED, meta=SourceMeta(doc_type="Proposed Rule"))
    assert proposed.label is RelevanceLabel.AI_RULE and "doc_type=Proposed Rule" in proposed.matched
    named = meta_kind(SourceMeta(doc_type="Proposed Rule"), BIS_PROPOSED)
    assert named is not None and named.doc_type is DocType.PROPOSAL
    # The Federal Register's own meeting convention "<committee>; Meeting" (recorded: an EPA council).
    meeting = meta_kind(SourceMeta(doc_type="Notice"), "National Drinking Water Advisory Council; Meeting")
    assert meeting is not None and meeting.kind == "other"
    assert meta_kind(SourceMeta(doc_type="Notice"), RFI) is None  # any other notice: the words decide


def test_ftc_six_b_inquiries_and_studies_are_enforcement() -> None:
    assert _label(FTC_INQUIRY, url=FTC_INQUIRY_URL, source="us_ftc/press_releases") is (
        RelevanceLabel.AI_ENFORCEMENT
    )
    companions = "FTC Launches Inquiry into AI Chatbots Acting as Companions"
    assert _label(companions) is RelevanceLabel.AI_ENFORCEMENT
    study = "FTC Issues Staff Report on AI Partnerships & Investments Study"
    assert _label(study, url="https://www.ftc.gov/news-events/news/press-releases/2025/01/x") is (
        RelevanceLabel.AI_ENFORCEMENT
    )
    # The report's file name says 6b: the URL alone is enough, whatever the title says.
    report = "https://www.ftc.gov/system/files/ftc_gov/pdf/p246201_aipartnerships6breport_redacted.pdf"
    named = meta_kind(SourceMeta(url=report), "")
    assert named is not None and named.evidence == "url=FTC 6(b)"
    # Not the FTC: a study is a study.
    assert _label("Commission publishes study on AI partnerships", url="https://ec.europa.eu/x") is (
        RelevanceLabel.AI_OTHER
    )


def test_cac_policy_channel_and_korean_law_are_rules() -> None:
    rules = (SourceMeta(section="A09370301"), SourceMeta(section="A09370306"), SourceMeta(doc_type="법률"))
    for meta in rules:
        named = meta_kind(meta)
        assert named is not None and named.kind == "rule", meta
    law = meta_kind(SourceMeta(url="https://www.law.go.kr/DRF/lawService.do?target=law&ID=014820"))
    assert law is not None and law.evidence == "url=law.go.kr"
    assert meta_kind(SourceMeta(section="A093702")) is None  # 网信发布: the words decide


def test_request_for_information_is_a_consultation_not_a_rule() -> None:
    result = CLASSIFIER.classify(RFI, language="en")
    assert result.label is RelevanceLabel.AI_OTHER
    assert guess_doc_type(RFI) is DocType.CONSULTATION
    # Even where the endpoint declares consultations.
    assert CLASSIFIER.classify(RFI, doc_type=DocType.CONSULTATION).label is RelevanceLabel.AI_OTHER


@pytest.mark.parametrize(
    ("title", "language"),
    [
        # Sentences built here to exercise the pattern, not titles of any regulator.
        ("Agency received more than 8,700 comments on its AI policy", "en"),
        ("8,755 comments were received on the AI guidance", "en"),
        ("人工智能办法征求意见共收到意见建议1200条", "zh"),
        ("인공지능 기본법 시행령 의견 350건 접수", "ko"),
    ],
)
def test_a_count_of_comments_received_is_news(title: str, language: str) -> None:
    result = CLASSIFIER.classify(title, language=language)
    assert result.label is RelevanceLabel.AI_OTHER, result


@pytest.mark.parametrize(
    ("title", "language", "expected"),
    [
        ("America's AI Action Plan", "en", RelevanceLabel.AI_RULE),
        ("대한민국 인공지능 행동계획(한글, 인쇄본)", "ko", RelevanceLabel.AI_RULE),
        ("国务院关于印发新一代人工智能发展规划的通知", "zh", RelevanceLabel.AI_RULE),
        (
            "初等中等教育段階における生成AIの利活用に関するガイドライン（Ver.2.0）",
            "ja",
            RelevanceLabel.AI_RULE,
        ),
        ("生成AIサービスの利用に関する注意喚起等", "ja", RelevanceLabel.AI_ENFORCEMENT),
    ],
)
def test_national_plans_and_other_languages(title: str, language: str, expected: RelevanceLabel) -> None:
    assert CLASSIFIER.classify(title, language=language).label is expected


def _endpoint(source: SourceSpec, endpoint_id: str) -> EndpointSpec:
    return next(e for e in source.endpoints if e.id == endpoint_id)


def test_judge_passes_federal_register_and_cac_metadata() -> None:
    endpoint = _endpoint(us_federal_register, "presidential")
    presidential = Judge(Config(), CLASSIFIER, us_federal_register, endpoint)
    item = ExtractedItem(
        stable_id="2025-02172",
        title=EO_14179,
        url="https://www.federalregister.gov/documents/2025/01/31/2025-02172/x",
        doc_type="law",
        meta={"type": "Presidential Document", "subtype": "Executive Order"},
    )
    relevance, doc_type = presidential(item)
    assert relevance.label is RelevanceLabel.AI_RULE and doc_type == "law"
    assert f"doc_type={EO}" in relevance.matched
    # A CAC item listed under 政策法规 whose title alone reads as news.
    laws = Judge(Config(), CLASSIFIER, cn_cac, _endpoint(cn_cac, "zcfg_laws"))
    news = "2024世界人工智能大会暨人工智能全球治理高级别会议在上海开幕"
    cac_item = ExtractedItem(stable_id="x", title=news, url="https://www.cac.gov.cn/2024-07/04/c_1.htm")
    assert laws(cac_item)[0].label is RelevanceLabel.AI_RULE
    wxfb = Judge(Config(), CLASSIFIER, cn_cac, _endpoint(cn_cac, "wxfb"))
    assert wxfb(cac_item)[0].label is RelevanceLabel.AI_OTHER


def test_declared_ai_endpoint_still_reads_the_kind() -> None:
    topic = Judge(Config(), CLASSIFIER, us_ftc, _endpoint(us_ftc, "ai_topic"))
    item = ExtractedItem(stable_id="x", title=FTC_INQUIRY, url=FTC_INQUIRY_URL)
    relevance, _ = topic(item)
    assert relevance.label is RelevanceLabel.AI_ENFORCEMENT
    assert relevance.matched[0] == "declared by the source"
    plain = ExtractedItem(stable_id="y", title="Workado, LLC, In the Matter of", url="https://www.ftc.gov/x")
    assert topic(plain)[0].label is RelevanceLabel.AI_OTHER  # declared AI, whatever the words
    # The same case under the FTC's cases and proceedings: a case the FTC brought.
    case = ExtractedItem(
        stable_id="z",
        title="Workado, LLC, In the Matter of",
        url="https://www.ftc.gov/legal-library/browse/cases-proceedings/workado-matter",
    )
    relevance, _ = topic(case)
    assert relevance.label is RelevanceLabel.AI_ENFORCEMENT
    assert "url=FTC cases and proceedings" in relevance.matched


def test_declared_ai_items_take_their_kind_from_the_words_but_never_from_a_hint() -> None:
    """On an AI body's page the words decide the kind (a basic plan is a rule, an order that bans is
    enforcement); a hint that names a kind on an ordinary endpoint ("policy") leaves it other, and nothing
    makes it not_ai."""

    def declared(title: str, language: str = "en") -> RelevanceLabel:
        return CLASSIFIER.classify(title, language=language, assume_ai=True).label

    assert declared("人工知能基本計画（第2期）（案）", "ja") is RelevanceLabel.AI_RULE
    assert declared("FTC Order Bans Company From Making Unsupported Claims About Its Chatbot") is (
        RelevanceLabel.AI_ENFORCEMENT
    )
    tracking = "Tracking national AI policies: new entries from 12 countries"
    assert _label(tracking) is RelevanceLabel.AI_RULE  # an ordinary endpoint takes the hint
    assert declared(tracking) is RelevanceLabel.AI_OTHER
    assert declared("Members of the Panel") is RelevanceLabel.AI_OTHER  # no AI word, still AI
    assert declared("Gigabit broadband contracts signed") is RelevanceLabel.AI_OTHER


def test_classify_jsonl_takes_metadata_and_explains() -> None:
    lines = [
        json.dumps(
            {"title": EO_14179, "doc_type": EO, "url": "https://www.federalregister.gov/d/2025-02172"}
        ),
        json.dumps({"title": BIS_PROPOSED, "doc_type": "Proposed Rule", "agency": "Industry and Security"}),
        json.dumps({"title": FTC_INQUIRY, "url": FTC_INQUIRY_URL, "source": "us_ftc"}),
        json.dumps({"title": "x", "doc_type": "memo"}),
    ]
    out = [json.loads(line) for line in classify_jsonl(lines, CLASSIFIER)]
    assert out[0]["label"] == "ai_rule" and out[0]["document_type"] == "law"
    assert out[0]["evidence"][0] == "term:artificial intelligence"
    assert f"doc_type={EO}" in out[0]["evidence"]
    assert out[1]["label"] == "ai_rule" and out[1]["document_type"] == "proposal"
    assert "doc_type=Proposed Rule" in out[1]["evidence"]
    assert out[2]["label"] == "ai_enforcement" and "url=FTC 6(b)" in out[2]["evidence"]
    assert "doc_type" in out[3]["error"]


def test_tracker_classify_command_reads_metadata_from_stdin(tmp_path: Path) -> None:
    line = json.dumps({"title": EO_14179, "doc_type": EO}) + "\n"
    done = subprocess.run(
        [sys.executable, "-m", "tracker", "classify"],
        input=line,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={"PATH": "", "PYTHONPATH": str(REPO)},
    )
    assert done.returncode == 0, done.stderr
    answer = json.loads(done.stdout)
    assert answer["label"] == "ai_rule" and f"doc_type={EO}" in answer["evidence"]


def test_kinds_file_has_a_header_and_origins() -> None:
    lines = KINDS.read_text(encoding="utf-8").splitlines()
    assert "_header" in json.loads(lines[0])
    rows = [json.loads(line) for line in lines[1:]]
    assert len(rows) == json.loads(lines[0])["count"]
    assert all(row["origin"].startswith("capture:") for row in rows)
