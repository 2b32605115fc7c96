"""The selector engine: lxml + XPath compiled from the supported CSS subset (tracker/extract/selectors.py).

Within the subset a selector must select exactly what it selects in BeautifulSoup (soupsieve), the
dialect users write: checked on every recorded sample, every HTML fixture and a set of edge cases, with
soupsieve as the reference (a test dependency only). Outside the subset a selector is a configuration
error at load, naming the file and the key.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pytest
import soupsieve
from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, Tag, XMLParsedAsHTMLWarning
from lxml import etree

from sources import builtin_sources
from sources.cn import cn_cac
from tests.paths import FIXTURES, SAMPLES
from tracker.config import ConfigError, load_config
from tracker.extract.css import SCRIPT_TAGS, Page
from tracker.extract.selectors import UnsupportedSelector, declared_selectors, to_xpath
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

SUPPORTED = [
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
    "[lang|=en]",
    "[type=TEXT]",
    "td:nth-of-type(2)",
    "div:not(.c)",
]

# selector -> the part the error names
UNSUPPORTED = {
    "#1": "#1",
    ":has(> a)": ":has()",
    "li:is(.news-item, .x)": ":is()",
    "p:where(.x)": ":where()",
    "div:not(.x .y)": ":not() of more than one",
    ":root": ":root",
    "p:empty": ":empty",
    "p::before": "::before",
    "[class^=news]": "list-valued attribute",
    "[class='a b']": "list-valued attribute",
    "a[href!=x]": "operator !=",
    "svg|title": "namespace",
    "*:first-of-type": "is not implemented",  # cssselect translates it for named types only
    "li >> a": "not valid CSS",
    "": "not valid CSS",
}

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
    HtmlListParser(item="li", link="a[href]"),
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
SELECTORS = SUPPORTED + [s for p in LIST_PARSERS for s in (p.item, p.link)]


def _reference_soup(text: str) -> BeautifulSoup:
    """The reference reading: BeautifulSoup over lxml's parser, as sources' selectors were written for."""
    with warnings.catch_warnings():  # XHTML read as HTML on purpose; a short body may look like a URL
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(text, "lxml")


@pytest.mark.parametrize("name", sorted(PAGES))
def test_supported_selectors_select_what_they_select_in_beautifulsoup(name: str) -> None:
    page_or_path = PAGES[name]
    text = page_or_path.read_text("utf-8") if isinstance(page_or_path, Path) else page_or_path
    big = len(text) > 300_000  # the 1.3 MB AI Act pages: soupsieve takes seconds per selector there
    for without in (SCRIPT_TAGS,) if big else ((), SCRIPT_TAGS):
        soup = _reference_soup(text)
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
            expected = [position[id(t)] for t in soupsieve.select(selector, soup)]
            got = [index[id(e)] for e in page.select(selector, "test")]
            assert got == expected, selector


@pytest.mark.parametrize("selector", sorted(UNSUPPORTED))
def test_a_selector_outside_the_subset_is_refused_naming_the_part(selector: str) -> None:
    with pytest.raises(UnsupportedSelector, match=re.escape(UNSUPPORTED[selector])):
        to_xpath(selector)
    with pytest.raises(ExtractionError, match="content selector"):
        Page("<main><p>x</p></main>").select(selector, "content")


@pytest.mark.parametrize(
    ("parser", "key", "part"),
    [
        ("{kind='html_list', item='li:has(a)'}", "parser.item", ":has()"),
        ("{kind='html_list', item='li', link='a:is([href])'}", "parser.link", ":is()"),
        ("{kind='document', content='main', drop=['nav', 'p:empty']}", "parser.drop.1", ":empty"),
        ("{kind='links', content='main > #1'}", "parser.content", "#1"),
    ],
)
def test_a_config_with_a_selector_outside_the_subset_does_not_load(
    tmp_path: Path, parser: str, key: str, part: str
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        "[[custom_sources]]\nid='mine'\njurisdiction='UK'\nregulator='ICO'\n"
        f"[[custom_sources.endpoints]]\nid='page'\nurl='https://ico.example/ai'\nparser={parser}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(f"{path}: custom_sources.mine.endpoints.page.{key}: ")
    assert part in message and "supported CSS subset" in message


def test_a_detail_selector_is_checked_at_load_too(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        "[[custom_sources]]\nid='mine'\njurisdiction='UK'\nregulator='ICO'\n"
        "[[custom_sources.endpoints]]\nid='list'\nurl='https://ico.example/news'\n"
        "parser={kind='html_list', item='li'}\ndetail={body='article:has(p)'}\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match=r"custom_sources\.mine\.endpoints\.list\.detail\.body: .*:has\(\)"):
        load_config(path)


def test_every_built_in_selector_is_in_the_subset() -> None:
    declared = [
        (f"{source.id}.{endpoint.id}.{key}", selector)
        for source in builtin_sources()
        for endpoint in source.endpoints
        for key, selector in declared_selectors(endpoint)
    ]
    assert len(declared) > 20  # the walk reaches list, link, content, drop and detail selectors
    assert {key.rsplit(".", 1)[-1] for key, _ in declared} >= {"item", "link", "content", "body"}
    for _key, selector in declared:
        to_xpath(selector)  # raises, naming the selector, when a source leaves the subset


def test_what_the_subset_means_in_html() -> None:
    """The bs4 rules the translation keeps, each shown on a page of its own."""
    page = Page(
        "<body><template><p class='x'>hidden</p></template>"
        "<p class='a\u00a0x' id='one'>nbsp-separated class</p>"
        "<input type='TEXT' id='two'><p class='xy' id='three'>no class x</p>"
        "<ul><li id='l1'>1</li><li id='l2'>2</li><li id='l3'>3</li></ul></body>"
    )

    def ids(selector: str) -> list[str | None]:
        return [e.get("id") for e in page.select(selector, "test")]

    assert ids(".x") == ["one"]  # class split on Unicode spaces; <template> content never matched
    assert ids("[class~=x]") == ["one"]
    assert ids("[type=text]") == ["two"]  # `type` compares without case in HTML
    assert ids("li:nth-child(2n+1)") == ["l1", "l3"]
    assert ids("p:not(.x)") == ["three"]
    assert ids("ul > li + li") == ["l2", "l3"]
