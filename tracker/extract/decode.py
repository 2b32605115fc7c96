"""Bytes -> text, and what kind of document the bytes are.

Order (SOURCES.md rule 2): BOM -> HTTP header charset -> <meta charset> / XML declaration -> detection.
The BOM goes first, as in browsers: a byte-order mark is a fact about the bytes, a header is a server
setting that is often wrong. Labels are corrected where servers are known to lie:

- GBK, GB2312, x-gbk, cp936 mean GB18030 (its superset): Chinese pages labelled gb2312 use GBK characters.
- Bytes that are valid UTF-8 and not plain ASCII are UTF-8, whatever a legacy label says: valid UTF-8
  almost never happens by accident in GB18030 or Latin-1 text, while UTF-8 sites that kept an old
  iso-8859-1 header or <meta charset="gb2312"> are common.
- A label that does not decode the bytes strictly is skipped in favour of the next clue, and so is a
  windows-1252 label whose text is plainly another script read as Latin (tracker.extract.charsets).

When nothing declares the charset (or every declaration is wrong), the choice is stable from check to
check: UTF-8 when the bytes are UTF-8, else the first of the endpoint's previous encoding and the source
language's encodings that fits (tracker.extract.charsets); a detector's guess only when neither exists.
"""

from __future__ import annotations

import codecs
import logging
import re

from tracker.extract.charsets import is_plausible_text, remembered_codec, stable_candidates
from tracker.types import DecodedBody

log = logging.getLogger(__name__)

_GB_FAMILY = {"gbk", "gb2312", "gb_2312-80", "gb_2312", "x-gbk", "cp936", "ms936", "euc-cn", "euccn"}
_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),  # before UTF-16 LE: it starts with the same two bytes
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CHARSET_PARAM = re.compile(rb"""charset\s*=\s*["']?\s*([-\w.:]+)""", re.IGNORECASE)
_DECLARATION_WINDOW = 8192  # WHATWG scans 1024 bytes; real pages put <meta> after long <script>s
_DETECTION_WINDOW = 256 * 1024  # detection on a sample: enough to be sure, fast on 25 MB bodies
_LOSSY_LIMIT = 0.1  # more than 10 % replacement characters: the bytes are not text
_FEW_REPLACEMENTS = 0.01  # a known candidate with at most 1 % broken characters: a few corrupt bytes


def normalise_charset(label: str) -> str | None:
    """A charset label -> a Python codec name, with the GB family widened to gb18030; None if unknown."""
    label = label.strip().strip("\"'").lower()
    if label in _GB_FAMILY:
        return "gb18030"
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    if name in ("gbk", "gb2312"):
        return "gb18030"
    if name == "iso8859-1" or name == "ascii":
        # Browsers read Latin-1 and ASCII labels as windows-1252 (WHATWG Encoding); so do servers' authors.
        return "cp1252"
    return name


def header_charset(content_type_header: str | None) -> str | None:
    if not content_type_header:
        return None
    match = _CHARSET_PARAM.search(content_type_header.encode("latin-1", errors="replace"))
    return match.group(1).decode("ascii", errors="replace") if match else None


def declared_charset(body: bytes) -> str | None:
    """<meta charset>, <meta http-equiv=Content-Type content='...; charset=...'> or the XML declaration,
    as BeautifulSoup's EncodingDetector reads them (within the first 8 KB: see _DECLARATION_WINDOW)."""
    from bs4.dammit import EncodingDetector  # loaded only when a body is decoded, i.e. parsed anyway

    head = body[:_DECLARATION_WINDOW]
    is_html = not head.lstrip().startswith(b"<?xml")
    return EncodingDetector.find_declared_encoding(head, is_html=is_html, search_entire_document=True)


def _strict(body: bytes, codec: str) -> str | None:
    try:
        return body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _utf8_with_non_ascii(body: bytes) -> str | None:
    if body.isascii():
        return None
    return _strict(body, "utf-8")


def _decode_labelled(body: bytes, label: str | None, *, in_markup: bool) -> tuple[str, str] | None:
    """Decode with a declared label, or None when the label is unknown or does not fit the bytes."""
    codec = normalise_charset(label) if label else None
    if codec is None:
        return None
    if in_markup and codec.startswith(("utf-16", "utf-32")):
        # A UTF-16 <meta> that we could read as ASCII is a lie (WHATWG): ignore it.
        return None
    if codec != "utf-8":
        as_utf8 = _utf8_with_non_ascii(body)
        if as_utf8 is not None:
            return as_utf8, "utf-8"
    if codec == "cp1252":
        # Every byte means something in Latin-1, so this label fits any body: a GB page behind a server's
        # default iso-8859-1 header reads as mojibake. Such text is no fit.
        decoded = _single_byte_latin(body)
        return decoded if is_plausible_text(decoded[0]) else None
    text = _strict(body, codec)
    return (text, codec) if text is not None else None


def _single_byte_latin(body: bytes) -> tuple[str, str]:
    text = _strict(body, "cp1252")
    # cp1252 leaves five bytes undefined; Latin-1 maps every byte.
    return (text, "cp1252") if text is not None else (body.decode("latin-1"), "latin-1")


def _decode_stable(body: bytes, candidates: list[str]) -> tuple[str, str] | None:
    """The first candidate that decodes the whole body strictly into plausible text."""
    for codec in candidates:
        if codec == "cp1252":
            decoded: tuple[str, str] | None = _single_byte_latin(body)
        else:
            text = _strict(body, codec)
            decoded = (text, codec) if text is not None else None
        if decoded is not None and is_plausible_text(decoded[0]):
            return decoded
    return None


def _decode_stable_lossy(body: bytes, candidates: list[str], url: str) -> tuple[str, str] | None:
    """The first candidate that fits all but a few corrupt bytes (a page cut mid-character)."""
    for codec in candidates:
        text = body.decode(codec, errors="replace")
        replaced = text.count("\ufffd")
        if replaced <= _FEW_REPLACEMENTS * len(text) and is_plausible_text(text):
            log.warning("invalid %s bytes in %s; replaced %d characters", codec, url or "body", replaced)
            return text, codec
    return None


def _detect(body: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes  # only bodies that do not say their charset

    best = from_bytes(body[:_DETECTION_WINDOW]).best()
    if best is None or not best.encoding:
        return None
    codec = normalise_charset(best.encoding)
    if codec is None:
        return None
    text = _strict(body, codec)
    if text is None and len(body) > _DETECTION_WINDOW:
        # The sample fitted the codec but a later part does not (a few corrupt bytes): keep the rest.
        log.warning("detected %s from a sample, but the whole body has invalid bytes; replacing them", codec)
        text = body.decode(codec, errors="replace")
    return (text, codec) if text is not None else None


def _decode_text(
    body: bytes,
    content_type_header: str | None,
    url: str,
    language: str | None = None,
    previous_encoding: str | None = None,
) -> tuple[str, str]:
    for bom, codec in _BOMS:
        if body.startswith(bom):
            text = _strict(body, codec)
            if text is not None:
                return text.removeprefix("\ufeff"), codec.removesuffix("-sig")
    header, declared = header_charset(content_type_header), declared_charset(body)
    clues = [(header, False), (declared, True)]
    if (
        header
        and declared
        and normalise_charset(header) == "cp1252"
        and normalise_charset(declared) != "cp1252"
    ):
        # A Latin-1 header decodes any bytes, so it proves nothing; servers send it by default while the
        # page itself says what it is (GB pages labelled iso-8859-1 by their web server).
        clues.reverse()
    for label, in_markup in clues:
        decoded = _decode_labelled(body, label, in_markup=in_markup)
        if decoded is not None:
            return decoded
        if label:
            log.info("charset %r does not decode %s; trying the next clue", label, url or "the body")
    # Nothing declared the charset, or every declaration was wrong: a stable choice from here on.
    candidates = stable_candidates(language, previous_encoding)
    if body.isascii():
        if b"\x1b" in body:  # ISO-2022-JP is 7-bit too: only its codec reads the escape sequences
            stable = _decode_stable(body, candidates)
            if stable is not None:
                return stable
        text = body.decode("ascii")
        remembered = remembered_codec(previous_encoding)
        # Any ASCII-compatible encoding reads it; keep the one remembered, so that it is not forgotten.
        return text, remembered if remembered and _strict(body, remembered) == text else "utf-8"
    text = _strict(body, "utf-8")
    if text is not None:
        return text, "utf-8"
    lossy = body.decode("utf-8", errors="replace")
    replaced = lossy.count("\ufffd")
    valid_non_ascii = sum(1 for ch in lossy if ch > "\x7f") - replaced
    # Mostly good UTF-8 with a few broken sequences (a CMS that cut a character in two) is UTF-8;
    # asking detection would trade a few lost characters for a wrong code page on the whole page.
    if valid_non_ascii < replaced:
        stable = _decode_stable(body, candidates) or _decode_stable_lossy(body, candidates, url)
        if stable is not None:
            return stable
        detected = _detect(body)
        if detected is not None:
            return detected
        if replaced > _LOSSY_LIMIT * max(len(lossy), 1):
            raise ValueError(f"undecodable body ({len(body)} bytes): no charset explains these bytes")
    log.warning("invalid UTF-8 in %s; decoded with %d replacement characters", url or "body", replaced)
    return lossy, "utf-8"


_ROOT_TAG = re.compile(rb"<([A-Za-z][\w.:-]*)")
_COMMENT_OR_PI = re.compile(rb"<!--.*?-->|<\?.*?\?>|<!DOCTYPE[^>]*>", re.DOTALL | re.IGNORECASE)
_FEED_ROOTS = {b"rss", b"feed", b"rdf:rdf"}
_FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml"}
_JSON_TYPES = {"application/json", "text/json", "application/ld+json", "application/sparql-results+json"}


def _root_element(head: bytes) -> bytes | None:
    match = _ROOT_TAG.search(_COMMENT_OR_PI.sub(b"", head))
    return match.group(1).lower() if match else None


def sniff_kind(body: bytes, content_type: str, url: str) -> str:
    """'html' | 'xml' | 'rss' | 'json' | 'pdf' | 'text' from the bytes first, the type and URL second."""
    mime = content_type.split(";")[0].strip().lower()
    head = body[:4096]
    for bom, _codec in _BOMS:
        head = head.removeprefix(bom)
    head = head.lstrip()
    path = url.split("?", 1)[0].lower()
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"<"):
        root = _root_element(head)
        if root in _FEED_ROOTS:
            return "rss"
        if root == b"html":  # XHTML (CELLAR) included: extractors read it as HTML
            return "html"
        if head.startswith(b"<?xml") or mime.endswith(("/xml", "+xml")):
            return "xml"
        return "html"
    if head.startswith((b"{", b"[")) or mime in _JSON_TYPES or mime.endswith("+json"):
        return "json"
    if mime == "application/pdf" or (not head and path.endswith(".pdf")):
        return "pdf"
    if mime in _FEED_TYPES:
        return "rss"
    if mime.endswith(("/xml", "+xml")):
        return "xml"
    if mime == "text/html":
        return "html"
    return "text"


def decode_body(
    body: bytes,
    content_type_header: str | None,
    url: str = "",
    *,
    language: str | None = None,
    previous_encoding: str | None = None,
) -> DecodedBody:
    """Decode a fetched body. PDFs are not decoded (text is ""; the extractor reads the bytes).

    `language` is the source's (ISO 639-1) and `previous_encoding` what this endpoint's last good body was
    decoded with: the stable clues for a body that does not declare its charset.
    """
    mime = (content_type_header or "").split(";")[0].strip().lower()
    kind = sniff_kind(body, mime, url)
    if kind == "pdf":
        return DecodedBody(text="", encoding="binary", kind="pdf")
    if not body:
        return DecodedBody(text="", encoding="utf-8", kind=kind)
    text, encoding = _decode_text(body, content_type_header, url, language, previous_encoding)
    return DecodedBody(text=text, encoding=encoding, kind=kind)
