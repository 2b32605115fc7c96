"""A legal text's change as a lawyer writes it: what kind of units changed, how many, which, and the words.

"12 articles amended, 3 inserted (4a, 60a, 75a), 0 deleted; Annexes I and III amended, XV inserted;
typography only: 9 units (Articles 3, 105–110)" and, per important unit, the words removed and added.
Built from a DocumentDiff; used for the alert, `tracker show` and the digest (through the stored change).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from tracker.diff.acts import compress_numbers, number_sort_key, unit_number
from tracker.diff.core import block_kind, comparison_form
from tracker.types import BlockChange, DocumentDiff

# Unit kinds in the order a lawyer reads them: the operative articles first.
_KINDS = {"art": ("article", "articles"), "jo": ("article", "articles"), "anx": ("Annex", "Annexes")}
_KIND_ORDER = {"art": 0, "jo": 0, "anx": 1, "rct": 2}
WORD_CONTEXT = 4  # words shown around a change
SNIPPET_MAX = 160  # characters of removed or added text in one snippet


@dataclass(frozen=True, slots=True)
class UnitCounts:
    amended: list[str]
    inserted: list[str]
    deleted: list[str]


def is_legal(diff: DocumentDiff) -> bool:
    """A diff of articles or annexes (not of a page's paragraphs)."""
    return any(block_kind(c.key) in _KINDS for c in (*diff.changes, *diff.typographic))


def _counts(changes: Sequence[BlockChange], kind_keys: tuple[str, ...]) -> UnitCounts:
    def numbers(op: str) -> list[str]:
        found = [
            unit_number(c.key, c.label) for c in changes if c.op == op and block_kind(c.key) in kind_keys
        ]
        return sorted(found, key=number_sort_key)

    return UnitCounts(numbers("changed"), numbers("added"), numbers("removed"))


def _listed(numbers: list[str], limit: int = 8) -> str:
    if not numbers:
        return ""
    if len(numbers) > limit:
        return f" ({compress_numbers(numbers[:limit])}, …)"
    return f" ({compress_numbers(numbers)})"


def _article_part(counts: UnitCounts) -> str:
    def n(numbers: list[str], one: str, many: str) -> str:
        return f"{len(numbers)} {one if len(numbers) == 1 else many}"

    if not (counts.amended or counts.inserted or counts.deleted):
        return ""
    return (
        f"{n(counts.amended, 'article', 'articles')} amended{_listed(counts.amended)}, "
        f"{len(counts.inserted)} inserted{_listed(counts.inserted)}, "
        f"{len(counts.deleted)} deleted{_listed(counts.deleted)}"
    )


def _and(numbers: list[str]) -> str:
    return numbers[0] if len(numbers) == 1 else f"{', '.join(numbers[:-1])} and {numbers[-1]}"


def _annex_part(counts: UnitCounts) -> str:
    parts = []
    for numbers, verb in (
        (counts.amended, "amended"),
        (counts.inserted, "inserted"),
        (counts.deleted, "deleted"),
    ):
        if numbers:
            parts.append((numbers, verb))
    if not parts:
        return ""
    first_numbers, first_verb = parts[0]
    noun = "Annex" if len(first_numbers) == 1 else "Annexes"
    texts = [f"{noun} {_and(first_numbers)} {first_verb}"] + [
        f"{_and(nums)} {verb}" for nums, verb in parts[1:]
    ]
    return ", ".join(texts)


def _other_part(changes: Sequence[BlockChange]) -> str:
    others = [c for c in changes if block_kind(c.key) not in _KINDS]
    if not others:
        return ""
    recitals = [c for c in others if block_kind(c.key) == "rct"]
    rest = len(others) - len(recitals)
    bits = []
    if recitals:
        bits.append(f"{len(recitals)} recital{'s' if len(recitals) != 1 else ''} changed")
    if rest:
        bits.append(f"{rest} other unit{'s' if rest != 1 else ''} changed")
    return ", ".join(bits)


def _typography_part(typographic: Sequence[BlockChange]) -> str:
    if not typographic:
        return ""
    articles = [unit_number(c.key, c.label) for c in typographic if block_kind(c.key) in ("art", "jo")]
    annexes = [unit_number(c.key, c.label) for c in typographic if block_kind(c.key) == "anx"]
    named = []
    if articles:
        named.append(f"Article{'s' if len(articles) > 1 else ''} {compress_numbers(articles)}")
    if annexes:
        named.append(f"Annex{'es' if len(annexes) > 1 else ''} {compress_numbers(annexes)}")
    units = len(typographic)
    detail = f" ({'; '.join(named)})" if named else ""
    return f"typography only: {units} unit{'s' if units != 1 else ''}{detail}"


def summary_line(diff: DocumentDiff) -> str:
    """Counts by kind of unit, articles and annexes apart, typography-only units in one clause."""
    parts = [
        _article_part(_counts(diff.changes, ("art", "jo"))),
        _annex_part(_counts(diff.changes, ("anx",))),
        _other_part(diff.changes),
        _typography_part(diff.typographic),
    ]
    return "; ".join(part for part in parts if part) or "no substantive change"


# -- the words that changed ----------------------------------------------------------------------

# Words and punctuation apart, so "om, zoveel als mogelijk," -> "om" reads as a deletion after "om".
_TOKEN = re.compile(r"\w+(?:[-'’]\w+)*|[^\w\s]")


def _cut(text: str) -> str:
    return text if len(text) <= SNIPPET_MAX else text[: SNIPPET_MAX - 1].rstrip() + "…"


def _span(text: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    """The original text of tokens start..end (exclusive), with its own spacing."""
    end = min(end, len(spans))
    if start >= end:
        return ""
    return text[spans[start][0] : spans[end - 1][1]]


def changed_words(old: str, new: str, limit: int = 3) -> list[str]:
    """The words removed and added, with a little context: '… apply from “2 August 2026” → “2 December
    2027” …'. Words equal once typography is folded are not changes."""
    old_spans = [m.span() for m in _TOKEN.finditer(old)]
    new_spans = [m.span() for m in _TOKEN.finditer(new)]
    matcher = difflib.SequenceMatcher(
        None,
        [comparison_form(old[a:b]) for a, b in old_spans],
        [comparison_form(new[a:b]) for a, b in new_spans],
        autojunk=False,
    )
    snippets: list[str] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        before = _span(new, new_spans, max(0, j1 - WORD_CONTEXT), j1)
        after = _span(new, new_spans, j2, j2 + WORD_CONTEXT)
        removed, added = _span(old, old_spans, i1, i2), _span(new, new_spans, j1, j2)
        if tag == "replace":
            core = f"“{_cut(removed)}” → “{_cut(added)}”"
        elif tag == "delete":
            core = f"deleted “{_cut(removed)}”"
        else:
            core = f"inserted “{_cut(added)}”"
        lead = ("… " if j1 > WORD_CONTEXT else "") + before + " " if before else ""
        tail = ""
        if after:
            tail = ("" if after[0] in ".,;:)]" else " ") + after
            tail += " …" if j2 + WORD_CONTEXT < len(new_spans) else ""
        snippets.append(lead + core + tail)
        if len(snippets) == limit:
            break
    return snippets


def _importance(change: BlockChange) -> tuple[int, int, tuple[int, str]]:
    # Articles before annexes before recitals; inserted before amended before deleted; then in order.
    op_rank = {"added": 0, "changed": 1, "removed": 2}[change.op]
    kind_rank = _KIND_ORDER.get(block_kind(change.key), 3)
    return (kind_rank, op_rank, number_sort_key(unit_number(change.key, change.label)))


def unit_lines(diff: DocumentDiff, limit: int = 8) -> list[str]:
    """One line per important unit: the label, then the changed words (amended) or the opening words."""
    lines = []
    for change in sorted(diff.changes, key=_importance)[:limit]:
        if change.op == "changed":
            words = changed_words(change.old, change.new)
            lines.append(f"{change.label} amended: " + ("; ".join(words) if words else "wording changed"))
        elif change.op == "added":
            lines.append(f"{change.label} inserted: {_cut(' '.join(change.new.split()))}")
        else:
            lines.append(f"{change.label} deleted (was: {_cut(' '.join(change.old.split()))})")
    hidden = len(diff.changes) - limit
    if hidden > 0:
        lines.append(
            f"… and {hidden} more unit{'s' if hidden != 1 else ''}: the full list and diff are in the thread"
        )
    return lines


__all__ = ["changed_words", "is_legal", "summary_line", "unit_lines"]
