"""diff_items and diff_documents: what counts as new, changed, missing, added, removed."""

from __future__ import annotations

from tracker.diff.core import apply_document_diff, diff_documents, diff_items, render_item_change
from tracker.extract.normalise import item_hash
from tracker.types import Block, ExtractedItem


def _item(stable_id: str, title: str = "Title", summary: str = "", url: str = "") -> ExtractedItem:
    return ExtractedItem(
        stable_id=stable_id, title=title, url=url or f"https://example.org/{stable_id}", summary=summary
    )


def _paragraphs(*texts: str) -> list[Block]:
    return [Block(key=f"p_{n:04d}", label=f"¶{n}", text=t) for n, t in enumerate(texts, start=1)]


def _articles(**texts: str) -> list[Block]:
    return [Block(key=key, label=f"Article {key.split('_', 1)[1]}", text=t) for key, t in texts.items()]


# --- items --------------------------------------------------------------------------------------


def test_new_changed_missing_items() -> None:
    a, b, c = _item("a", "A"), _item("b", "B"), _item("c", "C")
    previous = {"a": item_hash(a), "b": item_hash(b), "gone": "0" * 64}
    retitled = _item("b", "B, corrected")
    result = diff_items(previous, [a, retitled, c])
    assert result.new == (c,)
    assert result.changed == ((retitled, "title"),)
    assert result.missing == ("gone",)


def test_summary_or_url_change_is_content() -> None:
    a = _item("a", "A", summary="first")
    edited = _item("a", "A", summary="second")
    assert diff_items({"a": item_hash(a)}, [edited]).changed == ((edited, "content"),)
    moved = _item("a", "A", summary="first", url="https://example.org/elsewhere")
    assert diff_items({"a": item_hash(a)}, [moved]).changed == ((moved, "content"),)


def test_volatile_and_cosmetic_differences_are_not_changes() -> None:
    a = _item("a", "AI  Act\u00a0guidance", url="https://example.org/a?utm_source=rss&id=3")
    same = ExtractedItem(
        stable_id="a",
        title="AI Act guidance",
        url="https://EXAMPLE.org/a?id=3&fbclid=xyz",
        published_at=None,
        meta={"views": "1000"},
    )
    assert diff_items({"a": item_hash(a)}, [same]).is_empty


def test_duplicate_ids_keep_the_first() -> None:
    first, second = _item("a", "first"), _item("a", "second")
    result = diff_items({}, [first, second])
    assert result.new == (first,)
    assert diff_items({"a": item_hash(first)}, [first, second]).is_empty


def test_render_item_change() -> None:
    item = _item("a", "New title")
    assert (
        render_item_change(item, "title", old_title="Old title") == "Title changed: “Old title” → “New title”"
    )
    assert render_item_change(item, "content") == "Content changed: New title"


# --- documents ----------------------------------------------------------------------------------


def test_identical_documents_give_an_empty_diff() -> None:
    blocks = _articles(art_1="One", art_2="Two")
    diff = diff_documents(blocks, list(blocks))
    assert diff.is_empty and diff.unified == "" and (diff.added, diff.removed, diff.changed) == (0, 0, 0)


def test_whitespace_and_nfkc_variants_are_not_changes() -> None:
    old = _articles(art_1="1. The Commission\u00a0shall   act", art_2="Ｆｕｌｌ width")
    new = _articles(art_1="1. The Commission shall act", art_2="Full width")
    assert diff_documents(old, new).is_empty


def test_keyed_blocks_added_removed_changed_in_document_order() -> None:
    old = _articles(art_1="One", art_2="Two", art_3="Three")
    new = _articles(art_1="One", art_2="Two, amended", art_2a="Two bis", art_4="Four")
    diff = diff_documents(old, new)
    assert [(c.op, c.key) for c in diff.changes] == [
        ("changed", "art_2"),
        ("removed", "art_3"),  # a replaced stretch reads as "-" then "+", as in any diff
        ("added", "art_2a"),
        ("added", "art_4"),
    ]
    assert (diff.added, diff.removed, diff.changed) == (2, 1, 1)
    assert diff.headline() == "Article 2 changed, Article 3 removed, Article 2a added, Article 4 added"
    assert diff.headline(limit=2) == "Article 2 changed, Article 3 removed, and 2 more"
    assert apply_document_diff(old, diff) == new


def test_unified_rendering_uses_block_labels_as_hunk_headers() -> None:
    old = _articles(art_5="Heading\n1. first\n2. second\n3. third")
    new = _articles(art_5="Heading\n1. first\n2. second, amended\n3. third")
    unified = diff_documents(old, new).unified
    assert unified.split("\n") == [
        "@@ Article 5 (changed) @@",
        " 1. first",
        "-2. second",
        "+2. second, amended",
        " 3. third",
    ]


def test_inserted_paragraph_is_one_addition_not_a_cascade() -> None:
    old = _paragraphs("Intro", "Alpha", "Beta", "Gamma", "Delta")
    new = _paragraphs("Intro", "Inserted", "Alpha", "Beta", "Gamma", "Delta")
    diff = diff_documents(old, new)
    assert [(c.op, c.label, c.new) for c in diff.changes] == [("added", "¶2", "Inserted")]
    assert apply_document_diff(old, diff) == new


def test_edited_and_removed_paragraphs() -> None:
    old = _paragraphs("Intro", "Alpha", "Beta", "Gamma")
    new = _paragraphs("Intro", "Alpha revised", "Gamma")
    diff = diff_documents(old, new)
    assert [(c.op, c.old, c.new) for c in diff.changes] == [
        ("changed", "Alpha", "Alpha revised"),
        ("removed", "Beta", ""),
    ]
    assert apply_document_diff(old, diff) == new


def test_kinds_present_on_one_side_only_are_ignored_by_default() -> None:
    oj = [Block("rct_1", "Recital 1", "Whereas"), *_articles(art_1="One", art_2="Two")]
    consolidated = _articles(art_1="One", art_2="Two, corrected")
    diff = diff_documents(oj, consolidated)
    assert [(c.op, c.key) for c in diff.changes] == [("changed", "art_2")]
    # ...and an explicit choice is honoured
    explicit = diff_documents(oj, consolidated, kinds={"rct", "art"})
    assert [(c.op, c.key) for c in explicit.changes] == [("removed", "rct_1"), ("changed", "art_2")]


def test_moved_block_is_removed_and_added_and_still_applies() -> None:
    old = _articles(art_1="One", art_2="Two", art_3="Three")
    new = [old[2], old[0], old[1]]
    diff = diff_documents(old, new)
    assert {(c.op, c.key) for c in diff.changes} == {("removed", "art_3"), ("added", "art_3")}
    assert apply_document_diff(old, diff) == new


def test_everything_new_against_an_empty_document() -> None:
    new = _articles(art_1="One", art_2="Two")
    diff = diff_documents([], new)
    assert (diff.added, diff.removed, diff.changed) == (2, 0, 0)
    assert diff.unified == "@@ Article 1 (added) @@\n+One\n@@ Article 2 (added) @@\n+Two"
    assert apply_document_diff([], diff) == new
