"""Find many weighted terms in a text quickly: the matching engine behind tracker/relevance.py.

One alternation of ~400 terms, each starting with a lookbehind, makes Python's `re` enter every
alternative at every position (tens of milliseconds for a 2 KB press release). Instead the terms are
grouped by the characters they can start with (read from the regex parse tree), one precompiled
alternation per starting character; a cheap scan finds the positions where some term can start
(Latin letters only at the start of a word) and only that character's few terms are tried there.
Semantics are those of a single alternation: left to right, no overlaps, and at one position the term
with the longer name wins ("generative AI" over "AI", "征求意见稿" over "征求意见").
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol

from tracker.relevance_terms import LATIN_CHARS

try:  # CPython's own regex parser: the only reliable way to know what a pattern can start with.
    from re import _constants as _sre_constants
    from re import _parser as _sre_parser
except ImportError:  # pragma: no cover - other interpreters: every position becomes a candidate
    _sre_constants = _sre_parser = None  # type: ignore[assignment]

_LATIN_START = re.compile(f"[{LATIN_CHARS}]")
# The word boundaries every built-in term carries. Compiling their character class is most of the cost
# of building a matcher (~600 times, 0.1 s per process), so a bucket states each one once where it can.
_WORD_START = f"(?<![{LATIN_CHARS}])"
_WORD_END = f"(?![{LATIN_CHARS}])"
_MAX_RANGE = 512  # a character class wider than this counts as "any character"


class NamedPattern(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def pattern(self) -> str: ...


class TermMatcher:
    """Counts, for one text, how often each term occurs (term index -> occurrences)."""

    def __init__(self, terms: Sequence[NamedPattern]) -> None:
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
        if patterns and all(_ends_at_word_end(p) for p in patterns):
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


@lru_cache(maxsize=4096)
def _ends_at_word_end(pattern: str) -> bool:
    """Whether the pattern's last top-level element is the word-end lookahead (not inside a `|`)."""
    if _sre_parser is None or not pattern.endswith(_WORD_END):  # pragma: no cover
        return False
    try:
        parsed = _sre_parser.parse(pattern)
    except re.error:
        return False
    return len(parsed) > 0 and parsed[-1][0] is _sre_constants.ASSERT_NOT


def first_chars(pattern: str) -> frozenset[str] | None:
    """The characters a match of `pattern` can start with, or None when that cannot be bounded."""
    if _sre_parser is None:  # pragma: no cover
        return None
    try:
        chars, _nullable = _first_of_sequence(_sre_parser.parse(pattern), ignore_case=False)
    except (re.error, _Unbounded):
        return None
    return frozenset(chars)


class _Unbounded(Exception):
    pass


def _cased(chars: set[str], ignore_case: bool) -> set[str]:
    return {v for c in chars for v in (c, c.lower(), c.upper())} if ignore_case else chars


def _first_of_sequence(items: Any, ignore_case: bool) -> tuple[set[str], bool]:
    """First characters of a sequence of parse items, and whether the sequence can match empty."""
    out: set[str] = set()
    for op, av in items:
        chars, nullable = _first_of_item(op, av, ignore_case)
        out |= chars
        if not nullable:
            return out, False
    return out, True


def _first_of_item(op: Any, av: Any, ignore_case: bool) -> tuple[set[str], bool]:
    c = _sre_constants
    if op in (c.ASSERT, c.ASSERT_NOT, c.AT):
        return set(), True  # zero-width
    if op is c.LITERAL:
        return _cased({chr(av)}, ignore_case), False
    if op is c.IN:
        return _cased(_class_chars(av), ignore_case), False
    if op is c.BRANCH:
        out: set[str] = set()
        nullable = False
        for branch in av[1]:
            chars, empty = _first_of_sequence(branch, ignore_case)
            out |= chars
            nullable |= empty
        return out, nullable
    if op is c.SUBPATTERN:
        _group, add_flags, del_flags, inner = av
        if add_flags & re.IGNORECASE:
            ignore_case = True
        if del_flags & re.IGNORECASE:
            ignore_case = False
        return _first_of_sequence(inner, ignore_case)
    if op in (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT)):
        low, _high, inner = av
        chars, empty = _first_of_sequence(inner, ignore_case)
        return chars, empty or low == 0
    raise _Unbounded(str(op))


def _class_chars(items: Any) -> set[str]:
    c = _sre_constants
    out: set[str] = set()
    for op, av in items:
        if op is c.LITERAL:
            out.add(chr(av))
        elif op is c.RANGE and av[1] - av[0] <= _MAX_RANGE:
            out.update(chr(code) for code in range(av[0], av[1] + 1))
        else:  # NEGATE, CATEGORY (\s, \w), huge ranges
            raise _Unbounded(str(op))
    return out
