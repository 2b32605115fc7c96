"""The selector engine: cssselect's XPath over lxml selects exactly what soupsieve selects over
BeautifulSoup, on every recorded sample, every HTML fixture and a set of edge cases.

Sources declare selectors in soupsieve's dialect (what users know from BeautifulSoup); tracker runs the
common subset as compiled XPath and hands the rest to soupsieve. A wrong translation would silently
change which items or paragraphs a source reads, so each selector is checked against soupsieve itself.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import soupsieve
from bs4 import Tag
from lxml import etree

from sources.cn import cn_cac
from tests.paths import FIXTURES, SAMPLES
from tracker.extract.css import SCRIPT_TAGS, Page, compiled, make_soup
from tracker.specs import HtmlListParser
from tracker.types import ExtractionError

EDGE_CASES = {
    "ruby": "<main><p>漢<rp>(</rp><rt>kan</rt><rp>)</rp>字 <ruby>字<rt><div>ji</div></rt></ruby>x</p></main>",
    "template": "<body><template><p>hidden</p></template><p>seen</p><main>m<template>t</template>n</main></body>",
    "cdata": "<main><p>a<![CDATA[b]]>c</p><p>d<!-- e -->f</p></main>",
    "pi": "<?xml version='1.0'?><main><p>x<?php echo 1; ?>y</p></main>",
    "meta_gbk": '<html><head><meta charset="gbk"><title>标题</title></head><body><p>第一条 人工智能</p></body></html>',
    "meta_latin1": '<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"><p>café – “x”</p>',
    "nested_volatile": "<body><header><main><p>in header</p></main></header><main><nav>n</nav><p>real</p>"
    "<article><header>own</header><footer>f</footer></article><footer>page</footer></main></body>",
    "cookie_classes": "<main><div class='Cookie-Banner x'>c1</div><div id='myCOOKIEbox'>c2</div>"
    "<div class='a\u00a0cc-window'>c3</div><div class='cc-windowx'>keep</div>"
    "<div role='Navigation'>keep2</div><div class='ecl-cookie-consent'>c4</div><p>text</p></main>",
    "svg_title": "<body><svg><title>icon</title></svg><main><h1></h1><h1>second</h1><p>t</p></main></body>",
    "no_title": "<body><div><h1>Head</h1><p>x</p></div></body>",
    "empty": "",
    "blank": "   \n  ",
    "comment_only": "<!-- nothing -->",
    "entity_only": "&amp; &nbsp;",
    "plain_text": "Plain & simple <b>bold</b> text",
    "pre": "<main><pre>  a\n   b  </pre><p>c\n\nd</p></main>",
    "table": "<main><table><tr><th>A</th><td>1<p>x</p></td></tr><tr><td>2</td><td><br>3</td></tr></table></main>",
    "br_inline": "<main><p>one<br>two<span>three<br/>four</span></p><div>five<div>six</div>seven</div></main>",
    "nested_roots": "<body><div class='c'><p>outer</p><div class='c'><p>inner</p><nav>x</nav></div>"
    "<aside><div class='c'>in aside</div></aside></div></body>",
    "head_only": "<title>Only a title</title>",
    "main_in_nav": "<body><nav><main><p>nav main</p></main></nav><main><p>real main</p></main></body>",
    "links": "<main><a href='a.pdf'>A</a><a href='javascript:x'>j</a><a href=' b.PDF?x=1 '><img></a>"
    "<a href='#top'>t</a><a>no href</a><a href=''>empty</a><a href='c.pdf' title='T'> </a>"
    "<a href='download?id=1'>D</a><footer><a href='f.pdf'>F</a></footer></main>"
    "<footer><a href='g.pdf'>G</a></footer>",
    "list": "<ul class='news'><li><h3><a href='/n/1' title=' T1 '>One</a></h3><time datetime='2026-01-02'>x</time>"
    "<p class='summary'>S <b>1</b></p></li><li><a href='/n/2'>Two</a></li><li>no link</li>"
    "<li><a href='javascript:void(0)'>js</a></li></ul><p><a href='/p'>para</a></p>",
    "deep": "<main>" + "<div>" * 150 + "deep text" + "</div>" * 150 + "</main>",
    "unclosed": "<html><body><p>one<p>two<div>three<li>four<table><td>five</body>",
    "form_in_main": "<main><form><p>form text</p></form><iframe>if</iframe><noscript>ns</noscript><p>ok</p></main>",
    "xhtml": '<?xml version="1.0" encoding="UTF-8"?><html xmlns="http://www.w3.org/1999/xhtml"><body>'
    "<p>xhtml body</p></body></html>",
}

CONTENT_SELECTORS = [
    "main",
    "body",
    "article",
    "div",
    "p",
    "li",
    "h1, h2",
    "main#content ul.news-list",
    "main#regulation",
    ".main-content #BodyLabel",
    ".main-content #BodyLabel, .TRS_Editor",
    "div > p",
    "li:first-child",
    "li:nth-child(2n+1)",
    "p:last-of-type",
    "section ~ section",
    "h2 + p",
    "[id]",
    "a[href*=pdf]",
    "a[href$='.pdf']",
    "[class~=news-item]",
    "[class*=news]",
    "[class^=news]",
    "[lang|=en]",
    "[type=TEXT]",
    "td:nth-of-type(2)",
    "div:not(.c)",
    "*:first-of-type",
    "#1",
    ":has(> a)",
    "li:is(.news-item, .x)",
    "div:not(.x .y)",
    ":root",
    "p:empty",
    "li >> a",
]

LIST_PARSERS = [
    cn_cac.endpoint("consultations").parser,  # a real declaration
    HtmlListParser(
        item="ul.news-list > li", link="h3 a", date="time", date_attr="datetime", summary=".summary"
    ),
    HtmlListParser(item=".views-row", link="h3 a", date="time", date_attr="datetime"),
    HtmlListParser(item="li", link="a"),
    HtmlListParser(item="li", link="ul a", title="h3", summary="p", date="time"),
    HtmlListParser(item="a", link="a", title_attr="title"),
    HtmlListParser(item="p", link="a", summary="p"),
    HtmlListParser(item="tr", link="a", title="td", summary="td:nth-child(2)"),
    HtmlListParser(item="li:has(a)", link="a:is([href])"),
    HtmlListParser(item="ul.news li", date="time", date_attr="datetime", id_pattern=r"/news/(\d+)$"),
]


def _html_files() -> list[Path]:
    return [
        *sorted((SAMPLES / "eu").glob("*.html")),
        *sorted((SAMPLES / "eu").glob("*.xhtml")),
        *sorted((SAMPLES / "cac" / "trimmed").rglob("*.htm")),
        SAMPLES / "cac" / "trimmed" / "list.html",
        *sorted(p for p in FIXTURES.rglob("*") if p.suffix in (".html", ".htm", ".xhtml")),
    ]


PAGES = {f"file {p.relative_to(p.parents[2])}": p for p in _html_files()} | {
    f"edge {k}": v for k, v in EDGE_CASES.items()
}
SELECTORS = CONTENT_SELECTORS + [s for p in LIST_PARSERS for s in (p.item, p.link)]


@pytest.mark.parametrize("name", sorted(PAGES))
def test_selectors_match_the_same_elements_as_soupsieve(name: str) -> None:
    page_or_path = PAGES[name]
    text = page_or_path.read_text("utf-8") if isinstance(page_or_path, Path) else page_or_path
    big = len(text) > 300_000  # the 1.3 MB AI Act pages: soupsieve takes seconds per selector there
    for without in (SCRIPT_TAGS,) if big else ((), SCRIPT_TAGS):
        soup = make_soup(text)
        for tag in soup(list(without)) if without else ():
            tag.decompose()
        tags = [t for t in soup.descendants if isinstance(t, Tag)]
        position = {id(t): n for n, t in enumerate(tags)}
        page = Page(text, without)
        elements = list(page.root.iter(etree.Element))
        if tags:  # both trees come from the same libxml2 parse, element for element
            assert [e.tag for e in elements] == [t.name for t in tags]
        index = {id(e): n for n, e in enumerate(elements)}
        for selector in SELECTORS[:8] if big else SELECTORS:
            try:
                expected = [position[id(t)] for t in soup.select(selector)]
            except soupsieve.SelectorSyntaxError:
                with pytest.raises(ExtractionError, match="not valid CSS"):
                    page.select(selector, "test")
                continue
            got = [index[id(e)] for e in page.select(selector, "test")]
            assert got == expected, (selector, compiled(selector) is not None)


def test_the_common_subset_runs_as_xpath_and_the_rest_through_soupsieve() -> None:
    for selector in ("main#content ul.news-list", "li:nth-child(2n+1)", "a[href$='.pdf']", "div:not(.c)"):
        assert compiled(selector) is not None, selector
    for selector in (":has(> a)", "li:is(.a, .b)", ":root", "#1", "p::before"):
        assert compiled(selector) is None, selector
