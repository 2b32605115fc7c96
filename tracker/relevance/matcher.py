"""Find many weighted terms in a text quickly: the matching engine behind tracker/relevance/classifier.py.

One alternation of ~400 terms, each starting with a lookbehind, makes Python's `re` enter every
alternative at every position (tens of milliseconds for a 2 KB press release). Instead the terms are
grouped by the characters they can start with (read from the regex parse tree, tracker/speedups.py), one
precompiled alternation per starting character; a cheap scan finds the positions where some term can start
(Latin letters only at the start of a word) and only that character's few terms are tried there.
Semantics are those of a single alternation: left to right, no overlaps, and at one position the term
with the longer name wins ("generative AI" over "AI", "征求意见稿" over "征求意见").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Generic, Protocol, TypeVar

from tracker.relevance.terms import LATIN_CHARS
from tracker.speedups import ends_with_lookahead, first_chars

_LATIN_START = re.compile(f"[{LATIN_CHARS}]")
# The word boundaries every built-in term carries. Compiling their character class is most of the cost
# of building a matcher (~600 times, 0.1 s per process), so a bucket states each one once where it can.
_WORD_START = f"(?<![{LATIN_CHARS}])"
_WORD_END = f"(?![{LATIN_CHARS}])"


class NamedPattern(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def pattern(self) -> str: ...


TermT = TypeVar("TermT", bound=NamedPattern)


class TermMatcher(Generic[TermT]):
    """Counts, for one text, how often each term occurs (term index -> occurrences)."""

    def __init__(self, terms: Sequence[TermT]) -> None:
        self.terms = sorted(terms, key=lambda t: len(t.name), reverse=True)
        buckets: dict[str, list[int]] = {}
        anywhere: list[int] = []
        for index, term in enumerate(self.terms):
            firsts = first_chars(term.pattern)
            if firsts is None:
                anywhere.append(index)
            for char in firsts or ():
                buckets.setdefault(char, []).append(index)
        self._anywhere = anywhere
        # Per starting character: (regex, term indexes); a term that may start anywhere joins every bucket.
        self._buckets = {
            # With terms that may start anywhere, every position is a candidate: no word start is known.
            char: self._compile(
                sorted({*indexes, *anywhere}), at_word_start=not anywhere and bool(_LATIN_START.match(char))
            )
            for char, indexes in buckets.items()
        }
        self._fallback = self._compile(anywhere) if anywhere else None
        latin = "".join(re.escape(c) for c in buckets if _LATIN_START.match(c))
        other = "".join(re.escape(c) for c in buckets if not _LATIN_START.match(c))
        parts = [f"(?<![{LATIN_CHARS}])[{latin}]"] if latin else []
        parts += [f"[{other}]"] if other else []
        self._candidates = re.compile("(?s:.)" if anywhere or not parts else "|".join(parts))

    def _compile(
        self, indexes: list[int], *, at_word_start: bool = False
    ) -> tuple[re.Pattern[str], list[int]]:
        patterns = [self.terms[i].pattern for i in indexes]
        if at_word_start:
            # Tried only where the candidate scan already saw a word start: the same lookbehind again
            # would always hold.
            patterns = [p.removeprefix(_WORD_START) for p in patterns]
        suffix = ""
        if patterns and all(ends_with_lookahead(p, _WORD_END) for p in patterns):
            # (A)X|(B)X tries A, X, then B, X: the very order of (?:(A)|(B))X.
            patterns, suffix = [p.removesuffix(_WORD_END) for p in patterns], _WORD_END
        body = "|".join(f"({p})" for p in patterns)
        regex = re.compile(f"(?:{body}){suffix}" if suffix else body)
        if regex.groups != len(indexes):  # a pattern with its own capturing group would shift ids
            raise ValueError("term patterns must not contain capturing groups")
        return regex, indexes

    def counts(self, text: str) -> Counter[int]:
        found: Counter[int] = Counter()
        resume = 0
        for candidate in self._candidates.finditer(text):
            start = candidate.start()
            if start < resume:
                continue
            regex, indexes = self._buckets.get(text[start], self._fallback or (None, []))
            match = regex.match(text, start) if regex is not None else None
            if match is None:
                continue
            found[indexes[match.lastindex - 1]] += 1  # type: ignore[operator]
            resume = max(match.end(), start + 1)
        return found


__all__ = ["NamedPattern", "TermMatcher", "first_chars"]
