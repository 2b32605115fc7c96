"""Checks of single configuration values, and what configuration takes from the environment rather than
the file: the database URL and the keys of sources that need the user's own (law.go.kr)."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from pydantic import ValidationError

    from tracker.config import Config
    from tracker.specs import EndpointSpec, SourceSpec


class ConfigError(Exception):
    """One clear message: which file (or variable), which key, what to do."""


def check_http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{value!r} is not an http(s) URL")
    return value


def check_timezone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {value!r}; use an IANA name such as 'Asia/Seoul'") from exc
    return value


def check_cron(value: str) -> str:
    # The scheduler's own parser: what passes here is what `tracker run` will accept.
    from apscheduler.triggers.cron import CronTrigger

    try:
        CronTrigger.from_crontab(value)
    except ValueError as exc:
        raise ValueError(
            f"{value!r} is not a crontab line ({exc}); write five fields, e.g. '0 9 * * mon'"
        ) from None
    return value


_ACCEPTED_DATABASES = (
    "accepted forms: sqlite:///path/to/tracker.sqlite3 (absolute: sqlite:////var/lib/tracker.sqlite3) or "
    "postgresql://user:password@host:5432/dbname"
)


def sqlalchemy_url(url: str, where: str) -> str:
    """The URL SQLAlchemy is given, or ConfigError saying `where` it came from and what is accepted."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    shown = repr(_without_password(url))  # the message may land in a log: never echo a password
    given = url
    # People paste postgres:// or postgresql:// URLs; we drive PostgreSQL with psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            url = "postgresql+psycopg://" + url[len(prefix) :]
    try:
        parsed = make_url(url)
        parsed.port  # noqa: B018 - read lazily by some versions: a bad port must fail here, not at connect
    except ArgumentError:
        raise ConfigError(f"{where}: {shown} is not a database URL; {_ACCEPTED_DATABASES}") from None
    except ValueError:  # int() of the port
        raise ConfigError(f"{where}: {shown}: the port is not a number; {_ACCEPTED_DATABASES}") from None
    if parsed.drivername not in ("sqlite", "sqlite+pysqlite", "postgresql+psycopg"):
        scheme = given.split(":", 1)[0]
        raise ConfigError(f"{where}: {scheme}:// databases are not supported; {_ACCEPTED_DATABASES}")
    if parsed.drivername.startswith("postgresql") and not parsed.database:
        raise ConfigError(f"{where}: {shown} names no database after the host; {_ACCEPTED_DATABASES}")
    return url


def _without_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    userinfo, at, host = rest.rpartition("@")
    if not sep or not at or ":" not in userinfo:
        return url
    return f"{scheme}://{userinfo.split(':', 1)[0]}:***@{host}"


class SourceKey:
    """A built-in source that needs the user's own key: read from `variable`, it replaces `placeholder`
    in the source's URLs (and in mirror URLs set in the file). The key never goes in the file."""

    def __init__(self, variable: str, placeholder: str, what: str) -> None:
        self.variable = variable
        self.placeholder = placeholder
        self.what = what


def source_key(source_id: str) -> SourceKey | None:
    from sources.kr import SOURCE_KEYS

    return SOURCE_KEYS.get(source_id)


def with_key(spec: SourceSpec) -> SourceSpec:
    from urllib.parse import quote

    key = source_key(spec.id)
    value = os.environ.get(key.variable, "") if key is not None else ""
    if key is None or not value:
        return spec
    endpoints = tuple(
        e.model_copy(update={"url": e.url.replace(key.placeholder, quote(value, safe=""))})
        for e in spec.endpoints
    )
    return spec.model_copy(update={"endpoints": endpoints})


def format_error(path: Path, exc: ValidationError) -> str:
    lines = [f"{path}: invalid configuration"]
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"] if not str(p).startswith("function-"))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key; check the spelling against the configuration reference in README.md"
        elif err["type"] == "missing":
            msg = "required key is missing"
        lines.append(f"  {key}: {msg}")
    return "\n".join(lines)


def questionable_settings(path: Path, config: Config) -> list[str]:
    """Settings that work but probably do not do what was meant."""
    jitter = config.check.jitter
    short = [
        spec.id
        for spec in config.enabled_sources()
        if not (config.sources.get(spec.id) and config.sources[spec.id].cron)
        and config.source_interval(spec) < jitter
    ]
    if not short:
        return []
    return [
        f"{path}: check.jitter ({jitter:g}s) is longer than the interval of {', '.join(short)}: their "
        "checks may start a whole interval late and bunch up; lower [check].jitter or raise the interval"
    ]


def check_references(path: Path, config: Config) -> None:
    """Keys that name sources or endpoints must name real ones."""
    from sources import builtin_sources

    builtins = builtin_sources()
    known = {s.id: s for s in [*builtins, *config.custom_sources]}
    custom_ids = Counter(s.id for s in config.custom_sources)
    builtin_ids = {s.id for s in builtins}
    for sid, times in custom_ids.items():
        if times > 1 or sid in builtin_ids:
            raise ConfigError(
                f"{path}: custom_sources: id {sid!r} is used twice; give each source its own id"
            )
    for sid, override in config.sources.items():
        if sid not in known:
            raise ConfigError(
                f"{path}: sources.{sid}: unknown source; known sources are {', '.join(sorted(known))}"
            )
        endpoint_ids = {e.id for e in known[sid].endpoints}
        for eid in override.endpoints:
            if eid not in endpoint_ids:
                raise ConfigError(
                    f"{path}: sources.{sid}.endpoints.{eid}: unknown endpoint; "
                    f"{sid} has {', '.join(sorted(endpoint_ids))}"
                )
    for source in config.custom_sources:
        for endpoint in source.endpoints:
            if "{" not in endpoint.url:
                try:
                    check_http_url(endpoint.url)
                except ValueError as exc:
                    raise ConfigError(
                        f"{path}: custom_sources.{source.id}.endpoints.{endpoint.id}.url: {exc}"
                    ) from None
            check_selectors(path, f"custom_sources.{source.id}.endpoints.{endpoint.id}", endpoint)


def check_selectors(path: Path, key: str, endpoint: EndpointSpec) -> None:
    """A selector outside the supported CSS subset stops the load, not a check hours later."""
    # Lazy: cssselect is needed only by a config that declares its own sources (see test_import_cost).
    from tracker.extract.selectors import UnsupportedSelector, declared_selectors, to_xpath

    for where, selector in declared_selectors(endpoint):
        try:
            to_xpath(selector)
        except UnsupportedSelector as exc:
            raise ConfigError(f"{path}: {key}.{where}: {exc}") from None
