"""Property tests (hypothesis) for normalisation, hashing, diffing and the codec."""

from __future__ import annotations

import unicodedata
from datetime import UTC, datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.diff.core import apply_document_diff, diff_documents
from tracker.extract import extract
from tracker.extract.dates import parse_date
from tracker.extract.normalise import (
    clean_text,
    content_hash,
    item_hash,
    normalise_text,
    strip_tracking_query,
)
from tracker.specs import DocumentParser, EndpointSpec
from tracker.store.codec import extraction_from_json, extraction_to_json
from tracker.types import Block, DecodedBody, DocumentExtraction, ExtractedItem, ItemsExtraction

WORDS = [
    "AI",
    "system",
    "provider",
    "shall",
    "risk",
    "Article",
    "1.",
    "(a)",
    "人工智能",
    "조문",
    "données",
    "€5",
]
SPACES = [" ", "  ", "\u00a0", "\t", "\n", "\u2009", "\u3000", " \u200b"]

sentences = st.lists(st.sampled_from(WORDS), min_size=1, max_size=8).map(" ".join)


@st.composite
def respaced(draw, text: str) -> str:
    """The same words with other whitespace (and invisible characters) between them."""
    words = text.split(" ")
    gaps = [draw(st.sampled_from(SPACES)) for _ in words]
    return draw(st.sampled_from(["", " ", "\n"])) + "".join(w + g for w, g in zip(words, gaps, strict=True))


@st.composite
def keyed_documents(draw) -> list[Block]:
    numbers = draw(st.lists(st.integers(1, 40), unique=True, max_size=12))
    return [Block(f"art_{n}", f"Article {n}", draw(sentences)) for n in numbers]


@st.composite
def positional_documents(draw) -> list[Block]:
    texts = draw(st.lists(st.sampled_from(["Alpha", "Beta", "Gamma", "Delta", "Epsilon AI"]), max_size=12))
    return [Block(f"p_{n:04d}", f"¶{n}", t) for n, t in enumerate(texts, start=1)]


# --- normalisation ------------------------------------------------------------------------------


@given(st.text())
def test_normalise_is_idempotent_and_tidy(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once
    assert clean_text(clean_text(text)) == clean_text(text)
    assert once == once.strip() and "  " not in once and "\n" not in once


@given(sentences.flatmap(lambda s: st.tuples(st.just(s), respaced(s))))
def test_whitespace_variants_normalise_alike(pair: tuple[str, str]) -> None:
    original, variant = pair
    assert normalise_text(original) == normalise_text(variant)


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=30))
def test_nfkc_variants_hash_alike(text: str) -> None:
    variants = [unicodedata.normalize(form, text) for form in ("NFC", "NFD", "NFKC", "NFKD")]
    hashes = {
        content_hash(DocumentExtraction(blocks=(Block("art_1", "Article 1", v),), title=v)) for v in variants
    }
    assert len(hashes) == 1


@given(
    sentences,
    st.dictionaries(
        st.sampled_from(["utm_source", "utm_medium", "fbclid", "gclid", "_", "ts", "cb"]),
        st.text("abc123", min_size=1),
    ),
)
def test_cache_busting_query_does_not_change_item_hash(title: str, noise: dict[str, str]) -> None:
    base = "https://example.org/news/1?id=7"
    noisy = base + "".join(f"&{k}={v}" for k, v in noise.items()) + "#top"
    plain = ExtractedItem(stable_id="1", title=title, url=base)
    assert item_hash(plain) == item_hash(ExtractedItem(stable_id="1", title=title, url=noisy))
    assert strip_tracking_query(noisy) == strip_tracking_query(base)


@settings(max_examples=40, deadline=None)
@given(st.lists(sentences, min_size=1, max_size=6), st.randoms(use_true_random=False))
def test_attribute_order_and_whitespace_in_html_do_not_change_the_hash(paragraphs: list[str], rnd) -> None:
    def render(shuffle: bool) -> str:
        parts = []
        for text in paragraphs:
            attrs = ['class="oj-normal"', 'id="p1"', 'data-x="1"']
            if shuffle:
                rnd.shuffle(attrs)
                text = rnd.choice(SPACES) + text.replace(" ", rnd.choice(SPACES)) + rnd.choice(SPACES)
            parts.append(f"<p {' '.join(attrs)}>{text}</p>" + ("\n  " if shuffle else ""))
        return "<html><body><main>" + "".join(parts) + "</main></body></html>"

    endpoint = EndpointSpec(id="d", url="https://example.org/", parser=DocumentParser(dialect="html"))

    def hash_of(html: str) -> str:
        return content_hash(
            extract(DecodedBody(html, "utf-8", "html"), html.encode(), endpoint, endpoint.url)
        )

    assert hash_of(render(False)) == hash_of(render(True))


# --- diff ---------------------------------------------------------------------------------------


@given(keyed_documents())
def test_document_against_itself_is_empty(blocks: list[Block]) -> None:
    assert diff_documents(blocks, list(blocks)).is_empty


@given(keyed_documents(), keyed_documents())
def test_apply_keyed_diff_gives_the_new_document(old: list[Block], new: list[Block]) -> None:
    diff = diff_documents(old, new, kinds={"art"})
    assert apply_document_diff(old, diff, kinds={"art"}) == new
    assert diff.added + diff.removed + diff.changed == len(diff.changes)


@given(positional_documents(), positional_documents())
def test_apply_positional_diff_gives_the_new_document(old: list[Block], new: list[Block]) -> None:
    diff = diff_documents(old, new)
    assert apply_document_diff(old, diff) == new
    # alignment never reports more than a full rewrite would
    assert diff.added + diff.changed <= len(new) and diff.removed + diff.changed <= len(old)


@given(positional_documents(), st.integers(0, 12), sentences)
def test_one_inserted_paragraph_is_one_addition(old: list[Block], where: int, text: str) -> None:
    texts = [b.text for b in old]
    texts.insert(min(where, len(texts)), "Inserted " + text)
    new = [Block(f"p_{n:04d}", f"¶{n}", t) for n, t in enumerate(texts, start=1)]
    diff = diff_documents(old, new)
    assert (diff.added, diff.removed, diff.changed) == (1, 0, 0)


# --- codec and dates ----------------------------------------------------------------------------

aware_datetimes = st.builds(
    lambda d, minutes: d.replace(tzinfo=timezone(timedelta(minutes=minutes))),
    st.datetimes(min_value=datetime(1990, 1, 1), max_value=datetime(2100, 1, 1)),
    st.integers(-12 * 60, 14 * 60),
)
items = st.builds(
    ExtractedItem,
    stable_id=st.text(min_size=1, max_size=20),
    title=st.text(max_size=40),
    url=st.text(max_size=40),
    published_at=st.none() | aware_datetimes,
    summary=st.text(max_size=40),
    doc_type=st.none() | st.sampled_from(["law", "news"]),
    meta=st.dictionaries(st.text(max_size=5), st.text(max_size=10), max_size=3),
)


@given(st.lists(items, max_size=5))
def test_codec_round_trip_items(entries: list[ExtractedItem]) -> None:
    extraction = ItemsExtraction(tuple(entries))
    assert extraction_from_json(extraction_to_json(extraction)) == extraction


@given(keyed_documents(), st.text(max_size=20), st.none() | st.text(max_size=10))
def test_codec_round_trip_documents(blocks: list[Block], title: str, version: str | None) -> None:
    extraction = DocumentExtraction(tuple(blocks), title=title, version=version)
    assert extraction_from_json(extraction_to_json(extraction)) == extraction


@given(st.text(max_size=60))
def test_parse_date_never_raises_and_is_aware(text: str) -> None:
    parsed = parse_date(text)
    assert parsed is None or parsed.tzinfo is not None


@given(aware_datetimes)
def test_parse_date_reads_its_own_iso_output(when: datetime) -> None:
    assert parse_date(when.isoformat()) == when
    assert parse_date(when.astimezone(UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")) == when.replace(
        microsecond=0
    )
