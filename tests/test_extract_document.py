"""Generic documents: HTML pages (CAC detail pages, real and trimmed) and PDFs (built in the test)."""

from __future__ import annotations

from html import escape

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from tests.paths import SAMPLES
from tracker.extract import NORMALISE, extract, extractor_version
from tracker.extract.normalise import content_hash
from tracker.specs import (
    DocumentParser,
    EndpointSpec,
    FeedParser,
    HtmlListParser,
    JsonListParser,
    LinksParser,
)
from tracker.types import DecodedBody, DocumentExtraction, ExtractionError

CAC = SAMPLES / "cac" / "trimmed"
CAC_MINORS = CAC / "2026-09" / "18" / "c_1791482017777471.htm"
CAC_APPS = CAC / "2026-06" / "26" / "c_1784217637474922.htm"
CAC_BODY = DocumentParser(dialect="html", content=".main-content #BodyLabel")


def _run(
    body: str | bytes, parser: DocumentParser, url: str = "https://www.cac.gov.cn/"
) -> DocumentExtraction:
    raw = body.encode("utf-8") if isinstance(body, str) else body
    text = "" if raw.startswith(b"%PDF") else raw.decode("utf-8")
    decoded = DecodedBody(text=text, encoding="utf-8", kind="pdf" if not text else "html")
    result = extract(decoded, raw, EndpointSpec(id="doc", url=url, parser=parser), url)
    assert isinstance(result, DocumentExtraction)
    return result


def make_pdf(pages: list[list[str]], title: str = "Test PDF") -> bytes:
    """A minimal, valid PDF with Helvetica text lines (for tests only; not a recorded document)."""
    objects: list[bytes] = []
    page_ids = [3 + 2 * n for n in range(len(pages))]
    font_id = 3 + 2 * len(pages)
    info_id = font_id + 1
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{i} 0 R" for i in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    for n, lines in enumerate(pages):
        ops = ["BT", "/F1 11 Tf", "72 740 Td", "14 TL"]
        for line in lines:
            escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            ops.append(f"({escaped}) Tj T*")
        ops.append("ET")
        stream = "\n".join(ops).encode("latin-1")
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792]"
            f" /Resources << /Font << /F1 {font_id} 0 R >> >> /Contents {page_ids[n] + 1} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objects.append(f"<< /Title ({title}) >>".encode())
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        info_id,
        xref,
    )
    return bytes(out)


def test_cac_detail_page_paragraphs() -> None:
    result = _run(CAC_MINORS.read_text("utf-8"), CAC_BODY)
    assert result.title.startswith("国家互联网信息办公室关于《国务院关于保障未成年人健康安全使用网络的规定")
    texts = [b.text for b in result.blocks]
    assert texts[0].startswith("为了加强未成年人网络保护，营造有利于未成年人身心健康的网络环境")
    assert texts[1] == "1.通过电子邮件将意见发送至：weibao@cac.gov.cn。"
    assert "附件：1.国务院关于保障未成年人健康安全使用网络的规定（征求意见稿）" in texts
    assert (
        "2.关于《国务院关于保障未成年人健康安全使用网络的规定（征求意见稿）》的说明" in texts
    )  # 　　　 dropped
    article_5 = texts.index(
        "第五条 网络服务提供者向未满十六周岁的未成年人提供下列网络服务的，应当通过未成年人模式提供："
    )
    assert texts[article_5 + 3] == "（三）可能影响未成年人认知的人工智能服务；"
    assert [b.key for b in result.blocks[:3]] == ["p_0001", "p_0002", "p_0003"]
    assert [b.label for b in result.blocks[:3]] == ["¶1", "¶2", "¶3"]
    assert result.links == ()


def test_cac_attachment_links() -> None:
    result = _run(CAC_APPS.read_text("utf-8"), CAC_BODY)
    assert len(result.links) == 3
    assert all(
        link.startswith("https://www.cac.gov.cn/cms/pub/interact/downloadfile.jsp?") for link in result.links
    )
    assert "fText=%E7%BC%96%E5%88%B6%E8%AF%B4%E6%98%8E" in result.links[1]  # 编制说明
    assert "联系邮箱：zwapp@cac.gov.cn" in [b.text for b in result.blocks]


def test_volatile_markup_does_not_change_the_hash() -> None:
    page = "<html><body><main><h1>Guidance</h1><p>First   paragraph.</p><p>Second</p></main></body></html>"
    noisy = (
        "<html><head><script>var pagestat={t:1790000000}</script></head><body><nav>Menu</nav>"
        "<main><h1 class='x' id='y'>Guidance</h1><p>First paragraph.<!-- 12:00 --></p><p>Second</p>"
        "<div class='share-widget'>Shared 12 times</div></main><footer>© 2026</footer></body></html>"
    )
    plain = _run(page, DocumentParser(dialect="html"))
    cleaned = _run(noisy, DocumentParser(dialect="html", drop=(".share-widget",)))
    assert [b.text for b in plain.blocks] == ["Guidance", "First paragraph.", "Second"]
    assert content_hash(plain) == content_hash(cleaned)


def test_tables_lists_and_nested_blocks() -> None:
    html = """<main><div>Intro text<p>Nested paragraph</p>tail text</div>
    <ul><li>One</li><li>Two<br>lines</li></ul>
    <table><tr><th>Term</th><th>Meaning</th></tr>
    <tr><td>AI</td><td>artificial intelligence</td></tr></table></main>"""
    texts = [b.text for b in _run(html, DocumentParser()).blocks]
    assert texts == [
        "Intro text",
        "Nested paragraph",
        "tail text",
        "One",
        "Two",
        "lines",
        "Term Meaning",
        "AI artificial intelligence",
    ]


def test_content_selector_matching_nothing_is_an_error() -> None:
    with pytest.raises(ExtractionError, match=r"selector '\.main-content #BodyLabel' matched nothing"):
        _run("<html><body><div class='new-layout'>正文</div></body></html>", CAC_BODY)


def test_empty_page_is_an_error() -> None:
    with pytest.raises(ExtractionError, match="no text"):
        _run("<html><body><main><script>x()</script></main></body></html>", DocumentParser())


def test_pdf_paragraphs_across_pages() -> None:
    pdf = make_pdf(
        [
            [
                "Guidelines on general-purpose AI models",
                "1. Providers shall keep technical",
                "documentation up to date.",
            ],
            ["2. The AI Office may request information.", "Annex"],
        ],
        title="GPAI guidelines",
    )
    result = _run(pdf, DocumentParser())  # "auto" sniffs %PDF-
    assert result.title == "GPAI guidelines"
    assert [b.text for b in result.blocks] == [
        "Guidelines on general-purpose AI models 1. Providers shall keep technical documentation up to date.",
        "2. The AI Office may request information.",
        "Annex",
    ]


def test_pdf_dialect_rejects_non_pdf_and_broken_pdf() -> None:
    with pytest.raises(ExtractionError, match="does not start with %PDF-"):
        _run("<html>challenge</html>", DocumentParser(dialect="pdf"))
    with pytest.raises(ExtractionError, match=r"unreadable PDF|no extractable text"):
        _run(b"%PDF-1.4\n1 0 obj garbage", DocumentParser(dialect="pdf"))


def test_extractor_versions_fit_the_column_and_differ() -> None:
    parsers = [
        FeedParser(),
        JsonListParser(items_path="r", id_field="i", title_field="t"),
        HtmlListParser(item="li"),
        LinksParser(),
        *(
            DocumentParser(dialect=d)
            for d in ("html", "eurlex_oj", "eurlex_consolidated", "formex", "lawgokr", "pdf", "auto")
        ),
    ]
    versions = [extractor_version(EndpointSpec(id="e", url="https://x/", parser=p)) for p in parsers]
    assert len(set(versions)) == len(versions)
    assert all(len(v) <= 64 for v in versions)  # SourceState.last_extractor_version is VARCHAR(64)
    assert versions[0].startswith(f"feed-1.{NORMALISE}-") and versions[5].startswith(
        f"legal-eurlex_oj-1.{NORMALISE}-"
    )
    # The declaration is part of the version: another selector re-derives instead of alerting.
    other = extractor_version(EndpointSpec(id="e", url="https://x/", parser=HtmlListParser(item="li.news")))
    assert other != versions[2]


_HREF_PARTS = st.sampled_from(
    [
        "a",
        "b.html",
        "x.pdf",
        "X.PDF",
        "download",
        "Downloads/",
        "../",
        "./",
        "/",
        "//other.example/",
        "?",
        "&",
        "utm_source=download",
        "page=2",
        "#",
        "#frag",
        ".docx",
        "file",
        "http://h.example/",
        "%2E",
    ]
)
_BASES = st.sampled_from(
    [
        "https://www.cac.gov.cn/2026-09/18/c_1.htm",
        "https://ex.org/downloads/list.html",
        "https://ex.org/docs/act.pdf",
        "https://ex.org/docs/act.pdf?lang=en",
        "https://download.ex.org/",
        "https://ex.org/a/b/",
    ]
)


@settings(max_examples=300, deadline=None)
@example(hrefs=["?x.pdf&"], base="https://www.cac.gov.cn/2026-09/18/c_1.htm")  # found by hypothesis
@example(hrefs=["a?b=x.pdf&a=1", "a?x.PDF&utm_source=download"], base="https://ex.org/a/b/")
@given(hrefs=st.lists(st.lists(_HREF_PARTS, max_size=5).map("".join), max_size=8), base=_BASES)
def test_attachment_links_skip_only_anchors_that_cannot_match(hrefs: list[str], base: str) -> None:
    """The early skip of most anchors finds exactly what joining and cleaning every anchor finds."""
    from lxml import html

    from tracker.extract.document import _DOCUMENT_LINK, _document_links
    from tracker.extract.normalise import strip_tracking_query
    from tracker.extract.urls import absolute_url

    root = html.fromstring(
        "<div>" + "".join(f'<a href="{escape(h, quote=True)}">l</a>' for h in hrefs) + "</div>"
    )
    expected: list[str] = []
    for anchor in root.iterdescendants("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("javascript:", "mailto:", "#")):
            continue
        url = strip_tracking_query(absolute_url(href, base))
        if _DOCUMENT_LINK.search(url) and url not in expected:
            expected.append(url)
    assert tuple(url for url, _ in _document_links([root], base)) == tuple(expected)
