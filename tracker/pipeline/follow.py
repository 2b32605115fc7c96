"""Follow stage: the items listed behind each item of a list (EP procedures -> each procedure's events).

tracker.pipeline.check calls `follow_items` for endpoints declared with `follow` (specs.FollowSpec), after
extraction and before the store. A discovery list (every procedure of a year) names its entries but does
not say what they are about, so each parent is fetched once to learn its title:

- Parents are the pinned ids, then the listed ones, then parents known to be relevant that the list no
  longer shows (a procedure of last year still gets events). Their items: the parent itself, titled
  "<label>: <title>", and, for relevant parents, every entry as "<parent id>/<entry id>".
- A parent judged not relevant is remembered through its stored item (meta `follow=other`) and not
  fetched again; a relevant or pinned one is fetched at every check. At most `max_new` parents are
  examined for the first time per check; the rest are listed bare (`follow=pending`) and examined later.
- A followed answer that cannot be had or read never fails the check: the parent's stored items are
  carried forward unchanged, so a flaky API gives neither removals nor new items.
"""

from __future__ import annotations

import json
import logging
import re
import string
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from tracker.extract.jsonlist import extract_json_list, id_slug, resolve_path
from tracker.extract.normalise import clean_text
from tracker.extract.urls import absolute_url
from tracker.pipeline.linked import fetch_and_read
from tracker.relevance.classifier import RelevanceClassifier
from tracker.specs import FollowSpec
from tracker.types import (
    DecodedBody,
    ExtractedItem,
    ExtractionError,
    FetchRequest,
    ItemsExtraction,
)

if TYPE_CHECKING:
    from tracker.net.fetch import Fetcher
    from tracker.store.apply import EndpointContext

log = logging.getLogger("tracker.pipeline.follow")

# meta keys this stage owns
FOLLOW, PARENT = "follow", "parent"
RELEVANT, OTHER, PENDING = "relevant", "other", "pending"
_CODE = re.compile(r"^[\w.-]+(?:/[\w.-]+)+$|^[A-Z0-9]+(?:_[A-Z0-9]+)+$")


def entry_words(title: str, title_map: Mapping[str, str]) -> str:
    """'def/ep-activities/PLENARY_VOTE' -> the declared words, else 'plenary vote'; other titles as given."""
    if title in title_map:
        return title_map[title]
    last = title.rstrip("/").rsplit("/", 1)[-1]
    if _CODE.match(title) and last:
        return last.replace("_", " ").replace("-", " ").lower()
    return title


def _fill(template: str, **fields: str) -> str:
    try:
        return string.Formatter().vformat(template, (), fields)
    except (IndexError, KeyError, ValueError) as exc:
        raise ExtractionError(f"follow template {template!r}: {exc}") from exc


def _text(data: Any, path: str | None) -> str:
    if not path:
        return ""
    value = resolve_path(data, path)
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), "")
    return clean_text(value) if isinstance(value, str) else ""


def parent_order(
    extraction: ItemsExtraction, spec: FollowSpec, known: Mapping[str, ExtractedItem]
) -> list[str]:
    """Pinned, then listed, then known relevant parents the list no longer shows; each once."""
    ids = list(spec.pinned) + [i.stable_id for i in extraction.items]
    ids += [sid for sid, item in known.items() if item.meta.get(FOLLOW) == RELEVANT]
    return list(dict.fromkeys(ids))


def read_followed(
    decoded: DecodedBody,
    final_url: str,
    parent_id: str,
    spec: FollowSpec,
    classifier: RelevanceClassifier,
    *,
    pinned: bool,
    language: str,
    jurisdiction: str,
) -> list[ExtractedItem]:
    """The parent item and (when relevant) its entries, from one followed answer. Raises ExtractionError."""
    try:
        data = json.loads(decoded.text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ExtractionError(f"malformed JSON: {exc}") from exc
    label = _text(data, spec.label_field) or parent_id
    title = _text(data, spec.title_field)
    if spec.title_field and not title:
        raise ExtractionError(f"{spec.title_field!r} not found in the followed answer")
    try:
        entries = extract_json_list(decoded, spec.entries, final_url).items
    except ExtractionError:
        if title:  # a parent with nothing under it yet (a procedure just opened)
            entries = ()
        else:
            raise
    relevant = pinned or not spec.only_relevant
    if not relevant:
        relevant = classifier.classify(title or label, "", language=language, jurisdiction=jurisdiction).is_ai
    dates = [e.published_at for e in entries if e.published_at is not None]
    parent = ExtractedItem(
        stable_id=parent_id,
        title=f"{label}: {title}" if title else label,
        url=_fill(spec.parent_url, id=parent_id, label=label) if spec.parent_url else final_url,
        published_at=min(dates) if dates else None,
        meta={FOLLOW: RELEVANT if relevant else OTHER},
    )
    if not relevant:
        return [parent]
    out = [parent]
    for entry in entries:
        url = (
            _fill(spec.entry_url, id=entry.stable_id, parent_id=parent_id, label=label)
            if spec.entry_url
            else entry.url
        )
        out.append(
            replace(
                entry,
                stable_id=f"{parent_id}/{entry.stable_id}",
                title=f"{label}: {entry_words(entry.title, spec.title_map)}",
                url=url,
                # What the event belongs to: the relevance stage and the alert read it.
                summary=entry.summary or title,
                meta={**entry.meta, PARENT: parent_id},
            )
        )
    return out


async def _fetch_parent(
    fetcher: Fetcher, ctx: EndpointContext, parent_id: str, list_url: str, classifier: RelevanceClassifier
) -> list[ExtractedItem] | None:
    spec = ctx.endpoint.follow
    assert spec is not None
    url = absolute_url(_fill(spec.url, id=parent_id, id_slug=id_slug(parent_id)), list_url)

    # The list's own headers (Accept: application/ld+json) describe the API, and the followed answer
    # comes from the same API.
    def read(decoded: DecodedBody, final_url: str) -> list[ExtractedItem]:
        return read_followed(
            decoded,
            final_url,
            parent_id,
            spec,
            classifier,
            pinned=parent_id in spec.pinned,
            language=ctx.source.language,
            jurisdiction=ctx.source.jurisdiction,
        )

    request = FetchRequest(url=url, headers=dict(ctx.endpoint.headers))
    return await fetch_and_read(fetcher, request, read, "follow", log)


def _stored_family(parent_id: str, known: Mapping[str, ExtractedItem]) -> list[ExtractedItem]:
    """The parent's stored item and its stored entries, as they were."""
    return [item for sid, item in known.items() if sid == parent_id or item.meta.get(PARENT) == parent_id]


async def follow_items(
    fetcher: Fetcher,
    ctx: EndpointContext,
    extraction: ItemsExtraction,
    known: Mapping[str, ExtractedItem],
    classifier: RelevanceClassifier,
    list_url: str,
) -> ItemsExtraction:
    """The list's items with what stands behind them (see the module docstring). `known` maps the stored
    items' ids to their stored form (pipeline.detail.stored_items); `list_url` is the list's final URL."""
    spec = ctx.endpoint.follow
    assert spec is not None
    listed = {i.stable_id: i for i in extraction.items}
    out: list[ExtractedItem] = []
    examined = 0
    for parent_id in parent_order(extraction, spec, known):
        stored = known.get(parent_id)
        status = stored.meta.get(FOLLOW) if stored is not None else None
        if status == OTHER and parent_id not in spec.pinned:
            if parent_id in listed:  # judged once; its title does not change what it is about
                out.append(stored)  # type: ignore[arg-type]
            continue
        if status != RELEVANT and parent_id not in spec.pinned:
            if examined >= spec.max_new:
                out.append(replace(listed[parent_id], meta={FOLLOW: PENDING}))
                continue
            examined += 1
        try:
            found = await _fetch_parent(fetcher, ctx, parent_id, list_url, classifier)
        except Exception:  # one followed answer must never fail the check of its list
            log.exception("follow of %s failed", parent_id)
            found = None
        if found is not None:
            out.extend(found)
        elif family := _stored_family(parent_id, known):
            out.extend(family)
        elif parent_id in listed:
            out.append(replace(listed[parent_id], meta={FOLLOW: PENDING}))
    return replace(extraction, items=tuple(out))


__all__ = ["entry_words", "follow_items", "parent_order", "read_followed"]
