"""Never blind: does this answer look like the endpoint still sees its site?

Two checks, both before anything is diffed:
- `check_expectations`: what a healthy answer of this endpoint looks like, declared (EndpointSpec.expect)
  or the parser kind's default. "0 of 37 document links match the pattern" is broken, never an empty list.
- `check_drift`: the answer against the endpoint's own history. 2 items where the last checks had 30,
  or every item renumbered at once, is a redesign, not 28 removals or 30 new items.

A breach becomes status broken / drift: no diff, no "removed" alert, an operations notice.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.config import CheckSection
from tracker.extract.normalise import clean_text
from tracker.specs import DocumentParser, EndpointSpec, JsonListParser, LinksParser
from tracker.types import (
    DocumentExtraction,
    ErrorClass,
    Extraction,
    ItemsExtraction,
    KnownItem,
    ResponseStatus,
)

LEGAL_DIALECTS = ("eurlex_oj", "eurlex_consolidated", "formex", "lawgokr")
# Block keys of articles in every legal dialect: EUR-Lex/Formex "art_5", law.go.kr "jo_17의2".
ARTICLE_PREFIXES = ("art_", "jo_")
HISTORY_KEPT = 10  # item counts remembered per endpoint
# Drift by count needs a history large enough that a collapse means something.
DRIFT_MIN_MEDIAN = 5
# Renumbering: at least this many items known before "every id changed" is read as a redesign.
RENUMBER_MIN_ITEMS = 5


@dataclass(frozen=True, slots=True)
class Breach:
    status: ResponseStatus  # BROKEN or DRIFT
    error_class: ErrorClass  # EXPECTATION or DRIFT
    reason: str


def _broken(reason: str) -> Breach:
    return Breach(ResponseStatus.BROKEN, ErrorClass.EXPECTATION, reason)


def _drift(reason: str) -> Breach:
    return Breach(ResponseStatus.DRIFT, ErrorClass.DRIFT, reason)


def _is_legal(endpoint: EndpointSpec) -> bool:
    parser = endpoint.parser
    return isinstance(parser, DocumentParser) and parser.dialect in LEGAL_DIALECTS


def min_items(endpoint: EndpointSpec) -> int:
    """The declared minimum, or the parser kind's: a list that may legitimately be empty (a date-windowed
    search, a page of documents still to come) expects 0; every other list and document at least 1."""
    declared = endpoint.expect.min_items
    if declared is not None:
        return declared
    parser = endpoint.parser
    if isinstance(parser, JsonListParser) and parser.empty_ok:
        return 0
    if isinstance(parser, LinksParser):
        return 0  # no documents yet is possible; a pattern matching none of the document links is not
    return 1


def min_articles(endpoint: EndpointSpec) -> int:
    declared = endpoint.expect.min_articles
    if declared is not None:
        return declared
    return 1 if _is_legal(endpoint) else 0


def required_fields(endpoint: EndpointSpec) -> tuple[str, ...]:
    parser = endpoint.parser
    if not isinstance(parser, JsonListParser):
        return ()
    if endpoint.expect.required_fields is not None:
        return endpoint.expect.required_fields
    return (parser.id_field, parser.title_field) + ((parser.date_field,) if parser.date_field else ())


def describe_expectations(endpoint: EndpointSpec) -> str:
    """For people: 'at least 1 item; entries carry refCode, title, eventDate'."""
    parser = endpoint.parser
    unit = "block" if isinstance(parser, DocumentParser) else "item"
    count = min_items(endpoint)
    parts = [f"at least {count} {unit}{'' if count == 1 else 's'}" if count else f"{unit}s may be none"]
    if min_articles(endpoint):
        parts.append(f"at least {min_articles(endpoint)} article(s)")
    if isinstance(parser, LinksParser):
        parts.append("some document links match the pattern")
    fields = required_fields(endpoint)
    if fields:
        parts.append("entries carry " + ", ".join(fields))
    if endpoint.expect.drift:
        parts.append("no collapse against its history")
    return "; ".join(parts)


def check_expectations(endpoint: EndpointSpec, extraction: Extraction) -> Breach | None:
    """A breach of what a healthy answer of this endpoint looks like, or None."""
    if isinstance(extraction, ItemsExtraction):
        return _check_items(endpoint, extraction)
    return _check_document(endpoint, extraction)


def _check_items(endpoint: EndpointSpec, extraction: ItemsExtraction) -> Breach | None:
    found = len(extraction.items)
    evidence = extraction.evidence
    parser = endpoint.parser
    if isinstance(parser, LinksParser) and found == 0 and evidence.candidates > 0:
        return _broken(
            f"0 of {evidence.candidates} {evidence.candidate_kind} match the document pattern "
            f"{parser.link_pattern!r}: the site's file paths changed or the pattern is wrong"
        )
    wanted = min_items(endpoint)
    if found < wanted:
        seen = (
            f" ({evidence.candidates} {evidence.candidate_kind} on the page)"
            if evidence.candidates > 0
            else ""
        )
        return _broken(f"{found} item(s) where at least {wanted} are expected{seen}")
    entries = evidence.candidates
    if entries > 0:
        wanted_fields = set(required_fields(endpoint))
        lacking = [
            (name, count) for name, count in evidence.missing_fields if name in wanted_fields and count
        ]
        # A field missing from most entries was renamed or moved; one odd entry is the site's business.
        renamed = [(name, count) for name, count in lacking if count * 2 > entries]
        if renamed:
            described = ", ".join(
                f"{name!r} missing in {count} of {entries} entries" for name, count in renamed
            )
            return _broken(f"the answer no longer carries the fields the parser reads: {described}")
    return None


def _check_document(endpoint: EndpointSpec, extraction: DocumentExtraction) -> Breach | None:
    blocks = len(extraction.blocks)
    wanted = min_items(endpoint)
    if blocks < wanted:
        return _broken(f"{blocks} text block(s) where at least {wanted} are expected")
    wanted_articles = min_articles(endpoint)
    if wanted_articles:
        articles = sum(1 for block in extraction.blocks if block.key.startswith(ARTICLE_PREFIXES))
        if articles < wanted_articles:
            return _broken(
                f"{articles} article(s) in a legal text where at least {wanted_articles} are expected "
                f"({blocks} blocks found)"
            )
    return None


def unit_count(extraction: Extraction) -> int:
    """What drift compares: items of a list, articles of a legal text, blocks of any other document."""
    if isinstance(extraction, ItemsExtraction):
        return len(extraction.items)
    articles = sum(1 for block in extraction.blocks if block.key.startswith(ARTICLE_PREFIXES))
    return articles or len(extraction.blocks)


def _unit_name(extraction: Extraction) -> str:
    if isinstance(extraction, ItemsExtraction):
        return "items"
    has_articles = any(block.key.startswith(ARTICLE_PREFIXES) for block in extraction.blocks)
    return "articles" if has_articles else "text blocks"


def check_drift(
    endpoint: EndpointSpec,
    extraction: Extraction,
    *,
    recent_counts: Sequence[int],
    known_items: Sequence[KnownItem],
    check: CheckSection,
    key: str = "",
) -> Breach | None:
    """A breach with the endpoint's own history (count collapse, wholesale renumbering), or None."""
    if not endpoint.expect.drift:
        return None
    count = unit_count(extraction)
    # A date-windowed search shrinks and grows with the news (a quiet August): its count is no signal.
    windowed = endpoint.window_days is not None
    if not windowed and len(recent_counts) >= check.drift_min_history:
        usual = statistics.median(recent_counts)
        if usual >= DRIFT_MIN_MEDIAN and count < check.drift_ratio * usual:
            return _drift(
                f"{count} {_unit_name(extraction)} where the last {len(recent_counts)} good checks had "
                f"{usual:g} (median): a redesign or a partial page, not news; if the site really changed, "
                f"`tracker sources reset {key or endpoint.id}` accepts the new size"
            )
    if isinstance(extraction, ItemsExtraction):
        return _renumbered(extraction, known_items)
    return None


def _title_key(title: str) -> str:
    return clean_text(title).casefold()


def _renumbered(extraction: ItemsExtraction, known_items: Sequence[KnownItem]) -> Breach | None:
    """Every id new at once, while the items themselves are the old ones (same titles) or nothing is
    newer than what was known: the site renumbered or moved its list."""
    if len(known_items) < RENUMBER_MIN_ITEMS or len(extraction.items) < RENUMBER_MIN_ITEMS:
        return None
    known_ids = {item.stable_id for item in known_items}
    if any(item.stable_id in known_ids for item in extraction.items):
        return None
    known_titles = {_title_key(item.title) for item in known_items}
    same_titles = sum(1 for item in extraction.items if _title_key(item.title) in known_titles)
    if same_titles * 2 >= len(known_items):
        return _drift(
            f"every item id changed at once (0 of {len(extraction.items)} known) while {same_titles} titles "
            f"are the same: the site renumbered its items; not alerted as {len(extraction.items)} new items"
        )
    known_dates = [item.published_at for item in known_items if item.published_at is not None]
    new_dates = [item.published_at for item in extraction.items if item.published_at is not None]
    if known_dates and len(new_dates) == len(extraction.items) and max(new_dates) <= max(known_dates):
        return _drift(
            f"every item id changed at once (0 of {len(extraction.items)} known) and none is newer than "
            f"the newest known item ({max(known_dates):%Y-%m-%d}): the list moved or was replaced"
        )
    return None


def remember_count(history: Sequence[int], count: int) -> list[int]:
    """The history with this good check's count appended, the oldest dropped."""
    return [*history, count][-HISTORY_KEPT:]


__all__ = [
    "Breach",
    "KnownItem",
    "check_drift",
    "check_expectations",
    "describe_expectations",
    "min_items",
    "remember_count",
    "unit_count",
]
