"""The CSS that sources may declare: a subset cssselect compiles to XPath, checked when a config loads.

Supported (what every built-in source and the usual list page needs):
- type selectors (`li`, `*`), `.class`, `#id` (an identifier: `#1` is not);
- attribute selectors `[a]`, `[a=v]`, `[a~=v]`, `[a|=v]`, `[a^=v]`, `[a$=v]`, `[a*=v]`, with an `i` flag;
- the combinators (descendant, `>`, `+`, `~`) and comma-separated lists;
- `:not()` of one compound selector; `:first-child`, `:last-child`, `:only-child`, `:first-of-type`,
  `:last-of-type`, `:only-of-type`, and `:nth-child(an+b)`, `:nth-last-child()`, `:nth-of-type()`,
  `:nth-last-of-type()`.
Anything else (`:has()`, `:is()`, `:where()`, `:contains()`, `:root`, `:empty`, namespaces,
pseudo-elements, `!=`) is a configuration error naming the file, the key and the piece not supported.
bench/css_engines.py measured the alternative, BeautifulSoup + soupsieve (the whole dialect), at 9.4x
the CPU of lxml + XPath over the project's HTML fixtures (bench/RESULTS.md).

Within the subset, selectors mean what they mean in BeautifulSoup (soupsieve), the dialect users know:
- bs4 splits class (and the other list-valued attributes) on any Unicode whitespace and soupsieve joins
  the parts with single spaces, so `.x` and `[class~=x]` split the same way here, and only `*=` and `~=`
  (whose results do not depend on the spacing) are accepted for those attributes;
- attributes whose values HTML compares without case (`type`, `rel`, `lang`, …) get the `i` flag;
- what lies inside a <template> is never matched (tracker/extract/css.py adds that condition).

This module needs cssselect only (pure Python, ~1 MB): a config with custom sources is checked at load
without importing lxml.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from tracker.specs import EndpointSpec

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
# cssselect's names for the functional pseudo-classes it parses but the subset leaves out
_FUNCTION_NAMES = {"Matching": ":is()", "SpecificityAdjustment": ":where()", "Relation": ":has()"}


class UnsupportedSelector(ValueError):
    """A selector outside the supported subset, or not CSS at all; the message says which part."""


def spaced(attribute: str) -> str:
    """XPath for an attribute's value with its Unicode spaces made plain ones."""
    return f"translate({attribute}, '{UNICODE_SPACES}', '{' ' * len(UNICODE_SPACES)}')"


class _Translator(cssselect.HTMLTranslator):
    def xpath_attrib_includes(self, xpath: Any, name: str, value: str | None) -> Any:
        if name.removeprefix("@") not in _LIST_ATTRIBUTES or not value:
            return super().xpath_attrib_includes(xpath, name, value)
        # `.x` / `[class~=x]` over the value split as bs4 splits it
        token = self.xpath_literal(f" {value} ")
        return xpath.add_condition(
            f"{name} and contains(concat(' ', normalize-space({spaced(name)}), ' '), {token})"
        )


_TRANSLATOR = _Translator()


def _unsupported(tree: object) -> str | None:
    """The first part of a parsed selector outside the subset, or None when all of it is inside."""
    if isinstance(tree, CombinedSelector):
        return _unsupported(tree.selector) or _unsupported(tree.subselector)
    if isinstance(tree, TypeSelector):
        return "a namespace" if tree.namespace is not None else None
    if isinstance(tree, Class):
        return _unsupported(tree.selector)
    if isinstance(tree, Hash):
        if not _IDENTIFIER.match(tree.id):
            return f"#{tree.id} (an id selector must start like a CSS identifier)"
        return _unsupported(tree.selector)
    if isinstance(tree, Attrib):
        return _unsupported_attribute(tree) or _unsupported(tree.selector)
    if isinstance(tree, Pseudo):
        return f":{tree.ident}" if tree.ident not in _PSEUDO_CLASSES else _unsupported(tree.selector)
    if isinstance(tree, Function):  # cssselect reads no "of S" argument: a plain an+b
        return f":{tree.name}()" if tree.name not in _NTH_FUNCTIONS else _unsupported(tree.selector)
    if isinstance(tree, Negation):
        if isinstance(tree.subselector, CombinedSelector):
            return ":not() of more than one compound selector"
        return _unsupported(tree.subselector) or _unsupported(tree.selector)
    return _FUNCTION_NAMES.get(type(tree).__name__, type(tree).__name__)


def _unsupported_attribute(attrib: Attrib) -> str | None:
    if attrib.namespace is not None:
        return "a namespaced attribute"
    if attrib.operator not in _OPERATORS:
        return f"the attribute operator {attrib.operator}"
    if attrib.flag not in (None, "i"):
        return f"the attribute flag {attrib.flag}"
    if attrib.operator == "exists":
        return None
    name = attrib.attrib.lower()
    value = (attrib.value.value if attrib.value is not None else None) or ""
    if name in _LIST_ATTRIBUTES and (attrib.operator not in ("*=", "~=") or any(c.isspace() for c in value)):
        # BeautifulSoup compares the re-joined list, not the raw value: only these two agree
        return f"[{name}{attrib.operator}…] (a list-valued attribute takes *= or ~= of one word)"
    if name in _CASELESS_ATTRIBUTES:
        attrib.flag = "i"  # soupsieve compares these ASCII-lowercased in HTML
    return None


@lru_cache(maxsize=512)
def to_xpath(selector: str) -> str:
    """The XPath expression a supported selector means; UnsupportedSelector for any other."""
    try:
        parsed = cssselect.parse(selector)
    except cssselect.SelectorError as exc:
        raise UnsupportedSelector(f"{selector!r} is not valid CSS: {exc}") from None
    for part in parsed:
        reason = f"::{part.pseudo_element}" if part.pseudo_element is not None else None
        reason = reason or _unsupported(part.parsed_tree)
        if reason is not None:
            raise UnsupportedSelector(f"{selector!r} uses {reason}, {_OUTSIDE}")
    try:
        return " | ".join(_TRANSLATOR.selector_to_xpath(s, prefix="descendant-or-self::") for s in parsed)
    except cssselect.SelectorError as exc:  # "*:first-of-type is not implemented"
        raise UnsupportedSelector(f"{selector!r}: {exc}, {_OUTSIDE}") from None


_OUTSIDE = (
    "outside the supported CSS subset (types, classes, ids, attributes, combinators, :not(), "
    ":first-child/:nth-child() and kin; see tracker/extract/selectors.py)"
)


def declared_selectors(endpoint: EndpointSpec) -> Iterator[tuple[str, str]]:
    """Every CSS selector an endpoint declares, with its key below the endpoint ("parser.item")."""
    parser = endpoint.parser
    if parser.kind in ("html_list", "links", "document"):  # feeds and JSON name fields, not elements
        for field in ("item", "link", "title", "date", "summary", "content"):
            value = getattr(parser, field, None)
            if isinstance(value, str):
                yield f"parser.{field}", value
        for n, value in enumerate(getattr(parser, "drop", ())):
            yield f"parser.drop.{n}", value
    if endpoint.detail is not None:
        for field in ("title", "date", "body", "attachments"):
            value = getattr(endpoint.detail, field)
            if value is not None:
                yield f"detail.{field}", value
