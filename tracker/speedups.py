"""Every use of another library's private internals, and the process tunings, in one place.

Each entry says what it relies on, what happens without it (the public fallback), and the figure that
justifies it (bench/RESULTS.md). tests/test_speedups.py asserts each assumption and that the fast path
is taken, so a dependency upgrade that breaks one fails the suite loudly instead of falling back quietly.

1. httpx's pool backend (`AsyncClient._transport._pool._network_backend`, httpx 0.27-0.29 / httpcore 1.0):
   tracker/net/stream.py's streams go under it: one `poll(0)` liveness probe and TCP quick ACKs.
   Fallback: httpcore's own streams. Figures: 1,000 conditional GETs 0.96-0.99 -> 0.80-0.83 ms CPU each
   (-17 %); 500 pages at 50 ms over 10 kept-alive connections 3.85 -> 2.70 s wall.
2. CPython's regex parser (`re._parser.parse`, `re._constants`): the characters a term can start with,
   so tracker/relevance/matcher.py tries only that character's few terms at each candidate position.
   Fallback: every position is a candidate for every term (one big alternation). Figure: 0.30 ms
   instead of 67 ms to count the terms in 2 KB of text (`first_chars`).
3. Protego's matched rule (`Protego._get_matching_rule_set`, `_RuleSet._rules`, `protego._utils
   ._quote_path`): names the Disallow line that refused a URL in the error message. Not a speed-up, but
   private all the same. Fallback: the message names robots.txt without the line.
4. The garbage collector (public API, process-wide): thresholds raised for a check and start-up frozen.
   Fallback: the defaults. Figures: the cyclic collector was 14-23 % of a check's CPU with the defaults;
   issue 18 re-measured the service's cycle: idle -6 %, mutation within noise (weakest of the five).
5. glibc's `malloc_trim` through ctypes after each service check job. Fallback: nothing (musl, macOS).
   Figure: bench/micro.py soak, 1,000 cycles: RSS grew 10.5 % from cycle 100 to 1,000 without it, within
   1 % with it.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable
from functools import cache, lru_cache
from typing import Any

# -- 1. httpx's pool backend ------------------------------------------------------------------------


def wrap_pool_backend(client: Any, wrap: Callable[[Any], Any], already: type) -> bool:
    """Replace the network backend under an httpx.AsyncClient's connection pool by `wrap(backend)`.

    False, and nothing changed, when this httpx/httpcore pair lacks the attributes (the client then works
    as shipped) or the backend is already an `already`."""
    import httpcore

    pool = getattr(getattr(client, "_transport", None), "_pool", None)
    backend = getattr(pool, "_network_backend", None)
    if not isinstance(backend, httpcore.AsyncNetworkBackend) or isinstance(backend, already):
        return False
    pool._network_backend = wrap(backend)  # type: ignore[union-attr]
    return True


# -- 2. CPython's regex parser ----------------------------------------------------------------------

try:  # the only reliable way to know what a pattern can start with
    from re import _constants as _sre_constants  # type: ignore[attr-defined]
    from re import _parser as _sre_parser  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - other interpreters: every position becomes a candidate
    _sre_constants = _sre_parser = None

_MAX_RANGE = 512  # a character class wider than this counts as "any character"


class _Unbounded(Exception):
    pass


def regex_parser_available() -> bool:
    return _sre_parser is not None


@lru_cache(maxsize=4096)
def ends_with_lookahead(pattern: str, lookahead: str) -> bool:
    """Whether the pattern's last top-level element is `lookahead` (a negative lookahead, not inside a
    `|`), so that a bucket of such terms may state it once after the alternation."""
    if _sre_parser is None or not pattern.endswith(lookahead):  # pragma: no cover
        return False
    try:
        parsed = _sre_parser.parse(pattern)
    except re.error:
        return False
    return len(parsed) > 0 and parsed[-1][0] is _sre_constants.ASSERT_NOT


def first_chars(pattern: str) -> frozenset[str] | None:
    """The characters a match of `pattern` can start with, or None when that cannot be bounded.

    Figure (measured for issue 18: the built-in relevance terms, 268 then, over 57 pieces of <= 2 KB of the
    HTML fixtures' text): 0.30 ms a piece with these buckets, 67 ms when every position is a candidate
    (226x; identical counts); every item and document a check labels is such a text."""
    if _sre_parser is None:  # pragma: no cover
        return None
    try:
        chars, _nullable = _first_of_sequence(_sre_parser.parse(pattern), ignore_case=False)
    except (re.error, _Unbounded):
        return None
    return frozenset(chars)


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


# -- 3. Protego's matched rule ----------------------------------------------------------------------


def refusing_rule(parser: Any, url: str, agent: str) -> str | None:
    """The Disallow pattern that refused `url` for `agent`, for the error message; None when an Allow
    rule decided, or when Protego's internals moved (the message then omits the rule)."""
    try:
        from protego._utils import _quote_path

        rule_set = parser._get_matching_rule_set(agent)
        quoted = _quote_path(url)
        for rule in rule_set._rules:
            if rule.value.match(quoted):
                return str(rule.value._pattern) if rule.field == "disallow" else None
    except Exception:  # private API moved: tests/test_speedups.py says so
        return None
    return None


# -- 4. The garbage collector -----------------------------------------------------------------------

# A check allocates many small, short-lived objects (parse trees, rows); the default thresholds (700, 10,
# 10) run the cyclic collector thousands of times per cycle.
GC_THRESHOLDS = (50_000, 20, 100)


def tune_gc() -> None:
    gc.set_threshold(*GC_THRESHOLDS)


def freeze_start_up() -> None:
    """What start-up built lives as long as the process: keep it out of every later collection."""
    gc.freeze()


# -- 5. glibc's malloc_trim -------------------------------------------------------------------------


@cache
def _malloc_trim() -> Callable[[int], int] | None:
    import ctypes.util  # only the service trims: a short-lived check does not load ctypes

    name = ctypes.util.find_library("c")
    if not name:
        return None
    try:
        return ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # not glibc (musl, macOS): nothing to trim this way
        return None


def return_freed_memory() -> None:
    """Give the heap memory a check freed back to the operating system (glibc keeps it otherwise, so a
    long-running process's RSS stays at the highest peak any check reached). `tracker run` calls it after
    every check job."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)
