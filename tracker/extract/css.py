"""CSS selectors over lxml trees, meaning what they meant under BeautifulSoup (soupsieve).

Sources declare selectors in soupsieve's dialect. The common subset (type, class, id and attribute
selectors, combinators, :not(), :first-child and :nth-*() and their kin) is translated by cssselect to
XPath, which lxml runs in C. Any other selector (`:has()`, `:is()`, `:contains()`, `:root`, namespaces,
a pseudo-element, or anything cssselect cannot read) is run by soupsieve itself on a BeautifulSoup tree
of the same text, and its matches are mapped back to the lxml elements by document position: both trees
come from the same libxml2 parse, element for element.

Where the two engines could disagree inside that subset, the translation follows soupsieve:
- bs4 splits class (and the other list-valued attributes) on any Unicode whitespace, and soupsieve
  joins the parts with single spaces, so `.x` and `[class~=x]` split the same way here, and only `*=`
  and `~=` (whose results do not depend on the spacing) are translated for those attributes;
- attributes whose values HTML compares without case (`type`, `rel`, `lang`, …) get the `i` flag;
- an id selector that is not an identifier (`#1`) goes to soupsieve, which rejects it;
- what lies inside a <template> is never matched.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

import cssselect
from cssselect.parser import (
    Attrib,
    Class,
    CombinedSelector,
    Function,
    Hash,
    Negation,
    Pseudo,
)
from cssselect.parser import (
    Element as TypeSelector,
)
from lxml import etree
from lxml import html as lxml_html

from tracker.extract.markup import Element
from tracker.types import ExtractionError

if TYPE_CHECKING:
    from bs4 import BeautifulSoup

# Elements a page is read without (their text is code or markup, never content).
SCRIPT_TAGS = ("script", "style", "noscript", "template")

_PSEUDO_CLASSES = frozenset(
    {"first-child", "last-child", "only-child", "first-of-type", "last-of-type", "only-of-type"}
)
_NTH_FUNCTIONS = frozenset({"nth-child", "nth-last-child", "nth-of-type", "nth-last-of-type"})
_OPERATORS = frozenset({"exists", "=", "~=", "|=", "^=", "$=", "*="})
# bs4's DEFAULT_CDATA_LIST_ATTRIBUTES, whatever the element
_LIST_ATTRIBUTES = frozenset(
    {"class", "accesskey", "dropzone", "rel", "rev", "headers", "accept-charset", "archive", "sizes"}
    | {"sandbox", "for"}
)
# soupsieve's HTML_CASE_INSENSITIVE_ATTRIBUTES
_CASELESS_ATTRIBUTES = frozenset(
    {"accept", "accept-charset", "align", "alink", "axis", "bgcolor", "charset", "checked", "clear"}
    | {"codetype", "color", "compact", "declare", "defer", "dir", "direction", "disabled", "enctype"}
    | {"face", "frame", "hreflang", "http-equiv", "lang", "language", "link", "media", "method"}
    | {"multiple", "nohref", "noresize", "noshade", "nowrap", "readonly", "rel", "rev", "rules", "scope"}
    | {"scrolling", "selected", "shape", "target", "text", "type", "valign", "valuetype", "vlink"}
)
_IDENTIFIER = re.compile(r"^(?:-?[A-Za-z_\u0080-\U0010ffff]|--)")
# The Unicode whitespace bs4 splits list attributes on, less what XPath cannot spell (\v \f \x1c-\x1f):
# XPath's normalize-space() then collapses the rest like the ASCII blanks.
UNICODE_SPACES = "\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a" + (
    "\u2028\u2029\u202f\u205f\u3000"
)


def spaced(attribute: str) -> str:
    """XPath for an attribute's value with its Unicode spaces made plain ones."""
    return f"translate({attribute}, '{UNICODE_SPACES}', '{' ' * len(UNICODE_SPACES)}')"


class _Translator(cssselect.HTMLTranslator):
    def xpath_attrib_includes(self, xpath, name: str, value: str | None):  # type: ignore[no-untyped-def]
        if name.removeprefix("@") not in _LIST_ATTRIBUTES or not value:
            return super().xpath_attrib_includes(xpath, name, value)
        # `.x` / `[class~=x]` over the value split as bs4 splits it
        token = self.xpath_literal(f" {value} ")
        return xpath.add_condition(
            f"{name} and contains(concat(' ', normalize-space({spaced(name)}), ' '), {token})"
        )


_TRANSLATOR = _Translator()


def _translatable(tree: object) -> bool:
    """Whether cssselect's XPath for this part of a selector means what soupsieve means by it."""
    if isinstance(tree, CombinedSelector):
        return _translatable(tree.selector) and _translatable(tree.subselector)
    if isinstance(tree, TypeSelector):
        return tree.namespace is None
    if isinstance(tree, Class):
        return _translatable(tree.selector)
    if isinstance(tree, Hash):
        return bool(_IDENTIFIER.match(tree.id)) and _translatable(tree.selector)
    if isinstance(tree, Attrib):
        return _translatable_attribute(tree) and _translatable(tree.selector)
    if isinstance(tree, Pseudo):
        return tree.ident in _PSEUDO_CLASSES and _translatable(tree.selector)
    if isinstance(tree, Function):  # cssselect reads no "of S" argument: a plain an+b
        return tree.name in _NTH_FUNCTIONS and _translatable(tree.selector)
    if isinstance(tree, Negation):
        inner = tree.subselector
        simple = not isinstance(inner, CombinedSelector)
        return simple and _translatable(inner) and _translatable(tree.selector)
    return False  # :has(), :is(), :where(), and whatever a later cssselect adds


def _translatable_attribute(attrib: Attrib) -> bool:
    if attrib.namespace is not None or attrib.operator not in _OPERATORS or attrib.flag not in (None, "i"):
        return False
    if attrib.operator == "exists":
        return True
    name = attrib.attrib.lower()
    value = attrib.value.value if attrib.value is not None else ""
    if name in _LIST_ATTRIBUTES and (attrib.operator not in ("*=", "~=") or any(c.isspace() for c in value)):
        return False  # soupsieve compares the re-joined list, not the raw value
    if name in _CASELESS_ATTRIBUTES:
        attrib.flag = "i"  # soupsieve compares these ASCII-lowercased in HTML
    return True


@lru_cache(maxsize=512)
def compiled(selector: str) -> etree.XPath | None:
    """The XPath for a selector, or None when only soupsieve may run it (or judge it invalid)."""
    try:
        parsed = cssselect.parse(selector)
    except cssselect.SelectorError:
        return None
    if not all(s.pseudo_element is None and _translatable(s.parsed_tree) for s in parsed):
        return None
    try:
        path = " | ".join(_TRANSLATOR.selector_to_xpath(s, prefix="descendant-or-self::") for s in parsed)
        # soupsieve keeps out of <template>: its content is not part of the document
        return etree.XPath(f"({path})[not(ancestor::template)]", smart_strings=False)
    except (cssselect.SelectorError, etree.XPathSyntaxError):
        return None


def make_soup(markup: str) -> BeautifulSoup:
    """BeautifulSoup over lxml's HTML parser, without the warnings for XHTML or URL-like input."""
    from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning, XMLParsedAsHTMLWarning

    with warnings.catch_warnings():
        # XHTML (EUR-Lex, CELLAR) is read as HTML on purpose; a short body may look like a URL
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(markup, "lxml")


def _parse(text: str) -> Element:
    """The page's <html> element; an empty one for a body with no elements at all."""
    parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)
    try:
        return lxml_html.document_fromstring(text.encode("utf-8", "surrogatepass"), parser=parser)
    except etree.ParserError:  # "Document is empty": whitespace, a lone comment
        return lxml_html.Element("html")


class Page:
    """One parsed HTML page and the selections made on it, each run once.

    Select everything before removing anything (`remove`): a selector soupsieve has to run is mapped
    back by document position, which only holds while the tree is as parsed.
    """

    def __init__(self, text: str, without: tuple[str, ...] = ()) -> None:
        self.text = text
        self.root = _parse(text)
        self._without = without
        if without:
            etree.strip_elements(self.root, *without, with_tail=False)
        self._found: dict[str, list[Element]] = {}
        self._sets: dict[str, set[Element]] = {}
        self._removed_any = False

    def select(self, selector: str, what: str) -> list[Element]:
        """Every element of the page the selector matches, in document order."""
        found = self._found.get(selector)
        if found is None:
            xpath = compiled(selector)
            found = xpath(self.root) if xpath is not None else self._soupsieve(selector, what)
            self._found[selector] = found
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
                self._removed_any = True

    def attached(self, element: Element) -> bool:
        """False once the element, or an ancestor, has been removed."""
        top = element
        while (parent := top.getparent()) is not None:
            top = parent
        return top is self.root

    def _soupsieve(self, selector: str, what: str) -> list[Element]:
        import soupsieve
        from bs4 import Tag

        try:
            compiled_selector = soupsieve.compile(selector)
        except soupsieve.SelectorSyntaxError as exc:
            raise ExtractionError(f"{what} selector {selector!r} is not valid CSS: {exc}") from exc
        if self._removed_any:
            raise RuntimeError("a page's selections must all be made before anything is removed")
        soup = make_soup(self.text)
        for tag in soup(list(self._without)) if self._without else ():
            tag.decompose()
        tags = [node for node in soup.descendants if isinstance(node, Tag)]
        elements = list(self.root.iter(etree.Element))
        position = {id(tag): n for n, tag in enumerate(tags)}
        found = []
        for tag in compiled_selector.select(soup):
            n = position[id(tag)]
            if len(tags) != len(elements) or elements[n].tag != tag.name:
                raise ExtractionError(f"{what} selector {selector!r}: the two parsers read this page apart")
            found.append(elements[n])
        return found
