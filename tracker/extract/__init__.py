"""extract: a decoded body + its endpoint's parser declaration -> an Extraction.

`extract` dispatches on `endpoint.parser.kind` (and DocumentParser.dialect; "auto" sniffs the body).
It raises ExtractionError, naming what failed, whenever the body is not what the parser expects.

`extractor_version` changes whenever an extractor's output would change, so stored snapshots are
re-derived silently instead of being reported as changes. Bump the constant of the extractor you
change; bump NORMALISE when tracker.extract.normalise.clean_text or extract.textflow change (it affects all).
"""

from __future__ import annotations

import hashlib

from tracker.specs import (
    DocumentParser,
    EndpointSpec,
    Expectations,
    FeedParser,
    HtmlListParser,
    JsonListParser,
    LinksParser,
)
from tracker.types import DecodedBody, Extraction, ExtractionError

NORMALISE = 2  # 2: enumerators after „ « ‚ quotes join their text (textflow)
VERSIONS: dict[str, int] = {
    "feed": 1,
    "json": 2,  # 2: keep_if drops entries whose id does not match
    "html_list": 2,  # 2: lxml + compiled selectors instead of BeautifulSoup
    "links": 2,
    "document-html": 3,  # 3: .odp and .epub links are attachments too; 2: selectors on the page as served
    "document-pdf": 1,
    "legal-eurlex_oj": 1,
    "legal-eurlex_consolidated": 2,  # 2: the list of the acts it consolidates
    "legal-formex": 1,
    "legal-lawgokr": 1,
}
_DOCUMENT_NAMES = {
    "html": "document-html",
    "pdf": "document-pdf",
    "eurlex_oj": "legal-eurlex_oj",
    "eurlex_consolidated": "legal-eurlex_consolidated",
    "formex": "legal-formex",
    "lawgokr": "legal-lawgokr",
}


def extractor_version(endpoint: EndpointSpec) -> str:
    """E.g. "feed-1.1-3fa2c1" (own version . NORMALISE - hash of the declaration); at most 64 characters.

    "auto" documents may take any dialect, so their version is the sum of every document extractor's
    version: it grows whenever any of them is bumped.
    """
    parser = endpoint.parser
    # The declaration is part of the extractor: a user who edits a selector re-derives, not alerts.
    declaration = parser.model_dump_json()
    if endpoint.follow is not None:  # what is followed, and how, shapes the items as much as the parser
        declaration += endpoint.follow.model_dump_json()
    if endpoint.expect != Expectations():  # new expectations judge the same bytes again
        declaration += endpoint.expect.model_dump_json()
    declared = hashlib.sha1(declaration.encode()).hexdigest()[:6]
    if isinstance(parser, DocumentParser):
        if parser.dialect == "auto":
            total = sum(VERSIONS[name] for name in _DOCUMENT_NAMES.values())
            return f"doc-auto-{total}.{NORMALISE}-{declared}"
        name = _DOCUMENT_NAMES[parser.dialect]
    else:
        name = parser.kind
    return f"{name}-{VERSIONS[name]}.{NORMALISE}-{declared}"


def sniff_dialect(decoded: DecodedBody, raw: bytes) -> str:
    """Which document dialect a body is written in (for DocumentParser(dialect="auto"))."""
    if raw[:1024].lstrip().startswith(b"%PDF-") or decoded.kind == "pdf":
        return "pdf"
    text = decoded.text
    head = text[:4096]
    if "<법령" in head or ("<조문단위" in text and "<조문내용" in text):
        return "lawgokr"
    if ("<ACT" in text or "<COMBINED.FMX" in head) and "<ARTICLE IDENTIFIER" in text:
        return "formex"
    if "title-article-norm" in text:
        return "eurlex_consolidated"
    if "oj-ti-art" in text and "eli-subdivision" in text:
        return "eurlex_oj"
    return "html"


# The extractors are imported when first used: a check where every page answers 304 or the same bytes
# never loads lxml, feedparser or pypdf (a short-lived `tracker check` pays for every import).
def extract(decoded: DecodedBody, raw: bytes, endpoint: EndpointSpec, base_url: str) -> Extraction:
    parser = endpoint.parser
    if isinstance(parser, FeedParser):
        from tracker.extract.feed import extract_feed

        return extract_feed(decoded, raw, parser, base_url)
    if isinstance(parser, JsonListParser):
        from tracker.extract.jsonlist import extract_json_list

        return extract_json_list(decoded, parser, base_url)
    if isinstance(parser, HtmlListParser):
        from tracker.extract.htmllist import extract_html_list

        return extract_html_list(decoded, parser, base_url)
    if isinstance(parser, LinksParser):
        from tracker.extract.links import extract_links

        return extract_links(decoded, parser, base_url)
    if isinstance(parser, DocumentParser):
        return extract_document(decoded, raw, parser, base_url)
    raise ExtractionError(f"no extractor for parser kind {getattr(parser, 'kind', parser)!r}")


def extract_document(decoded: DecodedBody, raw: bytes, parser: DocumentParser, base_url: str) -> Extraction:
    dialect = sniff_dialect(decoded, raw) if parser.dialect == "auto" else parser.dialect
    if dialect == "pdf":
        if raw.lstrip()[:5] != b"%PDF-":
            raise ExtractionError("expected a PDF, the body does not start with %PDF-")
        from tracker.extract.document import extract_pdf

        return extract_pdf(raw)
    if dialect in ("eurlex_oj", "eurlex_consolidated"):
        from tracker.extract.legal import extract_eurlex_html

        return extract_eurlex_html(decoded, consolidated=dialect == "eurlex_consolidated")
    if dialect == "formex":
        from tracker.extract.formex import extract_formex

        return extract_formex(decoded, raw)
    if dialect == "lawgokr":
        from tracker.extract.lawgokr import extract_lawgokr

        return extract_lawgokr(decoded, raw)
    from tracker.extract.document import extract_html_document

    return extract_html_document(decoded, parser, base_url)


__all__ = ["extract", "extract_document", "extractor_version", "sniff_dialect"]
