"""HTML fragments (feed descriptions, JSON abstracts) to one line of plain text."""

from __future__ import annotations

import warnings

from bs4 import (
    BeautifulSoup,
    CData,
    MarkupResemblesLocatorWarning,
    NavigableString,
    Tag,
    XMLParsedAsHTMLWarning,
)

from tracker.normalise import clean_text

BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "tr", "td", "th", "table", "section", "article", "blockquote"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "dl", "pre", "hr", "figure", "figcaption", "main"}
    | {"header", "footer", "aside", "nav", "caption", "address", "details", "summary"}
)


def make_soup(markup: str) -> BeautifulSoup:
    """BeautifulSoup over lxml's HTML parser, without the warnings for XHTML or URL-like input."""
    with warnings.catch_warnings():
        # XHTML (EUR-Lex, CELLAR) is read as HTML on purpose; a short body may look like a URL
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(markup, "lxml")


def soup_text(node: Tag) -> str:
    """Visible text of a BeautifulSoup node: spaces at block boundaries only ("memorandum, Chairman",
    not "memorandum , Chairman" as get_text(" ") gives around an inline link)."""
    parts: list[str] = []
    for piece in node.descendants:
        if isinstance(piece, NavigableString):
            # comments, doctypes and processing instructions are NavigableString subclasses too
            if type(piece) is NavigableString or isinstance(piece, CData):
                parts.append(str(piece))
        elif piece.name in BLOCK_TAGS:
            parts.append(" ")
    return clean_text("".join(parts))


def html_to_text(fragment: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed."""
    if not fragment:
        return ""
    soup = make_soup(fragment)
    for tag in soup(["script", "style", "noscript", "template"]):
        tag.decompose()
    return soup_text(soup)


def truncate(text: str, limit: int) -> str:
    """Cut at a word boundary and mark the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"
