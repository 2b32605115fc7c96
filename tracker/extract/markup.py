"""Hardened lxml parsing shared by the extractors.

Regulator XML is untrusted input: no entity expansion (billion laughs), no DTD or network access,
libxml2's default size limits (huge_tree off).
"""

from __future__ import annotations

import re
from typing import TypeAlias

from lxml import etree
from lxml import html as lxml_html

from tracker.types import DecodedBody, ExtractionError

# lxml.etree and lxml.html elements share this base class
Element: TypeAlias = etree._Element

_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def _xml_parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def parse_xml(decoded: DecodedBody, raw: bytes) -> Element:
    """The root element of an XML body; raw bytes first (they carry their own declaration)."""
    errors = []
    candidates = []
    if raw:
        candidates.append(raw.lstrip(b"\xef\xbb\xbf"))
    if decoded.text:
        candidates.append(_XML_DECLARATION.sub("", decoded.text, count=1).encode("utf-8"))
    for candidate in candidates:
        try:
            root = etree.fromstring(candidate, _xml_parser())
        except etree.XMLSyntaxError as exc:
            errors.append(str(exc))
            continue
        if root is not None:
            return root
    raise ExtractionError(f"malformed XML: {errors[0] if errors else 'empty body'}")


def parse_html(text: str) -> Element:
    """An lxml.html document (the HTML parser tolerates XHTML and front-office chrome alike)."""
    parser = lxml_html.HTMLParser(encoding="utf-8", remove_comments=True, remove_pis=True, no_network=True)
    try:
        root = lxml_html.document_fromstring(text.encode("utf-8", "surrogatepass"), parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"unparseable HTML: {exc}") from exc
    return root


def classes(element: Element) -> set[str]:
    value = element.get("class")
    return set(value.split()) if value else set()
