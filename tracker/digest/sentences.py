"""Extractive lead: the first sentence or two of an item's own text, split so Chinese and Korean work.

Boundaries: a line break; Chinese/Japanese full stops (。！？) with or without a following space; a Latin
`.`, `!` or `?` followed by whitespace and something that may begin a sentence (not a lower-case
letter). Korean sentences end in `다.` followed by a space, so the Latin rule covers them. A full stop
after a known abbreviation ("Art.", "No.", "U.S.", "e.g."), an initial ("J.") or a list marker ("1.",
"(a).", "III.") does not end a sentence.
"""

from __future__ import annotations

import re

_CJK_ENDS = "。！？"
_LATIN_ENDS = ".!?"
_CLOSERS = "”’\"')]）」』】"
# fmt: off
_ABBREVIATIONS = frozenset({
    "art", "arts", "no", "nos", "nr", "para", "paras", "p", "pp", "e.g", "i.e", "cf", "vs", "v", "mr",
    "mrs", "ms", "dr", "prof", "inc", "ltd", "co", "corp", "st", "sec", "secs", "ch", "fig", "figs", "jan",
    "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "reg", "dir", "approx",
    "dept", "gov", "est", "ref", "vol", "ed", "eds", "u.s", "u.k", "u.n", "e.u", "d.c", "a.i",
})
# fmt: on
_DOTTED = re.compile(r"^(?:[a-z]\.)+[a-z]$")  # u.s, e.g, i.e
# List markers, not sentence ends: "(a)." anywhere; "1." or "III." opening a sentence or after a colon
# ("shall be prohibited: 1. The …"), while "in 2026." and "Annex III." still end one.
_PAREN_MARKER = re.compile(r"^\((?:\d{1,3}|[a-z]|[ivx]{1,5})\)$")
_BARE_MARKER = re.compile(r"^(?:\d{1,3}|[IVX]{1,5})$")
_SPACES = re.compile(r"[ \t\u00a0\u3000]+")


def _ends_abbreviation(text: str, start: int, dot: int) -> bool:
    sentence = text[start:dot].strip()
    if not sentence:
        return True
    words = sentence.split()
    last_word = words[-1]
    if _PAREN_MARKER.match(last_word):
        return True
    if _BARE_MARKER.match(last_word) and (len(words) == 1 or words[-2].endswith((":", ";"))):
        return True
    token = last_word.lstrip("(\"'“").lower()
    return token in _ABBREVIATIONS or bool(_DOTTED.match(token)) or (len(token) == 1 and token.isalpha())


def _may_begin_sentence(text: str, at: int) -> bool:
    rest = text[at:].lstrip()
    return bool(rest) and not rest[0].islower()


def split_sentences(text: str) -> list[str]:
    """The sentences of `text`, whitespace collapsed, in order."""
    text = _SPACES.sub(" ", (text or "").replace("\r\n", "\n").replace("\r", "\n"))
    sentences: list[str] = []
    start, i, n = 0, 0, len(text)

    def push(end: int) -> None:
        piece = text[start:end].strip()
        if piece:
            sentences.append(piece)

    while i < n:
        ch = text[i]
        if ch == "\n":
            push(i)
            start = i = i + 1
            continue
        if ch in _CJK_ENDS or ch in _LATIN_ENDS:
            j = i + 1
            while j < n and text[j] in _CJK_ENDS + _LATIN_ENDS:
                j += 1
            while j < n and text[j] in _CLOSERS:
                j += 1
            if ch in _CJK_ENDS or j >= n:
                boundary = True
            else:
                boundary = (
                    text[j].isspace()
                    and _may_begin_sentence(text, j)
                    and not (ch == "." and _ends_abbreviation(text, start, i))
                )
            if boundary:
                push(j)
                start = i = j
                continue
        i += 1
    push(n)
    return sentences


def _same_text(a: str, b: str) -> bool:
    def norm(s: str) -> str:
        return re.sub(r"\W+", "", s).lower()

    return bool(norm(a)) and norm(a) == norm(b)


def _join(first: str, second: str) -> str:
    # Chinese and Japanese run sentences together; everything else takes a space.
    return first + second if first[-1:] in _CJK_ENDS else f"{first} {second}"


def _cut(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.7:
        cut = cut[:space]
    return cut.rstrip(" ,;:") + "…"


def lead(text: str, *, title: str = "", limit: int = 320, short: int = 90) -> str:
    """One sentence, or two when the first is short, of the item's own text ("" when it has none).

    A first sentence that only repeats the title is skipped (feeds often start the description with it).
    A sentence longer than `limit` is cut at a word and ends with "…", so nothing is added to it.
    """
    sentences = split_sentences(text)
    if sentences and title and _same_text(sentences[0], title):
        sentences = sentences[1:]
    if not sentences:
        return ""
    out = sentences[0]
    if len(out) < short and len(sentences) > 1 and len(out) + 1 + len(sentences[1]) <= limit:
        out = _join(out, sentences[1])
    return _cut(out, limit)
