"""Generic pages and PDFs watched as a whole: paragraph blocks "p_0001", "¶1", … in reading order.

Positional keys are fine here: `tracker.diff` aligns positional blocks by their text, so an inserted
paragraph is one addition rather than a renumbering of everything after it.
"""

from __future__ import annotations

import io
import re

from bs4 import BeautifulSoup, NavigableString, Tag

from tracker.extract.html_text import BLOCK_TAGS, make_soup, soup_text
from tracker.extract.htmllist import select
from tracker.extract.textflow import LineBuilder, finish_lines
from tracker.extract.urls import absolute_url
from tracker.normalise import clean_text, strip_tracking_query, strip_volatile_html
from tracker.specs import DocumentParser
from tracker.types import Block, DecodedBody, DocumentExtraction, ExtractionError

_CELL_TAGS = frozenset({"td", "th"})
_PARAGRAPH_BLOCKS = BLOCK_TAGS - _CELL_TAGS
# Attachments worth listing: office/PDF files, and extension-less download endpoints (CAC's
# /cms/pub/interact/downloadfile.jsp?filepath=…&fText=…).
_DOCUMENT_LINK = re.compile(
    r"\.(pdf|docx?|xlsx?|odt|ods|rtf|pptx?|zip|csv|txt|wps|ofd)($|[?#])|download", re.IGNORECASE
)


def paragraph_blocks(lines: list[str]) -> tuple[Block, ...]:
    return tuple(Block(key=f"p_{n:04d}", label=f"¶{n}", text=line) for n, line in enumerate(lines, start=1))


def _walk(node: Tag, builder: LineBuilder) -> None:
    for child in node.children:
        if isinstance(child, NavigableString):
            if type(child) is NavigableString:  # not a comment, doctype or CDATA section
                builder.text(str(child))
            continue
        if not isinstance(child, Tag):
            continue
        if child.name in _CELL_TAGS:
            builder.text(" ")
            _walk(child, builder)
            builder.text(" ")
        elif child.name in _PARAGRAPH_BLOCKS:
            builder.br()
            _walk(child, builder)
            builder.br()
        else:
            _walk(child, builder)


def _roots(soup: BeautifulSoup, spec: DocumentParser) -> list[Tag]:
    if spec.content:
        roots = select(soup, spec.content, "content")
        if not roots:
            raise ExtractionError(f"selector {spec.content!r} matched nothing")
        return roots
    for name in ("main", "article", "body"):
        found = soup.find(name)
        if isinstance(found, Tag):
            return [found]
    return [soup]


def _title(soup: BeautifulSoup, roots: list[Tag]) -> str:
    for root in roots:
        heading = root.find("h1")
        if isinstance(heading, Tag) and (text := soup_text(heading)):
            return text
    title = soup.find("title")
    return soup_text(title) if isinstance(title, Tag) else ""


def _document_links(roots: list[Tag], base_url: str) -> tuple[str, ...]:
    links: list[str] = []
    for root in roots:
        for anchor in root.find_all("a", href=True):
            href = str(anchor["href"]).strip()
            if not href or href.startswith(("javascript:", "mailto:", "#")):
                continue
            url = strip_tracking_query(absolute_url(href, base_url))
            if _DOCUMENT_LINK.search(url) and url not in links:
                links.append(url)
    return tuple(links)


def extract_html_document(decoded: DecodedBody, spec: DocumentParser, base_url: str) -> DocumentExtraction:
    soup = make_soup(decoded.text)
    title = soup.find("title")
    page_title = soup_text(title) if isinstance(title, Tag) else ""
    strip_volatile_html(soup)
    for selector in spec.drop:
        for tag in select(soup, selector, "drop"):
            tag.decompose()
    roots = _roots(soup, spec)
    builder = LineBuilder()
    for root in roots:
        builder.br()
        _walk(root, builder)
    blocks = paragraph_blocks(builder.lines())
    if not blocks:
        where = repr(spec.content) if spec.content else "the page"
        raise ExtractionError(f"document has no text in {where}")
    return DocumentExtraction(
        blocks=blocks, title=_title(soup, roots) or page_title, links=_document_links(roots, base_url)
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
