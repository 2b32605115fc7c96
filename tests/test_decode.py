"""Charset decisions and kind sniffing on bytes like the ones regulators serve."""

from __future__ import annotations

import codecs
import random

import pytest

from tests.paths import SAMPLES
from tracker.extract.decode import decode_body, sniff_kind

# Several sentences, as a Chinese government notice has: detection needs enough text to be sure.
# 镕 is in GBK but not in GB2312; 𠮷 needs GB18030's four-byte form.
CHINESE = (
    "《人工智能生成合成内容标识办法》已经国家互联网信息办公室审议通过，现予公布，自2025年9月1日起施行。"
    "为了促进人工智能健康发展，规范人工智能生成合成内容标识，保护公民、法人和其他组织合法权益，"
    "维护社会公共利益，根据有关法律、行政法规，制定本办法。"
    "服务提供者应当对文本、音频、图片、视频、虚拟场景等生成合成内容添加显式标识。"
    "朱镕基同志曾经强调，政府工作要依法行政。"
)


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>通知</title></head><body><p>{body}</p></body></html>"


def test_gb18030_page_labelled_gb2312_in_meta_reads_correctly() -> None:
    text = page(CHINESE + "𠮷", head='<meta charset="gb2312">')
    decoded = decode_body(text.encode("gb18030"), "text/html")
    assert decoded.text == text
    assert (decoded.encoding, decoded.kind) == ("gb18030", "html")


def test_gb_page_labelled_in_http_equiv_meta() -> None:
    head = '<meta http-equiv="Content-Type" content="text/html; charset=GBK">'
    text = page(CHINESE, head=head)
    assert decode_body(text.encode("gb18030"), None).text == text


def test_gb18030_page_without_any_label_is_detected() -> None:
    text = page(CHINESE)
    decoded = decode_body(text.encode("gb18030"), "text/html")
    assert decoded.text == text
    assert decoded.encoding == "gb18030"


def test_utf8_bom_is_used_and_stripped() -> None:
    text = page(CHINESE)
    decoded = decode_body(codecs.BOM_UTF8 + text.encode("utf-8"), "text/html")
    assert decoded.text == text  # no U+FEFF left at the start
    assert decoded.encoding == "utf-8"


def test_header_latin1_but_bytes_are_utf8_chinese() -> None:
    text = page(CHINESE)
    decoded = decode_body(text.encode("utf-8"), "text/html; charset=iso-8859-1")
    assert decoded.text == text and decoded.encoding == "utf-8"


def test_header_utf8_but_bytes_are_gb18030_with_meta() -> None:
    text = page(CHINESE, head='<meta charset="gb2312">')
    decoded = decode_body(text.encode("gb18030"), "text/html; charset=utf-8")
    assert decoded.text == text and decoded.encoding == "gb18030"


def test_header_utf8_but_bytes_are_gb18030_without_meta() -> None:
    text = page(CHINESE)
    assert decode_body(text.encode("gb18030"), "text/html; charset=UTF-8").text == text


def test_meta_gb2312_but_bytes_are_utf8() -> None:
    # A site moved to UTF-8 and kept its old template head.
    text = page(CHINESE, head='<meta charset="gb2312">')
    decoded = decode_body(text.encode("utf-8"), "text/html")
    assert decoded.text == text and decoded.encoding == "utf-8"


def test_real_latin1_page_with_latin1_header() -> None:
    text = "Comité européen de la protection des données – «avis»"
    decoded = decode_body(text.encode("cp1252"), "text/plain; charset=ISO-8859-1")
    assert decoded.text == text


def test_xml_declaration_encoding_is_read() -> None:
    text = (
        '<?xml version="1.0" encoding="GB2312"?>'
        f'<rss version="2.0"><channel><title>{CHINESE}</title></channel></rss>'
    )
    decoded = decode_body(text.encode("gb18030"), "application/xml")
    assert decoded.text == text and decoded.kind == "rss"


def test_mostly_utf8_with_a_broken_character_keeps_the_rest() -> None:
    good = page(CHINESE).encode("utf-8")
    cut = good.index("人工".encode()) + 1  # drop the second byte of 人
    decoded = decode_body(good[:cut] + good[cut + 1 :], "text/html")
    assert decoded.encoding == "utf-8"
    assert "\ufffd" in decoded.text and "国家互联网信息办公室" in decoded.text


def test_invalid_utf8_without_a_clue_does_not_crash() -> None:
    body = b"<html><body>Hello \xff\xfe world \xc3 end</body></html>"
    decoded = decode_body(body, None)
    assert decoded.text.startswith("<html><body>Hello ") and decoded.text.endswith(" end</body></html>")


def test_random_bytes_are_undecodable() -> None:
    noise = random.Random(7).randbytes(4000)
    with pytest.raises(ValueError, match="undecodable"):
        decode_body(noise, "text/html")


def test_real_cac_page_decodes() -> None:
    raw = (SAMPLES / "cac" / "trimmed" / "2026-09" / "18" / "c_1791482017777471.htm").read_bytes()
    decoded = decode_body(raw, "text/html")  # the CAC server omits the charset
    assert decoded.encoding == "utf-8" and decoded.kind == "html"
    assert "\ufffd" not in decoded.text


def test_pdf_is_not_decoded() -> None:
    decoded = decode_body(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "application/octet-stream")
    assert (decoded.text, decoded.kind) == ("", "pdf")


@pytest.mark.parametrize(
    ("body", "content_type", "url", "kind"),
    [
        (b"%PDF-1.4 ...", "application/pdf", "", "pdf"),
        (b"%PDF-1.4 ...", "text/html", "", "pdf"),  # the bytes win over a wrong type
        (b"<html><body>blocked</body></html>", "application/pdf", "", "html"),  # a block page, not a PDF
        (b"", "application/pdf", "", "pdf"),
        (b'{"results": []}', "application/json", "", "json"),
        (b'  [{"a": 1}]', "text/plain", "", "json"),
        (b"{}", "", "", "json"),
        (b'<?xml version="1.0"?>\n<!-- feed -->\n<rss version="2.0"></rss>', "text/xml", "", "rss"),
        (b'<?xml version="1.0"?><?xml-stylesheet href="x"?><feed xmlns="a"/>', "application/xml", "", "rss"),
        (b'<rdf:RDF xmlns:rdf="x"></rdf:RDF>', "", "", "rss"),
        (b'<?xml version="1.0"?><FORMEX><ACT/></FORMEX>', "application/xml", "", "xml"),
        (
            b'<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"></html>',
            "application/xhtml+xml",
            "",
            "html",
        ),
        (b"<!DOCTYPE html><html><head></head></html>", "text/html", "", "html"),
        (b"<p>fragment</p>", "", "", "html"),
        (b"User-agent: *\nDisallow:", "text/plain", "", "text"),
    ],
)
def test_sniff_kind(body: bytes, content_type: str, url: str, kind: str) -> None:
    assert sniff_kind(body, content_type, url) == kind
