"""The relevance stage: AI or not, which kind, which doc type; on real samples and a hand-labelled set."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import NamedTuple

import feedparser
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.paths import FIXTURES, SAMPLES
from tracker.config import RelevanceSection
from tracker.relevance.classifier import RelevanceClassifier, classify_jsonl, guess_doc_type
from tracker.relevance.doctype_terms import DOC_TYPE_TERMS
from tracker.relevance.matcher import TermMatcher, first_chars
from tracker.relevance.meta import SourceMeta
from tracker.relevance.terms_langs import RELEVANCE_TERMS
from tracker.types import DocType, RelevanceLabel

LABELLED = FIXTURES / "relevance" / "labelled.jsonl"
FTC_COMPETITION = SAMPLES / "ftc" / "ftc_feed_press-release-competition_2026-07.xml"
MINORS_DRAFT = SAMPLES / "cac" / "trimmed" / "2026-09" / "18" / "c_1791482017777471.htm"


def _labelled() -> list[dict]:
    lines = LABELLED.read_text(encoding="utf-8").splitlines()
    assert "_header" in json.loads(lines[0])  # the file says what it is
    return [json.loads(line) for line in lines[1:]]


ROWS = _labelled()
CLASSIFIER = RelevanceClassifier()


def _classify(row: dict, classifier: RelevanceClassifier = CLASSIFIER):
    hint = row.get("doc_type") if row.get("doc_type") in {d.value for d in DocType} else None
    meta = SourceMeta(
        doc_type="" if hint else row.get("doc_type") or "",
        **{key: row.get(key) or "" for key in ("url", "agency", "source")},
    )
    return classifier.classify(
        row["title"],
        row["summary"],
        language=row.get("language"),
        jurisdiction=row.get("jurisdiction"),
        doc_type=DocType(hint) if hint else None,
        meta=meta,
    )


@pytest.mark.parametrize("row", ROWS, ids=[f"{i:03d}-{r['title'][:40]}" for i, r in enumerate(ROWS)])
def test_labelled_line_gets_its_label(row: dict) -> None:
    result = _classify(row)
    assert result.label.value == row["expected"], (row["title"], row.get("origin"), result)


DOC_ROWS = [r for r in ROWS if "expected_doc_type" in r]


@pytest.mark.parametrize("row", DOC_ROWS, ids=[f"{i:03d}-{r['title'][:40]}" for i, r in enumerate(DOC_ROWS)])
def test_labelled_line_gets_its_doc_type(row: dict) -> None:
    guessed = guess_doc_type(row["title"], row["summary"], language=row.get("language"))
    assert guessed.value == row["expected_doc_type"], (row["title"], guessed)


def test_labelled_set_covers_every_label_and_real_samples() -> None:
    labels = {r["expected"] for r in ROWS}
    assert labels == {label.value for label in RelevanceLabel}
    assert sum(r["origin"].startswith("sample:") for r in ROWS) >= 40


def _ftc_competition_entries() -> list[tuple[str, str]]:
    feed = feedparser.parse(FTC_COMPETITION.read_bytes())
    out = []
    for entry in feed.entries:
        text = html.unescape(re.sub(r"<[^>]+>", " ", entry.get("summary", "")))
        out.append((entry.title, " ".join(text.split())))
    return out


@pytest.mark.parametrize("language", ["en", None])
def test_ftc_competition_feed_is_not_ai(language: str | None) -> None:
    entries = _ftc_competition_entries()
    assert len(entries) == 30
    wrong = [
        (title, result)
        for title, summary in entries
        if (result := CLASSIFIER.classify(title, summary, language=language, jurisdiction="US")).is_ai
    ]
    assert wrong == []


def test_passing_ai_mention_in_a_merger_release_is_not_ai() -> None:
    title, summary = _ftc_competition_entries()[8]  # Aurobindo / Lannett acquisition
    assert "acquisition" in summary
    aside = " The parties also use AI to forecast demand."
    assert CLASSIFIER.classify(title, summary + aside, language="en").label is RelevanceLabel.NOT_AI
    # The same aside in a release without competition vocabulary is enough.
    plain = CLASSIFIER.classify("FTC Publishes Annual Highlights", "The agency reviewed its year." + aside)
    assert plain.label is RelevanceLabel.AI_OTHER
    # And an AI title keeps a merger release about AI.
    titled = CLASSIFIER.classify("FTC Sues to Block Merger of AI Chipmakers", summary, language="en")
    assert titled.label is RelevanceLabel.AI_ENFORCEMENT


@pytest.mark.parametrize(
    "text",
    [
        "Air quality",
        "AIDS relief",
        "Said",
        "said the chair",
        "Rite Aid",
        "aid to farmers",
        "FAIR MAIN PAID",
        "Carrier Automated Tariffs",
        "移动智能终端未成年人模式",
        "방법과 불법",
    ],
)
def test_look_alikes_are_not_ai(text: str) -> None:
    result = CLASSIFIER.classify(text, text)
    assert result.label is RelevanceLabel.NOT_AI
    assert result.score == 0.0


@pytest.mark.parametrize(
    ("text", "language", "term"),
    [
        ("New AI rules", "en", "AI"),
        ("AIs and agents", "en", "AI"),
        ("ＡＩ规则", "zh", "AI"),  # full-width, folded by NFKC
        ("AI技术滥用", "zh", "AI"),
        ("오픈AI에 과태료", "ko", "AI"),
        ("l'IA générative", "fr", "IA générative"),
        ("les systèmes d'IA", "fr", "IA"),
        ("KI-Verordnung", "de", "KI"),
        ("生成AIサービスの利用に関する注意喚起", "ja", "生成AI"),
        ("人工知能関連技術の研究開発及び活用の推進に関する法律", "ja", "人工知能"),
        ("Generative Artificial Intelligence", "en", "generative AI"),
    ],
)
def test_ai_is_found_across_scripts(text: str, language: str, term: str) -> None:
    result = CLASSIFIER.classify(text, language=language)
    assert result.is_ai
    assert result.matched[0] == term


def test_foreign_acronyms_only_count_in_their_language() -> None:
    assert not CLASSIFIER.classify("Meeting in Des Moines, IA", language="en").is_ai
    # No language given: the jurisdiction implies English.
    assert not CLASSIFIER.classify("Meeting in Des Moines, IA", jurisdiction="US").is_ai
    assert CLASSIFIER.classify("Meeting in Des Moines, IA", language="fr").is_ai
    assert not CLASSIFIER.classify("KI Holdings annual report", language="en").is_ai


def _minors_article_5() -> tuple[str, str]:
    page = MINORS_DRAFT.read_text(encoding="utf-8")
    title = re.search(r'<h1 class="title">\s*(.*?)\s*</h1>', page, re.S)
    text = re.sub(r"<[^>]+>", " ", page)
    article = re.search(r"第五条.*?（四）其他可能对未成年人具有重要影响的网络服务。", " ".join(text.split()))
    assert title and article
    return " ".join(title.group(1).split()), article.group(0)


def test_minors_draft_is_a_rule_scoring_below_ai_titled_rules() -> None:
    title, article_5 = _minors_article_5()
    assert "人工智能" in article_5 and "人工智能" not in title
    draft = CLASSIFIER.classify(title, article_5, language="zh")
    ai_titled = CLASSIFIER.classify("生成式人工智能服务管理暂行办法", language="zh")
    assert draft.label is RelevanceLabel.AI_RULE
    assert ai_titled.label is RelevanceLabel.AI_RULE
    assert draft.score < ai_titled.score
    assert "人工智能" in draft.matched and "征求意见稿" in draft.matched
    assert not CLASSIFIER.classify(title, language="zh").is_ai

    # A stricter threshold drops body-only mentions and keeps AI-titled rules.
    strict = RelevanceClassifier(RelevanceSection(threshold=1.5))
    assert strict.classify(title, article_5, language="zh").label is RelevanceLabel.NOT_AI
    assert strict.classify("生成式人工智能服务管理暂行办法", language="zh").label is RelevanceLabel.AI_RULE


def test_matched_terms_explain_the_label() -> None:
    result = CLASSIFIER.classify("FTC Announces Crackdown on Deceptive AI Claims and Schemes", language="en")
    assert result.label is RelevanceLabel.AI_ENFORCEMENT
    assert result.matched[0] == "AI"
    assert {"crackdown", "deceptive"} <= set(result.matched)
    rule = CLASSIFIER.classify("Commission publishes guidelines on prohibited AI practices", language="en")
    assert rule.matched == ("AI", "guidelines")
    not_ai = CLASSIFIER.classify("FTC Approves Final Consent Order in Pest-Control Noncompete Matter")
    assert not_ai.matched == ()


def test_title_weighs_more_than_summary() -> None:
    in_title = CLASSIFIER.classify("Artificial intelligence guidance", "")
    in_summary = CLASSIFIER.classify("Guidance", "Artificial intelligence")
    assert in_title.score == 2 * in_summary.score == 2.0
    repeated = CLASSIFIER.classify("Guidance", "Artificial intelligence. " * 5)
    assert in_summary.score < repeated.score <= in_title.score


def test_doc_type_hint_decides_an_untyped_title() -> None:
    title = "Removing Barriers to American Leadership in Artificial Intelligence"
    assert CLASSIFIER.classify(title).label is RelevanceLabel.AI_OTHER
    law = CLASSIFIER.classify(title, doc_type=DocType.LAW)
    assert law.label is RelevanceLabel.AI_RULE and "doc_type=law" in law.matched
    assert CLASSIFIER.classify(title, doc_type=DocType.ENFORCEMENT).label is RelevanceLabel.AI_ENFORCEMENT
    assert CLASSIFIER.classify(title, doc_type=DocType.NEWS).label is RelevanceLabel.AI_OTHER


def test_extra_terms_from_settings_take_effect() -> None:
    title = "Commission proposes Digital Omnibus to simplify EU rules"
    assert CLASSIFIER.classify(title).label is RelevanceLabel.NOT_AI
    tuned = RelevanceClassifier(
        RelevanceSection(extra_terms={"ai_rule": ["Digital Omnibus"], "ai_enforcement": ["Worldcoin"]})
    )
    result = tuned.classify(title)
    assert result.label is RelevanceLabel.AI_RULE and "Digital Omnibus" in result.matched
    fine = tuned.classify("DPA fines Worldcoin over iris scans")
    assert fine.label is RelevanceLabel.AI_ENFORCEMENT
    assert CLASSIFIER.classify("DPA fines Worldcoin over iris scans").label is RelevanceLabel.NOT_AI
    # Clearview AI, once an example of a team's own term, is now a built-in AI product name.
    assert (
        CLASSIFIER.classify("Dutch DPA fines Clearview 30.5 million euros").label
        is RelevanceLabel.AI_ENFORCEMENT
    )


@pytest.mark.parametrize(
    "section",
    [RelevanceSection(negative_terms=["AI chips"]), RelevanceSection(extra_terms={"not_ai": ["AI chips"]})],
)
def test_negative_terms_from_settings_take_effect(section: RelevanceSection) -> None:
    title = "Commerce tightens export rules for AI chips"
    assert CLASSIFIER.classify(title).label is RelevanceLabel.AI_RULE
    result = RelevanceClassifier(section).classify(title)
    assert result.label is RelevanceLabel.NOT_AI
    assert "-AI chips" in result.matched
    # Elsewhere the term is irrelevant: other AI items keep their label.
    assert RelevanceClassifier(section).classify("AI Act enters into force").label is RelevanceLabel.AI_RULE


def test_classifiers_share_compiled_terms_only_with_the_same_settings() -> None:
    """Each check cycle makes a new classifier: the compiled terms (~18 ms a language) are shared by equal
    settings, and never carry one configuration's terms into another's."""
    title = "Commission proposes Digital Omnibus to simplify EU rules"
    tuned_section = RelevanceSection(extra_terms={"ai_rule": ["Digital Omnibus"]})
    first, second = RelevanceClassifier(tuned_section), RelevanceClassifier(tuned_section)
    assert first.classify(title).label is RelevanceLabel.AI_RULE
    assert second._matcher("en") is first._matcher("en")
    assert second.classify(title).label is RelevanceLabel.AI_RULE
    plain = RelevanceClassifier()
    assert plain._matcher("en") is not first._matcher("en")
    assert plain.classify(title).label is RelevanceLabel.NOT_AI


def test_unknown_label_in_extra_terms_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown label 'ai'"):
        RelevanceClassifier(RelevanceSection(extra_terms={"ai": ["x"]}))


@pytest.mark.parametrize(
    ("title", "summary", "expected"),
    [
        ("关于《人工智能生成合成内容标识办法（征求意见稿）》公开征求意见的通知", "", DocType.CONSULTATION),
        ("关于征求《政务移动互联网应用程序管理要求》意见的通知", "", DocType.CONSULTATION),
        ("Artificial Intelligence in Health Care; Proposed Rule", "", DocType.PROPOSAL),
        ("Commission launches consultation on guidelines for AI systems", "", DocType.CONSULTATION),
        ("Carrier Automated Tariffs", "The final rule removes the option to charge a fee.", DocType.LAW),
        ("인공지능 기본법 시행령 제정안 입법예고", "", DocType.CONSULTATION),
        ("Daily News 23 / 09 / 2026", "", DocType.NEWS),
    ],
)
def test_guess_doc_type(title: str, summary: str, expected: DocType) -> None:
    assert guess_doc_type(title, summary) is expected


def test_guess_doc_type_falls_back_to_the_default() -> None:
    assert guess_doc_type("Made in America Week, 2026", default=DocType.LAW) is DocType.LAW
    assert guess_doc_type("Made in America Week, 2026") is DocType.NEWS


def test_classify_jsonl_round_trip_with_bad_lines() -> None:
    lines = [
        json.dumps({"title": "AI Act enters into force", "id": 7}) + "\n",
        "\n",
        "{not json\n",
        json.dumps(["a", "list"]),
        json.dumps({"summary": "no title"}),
        json.dumps({"title": "x", "doc_type": "memo"}),
        json.dumps(
            {"title": "人工智能生成合成内容标识办法", "language": "zh", "jurisdiction": "CN"},
            ensure_ascii=False,
        ),
        json.dumps({"title": "Air quality", "summary": None, "doc_type": "law"}),
    ]
    out = [json.loads(line) for line in classify_jsonl(lines, CLASSIFIER)]
    assert len(out) == 7  # the blank line is skipped, every other line answers
    assert out[0] == {
        "title": "AI Act enters into force",
        "id": 7,
        "label": "ai_rule",
        "score": 2.0,
        "matched": ["AI", "Act", "entry into force"],
        "evidence": ["term:AI", "term:Act", "term:entry into force"],
        "document_type": "law",
    }
    assert [(o["line"], "error" in o) for o in out[1:4]] == [(3, True), (4, True), (5, True)]
    assert "title" in out[3]["error"]
    assert out[4]["line"] == 6 and "doc_type" in out[4]["error"]
    assert out[5]["label"] == "ai_rule" and out[5]["language"] == "zh"
    assert out[6]["label"] == "not_ai" and out[6]["matched"] == []


def test_classify_jsonl_agrees_with_classify_on_the_labelled_file() -> None:
    lines = LABELLED.read_text(encoding="utf-8").splitlines()
    out = [json.loads(line) for line in classify_jsonl(lines, CLASSIFIER)]
    assert out[0] == {"line": 1, "error": '"title" must be a string and is missing'}  # the header line
    for row, answer in zip(ROWS, out[1:], strict=True):
        direct = _classify(row)
        assert (answer["label"], answer["score"], tuple(answer["matched"])) == (
            direct.label.value,
            direct.score,
            direct.matched,
        )


def test_every_builtin_term_takes_the_fast_path() -> None:
    unbounded = [t.name for t in (*RELEVANCE_TERMS, *DOC_TYPE_TERMS) if first_chars(t.pattern) is None]
    assert unbounded == []


_MATCHER = TermMatcher(RELEVANCE_TERMS)
_ORDERED = sorted(RELEVANCE_TERMS, key=lambda t: len(t.name), reverse=True)
_ONE_ALTERNATION = re.compile("|".join(f"({t.pattern})" for t in _ORDERED))


def _naive_counts(text: str) -> dict[str, int]:
    """What one big alternation finds: the reference the dispatching matcher must agree with."""
    counts: dict[str, int] = {}
    for match in _ONE_ALTERNATION.finditer(text):
        name = _ORDERED[match.lastindex - 1].name
        counts[name] = counts.get(name, 0) + 1
    return counts


_PIECES = [t.name for t in RELEVANCE_TERMS] + ["a", "S", "-", " ", "。", "의", "Air", "AIDS", "said", "x"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=12), st.lists(st.sampled_from(_PIECES), max_size=12))
def test_dispatching_matcher_equals_one_alternation(left: list[str], right: list[str]) -> None:
    text = "".join(left) + " " + " ".join(right)
    fast: dict[str, int] = {}
    for index, count in _MATCHER.counts(text).items():
        name = _MATCHER.terms[index].name
        fast[name] = fast.get(name, 0) + count
    assert fast == _naive_counts(text)


def test_samples_exist() -> None:
    for path in (LABELLED, FTC_COMPETITION, MINORS_DRAFT):
        assert Path(path).is_file(), path


# Terms whose shape defeats the shared word boundaries a bucket factors out: a top-level `|` with the
# boundary in one branch only, a term without the word end, one that may start anywhere (then every
# position is a candidate). A term starting with a Latin letter is looked for at word starts only.
_L = "0-9A-Za-zÀ-ÖØ-öø-ɏ"


class _Term(NamedTuple):
    name: str
    pattern: str


_ODD_TERMS = [
    _Term("odd branch", f"(?<![{_L}])(?:ab)c|(?<![{_L}])abd(?![{_L}])"),
    _Term("no end", f"(?<![{_L}])qbx"),
    _Term("usual", f"(?<![{_L}])(?:ab)(?![{_L}])"),
    _Term("anywhere", "(?:.)zz"),
]


@pytest.mark.parametrize("with_anywhere", [False, True])
@settings(max_examples=150, deadline=None)
@given(
    pieces=st.lists(st.sampled_from(["ab", "abc", "abd", "qbx", "zz", "AI", "x", " ", "-", "é"]), max_size=14)
)
def test_matcher_with_odd_terms_equals_one_alternation(with_anywhere: bool, pieces: list[str]) -> None:
    terms = [*RELEVANCE_TERMS[:40], *(_ODD_TERMS if with_anywhere else _ODD_TERMS[:3])]
    matcher = TermMatcher(terms)
    ordered = matcher.terms
    one = re.compile("|".join(f"({t.pattern})" for t in ordered))
    text = "".join(pieces)
    expected: dict[str, int] = {}
    for match in one.finditer(text):
        name = ordered[match.lastindex - 1].name
        expected[name] = expected.get(name, 0) + 1
    found = {ordered[i].name: n for i, n in matcher.counts(text).items()}
    assert found == expected
