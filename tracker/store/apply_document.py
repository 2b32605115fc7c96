"""Store stage for documents: a changed page or legal text becomes one Change, said as a reader wants it.

A legal text's change leads with the act and version and the lawyer's note (tracker.diff.legal_note); a
page that gained a document leads with that document; any other page with the units that changed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from datetime import datetime

from sqlmodel import Session

from tracker.diff.acts import act_header
from tracker.diff.core import diff_documents
from tracker.diff.legal_note import is_legal, summary_line, unit_lines
from tracker.store.apply import EndpointContext, StoreOutcome, new_change
from tracker.store.events import change_identifiers_for_document
from tracker.store.models import SourceState
from tracker.types import ChangeKind, DocumentExtraction, Relevance


def apply_document(
    session: Session,
    ctx: EndpointContext,
    state: SourceState,
    extraction: DocumentExtraction,
    previous: DocumentExtraction | None,
    judge: Callable[[], tuple[Relevance, str]],
    url: str,
    now: datetime,
) -> StoreOutcome:
    """`judge` gives relevance and document type; asked only when there is a change to label (a
    baseline never is one, and the first classification builds the term matchers)."""
    out = StoreOutcome(items=len(extraction.blocks))
    if not state.baseline_done or previous is None:
        out.baseline = True
        return out
    diff = diff_documents(previous.blocks, extraction.blocks)
    if diff.is_empty:
        return out
    out.document_changed = True
    relevance, doc_type = judge()
    title = extraction.title or previous.title or ctx.endpoint.id
    headline, summary = diff.headline(), _added_text_first(diff)
    new_documents = _added_documents(previous, extraction)
    if new_documents and not is_legal(diff):
        # A page that gains a report is news about the report: lead with its name and link, the page as
        # context (the diff stays in full below).
        first_url, first_title = new_documents[0]
        page = title
        title = first_title
        url = first_url
        more = f" and {len(new_documents) - 1} more" if len(new_documents) > 1 else ""
        headline = f"new document on “{page}”{more}"
        summary = "\n".join(f"{name}: {link}" for link, name in new_documents[:8])
    elif is_legal(diff):  # a lawyer's note: the act by name and version, counts by kind, the words changed
        consolidated = getattr(ctx.endpoint.parser, "dialect", "") == "eurlex_consolidated" or bool(
            _CONSOLIDATED_URL.search(url)
        )
        title = (
            act_header(title=title, url=url, version=extraction.version, consolidated=consolidated) or title
        )
        headline, summary = summary_line(diff), "\n".join(unit_lines(diff))
        # The acts this version consolidates that the previous one did not: what amended the law.
        new_acts = [act for act in extraction.amendments if act not in set(previous.amendments)]
        if new_acts:
            summary = "\n".join([f"Consolidates: {act}" for act in new_acts] + [summary])
    out.new_changes.append(
        new_change(
            ctx,
            ChangeKind.DOCUMENT_CHANGED,
            now,
            document_key=ctx.key,
            title=title,
            url=url[:2048],
            doc_type=doc_type,
            relevance=relevance.label.value,
            relevance_score=relevance.score,
            matched=json.dumps(list(relevance.matched), ensure_ascii=False),
            headline=headline,
            diff=diff.unified,
            added=diff.added,
            removed=diff.removed,
            changed=diff.changed,
            summary=summary,
            # a page's identity for event grouping: the documents it gained, not its own URL
            identifiers=json.dumps(
                change_identifiers_for_document(title, url, summary, [link for link, _ in new_documents]),
                ensure_ascii=False,
            ),
        )
    )
    return out


def _added_documents(previous: DocumentExtraction, current: DocumentExtraction) -> list[tuple[str, str]]:
    """Document links the page did not have before, with what the page calls them (or the file name)."""
    from tracker.extract.links import filename_title

    before = set(previous.links)
    names = dict(current.link_titles)
    return [(link, names.get(link) or filename_title(link)) for link in current.links if link not in before]


_CONSOLIDATED_URL = re.compile(r"\b0\d{4}[A-Z]{1,2}\d{4}-\d{8}")


def _added_text_first(diff) -> str:  # type: ignore[no-untyped-def]
    """A short 'what changed' for alerts and the digest: added text first, then changed, then removed."""
    order = {"added": 0, "changed": 1, "removed": 2}
    parts = []
    for c in sorted(diff.changes, key=lambda c: order.get(c.op, 3))[:8]:
        text = c.new if c.op != "removed" else c.old
        parts.append(f"{c.label} {c.op}: {text[:300]}")
    return "\n".join(parts)
