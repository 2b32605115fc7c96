"""Which sources a command or the service checks: by id, `source/endpoint` or jurisdiction."""

from __future__ import annotations

from collections.abc import Sequence

from tracker.config import Config
from tracker.specs import SourceSpec


def select_sources(config: Config, names: Sequence[str] = ()) -> list[SourceSpec]:
    """Sources by id (or `source/endpoint`, or a jurisdiction such as EU); all enabled ones by default."""
    sources = config.enabled_sources()
    if not names:
        return sources
    picked: list[SourceSpec] = []
    for name in names:
        sid, _, eid = name.partition("/")
        matches = [s for s in sources if s.id == sid or s.jurisdiction.lower() == sid.lower()]
        if not matches:
            raise KeyError(_not_enabled(config, sid, name, sources))
        for s in matches:
            if eid:
                try:
                    s = s.model_copy(update={"endpoints": (s.endpoint(eid),)})
                except KeyError:
                    endpoint_ids = ", ".join(e.id for e in s.endpoints)
                    raise KeyError(f"source {sid!r} has no endpoint {eid!r}; it has {endpoint_ids}") from None
            if s not in picked:
                picked.append(s)
    return picked


def _not_enabled(config: Config, sid: str, name: str, enabled: Sequence[SourceSpec]) -> str:
    """Why `name` selects nothing: a source that exists but is off says how to turn it on."""
    for spec in config.all_sources():
        reason = config.disabled_reason(spec)
        if reason and (spec.id == sid or spec.jurisdiction.lower() == sid.lower()):
            return f"source {spec.id!r} exists but is {reason}"
    known = ", ".join(s.id for s in enabled)
    return f"unknown source {name!r}; enabled sources are: {known}"
