"""The parts of a page that change without its content changing: scripts, navigation, page header and
footer, cookie banners. Documents and link lists are read without them.

One XPath predicate says what is volatile, so "what lies inside the watched region" and "is the region
itself inside a volatile part" are the same rule. Comments are dropped by the parser already.
"""

from __future__ import annotations

from string import ascii_lowercase, ascii_uppercase

from lxml import etree

from tracker.extract.css import spaced
from tracker.extract.markup import Element

VOLATILE_TAGS = ("script", "style", "noscript", "nav", "aside", "form", "iframe", "svg", "template")
PAGE_CHROME_TAGS = ("header", "footer")  # volatile unless inside <main>/<article> (an article's own header)
_NEVER_MARKED = ("html", "body", "main", "article")  # whatever their role, id or class say


def _lower(attribute: str) -> str:
    return f"translate({attribute}, '{ascii_uppercase}', '{ascii_lowercase}')"


def _has_class(name: str) -> str:
    return f"contains(concat(' ', normalize-space({spaced('@class')}), ' '), ' {name} ')"


_MARKED = " or ".join(
    [
        "@role = 'navigation'",
        "@role = 'banner'",
        "@role = 'contentinfo'",
        f"contains({_lower('@id')}, 'cookie')",
        *(f"contains({_lower('@class')}, '{c}')" for c in ("cookie-banner", "cookie-consent")),
        f"contains({_lower('@class')}, 'cookieconsent')",
        "@id = 'onetrust-consent-sdk'",
        "@id = 'globan'",  # Europa "official website" banner
        _has_class("cc-window"),
        _has_class("ecl-cookie-consent"),
        _has_class("cck-container"),  # Europa cookie consent kit
    ]
)


def _is(tags: tuple[str, ...]) -> str:
    return " or ".join(f"self::{tag}" for tag in tags)


_VOLATILE = (
    f"{_is(VOLATILE_TAGS)}"
    f" or (({_is(PAGE_CHROME_TAGS)}) and not(ancestor::main or ancestor::article))"
    f" or (not({_is(_NEVER_MARKED)}) and ({_MARKED}))"
)
_INSIDE = etree.XPath(f"descendant::*[{_VOLATILE}]", smart_strings=False)
_AROUND = etree.XPath(f"boolean(ancestor-or-self::*[{_VOLATILE}])", smart_strings=False)


def volatile_parts(root: Element) -> list[Element]:
    """The volatile elements inside `root` (not `root` itself), in document order."""
    return _INSIDE(root)


def in_volatile_part(element: Element) -> bool:
    """Whether the element is volatile or lies inside a volatile element."""
    return bool(_AROUND(element))
