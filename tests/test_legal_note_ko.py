"""The lawyer's note in Korean (tracker.diff.legal_note_ko) and in the Korean digest.

Every phrase shape tracker.diff.legal_note writes is made the way the store makes it: from real
DocumentDiffs of blocks (tracker.diff.core.diff_documents), and from the recorded consolidated AI Act
(tests.test_amendments). The Korean keeps every number and every quoted word and says none of our English
phrases; a line outside the grammar comes back unchanged. The unit texts here avoid the grammar's English
words, so any English word of it left in a rendering is ours.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from tests.digest_support import change, seed
from tests.fixture_server import FixtureServer
from tests.test_amendments import CONSOLIDATED, blocks, later_version
from tracker.diff.core import diff_documents
from tracker.diff.legal_note import summary_line, unit_lines
from tracker.diff.legal_note_ko import is_summary_line, note_text_ko, summary_line_ko, unit_line_ko
from tracker.digest.collect import Period, collect
from tracker.digest.render import render
from tracker.store.db import make_engine
from tracker.store.models import Change
from tracker.types import Block, DocumentDiff

SEOUL = ZoneInfo("Asia/Seoul")
# Our English: what legal_note.py writes around the numbers and the quotations.
GRAMMAR_WORDS = re.compile(
    r"\b(?:amended|inserted|deleted|articles?|annex(?:es)?|recitals?|typography|only|units?|other|"
    r"changed|wording|substantive|more|was|and|full|list|diff|thread|consolidates)\b",
    re.IGNORECASE,
)
HANGUL = re.compile(r"[\uac00-\ud7a3]")
QUOTED = re.compile(r"“[^“”]*”")
ROMAN = re.compile(r"\b[IVXLC]+\b")

LITERACY_OLD = (
    "Providers shall take measures to ensure, to their best extent, a sufficient level of AI literacy."
)
LITERACY_NEW = "Providers shall take measures to ensure a sufficient level of AI literacy."


def art(number: str, text: str) -> Block:
    return Block(f"art_{number}", f"Article {number}", text)


def anx(number: str, text: str) -> Block:
    return Block(f"anx_{number}", f"Annex {number}", text)


def rct(number: str, text: str) -> Block:
    return Block(f"rct_{number}", f"Recital {number}", text)


def sec(number: str, text: str) -> Block:
    """A unit that is neither article, annex nor recital (an "other unit"), labelled by the document."""
    return Block(f"sec_{number}", f"Sectie {number}", text)


def quoted(block: Block) -> Block:
    return Block(block.key, block.label, f"“{block.text}”")


def retyped(block: Block) -> Block:
    """The same unit re-typeset: its opening quotation mark changed, nothing else (typography only)."""
    return Block(block.key, block.label, block.text.replace("“", "„"))


def diff(old: list[Block], new: list[Block]) -> DocumentDiff:
    return diff_documents(old, new)


def typical() -> DocumentDiff:
    old = [
        art("3", "“Lorem”"),
        art("4", LITERACY_OLD),
        art("5", "“Ipsum”"),
        art("7", "“Dolor”"),
        anx("I", "“Sit”"),
    ]
    old += [anx("III", "Areas listed: biometrics, education.")]
    new = [retyped(b) if "“" in b.text else b for b in old]
    new[1] = art("4", LITERACY_NEW)
    new.insert(2, art("4a", "Providers may process special categories of personal data."))
    new[-1] = anx("III", "Areas listed: biometrics, education, employment.")
    new.append(anx("XIV", "Safeguards for special categories."))
    return diff(old, new)


def shapes() -> dict[str, DocumentDiff]:
    """One real diff per shape of the note: counts singular and plural, lists cut at eight, annexes with
    every verb, recitals and other units, typography with and without named units, nothing at all."""
    odd = [str(n) for n in range(1, 24, 2)]  # twelve articles, none next to another: the list is not a range
    many_old = [art(n, f"Text {n} shall apply.") for n in odd]
    many_new = [art(n, f"Text {n} shall not apply.") for n in odd[:10]]
    many_new[1:1] = [art("2a", "Lorem ipsum."), art("4a", "Dolor sit.")]
    retypeset = [art("1", "A"), art("2", "B"), anx("I", "X"), anx("II", "Y")]
    annexes_old = [art("1", "Lorem"), *(anx(n, f"Text of {n}.") for n in ("I", "II", "III", "VI"))]
    annexes_new = [art("1", "Lorem"), *(anx(n, f"New text of {n}.") for n in ("I", "II", "III"))]
    annexes_new += [anx("IV", "Text of IV."), anx("V", "Text of V.")]
    return {
        "typical": typical(),
        "one of each article op": diff(
            [art("4", "Lorem ipsum dolor."), art("9", "Consectetur adipiscing elit.")],
            [art("4", "Lorem ipsum sed dolor."), art("4a", "Tempor incididunt.")],
        ),
        "many articles, list cut": diff(many_old, many_new),
        "no article amended": diff([art("5", "Lorem")], [art("5", "Lorem"), art("6", "Ipsum")]),
        "annexes with every verb": diff(annexes_old, annexes_new),
        "annex alone, deleted": diff([anx("VII", "Lorem"), anx("VIII", "Ipsum")], [anx("VIII", "Ipsum")]),
        "two annexes inserted": diff(
            [anx("I", "Lorem")], [anx("I", "Lorem"), anx("II", "A"), anx("III", "B")]
        ),
        "one recital, typography of one article": diff(
            [rct("1", "Whereas lorem"), quoted(art("1", "One"))],
            [rct("1", "Whereas ipsum"), retyped(quoted(art("1", "One")))],
        ),
        "recitals and other units": diff(
            [art("1", "Lorem"), rct("1", "A"), rct("2", "B"), sec("1", "C"), sec("2", "D")],
            [art("1", "Lorem ipsum"), rct("1", "A2"), rct("2", "B2"), sec("1", "C2"), sec("2", "D")],
        ),
        "one other unit, typography of several": diff(
            [sec("1", "C"), *(quoted(b) for b in retypeset)],
            [sec("1", "C2"), *(retyped(quoted(b)) for b in retypeset)],
        ),
        "typography of unnamed units": diff(
            [art("1", "Lorem"), quoted(rct("1", "A"))], [art("1", "Ipsum"), retyped(quoted(rct("1", "A")))]
        ),
        "typography of one annex": diff(
            [art("1", "Lorem"), quoted(anx("I", "A"))], [art("1", "Ipsum"), retyped(quoted(anx("I", "A")))]
        ),
        "no substantive change": diff([art("1", "Lorem")], [art("1", "Lorem")]),
        "wording changed, words inserted and deleted": diff(
            [
                art("1", "alpha,beta"),
                art("2", "Lorem ipsum dolor sit amet, consectetur adipiscing elit sed do"),
            ],
            [
                art("1", "alpha , beta"),
                art("2", "Lorem dolor sit amet, consectetur adipiscing elit sed tempor do"),
            ],
        ),
        "one more unit": diff(
            [art(str(n), f"Lorem {n}") for n in range(1, 10)],
            [art(str(n), f"Ipsum {n}") for n in range(1, 10)],
        ),
    }


def note_lines(d: DocumentDiff) -> list[str]:
    return [summary_line(d), *unit_lines(d)]


def korean(line: str) -> str:
    return summary_line_ko(line) if is_summary_line(line) else unit_line_ko(line)


def assert_same_facts(english: str, said: str) -> None:
    """Korean, none of our English, every number, numeral and quotation of the English line kept."""
    assert HANGUL.search(said), said
    assert not GRAMMAR_WORDS.search(said), said
    assert Counter(re.findall(r"\d+", said)) == Counter(re.findall(r"\d+", english)), said
    assert Counter(ROMAN.findall(said)) == Counter(ROMAN.findall(english)), said
    for quotation in QUOTED.findall(english):
        assert quotation in said, (quotation, said)


def test_every_shape_of_the_note_reads_in_korean_with_its_numbers_and_words() -> None:
    cases = shapes()
    seen = {line for d in cases.values() for line in note_lines(d)}
    # The shapes are the ones legal_note writes (if it changes its wording, this list must follow).
    for phrase in (
        "1 article amended (4), 1 inserted (4a), 1 deleted (9)",
        "10 articles amended (1, 3, 5, 7, 9, 11, 13, 15, …), 2 inserted (2a, 4a), 2 deleted (21, 23)",
        "9 articles amended (1–8, …), 0 inserted, 0 deleted",
        "0 articles amended, 1 inserted (6), 0 deleted",
        "Annexes I, II and III amended, IV and V inserted, VI deleted",
        "Annex VII deleted",
        "Annexes II and III inserted",
        "1 recital changed; typography only: 1 unit (Article 1)",
        "2 recitals changed, 1 other unit changed",
        "1 other unit changed; typography only: 4 units (Articles 1, 2; Annexes I, II)",
        "; typography only: 1 unit",
        "; typography only: 1 unit (Annex I)",
        "no substantive change",
        "Article 1 amended: wording changed",
        "inserted “tempor”",
        "deleted “ipsum”",
        "” → “",
        "… and 1 more unit: the full list and diff are in the thread",
        "… and 6 more units: the full list and diff are in the thread",
        " inserted: ",
        " deleted (was: ",
    ):
        assert any(phrase in line for line in seen), phrase
    for d in cases.values():
        for line in note_lines(d):
            assert_same_facts(line, korean(line))


def test_the_typical_note_in_korean() -> None:
    d = typical()
    assert summary_line(d) == (
        "1 article amended (4), 1 inserted (4a), 0 deleted; Annex III amended, XIV inserted; "
        "typography only: 4 units (Articles 3, 5, 7; Annex I)"
    )
    assert summary_line_ko(summary_line(d)) == (
        "조문 1개 개정(4), 1개 신설(4a), 0개 삭제; 부속서 III 개정, XIV 신설; "
        "표기만 바뀐 단위 4개(조문 3, 5, 7; 부속서 I)"
    )
    assert [unit_line_ko(line) for line in unit_lines(d)] == [
        "제4a조 신설: Providers may process special categories of personal data.",
        "제4조 개정: … take measures to ensure 삭제 “, to their best extent,” a sufficient level of …",
        "부속서 XIV 신설: Safeguards for special categories.",
        "부속서 III 개정: … : biometrics, education 삽입 “, employment”.",
    ]
    deleted = diff([art("9", "Lorem ipsum.")], [])
    assert unit_line_ko(unit_lines(deleted)[0]) == "제9조 삭제(종전: Lorem ipsum.)"
    assert unit_line_ko("Recital 12 amended: wording changed") == "전문 제12항 개정: 문구 변경"


def test_the_recorded_ai_act_note_reads_in_korean_documents_labels_kept() -> None:
    d = diff_documents(blocks(CONSOLIDATED.read_text("utf-8")).blocks, blocks(later_version()).blocks)
    summary = "\n".join(unit_lines(d))
    assert "\n1. …" in summary  # a unit line that runs over two lines: the text's own line break
    said = note_text_ko(summary)
    assert said.split("\n") == [
        "Artikel 4 bis 신설: Verwerking van bijzondere categorieën Aanbieders mogen bijzondere categorieën "
        "persoonsgegevens verwerken om vertekening op te sporen en te corrigeren.",
        "Artikel 4 개정: … AI-systemen nemen maatregelen om 삭제 “, zoveel als mogelijk,” te zorgen voor "
        "een …",
        "BIJLAGE XIV 신설: Lijst van de in artikel 4 bis bedoelde waarborgen.",
        "BIJLAGE III 개정: … AI-systemen op de volgende 삽입 “en de bij gedelegeerde handeling toegevoegde” "
        "gebieden:",
        "1. …",
    ]
    assert_same_facts(summary_line(d), summary_line_ko(summary_line(d)))
    assert note_text_ko(f"Consolidates: M1 Verordening (EU) 2026/1744\n{summary}").startswith(
        "새로 반영된 개정 법령: M1 Verordening (EU) 2026/1744\nArtikel 4 bis 신설: "
    )


@pytest.mark.parametrize(
    "line",
    [
        "",
        "Article 5 changed, Article 112a added",  # a page's diff headline, not a note
        "Article 5 changed: 1. The following AI practices shall be prohibited",
        "1 articles amended (4), 0 inserted, 0 deleted",
        "1 article amended, 0 inserted, 0 deleted",  # a count without its numbers
        "1 article amended (4), 0 inserted",
        "1 article amended (4), 0 inserted, 0 deleted; the rest",
        "Annexes III amended",
        "Annex I and II amended",
        "Annex III inserted, IV amended",  # the verbs come amended, inserted, deleted
        "2 recital changed",
        "typography only: 2 unit (Articles 1, 2)",
        "typography only: 2 units (Chapters 1, 2)",
        "; typography only: 1 unit",
        "Article 4 amended: nothing here looks like a change",
        "Article 4 amended: a b c d e f deleted “x”",  # more words before a change than the note shows
        "… and 3 more unit: the full list and diff are in the thread",
        "이미 한국어로 쓴 문장",
    ],
)
def test_a_line_outside_the_grammar_is_unchanged(line: str) -> None:
    assert not is_summary_line(line)
    assert summary_line_ko(line) == line
    assert unit_line_ko(line) == line
    assert note_text_ko(line) == line


def test_only_the_lines_of_the_grammar_are_translated() -> None:
    text = (
        "Article 5 changed: text\nArticle 4 inserted: Lorem ipsum.\nsome line of our own\nArticle 6 added: x"
    )
    assert note_text_ko(text) == (
        "Article 5 changed: text\n제4조 신설: Lorem ipsum.\nsome line of our own\nArticle 6 added: x"
    )


# -- the digest ----------------------------------------------------------------------------------


def _digests(engine_url: str, now: datetime) -> dict[str, dict[str, str]]:
    engine = make_engine(engine_url)
    period = Period.ending(now, 14 * 86400, SEOUL)
    out = {}
    for lang in ("en", "ko"):
        digest = collect(engine, period, lang, SEOUL)
        out[lang] = {fmt: render(digest, fmt) for fmt in ("markdown", "html", "slack")}
    return out


def test_the_korean_digest_shows_a_stored_note_in_korean_and_the_english_one_as_before(
    http_server: FixtureServer, tmp_path: Path, db_url: str
) -> None:
    from tests.test_amendments import test_a_new_consolidated_version_alerts_once_as_a_lawyers_note

    test_a_new_consolidated_version_alerts_once_as_a_lawyers_note(http_server, tmp_path, db_url)
    with Session(make_engine(db_url)) as session:
        stored = session.exec(select(Change)).one()
    note = (
        "1 article amended (4), 1 inserted (4a), 0 deleted; Annex III amended, XIV inserted; "
        "typography only: 21 units (Articles 3, 6, 12, 14, 15, 65, 68, 74, 79, 102–110; Annexes X, XI, XII)"
    )
    assert stored.headline == note
    consolidates = "M1 Verordening (EU) 2026/1744 van het Europees Parlement en de Raad van 15 juli 2026"
    out = _digests(db_url, datetime.now(UTC) + timedelta(minutes=1))

    english = out["en"]["markdown"].splitlines()
    assert f"- **What changed:** {note}" in english
    assert f"- Consolidates: {consolidates}" in english
    for fmt, text in out["en"].items():
        assert note in text and f"Consolidates: {consolidates}" in text, fmt
        assert not HANGUL.search(text), fmt

    korean_note = (
        "조문 1개 개정(4), 1개 신설(4a), 0개 삭제; 부속서 III 개정, XIV 신설; 표기만 바뀐 단위 21개"
        "(조문 3, 6, 12, 14, 15, 65, 68, 74, 79, 102–110; 부속서 X, XI, XII)"
    )
    lines = out["ko"]["markdown"].splitlines()
    assert f"- **변경 사항:** {korean_note}" in lines
    assert f"- 새로 반영된 개정 법령: {consolidates}" in lines
    for fmt, text in out["ko"].items():
        assert korean_note in text and f"새로 반영된 개정 법령: {consolidates}" in text, fmt
        for english_phrase in ("amended", "inserted", "typography", "Consolidates"):
            assert english_phrase not in text, (fmt, english_phrase)


def test_the_korean_digest_shows_the_changed_words_in_korean(db_url: str) -> None:
    now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    first = diff([art("4", LITERACY_OLD)], [art("4", LITERACY_NEW)])
    second = diff(
        [art("4", LITERACY_NEW)], [art("4", LITERACY_NEW), art("4a", "Providers may process data.")]
    )

    def stored(days_ago: int, d: DocumentDiff) -> Change:
        return change(
            now, days_ago, endpoint_key="eu_ai_act/consolidated_text", source_id="eu_ai_act",
            kind="document_changed", document_key="eu_ai_act/consolidated_text",
            title="AI Act (Reg. 2024/1689): consolidated version of 27 July 2026",
            url="https://eur-lex.europa.eu/eli/reg/2024/1689", jurisdiction="EU", regulator="EUR-Lex",
            doc_type="law", relevance="ai_rule", headline=summary_line(d), summary="\n".join(unit_lines(d)),
        )  # fmt: skip

    seed(make_engine(db_url), [stored(5, first), stored(2, second)])
    out = _digests(db_url, now)

    english = out["en"]["markdown"].splitlines()
    assert (
        "- **What changed:** 1 article amended (4), 0 inserted, 0 deleted → "
        "0 articles amended, 1 inserted (4a), 0 deleted"
    ) in english
    assert "- Article 4a inserted: Providers may process data." in english
    lines = out["ko"]["markdown"].splitlines()
    assert (
        "- **변경 사항:** 조문 1개 개정(4), 0개 신설, 0개 삭제 → 조문 0개 개정, 1개 신설(4a), 0개 삭제"
        in lines
    )
    assert "- 제4a조 신설: Providers may process data." in lines
    # The header is ours too (tracker.diff.acts.act_header): the act's name as it is, the version in Korean.
    for fmt, text in out["ko"].items():
        assert "AI Act (Reg. 2024/1689): 2026년 7월 27일 통합본" in text, fmt
        assert "consolidated version of" not in text, fmt
    for fmt, text in out["en"].items():
        assert "AI Act (Reg. 2024/1689): consolidated version of 27 July 2026" in text, fmt

    seed(make_engine(db_url), [stored(1, first)])  # the newest version now amends words
    out = _digests(db_url, now)
    said = "제4조 개정: … take measures to ensure 삭제 “, to their best extent,” a sufficient level of …"
    for fmt, text in out["ko"].items():
        assert said in text, fmt
    amended = "… take measures to ensure deleted “, to their best extent,” a sufficient level of …"
    assert f"- Article 4 amended: {amended}" in out["en"]["markdown"].splitlines()


def test_a_note_that_leads_with_recitals_stays_whole_in_both_digests(db_url: str) -> None:
    """A note without articles ("1 recital changed; typography only: … (Articles 1, 2, 3)") is one
    statement: it was cut at its commas into pieces that no longer read as a note."""
    now = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    note = "1 recital changed; typography only: 3 units (Articles 1, 2, 3)"
    assert is_summary_line(note)
    seed(make_engine(db_url), [change(
        now, 1, endpoint_key="eu_ai_act/consolidated_text", source_id="eu_ai_act",
        kind="document_changed", document_key="eu_ai_act/consolidated_text",
        title="AI Act (Reg. 2024/1689): consolidated version of 27 July 2026",
        url="https://eur-lex.europa.eu/eli/reg/2024/1689", jurisdiction="EU", regulator="EUR-Lex",
        doc_type="law", relevance="ai_rule", headline=note, summary="Recital 12 amended: wording changed",
    )])  # fmt: skip
    out = _digests(db_url, now)
    assert f"- **What changed:** {note}" in out["en"]["markdown"].splitlines()
    assert (
        "- **변경 사항:** 전문 1개 항 변경; 표기만 바뀐 단위 3개(조문 1, 2, 3)"
        in out["ko"]["markdown"].splitlines()
    )
