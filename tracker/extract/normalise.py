"""Normalisation and hashing: what counts as "the same content".

Two forms of text are kept apart on purpose:

- `clean_text` is the *display* form stored in extractions: whitespace collapsed, zero-width characters
  removed, every other character kept as the regulator wrote it (Korean circled numbers ①, Chinese
  full-width punctuation, typographic quotes). People read this in Slack.
- `normalise_text` is the *comparison* form: `clean_text` after Unicode NFKC. Hashes and the diff's
  equality test use it, so NBSP vs space, full-width vs ASCII digits, ligatures and the like never count
  as a change, while what is stored stays faithful.
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import unquote_plus, urlsplit, urlunsplit

from tracker.types import DocumentExtraction, ExtractedItem, Extraction, ItemsExtraction

# Characters that render as nothing; removed outright (a soft hyphen is a line-break hint, not text).
_INVISIBLE_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
_INVISIBLE = dict.fromkeys(map(ord, _INVISIBLE_CHARS), None)
_HAS_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")


def clean_text(text: str) -> str:
    """Display form: invisible characters dropped, any run of Unicode whitespace -> one space, stripped.

    str.split() splits on exactly what str.isspace() calls whitespace (NBSP, the U+2000 block, the
    ideographic space U+3000, line and paragraph separators), as the regex \\s does, at a fraction of
    the cost; the translation only runs when there is something to drop (it is a per-character loop).
    """
    if not text.isascii() and _HAS_INVISIBLE.search(text):
        text = text.translate(_INVISIBLE)
    return " ".join(text.split())


def clean_lines(lines: Iterable[str]) -> list[str]:
    """`clean_text` per line, empty lines dropped."""
    out = []
    for line in lines:
        cleaned = clean_text(line)
        if cleaned:
            out.append(cleaned)
    return out


def normalise_text(text: str) -> str:
    """Comparison form: NFKC, then `clean_text` (newlines collapse too: line layout is not content)."""
    return clean_text(unicodedata.normalize("NFKC", text))


# --- URLs ---------------------------------------------------------------------------------------

_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "msclkid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "igshid",
        "yclid",
        # cache-busters
        "_",
        "ts",
        "v",
        "cb",
        "timestamp",
    }
)


def strip_tracking_query(url: str) -> str:
    """Drop tracking and cache-busting parameters and in-page anchors, sort the rest, lower-case host.

    Remaining parameters keep their original encoding (re-encoding base64 values such as CAC's
    `filepath=` would change the URL for no reason).
    """
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return url.strip()
    kept = []
    for pair in parts.query.split("&"):
        if not pair:
            continue
        name = unquote_plus(pair.split("=", 1)[0]).lower()
        if not name.startswith("utm_") and name not in _TRACKING_PARAMS:
            kept.append(pair)
    kept.sort()
    netloc = parts.netloc.lower()
    path = parts.path or ("/" if netloc else "")
    # "#top" / "#section-2" are positions on a page; "#!/detail/5" and "#/detail/5" are routes of a
    # single-page app and name the content itself
    fragment = parts.fragment if parts.fragment.startswith(("!", "/")) else ""
    return urlunsplit((parts.scheme.lower(), netloc, path, "&".join(kept), fragment))


# --- hashes -------------------------------------------------------------------------------------


def _digest(*parts: str) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(part.encode("utf-8"))
        h.update(b"\x1f")
    return h.hexdigest()


def item_hash(item: ExtractedItem) -> str:
    """64 hex characters: 32 for the title, 32 for summary + URL.

    The halves let `diff_items` say *what* changed from the stored hash alone. Dates, doc_type and meta
    are left out: a re-dated or re-categorised entry with the same words is not a change to announce.
    """
    title = _digest(normalise_text(item.title))[:32]
    content = _digest(normalise_text(item.summary), strip_tracking_query(item.url))[:32]
    return title + content


def content_hash(extraction: Extraction) -> str:
    """sha256 hex of a canonical form of an extraction.

    Items: sorted by stable_id, each as (id, item_hash). Documents: title, blocks in order (key,
    normalised text) and sorted normalised links. The version string is left out: a new consolidated
    date with identical text is not a content change.
    """
    if isinstance(extraction, ItemsExtraction):
        canonical: list = sorted((item.stable_id, item_hash(item)) for item in extraction.items)
        payload = ["items", canonical]
    elif isinstance(extraction, DocumentExtraction):
        blocks = [(b.key, normalise_text(b.text)) for b in extraction.blocks]
        links = sorted({strip_tracking_query(link) for link in extraction.links})
        payload = ["document", normalise_text(extraction.title), blocks, links]
    else:  # pragma: no cover - the union is closed
        raise TypeError(f"not an extraction: {type(extraction).__name__}")
    encoded = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()
