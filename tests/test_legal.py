"""Legal texts from the real samples: EUR-Lex OJ XHTML, Formex, the consolidated dialect, law.go.kr."""

from __future__ import annotations

import difflib

import pytest

from tests.paths import SAMPLES
from tracker.diff.core import diff_documents
from tracker.extract import extract, sniff_dialect
from tracker.specs import DocumentParser, EndpointSpec
from tracker.types import DecodedBody, DocumentExtraction, ExtractionError

EU = SAMPLES / "eu"
OJ_EN = EU / "eurlex_cellar_ai-act_32024R1689_oj_EN.xhtml"
FORMEX = EU / "eurlex_cellar_ai-act_32024R1689_formex_COMBINED.fmx.xml"
OJ_NL = EU / "eurlex_ai-act_32024R1689_OJ_NL_frontoffice.html"
CONSOLIDATED_NL = EU / "eurlex_ai-act_02024R1689-20240712_consolidated_NL_frontoffice.html"
LAWGOKR = SAMPLES / "kr" / "lawgokr_ai_basic_act_lawService_21311.xml"
WAF_STUB = EU / "eurlex_legal-content_aws_waf_challenge_stub.html"


def _extract(path, dialect: str = "auto") -> DocumentExtraction:
    raw = path.read_bytes()
    decoded = DecodedBody(text=raw.decode("utf-8"), encoding="utf-8", kind="html")
    endpoint = EndpointSpec(id="act", url="https://example.eu/act", parser=DocumentParser(dialect=dialect))
    result = extract(decoded, raw, endpoint, endpoint.url)
    assert isinstance(result, DocumentExtraction)
    return result


@pytest.fixture(scope="module")
def oj_en() -> DocumentExtraction:
    return _extract(OJ_EN, "eurlex_oj")


@pytest.fixture(scope="module")
def formex() -> DocumentExtraction:
    return _extract(FORMEX, "formex")


@pytest.fixture(scope="module")
def oj_nl() -> DocumentExtraction:
    return _extract(OJ_NL)


@pytest.fixture(scope="module")
def consolidated_nl() -> DocumentExtraction:
    return _extract(CONSOLIDATED_NL)


def _keys(extraction: DocumentExtraction, kind: str) -> list[str]:
    return [b.key for b in extraction.blocks if b.key.startswith(kind + "_")]


def test_oj_xhtml_has_every_article_recital_and_annex(oj_en: DocumentExtraction) -> None:
    articles = _keys(oj_en, "art")
    assert len(articles) == 113
    assert articles[0] == "art_1" and articles[-1] == "art_113"
    assert _keys(oj_en, "rct") == [f"rct_{n}" for n in range(1, 181)]
    annexes = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII"]
    assert _keys(oj_en, "anx") == [f"anx_{n}" for n in annexes]
    assert oj_en.version == "2024-07-12"
    assert oj_en.title.startswith("REGULATION (EU) 2024/1689 OF THE EUROPEAN PARLIAMENT AND OF THE COUNCIL")


def test_oj_article_label_heading_and_lists(oj_en: DocumentExtraction) -> None:
    art5 = next(b for b in oj_en.blocks if b.key == "art_5")
    assert art5.label == "Article 5"
    lines = art5.text.split("\n")
    assert lines[0] == "Prohibited AI practices"
    assert lines[1] == "1. The following AI practices shall be prohibited:"
    assert lines[2].startswith(
        "(a) the placing on the market, the putting into service or the use of an AI system"
    )
    assert "(i) detrimental or unfavourable treatment" in art5.text
    assert "\u00a0" not in art5.text and "  " not in art5.text


def test_oj_footnote_markers_are_dropped(oj_en: DocumentExtraction) -> None:
    art78 = next(b for b in oj_en.blocks if b.key == "art_78")
    # "(a) ... Directive (EU) 2016/943 of the European Parliament and of the Council (57);" in the OJ
    assert "of the European Parliament and of the Council;" in art78.text
    assert "(57)" not in art78.text


def test_recitals_and_annexes_have_labels(oj_en: DocumentExtraction) -> None:
    blocks = {b.key: b for b in oj_en.blocks}
    assert blocks["rct_1"].label == "Recital 1"
    assert blocks["rct_1"].text.startswith("The purpose of this Regulation is to improve the functioning")
    assert blocks["anx_III"].label == "ANNEX III"
    assert blocks["anx_III"].text.startswith("High-risk AI systems referred to in Article 6(2)")


def test_formex_gives_identical_article_text_to_the_oj_xhtml(
    oj_en: DocumentExtraction, formex: DocumentExtraction
) -> None:
    html = {b.key: b for b in oj_en.blocks}
    fmx = {b.key: b for b in formex.blocks}
    assert _keys(formex, "art") == _keys(oj_en, "art")
    for key in _keys(oj_en, "art"):
        if html[key].text != fmx[key].text or html[key].label != fmx[key].label:
            diff = "\n".join(
                difflib.unified_diff(
                    html[key].text.split("\n"), fmx[key].text.split("\n"), "xhtml", "formex", lineterm=""
                )
            )
            pytest.fail(f"first differing article: {key} ({html[key].label} / {fmx[key].label})\n{diff}")


def test_formex_recitals_and_annexes_match_too(oj_en: DocumentExtraction, formex: DocumentExtraction) -> None:
    assert [b.key for b in formex.blocks] == [b.key for b in oj_en.blocks]
    differing = [a.key for a, b in zip(oj_en.blocks, formex.blocks, strict=True) if a.text != b.text]
    assert differing == []
    assert formex.version == "2024-07-12"
    assert formex.title == oj_en.title


def test_dutch_oj_against_its_consolidation_reports_only_the_corrigendum(
    oj_nl: DocumentExtraction, consolidated_nl: DocumentExtraction
) -> None:
    assert len(_keys(oj_nl, "rct")) == 180
    assert _keys(consolidated_nl, "rct") == []
    assert _keys(consolidated_nl, "art") == _keys(oj_nl, "art")
    assert len(_keys(consolidated_nl, "anx")) == 13
    diff = diff_documents(oj_nl.blocks, consolidated_nl.blocks)
    assert diff.removed == 0 and diff.added == 0  # no recital noise
    assert 0 < diff.changed < 15
    assert diff.headline() == "Artikel 73 changed"  # corrigendum C2 renumbered its paragraph 11 -> 10
    assert "-11. Voor AI-systemen met een hoog risico die veiligheidscomponenten" in diff.unified
    assert "+10. Voor AI-systemen met een hoog risico die veiligheidscomponenten" in diff.unified


def test_consolidated_dialect_details(consolidated_nl: DocumentExtraction) -> None:
    assert (
        consolidated_nl.version == "2024-07-12"
    )  # <link rel="canonical" href=".../eli/reg/2024/1689/2024-07-12/eng">
    blocks = {b.key: b for b in consolidated_nl.blocks}
    assert blocks["art_1"].label == "Artikel 1"
    assert blocks["art_1"].text.split("\n")[:3] == [
        "Onderwerp",
        "1. Deze verordening heeft tot doel de werking van de interne markt te verbeteren en de toepassing "
        "van mensgerichte en betrouwbare artificiële intelligentie (AI) te bevorderen, en tegelijkertijd een "
        "hoog niveau van bescherming van de gezondheid, de veiligheid en de in het Handvest verankerde "
        "grondrechten te waarborgen, met inbegrip van de democratie, de rechtsstaat en de bescherming van "
        "het milieu, tegen de schadelijke gevolgen van AI-systemen in de Unie, en innovatie te ondersteunen.",
        "2. Bij deze verordening worden vastgesteld:",
    ]
    assert blocks["anx_III"].label == "BIJLAGE III"
    for block in consolidated_nl.blocks:
        assert not any(marker in block.text for marker in "▼►◄"), block.key


def test_amendment_markers_inside_the_text_are_removed() -> None:
    html = """<html><head><link rel="canonical" href="https://eur-lex.europa.eu/legal-content/EN/TXT/?uri=CELEX:02024R1689-20260727"/></head>
    <body><div class="eli-subdivision" id="art_4"><p class="title-article-norm">Article 4</p>
    <div class="eli-title"><p class="stitle-article-norm">AI literacy</p></div>
    <p class="modref"><a href="#">▼M1</a></p>
    <div class="norm"><span class="no-parag">1.  </span>
    <div class="norm inline-element">Providers ►C1 shall take ◄ measures.</div></div>
    </div></body></html>"""
    decoded = DecodedBody(text=html, encoding="utf-8", kind="html")
    assert sniff_dialect(decoded, html.encode()) == "eurlex_consolidated"
    endpoint = EndpointSpec(id="act", url="https://example.eu/", parser=DocumentParser())
    result = extract(decoded, html.encode(), endpoint, endpoint.url)
    assert isinstance(result, DocumentExtraction)
    assert result.version == "2026-07-27"
    assert result.blocks[0].text == "AI literacy\n1. Providers shall take measures."


def test_waf_challenge_page_is_not_a_legal_text() -> None:
    with pytest.raises(ExtractionError, match="no EUR-Lex articles"):
        _extract(WAF_STUB, "eurlex_oj")


def test_lawgokr_articles() -> None:
    result = _extract(LAWGOKR)
    keys = [b.key for b in result.blocks]
    assert len(keys) == 46
    assert {"jo_17의2", "jo_22의2", "jo_22의3"} <= set(keys)
    assert keys.index("jo_17의2") == keys.index("jo_17") + 1
    assert keys[0] == "jo_1" and keys[-1] == "jo_43"
    blocks = {b.key: b for b in result.blocks}
    assert blocks["jo_17의2"].label == "제17조의2"
    assert blocks["jo_17의2"].text.split("\n") == [
        "제17조의2(인공지능제품 및 인공지능서비스 이용비용의 지원)",
        "① 국가와 지방자치단체는 경제적 여건으로 인하여 인공지능제품 및 인공지능서비스를 이용하기 어려운 "
        "사람에 대하여 예산의 범위에서 그 비용의 전부 또는 일부를 지원할 수 있다.",
        "② 제1항에 따른 비용 지원의 요건과 대상 등에 필요한 사항은 대통령령으로 정한다.",
    ]
    # 항 > 호 > 목 in document order
    jo2 = blocks["jo_2"].text.split("\n")
    assert jo2[0] == "제2조(정의) 이 법에서 사용하는 용어의 뜻은 다음과 같다. <개정 2026.1.20>"
    assert jo2[4].startswith('4. "고영향 인공지능"이란')
    assert jo2[5] == "가. 「에너지법」 제2조제1호에 따른 에너지의 공급"
    assert result.title == "인공지능 발전과 신뢰 기반 조성 등에 관한 기본법"
    assert result.version == "제21311호 2026-07-21"


def test_sniffing_picks_each_dialect() -> None:
    def sniff(path) -> str:
        raw = path.read_bytes()
        return sniff_dialect(DecodedBody(raw.decode("utf-8"), "utf-8", "html"), raw)

    assert sniff(OJ_EN) == "eurlex_oj"
    assert sniff(OJ_NL) == "eurlex_oj"
    assert sniff(CONSOLIDATED_NL) == "eurlex_consolidated"
    assert sniff(FORMEX) == "formex"
    assert sniff(LAWGOKR) == "lawgokr"
    assert sniff(WAF_STUB) == "html"
