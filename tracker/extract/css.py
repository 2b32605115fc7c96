"""CSS selectors over lxml trees: the supported subset (tracker/extract/selectors.py) as compiled XPath.

One engine: lxml's HTML parser and XPath, run in C. The subset is checked when a config loads, so a
selector reaching `Page.select` is one the subset accepts (a built-in source's are checked by a test).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from lxml import etree
from lxml import html as lxml_html

from tracker.extract.markup import Element
from tracker.extract.selectors import UnsupportedSelector, to_xpath
from tracker.types import ExtractionError

# Elements a page is read without (their text is code or markup, never content).
SCRIPT_TAGS = ("script", "style", "noscript", "template")


@lru_cache(maxsize=512)
def compiled(selector: str) -> etree.XPath:
    """The compiled XPath of a supported selector; UnsupportedSelector for any other."""
    # soupsieve keeps out of <template>: its content is not part of the document
    return etree.XPath(f"({to_xpath(selector)})[not(ancestor::template)]", smart_strings=False)


def _parse(text: str) -> Element:
    """The page's <html> element; an empty one for a body with no elements at all."""
    parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)
    try:
        return lxml_html.document_fromstring(text.encode("utf-8", "surrogatepass"), parser=parser)
    except etree.ParserError:  # "Document is empty": whitespace, a lone comment
        return lxml_html.Element("html")


class Page:
    """One parsed HTML page and the selections made on it, each run once."""

    def __init__(self, text: str, without: tuple[str, ...] = ()) -> None:
        self.text = text
        self.root = _parse(text)
        if without:
            etree.strip_elements(self.root, *without, with_tail=False)
        self._found: dict[str, list[Element]] = {}
        self._sets: dict[str, set[Element]] = {}

    def select(self, selector: str, what: str) -> list[Element]:
        """Every element of the page the selector matches, in document order."""
        found = self._found.get(selector)
        if found is None:
            try:
                xpath = compiled(selector)
            except UnsupportedSelector as exc:
                raise ExtractionError(f"{what} selector: {exc}") from None
            found = self._found[selector] = xpath(self.root)
        return found

    def first(self, scope: Element | None, selector: str, what: str) -> Element | None:
        """The first match that is `scope` itself or inside it (anywhere on the page for None).

        As in soupsieve, the selector is matched against the whole page: "ul.news a" finds the links
        of an item <li> although the <ul> lies outside it."""
        found = self.select(selector, what)
        if scope is None or not found:
            return found[0] if found else None
        matches = self._sets.get(selector)
        if matches is None:
            matches = self._sets[selector] = set(found)
        for element in scope.iter(etree.Element):
            if element in matches:
                return element
        return None

    def remove(self, elements: Iterable[Element]) -> None:
        """Take elements out of the tree; the text after each (its tail) stays where it was."""
        for element in elements:
            if element.getparent() is not None:
                element.drop_tree()

    def attached(self, element: Element) -> bool:
        """False once the element, or an ancestor, has been removed."""
        top = element
        while (parent := top.getparent()) is not None:
            top = parent
        return top is self.root
