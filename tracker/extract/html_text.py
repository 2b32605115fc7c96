"""HTML to plain text: an element's visible text on one line, and whole fragments (feed descriptions,
JSON abstracts)."""

from __future__ import annotations

from tracker.extract.css import SCRIPT_TAGS, Page
from tracker.extract.markup import Element
from tracker.extract.normalise import clean_text

BLOCK_TAGS = frozenset(
    {"p", "div", "br", "li", "ul", "ol", "tr", "td", "th", "table", "section", "article", "blockquote"}
    | {"h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "dl", "pre", "hr", "figure", "figcaption", "main"}
    | {"header", "footer", "aside", "nav", "caption", "address", "details", "summary"}
)
# Text inside these is not shown as such: code, and ruby annotations (the reading of 漢 in <rt>, the
# brackets in <rp>), whose text would otherwise run into the annotated words.
HIDDEN_TEXT = frozenset({"script", "style", "template", "rt", "rp"})


def parse_page(text: str) -> Page:
    """A page read without its scripts, styles and templates."""
    return Page(text, without=SCRIPT_TAGS)


def hidden(element: Element) -> bool:
    """Whether the element's own text is hidden, i.e. it or an ancestor is in HIDDEN_TEXT."""
    if element.tag in HIDDEN_TEXT:
        return True
    return any(ancestor.tag in HIDDEN_TEXT for ancestor in element.iterancestors())


def element_text(element: Element) -> str:
    """Visible text of an element: spaces at block boundaries only ("memorandum, Chairman", not
    "memorandum , Chairman" as joining every text node with a space gives around an inline link)."""
    parts: list[str] = []
    _collect(element, parts, hidden(element))
    return clean_text("".join(parts))


def _collect(element: Element, parts: list[str], is_hidden: bool) -> None:
    if not is_hidden and element.text:
        parts.append(element.text)
    for child in element:
        tag = child.tag
        if isinstance(tag, str):  # not a comment or processing instruction
            if tag in BLOCK_TAGS:
                parts.append(" ")
            _collect(child, parts, is_hidden or tag in HIDDEN_TEXT)
        if not is_hidden and child.tail:
            parts.append(child.tail)


def html_to_text(fragment: str) -> str:
    """Visible text of an HTML fragment, whitespace collapsed."""
    if not fragment:
        return ""
    return element_text(parse_page(fragment).root)


def truncate(text: str, limit: int) -> str:
    """Cut at a word boundary and mark the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"
