"""A stored diff (Change.diff) as units of side-by-side rows, with the words that changed marked.

Document diffs (tracker.diff.core.render_unified) introduce each unit with '@@ <label> (<op>) @@'; lines start
with ' ' (context), '-' (old), '+' (new); ' …' separates distant hunks of one unit. Units whose change is
typography only come after the substance with the label suffix ' — typography only'. Item diffs are
difflib's unified diffs ('--- before', '+++ after', '@@ -1,2 +1,2 @@'). Both parse into the same rows.

Within a run of removed lines followed by added lines, lines are paired in order; a paired line's
words are compared token by token (Han and kana characters one by one: they are written without spaces).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field

TYPOGRAPHY_SUFFIX = " — typography only"
_UNIT_HEADER = re.compile(r"^@@ (?P<label>.*) \((?P<op>added|removed|changed)\) @@$")
_LINE_HEADER = re.compile(r"^@@ -\d+(?:,\d+)? \+\d+(?:,\d+)? @@")
_TOKEN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|\w+|\s+|[^\w\s]")
WORD_DIFF_MAX_TOKENS = 4000  # a longer line is marked whole: difflib is quadratic on it


@dataclass(frozen=True, slots=True)
class Segment:
    text: str
    marked: bool  # removed (old side) or added (new side)


@dataclass(frozen=True, slots=True)
class Row:
    kind: str  # "context" | "changed" | "removed" | "added" | "gap"
    old: tuple[Segment, ...] | None  # None: nothing on that side
    new: tuple[Segment, ...] | None


@dataclass
class Unit:
    label: str
    op: str  # "added" | "removed" | "changed"
    typographic: bool = False
    rows: list[Row] = field(default_factory=list)

    @property
    def marked_words(self) -> int:
        return sum(1 for r in self.rows for side in (r.old or (), r.new or ()) for s in side if s.marked)


def word_segments(old: str, new: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """Old and new line cut into unmarked and marked segments (whitespace-only changes are not marked)."""
    old_tokens, new_tokens = _TOKEN.findall(old), _TOKEN.findall(new)
    if len(old_tokens) > WORD_DIFF_MAX_TOKENS or len(new_tokens) > WORD_DIFF_MAX_TOKENS:
        return (Segment(old, True),), (Segment(new, True),)
    matcher = difflib.SequenceMatcher(
        None, [t if t.strip() else " " for t in old_tokens], [t if t.strip() else " " for t in new_tokens],
        autojunk=False,
    )  # fmt: skip
    old_out: list[Segment] = []
    new_out: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        old_text, new_text = "".join(old_tokens[i1:i2]), "".join(new_tokens[j1:j2])
        marked = tag != "equal"
        if old_text:
            _append(old_out, old_text, marked and bool(old_text.strip()))
        if new_text:
            _append(new_out, new_text, marked and bool(new_text.strip()))
    return _bridged(old_out), _bridged(new_out)


def _bridged(segments: list[Segment]) -> tuple[Segment, ...]:
    """'August' ' ' '2026' marked-plain-marked reads as one change: mark the space between them too."""
    out: list[Segment] = []
    for index, segment in enumerate(segments):
        between = 0 < index < len(segments) - 1 and segments[index - 1].marked and segments[index + 1].marked
        if between and not segment.marked and not segment.text.strip():
            segment = Segment(segment.text, True)
        _append(out, segment.text, segment.marked)
    return tuple(out)


def _append(out: list[Segment], text: str, marked: bool) -> None:
    if out and out[-1].marked == marked:
        out[-1] = Segment(out[-1].text + text, marked)
    else:
        out.append(Segment(text, marked))


def _pair(removed: list[str], added: list[str]) -> list[Row]:
    rows: list[Row] = []
    for index in range(max(len(removed), len(added))):
        old = removed[index] if index < len(removed) else None
        new = added[index] if index < len(added) else None
        if old is not None and new is not None:
            old_segments, new_segments = word_segments(old, new)
            rows.append(Row("changed", old_segments, new_segments))
        elif old is not None:
            rows.append(Row("removed", (Segment(old, True),), None))
        else:
            rows.append(Row("added", None, (Segment(new or "", True),)))
    return rows


def parse_unified(diff: str, *, item_label: str = "Entry") -> list[Unit]:
    """The units of a stored diff, in the stored order (substance first, typography-only units after)."""
    units: list[Unit] = []
    current: Unit | None = None
    removed: list[str] = []
    added: list[str] = []

    def flush() -> None:
        if current is not None and (removed or added):
            current.rows.extend(_pair(removed, added))
        removed.clear()
        added.clear()

    for line in diff.splitlines():
        header = _UNIT_HEADER.match(line)
        if header:
            flush()
            label = header.group("label")
            typographic = label.endswith(TYPOGRAPHY_SUFFIX)
            current = Unit(label.removesuffix(TYPOGRAPHY_SUFFIX), header.group("op"), typographic)
            units.append(current)
            continue
        if line.startswith(("--- ", "+++ ")) and (current is None or not current.rows) and not removed:
            continue  # difflib's file header of an item diff
        if _LINE_HEADER.match(line):
            flush()
            if current is None:
                current = Unit(item_label, "changed")
                units.append(current)
            elif current.rows:
                current.rows.append(Row("gap", None, None))
            continue
        if current is None:
            current = Unit(item_label, "changed")
            units.append(current)
        if line == " …":
            flush()
            current.rows.append(Row("gap", None, None))
        elif line.startswith("-"):
            if added:  # '-' after '+': a new run
                flush()
            removed.append(line[1:])
        elif line.startswith("+"):
            added.append(line[1:])
        else:
            flush()
            text = line[1:] if line.startswith(" ") else line
            current.rows.append(Row("context", (Segment(text, False),), (Segment(text, False),)))
    flush()
    return units
