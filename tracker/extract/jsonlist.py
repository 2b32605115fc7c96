"""JSON list APIs (Federal Register `results`, Press Corner `docuLanguageListResources`, CAC `list`).

Only the declared fields are read, so volatile ones (page_views) never reach an item. Paths are dotted;
a segment applied to a list maps over it ("agencies.name" -> every agency's name).
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from tracker.extract.dates import from_timestamp, parse_date
from tracker.extract.html_text import html_to_text, truncate
from tracker.extract.normalise import clean_text, strip_tracking_query
from tracker.extract.urls import absolute_url
from tracker.specs import JsonListParser
from tracker.types import DecodedBody, DocType, Evidence, ExtractedItem, ExtractionError, ItemsExtraction

SUMMARY_LIMIT = 1000
_MISSING = object()


def resolve_path(data: Any, path: str) -> Any:
    """Follow a dotted path; a segment applied to a list maps over it (and flattens). Missing -> _MISSING."""
    current = data
    for segment in path.split(".") if path else []:
        if isinstance(current, list):
            mapped = [resolve_path(entry, segment) for entry in current]
            current = []
            for value in mapped:  # lists of lists flatten: "data.consists_of" = every event of every record
                if isinstance(value, list):
                    current.extend(value)
                elif value is not _MISSING:
                    current.append(value)
        elif isinstance(current, Mapping):
            current = current.get(segment, _MISSING)
            if current is _MISSING:
                return _MISSING
        else:
            return _MISSING
    return current


def _flatten(value: Any) -> str:
    """A field value as one string: lists joined with ', ', None and missing as ''."""
    if value is _MISSING or value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return ", ".join(part for part in (_flatten(v) for v in value) if part)
    if isinstance(value, Mapping):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def id_slug(stable_id: str) -> str:
    """Press Corner: 'IP/26/1954' -> 'ip_26_1954'."""
    return stable_id.strip().lower().replace("/", "_")


class _TemplateFields(dict):
    """Format fields: the item's own keys; a missing one names itself in the error."""

    def __missing__(self, key: str) -> Any:
        raise ExtractionError(f"url_template field {{{key}}} is not in the item")


def _url(entry: Mapping[str, Any], spec: JsonListParser, stable_id: str, base_url: str) -> str:
    if spec.url_field:
        value = _flatten(resolve_path(entry, spec.url_field))
        if value:
            return strip_tracking_query(absolute_url(value, base_url))
    if spec.url_template:
        fields = _TemplateFields(entry)
        fields.update(id_slug=id_slug(stable_id), id=stable_id)
        try:
            return strip_tracking_query(string.Formatter().vformat(spec.url_template, (), fields))
        except (IndexError, KeyError, ValueError, AttributeError) as exc:
            raise ExtractionError(f"url_template {spec.url_template!r}: {exc}") from exc
    return base_url


def _date(value: Any, spec: JsonListParser) -> datetime | None:
    if isinstance(value, bool) or value is _MISSING or value is None:
        return None
    if isinstance(value, int | float):
        return from_timestamp(value)
    return parse_date(_flatten(value), spec.date_format, spec.timezone or "UTC")


def _doc_type(entry: Mapping[str, Any], spec: JsonListParser) -> DocType | None:
    if not spec.doc_type_field:
        return None
    value = _flatten(resolve_path(entry, spec.doc_type_field))
    return spec.doc_type_map.get(value) if value else None


def _summary(entry: Mapping[str, Any], spec: JsonListParser) -> str:
    if not spec.summary_field:
        return ""
    value = _flatten(resolve_path(entry, spec.summary_field))
    text = html_to_text(value) if "<" in value or "&" in value else clean_text(value)
    return truncate(text, SUMMARY_LIMIT)


def extract_json_list(decoded: DecodedBody, spec: JsonListParser, base_url: str) -> ItemsExtraction:
    try:
        data = json.loads(decoded.text)
    except (json.JSONDecodeError, RecursionError) as exc:
        raise ExtractionError(f"malformed JSON: {exc}") from exc
    entries = resolve_path(data, spec.items_path)
    if spec.empty_ok and (entries is _MISSING or entries == []) and isinstance(data, Mapping):
        return ItemsExtraction(items=())
    if entries is _MISSING:
        raise ExtractionError(f"items path {spec.items_path!r} not found in the JSON answer")
    if not isinstance(entries, list):
        raise ExtractionError(f"items path {spec.items_path!r} is a {type(entries).__name__}, not a list")
    items: list[ExtractedItem] = []
    # How many entries lack each field the parser reads: a renamed field is a blind endpoint, not a
    # list of items titled by their ids (tracker.pipeline.expectations judges it).
    read_fields = [spec.id_field, spec.title_field] + ([spec.date_field] if spec.date_field else [])
    missing = dict.fromkeys(read_fields, 0)
    mappings = 0
    keep = re.compile(spec.keep_if) if spec.keep_if else None
    dropped = 0
    for entry in entries:
        if not isinstance(entry, Mapping):
            continue
        mappings += 1
        for name in read_fields:
            if _flatten(resolve_path(entry, name)).strip() == "":
                missing[name] += 1
        stable_id = _flatten(resolve_path(entry, spec.id_field)).strip()
        if not stable_id:
            continue
        if keep is not None and not keep.match(stable_id):
            dropped += 1
            continue
        title = clean_text(_flatten(resolve_path(entry, spec.title_field))) or stable_id
        meta = {}
        for name in spec.meta_fields:
            value = _flatten(resolve_path(entry, name))
            if value:
                meta[name] = value
        items.append(
            ExtractedItem(
                stable_id=stable_id,
                title=title,
                url=_url(entry, spec, stable_id, base_url),
                published_at=_date(resolve_path(entry, spec.date_field), spec) if spec.date_field else None,
                summary=_summary(entry, spec),
                doc_type=_doc_type(entry, spec),
                meta=meta,
            )
        )
    if not items:
        why = " (no entry had the id field)" if entries else ""
        if dropped:
            why = f" ({dropped} dropped by keep_if)"
        raise ExtractionError(f"zero items at {spec.items_path!r}{why}")
    evidence = Evidence(candidates=mappings, candidate_kind="entries", missing_fields=tuple(missing.items()))
    return ItemsExtraction(items=tuple(items), evidence=evidence)
