"""What changed between two extractions: list items, and documents block by block.

Documents
---------
Blocks are compared in their comparison form (`normalise_text`, then `fold_typography`), so whitespace,
NFKC-only or typographic variants („ for “, – for -, NBSP for a space) never count as a change. A keyed
unit that differs only typographically is listed apart in DocumentDiff.typographic; inside a changed
unit, lines that differ only typographically are shown as context, not as changed.

- Keyed blocks ("art_5", "anx_III", "jo_17의2") are matched by key.
- Positional blocks ("p_0007", generic pages and PDFs) are aligned by text with difflib, so one
  inserted paragraph is one "added", not every later paragraph "changed".

Block kinds (the key's prefix: "art", "rct", "anx", "p", "jo") present on one side only are left out by
default: the consolidated dialect carries no recitals, so an OJ text against its consolidation must not
report 180 recitals removed. Pass `kinds` to choose explicitly (e.g. {"art", "anx"}).

Every BlockChange carries `position`: its index in the new block sequence (added / changed) or in the
old one (removed), within the compared kinds. `apply_document_diff` uses it to rebuild the new text.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from tracker.diff.typography import fold_typography
from tracker.extract.normalise import item_hash, normalise_text
from tracker.types import Block, BlockChange, DocumentDiff, ExtractedItem

# --- items --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ItemDiff:
    new: tuple[ExtractedItem, ...]
    changed: tuple[tuple[ExtractedItem, str], ...]  # (item, "title" | "content")
    missing: tuple[str, ...]  # stable ids stored before and absent now

    @property
    def is_empty(self) -> bool:
        return not (self.new or self.changed or self.missing)


def diff_items(previous: Mapping[str, str], current: Sequence[ExtractedItem]) -> ItemDiff:
    """`previous` maps stable_id -> item_hash of the stored, still-present items.

    An id seen twice in `current` (an item that moved between pages while paging) counts once, first
    occurrence wins. "title" means the title changed (whatever else did); "content" means summary or URL.
    """
    seen: set[str] = set()
    new: list[ExtractedItem] = []
    changed: list[tuple[ExtractedItem, str]] = []
    for item in current:
        if item.stable_id in seen:
            continue
        seen.add(item.stable_id)
        old_hash = previous.get(item.stable_id)
        if old_hash is None:
            new.append(item)
            continue
        now = item_hash(item)
        if now != old_hash:
            changed.append((item, "title" if now[:32] != old_hash[:32] else "content"))
    missing = tuple(stable_id for stable_id in previous if stable_id not in seen)
    return ItemDiff(new=tuple(new), changed=tuple(changed), missing=missing)


def render_item_change(item: ExtractedItem, what: str, old_title: str | None = None) -> str:
    """One readable line for a changed item: 'Title changed: "old" -> "new"' or 'Content changed: title'."""
    if what == "title" and old_title:
        return f"Title changed: “{old_title}” → “{item.title}”"
    return f"{what.capitalize()} changed: {item.title}"


# --- documents ----------------------------------------------------------------------------------

_POSITIONAL_KEY = re.compile(r"^p_\d+$")


def block_kind(key: str) -> str:
    """'art_5' -> 'art', 'p_0007' -> 'p', 'jo_17의2' -> 'jo'."""
    return key.split("_", 1)[0]


def _select(blocks: Iterable[Block], kinds: set[str] | None) -> list[Block]:
    return [b for b in blocks if kinds is None or block_kind(b.key) in kinds]


def _default_kinds(old: Sequence[Block], new: Sequence[Block]) -> set[str] | None:
    old_kinds = {block_kind(b.key) for b in old}
    new_kinds = {block_kind(b.key) for b in new}
    if not old_kinds or not new_kinds or old_kinds == new_kinds:
        return None  # nothing to reconcile: compare everything
    return old_kinds & new_kinds


def _is_positional(blocks: Sequence[Block]) -> bool:
    return all(_POSITIONAL_KEY.match(b.key) for b in blocks)


def diff_documents(
    old: Sequence[Block], new: Sequence[Block], *, kinds: set[str] | None = None, context: int = 1
) -> DocumentDiff:
    """Block-level diff, in document order; `unified` is readable text with block labels as hunk headers."""
    compare = kinds if kinds is not None else _default_kinds(old, new)
    old_blocks, new_blocks = _select(old, compare), _select(new, compare)
    typographic: list[BlockChange] = []
    if _is_positional(old_blocks) and _is_positional(new_blocks):
        changes = _aligned_changes(old_blocks, new_blocks, typographic)
    else:
        changes = _keyed_changes(old_blocks, new_blocks, typographic)
    counts = {op: sum(1 for c in changes if c.op == op) for op in ("added", "removed", "changed")}
    unified = render_unified(changes, context=context)
    if typographic:  # the raw difference stays available, after the substance
        unified += ("\n" if unified else "") + render_unified(
            [replace(c, label=f"{c.label} — typography only") for c in typographic],
            context=context,
            fold=False,
        )
    return DocumentDiff(
        changes=tuple(changes),
        added=counts["added"],
        removed=counts["removed"],
        changed=counts["changed"],
        unified=unified,
        typographic=tuple(typographic),
    )


def _change(op: str, block: Block, position: int, old: str = "", new: str = "") -> BlockChange:
    return BlockChange(op=op, key=block.key, label=block.label, old=old, new=new, position=position)


def _same_text(a: str, b: str) -> bool:
    return a == b or normalise_text(a) == normalise_text(b)


def comparison_form(text: str) -> str:
    """What two blocks are compared by: normalised text, typography folded."""
    return fold_typography(normalise_text(text), normalised=True)


def _keyed_changes(old: list[Block], new: list[Block], typographic: list[BlockChange]) -> list[BlockChange]:
    # Keys matched in order; a block whose key moved is reported as removed + added (rare in law,
    # and it keeps `position` exact).
    matcher = difflib.SequenceMatcher(None, [b.key for b in old], [b.key for b in new], autojunk=False)
    pairs: list[tuple[int, int]] = []
    anchor: dict[int, int] = {}  # old index -> where it would sit in the new order
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pairs.extend(zip(range(i1, i2), range(j1, j2), strict=True))
        for i in range(i1, i2):
            anchor[i] = j1
    matched_old = {i for i, _ in pairs}
    matched_new = {j for _, j in pairs}
    ordered: list[tuple[int, int, BlockChange]] = []  # (new position, 0 removed / 1 other, change)
    for i, j in pairs:
        if _same_text(old[i].text, new[j].text):
            continue
        change = _change("changed", new[j], j, old[i].text, new[j].text)
        if comparison_form(old[i].text) == comparison_form(new[j].text):
            typographic.append(change)
        else:
            ordered.append((j, 1, change))
    for j, block in enumerate(new):
        if j not in matched_new:
            ordered.append((j, 1, _change("added", block, j, new=block.text)))
    for i, block in enumerate(old):
        if i not in matched_old:
            ordered.append((anchor.get(i, 0), 0, _change("removed", block, i, old=block.text)))
    ordered.sort(key=lambda entry: (entry[0], entry[1]))
    return [change for _, _, change in ordered]


def _aligned_changes(old: list[Block], new: list[Block], typographic: list[BlockChange]) -> list[BlockChange]:
    old_norm = [comparison_form(b.text) for b in old]
    new_norm = [comparison_form(b.text) for b in new]
    # Trim the common head and tail first: SequenceMatcher's longest-block-first choice can misalign
    # repeated identical paragraphs ("Alpha" x 3) and report one insertion as two additions and a removal.
    head = 0
    while head < min(len(old_norm), len(new_norm)) and old_norm[head] == new_norm[head]:
        head += 1
    tail = 0
    while (
        tail < min(len(old_norm), len(new_norm)) - head
        and old_norm[len(old_norm) - 1 - tail] == new_norm[len(new_norm) - 1 - tail]
    ):
        tail += 1
    trimmed = [*zip(range(head), range(head), strict=True)] + [
        (len(old) - 1 - k, len(new) - 1 - k) for k in range(tail)
    ]
    for i, j in trimmed:  # equal once typography is folded, maybe not before
        if not _same_text(old[i].text, new[j].text):
            typographic.append(_change("changed", new[j], j, old[i].text, new[j].text))
    matcher = difflib.SequenceMatcher(
        None, old_norm[head : len(old_norm) - tail], new_norm[head : len(new_norm) - tail], autojunk=False
    )
    changes: list[BlockChange] = []
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag == "equal":
            for i, j in zip(range(a1 + head, a2 + head), range(b1 + head, b2 + head), strict=True):
                if not _same_text(old[i].text, new[j].text):  # equal once typography is folded
                    typographic.append(_change("changed", new[j], j, old[i].text, new[j].text))
            continue
        i1, i2, j1, j2 = a1 + head, a2 + head, b1 + head, b2 + head
        paired = min(i2 - i1, j2 - j1) if tag == "replace" else 0
        for offset in range(paired):
            i, j = i1 + offset, j1 + offset
            changes.append(_change("changed", new[j], j, old[i].text, new[j].text))
        for i in range(i1 + paired, i2):
            changes.append(_change("removed", old[i], i, old=old[i].text))
        for j in range(j1 + paired, j2):
            changes.append(_change("added", new[j], j, new=new[j].text))
    return changes


def render_unified(changes: Sequence[BlockChange], context: int = 1, *, fold: bool = True) -> str:
    """A unified diff per block, each introduced by '@@ <label> (<op>) @@'; '…' separates distant hunks.

    fold: lines that differ only typographically are context (shown in their new form), not changes.
    """
    out: list[str] = []
    for change in changes:
        out.append(f"@@ {change.label} ({change.op}) @@")
        old_lines = change.old.split("\n") if change.old else []
        new_lines = change.new.split("\n") if change.new else []
        if change.op == "added":
            out.extend("+" + line for line in new_lines)
        elif change.op == "removed":
            out.extend("-" + line for line in old_lines)
        else:
            out.extend(_changed_lines(old_lines, new_lines, context, fold))
    return "\n".join(out)


def _changed_lines(old_lines: list[str], new_lines: list[str], context: int, fold: bool) -> list[str]:
    key = comparison_form if fold else (lambda line: line)
    matcher = difflib.SequenceMatcher(
        None, [key(line) for line in old_lines], [key(line) for line in new_lines], autojunk=False
    )
    out: list[str] = []
    for number, group in enumerate(matcher.get_grouped_opcodes(context)):
        if number:
            out.append(" …")
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                out.extend(" " + line for line in new_lines[j1:j2])
                continue
            out.extend("-" + line for line in old_lines[i1:i2])
            out.extend("+" + line for line in new_lines[j1:j2])
    return out


def apply_document_diff(
    old_blocks: Sequence[Block], diff: DocumentDiff, *, kinds: set[str] | None = None
) -> list[Block]:
    """Rebuild the new block sequence from the old one and a diff of exactly those blocks.

    Exact when the diff compared all blocks (or the same `kinds`). Positional documents are renumbered
    ("p_0001", "¶1"), as the extractor numbers them.
    """
    if any(c.position < 0 for c in (*diff.changes, *diff.typographic)):
        raise ValueError("this diff carries no block positions; it cannot be applied")
    old = _select(old_blocks, kinds)
    everything = (*diff.changes, *diff.typographic)
    removed = {c.position for c in everything if c.op == "removed"}
    kept = [b for i, b in enumerate(old) if i not in removed]
    result: list[Block] = []
    placed = {c.position: c for c in everything if c.op in ("added", "changed")}
    size = len(kept) + sum(1 for c in everything if c.op == "added")
    source = iter(kept)
    for j in range(size):
        change = placed.get(j)
        if change is not None and change.op == "added":
            result.append(Block(key=change.key, label=change.label, text=change.new))
            continue
        block = next(source)
        if change is not None:  # changed: same slot, new text and label
            block = Block(key=change.key, label=change.label, text=change.new)
        result.append(block)
    if result and _is_positional(result):
        result = [replace(b, key=f"p_{n:04d}", label=f"¶{n}") for n, b in enumerate(result, start=1)]
    return result
