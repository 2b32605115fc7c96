"""EUR-Lex legal texts in HTML: the Official Journal XHTML and the consolidated dialect.

Both come out as article / recital / annex blocks with the same keys ("art_5", "rct_12", "anx_III")
and text built by the shared rules in `textflow`, so the OJ text, its Formex twin (`formex.py`) and a
later consolidated version compare article by article rather than markup by markup.

- OJ (CELLAR XHTML, or the eur-lex front office): `div.eli-subdivision#art_N` with `p.oj-ti-art`
  ("Article 5", the label) and `p.oj-sti-art` (the heading, the first line of the text); recitals
  `#rct_N`; annexes `#anx_*` labelled by their first `p.oj-doc-ti`.
- Consolidated: `p.title-article-norm` / `p.stitle-article-norm`, `p.norm`, `div.grid-list`, annex
  label `p.title-annex-1`; no recitals. The version date comes from `<link rel=canonical>`. Amendment
  markers (▼B, ▼M1, ►C1 … ◄) and their `p.arrow` / `p.modref` carriers are removed.
"""

from __future__ import annotations

import re

from tracker.extract.dates import parse_date
from tracker.extract.markup import Element, classes, parse_html
from tracker.extract.normalise import clean_text
from tracker.extract.textflow import Classifier, Node, lxml_lines
from tracker.types import Block, DecodedBody, DocumentExtraction, ExtractionError

_BLOCK_ID = re.compile(r"^(art|rct|anx)_([0-9]+[a-z]*|[IVXLCDM]+[a-z]?)$")
_SKIP_TAGS = frozenset({"script", "style", "img", "hr", "col", "colgroup", "head", "title", "meta", "link"})
_BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "table",
        "tbody",
        "thead",
        "tr",
        "td",
        "th",
        "li",
        "ul",
        "ol",
        "br",
        "blockquote",
        "dd",
        "dt",
    }
    | {"h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "dl", "pre", "caption"}
)
# Footnote texts (inside quoted amendments too), amendment arrows, and site furniture.
_SKIP_CLASSES = frozenset({"oj-note", "footnote", "arrow", "modref", "hd-modifiers", "disclaimer"})
_NOTE_HREF = re.compile(r"^#(ntr|E\d)")
_LABEL_CLASSES = ("oj-ti-art", "title-article-norm")
_ANNEX_LABEL_CLASSES = ("title-annex-1", "oj-doc-ti")
# ▼B ▼M1 ►C1 ◄ (consolidated texts); only ever noise in the article text
AMENDMENT_MARKERS = re.compile(r"[▼►]\s?[A-Z]{1,2}\d{0,3}|[◄▼►]")
_CONSOLIDATED_CELEX = re.compile(r"\b0\d{4}[A-Z]\d{4}-(\d{4})(\d{2})(\d{2})\b")
_ELI_DATE = re.compile(r"/eli/[^\"']*?/(\d{4}-\d{2}-\d{2})(?:/|$)")


def _classifier(skip_ids: set[int]) -> Classifier:
    def classify(element: Element) -> Node:
        tag = element.tag
        if tag in _SKIP_TAGS or id(element) in skip_ids:
            return Node.SKIP
        if tag == "a":
            href = element.get("href") or ""
            if _NOTE_HREF.match(href):
                return Node.NOTE
            return Node.INLINE
        if classes(element) & _SKIP_CLASSES:
            return Node.SKIP
        return Node.BLOCK if tag in _BLOCK_TAGS else Node.INLINE

    return classify


def _first_with_class(element: Element, names: tuple[str, ...]) -> Element | None:
    for name in names:
        found = element.xpath(f".//p[contains(concat(' ', normalize-space(@class), ' '), ' {name} ')]")
        if found:
            return found[0]
    return None


def _label_for(kind: str, number: str, element: Element) -> tuple[str, Element | None]:
    """The document's own label ("Artikel 5", "ANNEX III") and the element it came from."""
    if kind == "art":
        label_el = _first_with_class(element, _LABEL_CLASSES)
        fallback = f"Article {number}"
    elif kind == "anx":
        label_el = _first_with_class(element, _ANNEX_LABEL_CLASSES)
        fallback = f"Annex {number}"
    else:
        return f"Recital {number}", None
    label = clean_text(label_el.text_content()) if label_el is not None else ""
    if not label or len(label) > 60:
        return fallback, None
    return label, label_el


def legal_blocks_from_html(root: Element) -> list[Block]:
    blocks: list[Block] = []
    seen: set[str] = set()
    for element in root.iter("div"):
        element_id = element.get("id")
        if not element_id:
            continue
        match = _BLOCK_ID.match(element_id)
        if match is None or element_id in seen:
            continue
        seen.add(element_id)
        kind, number = match.groups()
        label, label_el = _label_for(kind, number, element)
        skip = {id(label_el)} if label_el is not None else set()
        lines = lxml_lines(element, _classifier(skip), AMENDMENT_MARKERS)
        if kind == "rct" and lines:
            # "(12) text" -> the recital's number is its label already
            lines[0] = re.sub(r"^\(\d+\)\s*", "", lines[0])
        if lines:
            blocks.append(Block(key=element_id, label=label, text="\n".join(lines)))
    return blocks


def _title(root: Element) -> str:
    for container in root.xpath("//div[contains(@class, 'eli-main-title')]")[:1]:
        paragraphs = [clean_text(p.text_content()) for p in container.iter("p")]
        title = clean_text(" ".join(p for p in paragraphs if p))
        if title:
            return AMENDMENT_MARKERS.sub("", title).strip()
    titles = root.xpath("//title")
    return clean_text(titles[0].text_content()) if titles else ""


def _version(root: Element, text: str, consolidated: bool) -> str | None:
    canonical = root.xpath("//link[@rel='canonical']/@href")
    if canonical:
        href = canonical[0]
        if m := _CONSOLIDATED_CELEX.search(href):
            return "-".join(m.groups())
        if m := _ELI_DATE.search(href):
            return m.group(1)
    if consolidated and (m := _CONSOLIDATED_CELEX.search(text)):
        return "-".join(m.groups())
    for date_el in root.xpath("//p[contains(@class, 'oj-hd-date')]")[:1]:
        when = parse_date(clean_text(date_el.text_content()))
        if when is not None:
            return when.date().isoformat()
    return None


def _amendments(root: Element) -> tuple[str, ...]:
    """A consolidated text's own list of what it consolidates: after "Amended by:" / "Gewijzigd bij:" /
    "Corrected by:" (`p.hd-modifiers`), a table row per act: its marker (►M1, ►C2) and its title.
    ("M1 Regulation (EU) 2026/1744 …", "C2 Corrigendum, OJ L 90343, 4.5.2026")."""
    found: list[str] = []
    for row in root.xpath(
        "//p[contains(concat(' ', normalize-space(@class), ' '), ' hd-modifiers ')]"
        "/following-sibling::table[1]//tr"
    ):
        markers = row.xpath(".//p[contains(@class, 'arrow')]//a")
        titles = row.xpath(".//p[contains(@class, 'title-fam-member')]")
        if not markers or not titles:
            continue
        marker = clean_text(markers[0].text_content()).lstrip("►▼ ").strip()
        title = clean_text(titles[0].text_content())
        if marker and title:
            found.append(f"{marker} {title}")
    return tuple(dict.fromkeys(found))


def extract_eurlex_html(decoded: DecodedBody, consolidated: bool) -> DocumentExtraction:
    root = parse_html(decoded.text)
    blocks = legal_blocks_from_html(root)
    if not blocks:
        raise ExtractionError(
            "no EUR-Lex articles, recitals or annexes found (div.eli-subdivision#art_*, #rct_*, #anx_*)"
        )
    if not any(b.key.startswith("art_") for b in blocks):
        raise ExtractionError("no EUR-Lex articles found (div.eli-subdivision#art_*)")
    return DocumentExtraction(
        blocks=tuple(blocks),
        title=_title(root),
        version=_version(root, decoded.text, consolidated),
        amendments=_amendments(root) if consolidated else (),
    )
