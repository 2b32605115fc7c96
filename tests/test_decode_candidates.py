"""Undeclared charsets are chosen by a stable rule (issue 14.3): the endpoint's previous encoding and the
source's language, never a detector's guess that changes with the number of items."""

from __future__ import annotations

import pytest

from tests.charset_pages import cac_list_page, cac_list_titles
from tracker.extract.charsets import is_plausible_text, language_codecs, stable_candidates
from tracker.extract.decode import decode_body
from tracker.extract.derive import derive
from tracker.specs import EndpointSpec, HtmlListParser
from tracker.types import ItemsExtraction

CHINESE = (
    "国家互联网信息办公室关于《人工智能生成合成内容标识办法》的通知。"
    "生成式人工智能服务提供者应当对生成合成内容添加标识。"
)
FRENCH = "Le Comité européen de la protection des données a adopté des lignes directrices – «avis»."
KOREAN = "인공지능 발전과 신뢰 기반 조성 등에 관한 기본법 시행령 제정안 입법예고"
JAPANESE = "人工知能に関する基本的な考え方について、政府は新たな指針を公表しました。"
TRADITIONAL = "人工智能生成合成內容標識辦法已經國家互聯網信息辦公室審議通過"


def page(body: str) -> str:
    return f"<html><head><title>t</title></head><body><p>{body}</p></body></html>"


# -- the flip of issue 14.3 ---------------------------------------------------------------------------
@pytest.mark.parametrize("count", [20, 21, 20, 1, 40])
def test_undeclared_gb2312_list_page_reads_as_gb_whatever_its_length(count: int) -> None:
    text = cac_list_page(count)
    decoded = decode_body(text.encode("gb2312"), "text/html", language="zh")
    assert (decoded.text, decoded.encoding) == (text, "gb18030")


def test_the_previous_encoding_alone_keeps_the_page_stable() -> None:
    # No language known (a source declared without one): last check's encoding settles it.
    for count in (20, 21, 20):
        text = cac_list_page(count)
        decoded = decode_body(text.encode("gb2312"), "text/html", previous_encoding="gb18030")
        assert decoded.text == text


def test_an_old_guess_outside_the_language_does_not_win() -> None:
    # cp949 stored by a check before this rule existed: it decodes these bytes too, into Korean noise.
    text = cac_list_page(21)
    decoded = decode_body(text.encode("gb2312"), "text/html", language="zh", previous_encoding="cp949")
    assert (decoded.text, decoded.encoding) == (text, "gb18030")


def test_a_source_declared_in_the_wrong_language_keeps_its_remembered_encoding() -> None:
    # A custom source left at the default language "en" watching a GB page: the cp1252 reading is
    # mojibake, so the remembered GB18030 is used.
    text = cac_list_page(21)
    decoded = decode_body(text.encode("gb2312"), "text/html", language="en", previous_encoding="gbk")
    assert (decoded.text, decoded.encoding) == (text, "gb18030")


# -- headers that contradict the body -----------------------------------------------------------------
@pytest.mark.parametrize("header", ["text/html; charset=utf-8", "text/html; charset=iso-8859-1"])
def test_a_header_that_does_not_fit_the_body_is_corrected(header: str) -> None:
    for count in (20, 21, 20):
        text = cac_list_page(count)
        decoded = decode_body(text.encode("gb18030"), header, language="zh")
        assert (decoded.text, decoded.encoding) == (text, "gb18030")


def test_a_latin1_header_on_a_real_latin1_page_is_obeyed() -> None:
    text = page(FRENCH)
    decoded = decode_body(text.encode("cp1252"), "text/html; charset=iso-8859-1", language="zh")
    assert (decoded.text, decoded.encoding) == (text, "cp1252")


def test_a_header_that_fits_is_obeyed_over_language_and_memory() -> None:
    text = page(KOREAN)
    decoded = decode_body(
        text.encode("euc-kr"), "text/html; charset=euc-kr", language="zh", previous_encoding="gb18030"
    )
    assert decoded.text == text


# -- the language's own encodings ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("language", "text", "codec", "expected"),
    [
        ("ko", page(KOREAN), "cp949", "cp949"),
        ("ko", page(KOREAN), "euc-kr", "cp949"),
        ("ja", page(JAPANESE), "shift_jis", "cp932"),
        ("ja", page(JAPANESE), "euc-jp", "euc_jp"),
        ("ja", page(JAPANESE), "iso-2022-jp", "iso2022_jp"),
        ("zh-TW", page(TRADITIONAL), "big5", "big5hkscs"),
        ("zh", page(TRADITIONAL), "big5", "big5hkscs"),  # GB18030 reads it as nonsense: rejected
        ("fr", page(FRENCH), "cp1252", "cp1252"),
        ("ru", page("Искусственный интеллект и право"), "cp1251", "cp1251"),
    ],
)
def test_undeclared_legacy_pages_decode_with_their_language(
    language: str, text: str, codec: str, expected: str
) -> None:
    decoded = decode_body(text.encode(codec), "text/html", language=language)
    assert (decoded.text, decoded.encoding) == (text, expected)


def test_utf8_wins_over_a_remembered_legacy_encoding() -> None:
    # The site moved to UTF-8 without saying so.
    text = page(CHINESE)
    decoded = decode_body(text.encode("utf-8"), "text/html", language="zh", previous_encoding="gb18030")
    assert (decoded.text, decoded.encoding) == (text, "utf-8")


def test_mostly_utf8_with_a_cut_character_stays_utf8_in_a_chinese_source() -> None:
    good = page(CHINESE * 3).encode("utf-8")
    cut = good.index("标识".encode()) + 1
    decoded = decode_body(good[:cut] + good[cut + 1 :], "text/html", language="zh")
    assert decoded.encoding == "utf-8" and "国家互联网信息办公室" in decoded.text


def test_a_gb_page_with_one_corrupt_byte_keeps_the_rest() -> None:
    text = cac_list_page(20)
    raw = text.encode("gb18030")
    cut = raw.index("网络安全".encode("gb18030")) + 1  # a lead byte without its trail byte
    decoded = decode_body(raw[:cut] + b"<" + raw[cut + 1 :], "text/html", language="zh")
    assert decoded.encoding == "gb18030"
    assert decoded.text.count("\ufffd") == 1 and "算法备案" in decoded.text


def test_an_ascii_body_keeps_the_remembered_encoding() -> None:
    body = b"<html><body><p>Notice 2026-09</p></body></html>"
    assert decode_body(body, "text/html", previous_encoding="gb18030").encoding == "gb18030"
    assert decode_body(body, "text/html", previous_encoding="utf-16").encoding == "utf-8"
    assert decode_body(body, "text/html").encoding == "utf-8"


def test_without_language_or_memory_undeclared_utf8_is_unchanged() -> None:
    text = page(CHINESE)
    assert decode_body(text.encode("utf-8"), "text/html").encoding == "utf-8"


# -- the rule itself ----------------------------------------------------------------------------------
def test_language_codecs() -> None:
    assert language_codecs("zh")[0] == "gb18030"
    assert language_codecs("zh-Hant")[0] == language_codecs("zh_TW")[0] == "big5hkscs"
    assert language_codecs("pt-BR") == ("cp1252",)
    assert language_codecs("xx") == language_codecs(None) == ()


def test_stable_candidates_order() -> None:
    assert stable_candidates("zh", "gbk") == ["gb18030", "big5hkscs"]  # GBK read as GB18030
    assert stable_candidates("zh", "cp949") == ["gb18030", "big5hkscs", "cp949"]
    assert stable_candidates("ja", "euc-jp") == ["euc_jp", "iso2022_jp", "cp932"]
    assert stable_candidates("ja", "shift_jis") == ["shift_jis", "iso2022_jp", "cp932", "euc_jp"]
    assert stable_candidates(None, "latin-1") == ["cp1252"]
    assert stable_candidates("en", "utf-8") == ["cp1252"]
    assert stable_candidates("en", "binary") == stable_candidates("en", "") == ["cp1252"]


def test_plausibility_rejects_mojibake_not_real_text() -> None:
    gb = cac_list_page(3).encode("gb18030")
    assert not is_plausible_text(gb.decode("latin-1"))
    assert is_plausible_text(gb.decode("gb18030"))
    assert is_plausible_text(page(FRENCH)) and is_plausible_text("<p>plain ASCII</p>")


def test_derive_passes_the_clues_to_decoding() -> None:
    endpoint = EndpointSpec(
        id="consultations",
        url="http://127.0.0.1/list.htm",
        parser=HtmlListParser(item="#loadingInfoPage > li", link="h5 > a", title_attr="title"),
    )
    decoded, extraction = derive(
        endpoint, cac_list_page(21).encode("gb2312"), "text/html", endpoint.url, language="zh"
    )
    assert decoded.encoding == "gb18030"
    assert isinstance(extraction, ItemsExtraction)
    assert [i.title for i in extraction.items] == cac_list_titles(21)
