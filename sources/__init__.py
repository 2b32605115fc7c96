"""Built-in regulators: one module per regulator, each exposing `SOURCES: tuple[SourceSpec, ...]`.

The list is explicit (no registry magic): adding a regulator is one module here, one line below, one fixture
and one test.
"""

from __future__ import annotations

import importlib
from functools import cache

from tracker.specs import SourceSpec

MODULES: tuple[str, ...] = (
    "sources.eu",
    "sources.us",
    "sources.cn",
    "sources.un",
    "sources.kr",
    # The regulators behind the news (issue 19): groups of them are switched in config.toml's [groups].
    "sources.eu_dpa",
    "sources.uk",
    "sources.us_agencies",
    "sources.jp",
    "sources.cn_standards",
    "sources.kr_pipc",
    "sources.intl",
)


@cache
def builtin_sources() -> tuple[SourceSpec, ...]:
    out: list[SourceSpec] = []
    for name in MODULES:
        out.extend(importlib.import_module(name).SOURCES)
    ids = [s.id for s in out]
    dupes = {i for i in ids if ids.count(i) > 1}
    if dupes:
        raise RuntimeError(f"built-in source ids used twice: {sorted(dupes)}")
    return tuple(out)
