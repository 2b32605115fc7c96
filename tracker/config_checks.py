"""Checks of single configuration values, and what configuration takes from the environment rather than
the file: the database URL and the keys of sources that need the user's own (law.go.kr)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from tracker.specs import SourceSpec


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
