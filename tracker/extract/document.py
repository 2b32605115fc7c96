"""Generic pages and PDFs watched as a whole: paragraph blocks "p_0001", "¶1", … in reading order.

Positional keys are fine here: `tracker.diff.core` aligns positional blocks by their text, so an inserted
paragraph is one addition rather than a renumbering of everything after it.
"""

from __future__ import annotations

import io
import re

from tracker.extract.css import Page
from tracker.extract.html_text import BLOCK_TAGS, HIDDEN_TEXT, element_text, hidden
from tracker.extract.markup import Element
from tracker.extract.normalise import clean_text, strip_tracking_query
from tracker.extract.textflow import LineBuilder, finish_lines
from tracker.extract.urls import DOCUMENT_EXTENSIONS, absolute_url
from tracker.extract.volatile import in_volatile_part, volatile_parts
from tracker.specs import DocumentParser
from tracker.types import Block, DecodedBody, DocumentExtraction, ExtractionError

_CELL_TAGS = frozenset({"td", "th"})
_PARAGRAPH_BLOCKS = BLOCK_TAGS - _CELL_TAGS
# Attachments worth listing: office/PDF files, and extension-less download endpoints (CAC's
# /cms/pub/interact/downloadfile.jsp?filepath=…&fText=…).

_DOCUMENT_LINK = re.compile(rf"\.({DOCUMENT_EXTENSIONS})($|[?#])|download", re.IGNORECASE)
# What an href must contain to become such a link once joined and cleaned: the clean-up drops and sorts
# query parameters, which can bring "x.pdf" from before an "&" to the end.
_MAY_BECOME_DOCUMENT_LINK = re.compile(rf"\.({DOCUMENT_EXTENSIONS})($|[?#&])|download", re.IGNORECASE)


def paragraph_blocks(lines: list[str]) -> tuple[Block, ...]:
    return tuple(Block(key=f"p_{n:04d}", label=f"¶{n}", text=line) for n, line in enumerate(lines, start=1))


def _walk(element: Element, builder: LineBuilder, is_hidden: bool) -> None:
    """Table cells are spaced, other blocks are lines of their own; inline text runs on."""
    if not is_hidden:
        builder.text(element.text)
    for child in element:
        tag = child.tag
        if isinstance(tag, str):  # not a comment or processing instruction
            child_hidden = is_hidden or tag in HIDDEN_TEXT
            if tag in _CELL_TAGS:
                builder.text(" ")
                _walk(child, builder, child_hidden)
                builder.text(" ")
            elif tag in _PARAGRAPH_BLOCKS:
                builder.br()
                _walk(child, builder, child_hidden)
                builder.br()
            else:
                _walk(child, builder, child_hidden)
        if not is_hidden:
            builder.text(child.tail)


class _Region:
    """What of a page is read: the `content` roots (else <main>, <article> or <body>), less the
    volatile parts and the `drop` selectors' matches.

    The roots are found first and only they are cleaned; a root that lies in a volatile or dropped part
    is no root. Selectors match the page as served, so a `:first-child` counts a sibling that is chrome
    (a <form> or <nav>) and is removed afterwards: what a user sees in the page source is what matches."""

    def __init__(self, page: Page, spec: DocumentParser) -> None:
        self.page = page
        self.dropped = {element for selector in spec.drop for element in page.select(selector, "drop")}
        if spec.content:
            self.roots = [root for root in page.select(spec.content, "content") if self._kept(root)]
            if not self.roots:
                raise ExtractionError(f"selector {spec.content!r} matched nothing")
        else:
            self.roots = self._default_roots()
        unwanted: dict[Element, None] = {}  # ordered and unique, if roots nest
        for root in self.roots:
            unwanted.update(dict.fromkeys(volatile_parts(root)))
        roots = set(self.roots)
        unwanted.update(dict.fromkeys(e for e in self.dropped if any(a in roots for a in e.iterancestors())))
        page.remove(unwanted)

    def _kept(self, element: Element) -> bool:
        dropped = self.dropped
        if dropped and (element in dropped or any(a in dropped for a in element.iterancestors())):
            return False
        return not in_volatile_part(element)

    def _default_roots(self) -> list[Element]:
        for name in ("main", "article", "body"):
            for element in self.page.root.iter(name):
                if self._kept(element):
                    return [element]
        return [self.page.root]


def _title(roots: list[Element], page_title: str) -> str:
    for root in roots:
        heading = next(root.iterdescendants("h1"), None)
        if heading is not None and (text := element_text(heading)):
            return text
    return page_title


def _document_links(roots: list[Element], base_url: str) -> tuple[tuple[str, str], ...]:
    # An anchor can only name an attachment if its href or the page's own URL could: joining takes the
    # path's end from the href (or, for "?x" and "", from the page URL) and cleaning only drops and
    # sorts parameters and drops anchors. Most anchors are then skipped before the costly join and clean-up.
    every_anchor = _MAY_BECOME_DOCUMENT_LINK.search(base_url) is not None
    links: dict[str, str] = {}  # url -> the first non-empty anchor text naming it
    for root in roots:
        for anchor in root.iterdescendants("a"):
            href = (anchor.get("href") or "").strip()
            if not href or href.startswith(("javascript:", "mailto:", "#")):
                continue
            if not every_anchor and _MAY_BECOME_DOCUMENT_LINK.search(href) is None:
                continue
            url = strip_tracking_query(absolute_url(href, base_url))
            if _DOCUMENT_LINK.search(url) and not links.get(url):
                links[url] = element_text(anchor) or clean_text(anchor.get("title") or "")
    return tuple(links.items())


def extract_html_document(decoded: DecodedBody, spec: DocumentParser, base_url: str) -> DocumentExtraction:
    page = Page(decoded.text)
    title = next(page.root.iter("title"), None)
    page_title = element_text(title) if title is not None else ""
    roots = _Region(page, spec).roots
    builder = LineBuilder()
    for root in roots:
        builder.br()
        _walk(root, builder, hidden(root))
    blocks = paragraph_blocks(builder.lines())
    if not blocks:
        where = repr(spec.content) if spec.content else "the page"
        raise ExtractionError(f"document has no text in {where}")
    found_links = _document_links(roots, base_url)
    return DocumentExtraction(
        blocks=blocks,
        title=_title(roots, page_title),
        links=tuple(url for url, _ in found_links),
        link_titles=tuple((url, text) for url, text in found_links if text),
    )


# --- PDF ----------------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"[.!?:;。！？；：]$")


def _pdf_paragraphs(page_text: str) -> list[str]:
    """Blank lines and sentence-final line ends delimit paragraphs; wrapped lines are re-joined."""
    paragraphs: list[str] = []
    for chunk in re.split(r"\n\s*\n", page_text):
        current = ""
        for raw_line in chunk.splitlines():
            line = clean_text(raw_line)
            if not line:
                continue
            if current.endswith("-") and line[:1].islower():
                current = current[:-1] + line  # "regu-" + "lation"
            else:
                current = f"{current} {line}" if current else line
            if _SENTENCE_END.search(line):
                paragraphs.append(current)
                current = ""
        if current:
            paragraphs.append(current)
    return paragraphs


def extract_pdf(raw: bytes) -> DocumentExtraction:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionError("PDF is encrypted")
        paragraphs: list[str] = []
        for page in reader.pages:
            paragraphs.extend(_pdf_paragraphs(page.extract_text() or ""))
        metadata = reader.metadata
        title = clean_text(str(metadata.title or "")) if metadata is not None else ""
    except ExtractionError:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise ExtractionError(f"unreadable PDF: {type(exc).__name__}: {exc}") from exc
    blocks = paragraph_blocks(finish_lines(paragraphs))
    if not blocks:
        raise ExtractionError("PDF has no extractable text (scanned image?)")
    return DocumentExtraction(blocks=blocks, title=title)
