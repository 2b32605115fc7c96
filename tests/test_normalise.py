"""Normalisation, reading pages without their chrome, URL cleaning and hashing."""

from __future__ import annotations

from datetime import UTC, datetime

from tracker.extract.document import extract_html_document
from tracker.extract.normalise import (
    clean_text,
    content_hash,
    item_hash,
    normalise_text,
    strip_tracking_query,
)
from tracker.specs import DocumentParser
from tracker.types import Block, DecodedBody, DocumentExtraction, ExtractedItem, ItemsExtraction


def test_clean_text_collapses_unicode_whitespace_and_drops_invisibles() -> None:
    raw = "\u3000\u3000第一条\u00a0 为了\u200b加强\t\n网络\u2009保护\ufeff  "
    assert clean_text(raw) == "第一条 为了加强 网络 保护"


def test_clean_text_keeps_characters_faithful() -> None:
    # display form: circled numbers, full-width punctuation and typographic quotes stay as written
    assert clean_text("① 국가는 （征求意见稿） ‘real-time’") == "① 국가는 （征求意见稿） ‘real-time’"


def test_normalise_text_applies_nfkc() -> None:
    assert normalise_text("（征求意见稿）") == "(征求意见稿)"
    assert normalise_text("Ｆｕｌｌ\u00a0ﬁle ①") == "Full file 1"
    assert normalise_text("a\nb\r\n  c") == "a b c"


def test_documents_are_read_without_page_chrome_but_keep_article_headers() -> None:
    html = """<html><head><style>p{}</style><script>var pagestat=1</script></head><body>
    <header>Site banner</header><nav>Menu</nav><div id="cookie-consent">Accept cookies</div>
    <div role="navigation">Breadcrumbs</div>
    <main><article><header><h1>The article title</h1></header><p>Body text.</p>
    <form><input name="q"></form><iframe src="x"></iframe><!-- generated 12:00 --></article>
    <aside>Related</aside></main><footer>Footer</footer><noscript>Enable JS</noscript></body></html>"""
    for content in (None, "body"):  # the default region (<main>) and a whole body declared as content
        decoded = DecodedBody(text=html, encoding="utf-8", kind="html")
        document = extract_html_document(
            decoded, DocumentParser(dialect="html", content=content), "https://x/"
        )
        assert [block.text for block in document.blocks] == ["The article title", "Body text."]


def test_strip_tracking_query() -> None:
    url = "HTTPS://WWW.Example.ORG/path?utm_source=rss&b=2&fbclid=x&a=1&_=1699999&v=3#section"
    assert strip_tracking_query(url) == "https://www.example.org/path?a=1&b=2"
    assert strip_tracking_query("https://example.org") == "https://example.org/"
    # single-page-app routes name the content; plain anchors do not
    assert strip_tracking_query("https://x.eu/app#!/detail/5?x") == "https://x.eu/app#!/detail/5?x"
    assert strip_tracking_query("https://x.eu/page#section-2") == "https://x.eu/page"
    # values keep their encoding (CAC attachment links carry base64 with / and =)
    cac = "https://www.cac.gov.cn/cms/pub/interact/downloadfile.jsp?filepath=Nk~z2D/zVz=&fText=%E7%BC%96"
    assert strip_tracking_query(cac) == (
        "https://www.cac.gov.cn/cms/pub/interact/downloadfile.jsp?fText=%E7%BC%96&filepath=Nk~z2D/zVz="
    )


def test_item_hash_halves_separate_title_from_content() -> None:
    base = ExtractedItem(stable_id="1", title="T", url="https://example.org/1", summary="S")
    retitled = ExtractedItem(stable_id="1", title="T2", url="https://example.org/1", summary="S")
    resummarised = ExtractedItem(stable_id="1", title="T", url="https://example.org/1", summary="S2")
    assert len(item_hash(base)) == 64
    assert item_hash(base)[:32] != item_hash(retitled)[:32]
    assert item_hash(base)[32:] == item_hash(retitled)[32:]
    assert item_hash(base)[:32] == item_hash(resummarised)[:32]
    assert item_hash(base)[32:] != item_hash(resummarised)[32:]


def test_item_hash_ignores_dates_meta_and_doc_type() -> None:
    base = ExtractedItem(stable_id="1", title="T", url="https://example.org/1")
    other = ExtractedItem(
        stable_id="1",
        title="T",
        url="https://example.org/1?utm_medium=email",
        published_at=datetime(2026, 1, 1, tzinfo=UTC),
        meta={"page_views": "12"},
    )
    assert item_hash(base) == item_hash(other)


def test_content_hash_of_items_is_order_independent() -> None:
    a = ExtractedItem(stable_id="a", title="A", url="https://example.org/a")
    b = ExtractedItem(stable_id="b", title="B", url="https://example.org/b")
    assert content_hash(ItemsExtraction((a, b))) == content_hash(ItemsExtraction((b, a)))
    c = ExtractedItem(stable_id="c", title="C", url="https://example.org/c")
    assert content_hash(ItemsExtraction((a, b))) != content_hash(ItemsExtraction((a, b, c)))


def test_content_hash_of_documents() -> None:
    doc = DocumentExtraction(
        blocks=(Block("art_1", "Article 1", "Text  one"),), title="Act", version="2024-07-12"
    )
    same = DocumentExtraction(
        blocks=(Block("art_1", "Artikel 1", "Text one"),), title="Act", version="2026-07-27"
    )
    changed = DocumentExtraction(blocks=(Block("art_1", "Article 1", "Text two"),), title="Act")
    assert content_hash(doc) == content_hash(same)  # labels and version are not content
    assert content_hash(doc) != content_hash(changed)
    with_link = DocumentExtraction(blocks=doc.blocks, title="Act", links=("https://example.org/a.pdf",))
    assert content_hash(doc) != content_hash(with_link)
    assert len(content_hash(doc)) == 64


def _document_lines(html: str) -> list[str]:
    decoded = DecodedBody(text=html, encoding="utf-8", kind="html")
    return [
        b.text for b in extract_html_document(decoded, DocumentParser(dialect="html"), "https://x/").blocks
    ]


def test_chrome_is_recognised_by_role_id_and_class_with_html_case_rules() -> None:
    html = (
        "<main><div class='Cookie-Banner x'>c1</div><div id='myCOOKIEbox'>c2</div>"
        "<div class='a\u00a0cc-window'>c3</div><div class='cc-windowx'>keep</div>"
        "<div role='Navigation'>keep2</div><div class='ecl-cookie-consent'>c4</div>"
        "<div id='globan'>official website</div><span role='banner'>b</span><p>text</p></main>"
    )
    # class parts fold ASCII case; a whole class name must match exactly; role values are case-sensitive
    assert _document_lines(html) == ["keep", "keep2", "text"]


def test_page_header_and_footer_are_chrome_but_an_articles_own_are_content() -> None:
    html = (
        "<body><header><main><p>in header</p></main></header><main><nav>n</nav><p>real</p>"
        "<article><header>own</header><footer>f</footer></article><footer>page</footer></main></body>"
    )
    # the first <main> lies in the page header: not the document; inside <main>, headers are content
    assert _document_lines(html) == ["real", "own", "f", "page"]
    assert _document_lines(
        "<main><form><p>form</p></form><iframe>i</iframe><noscript>n</noscript><p>ok</p></main>"
    ) == ["ok"]
