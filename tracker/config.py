"""config.toml, validated at load. Secrets come from the environment only.

An invalid file raises ConfigError with one message naming the file, the key and the fix; the CLI turns
it into exit status 2 before anything else happens.
"""

from __future__ import annotations

import functools
import os
import tomllib
from pathlib import Path
from typing import Annotated

from pydantic import AfterValidator, Field, PrivateAttr, ValidationError

from tracker.config_checks import (
    ConfigError,
    check_references,
    format_error,
    questionable_settings,
    source_key,
    sqlalchemy_url,
    with_key,
)
from tracker.config_sections import (
    CheckSection,
    DigestSection,
    EndpointOverride,
    FetchSection,
    RelevanceSection,
    RouteRule,
    Seconds,
    Section,
    ServiceSection,
    SlackSection,
    SourceOverride,
    TrackerSection,
    WebSection,
    parse_duration,
)
from tracker.specs import AlertPolicy, EndpointSpec, SourceSpec

__all__ = [
    "CheckSection",
    "Config",
    "ConfigError",
    "DigestSection",
    "EndpointOverride",
    "FetchSection",
    "RelevanceSection",
    "RouteRule",
    "Seconds",
    "ServiceSection",
    "SlackSection",
    "SourceOverride",
    "TrackerSection",
    "WebSection",
    "load_config",
    "parse_duration",
]

DEFAULT_CONFIG_NAME = "config.toml"


def _check_group_names(groups: dict[str, bool]) -> dict[str, bool]:
    from sources.groups import check_group_names

    check_group_names(groups)
    return groups


class Config(Section):
    tracker: TrackerSection = Field(default_factory=TrackerSection)
    fetch: FetchSection = Field(default_factory=FetchSection)
    check: CheckSection = Field(default_factory=CheckSection)
    relevance: RelevanceSection = Field(default_factory=RelevanceSection)
    sources: dict[str, SourceOverride] = Field(default_factory=dict)
    # Whole groups of built-in sources on or off: jurisdictions ("uk") and kinds ("dpa"); sources/groups.py.
    groups: Annotated[dict[str, bool], AfterValidator(_check_group_names)] = Field(default_factory=dict)
    custom_sources: list[SourceSpec] = Field(default_factory=list)
    slack: SlackSection = Field(default_factory=SlackSection)
    service: ServiceSection = Field(default_factory=ServiceSection)
    digest: DigestSection = Field(default_factory=DigestSection)
    web: WebSection = Field(default_factory=WebSection)

    # Not from the file: where it was read, to resolve relative paths.
    base_dir: Path = Field(default_factory=Path.cwd, exclude=True)
    path: Path | None = Field(default=None, exclude=True)
    # What load_config found questionable but not wrong; the CLI prints them (never from the file).
    _warnings: list[str] = PrivateAttr(default_factory=list)

    @property
    def warnings(self) -> list[str]:
        return self._warnings

    def database_url(self) -> str:
        """DATABASE_URL wins; else [tracker].database as a URL or a SQLite path.

        Raises ConfigError naming DATABASE_URL (or the key) when the URL is not one we can use."""
        env = os.environ.get("DATABASE_URL")
        if env:
            return sqlalchemy_url(env, "DATABASE_URL")
        db = self.tracker.database
        if "://" in db:
            return sqlalchemy_url(db, f"{self.path or DEFAULT_CONFIG_NAME}: tracker.database")
        path = Path(db)
        if not path.is_absolute():
            path = self.base_dir / path
        return f"sqlite:///{path}"

    def user_agent(self) -> str:
        return f"{self.tracker.user_agent} (+{self.tracker.contact_url})"

    def all_sources(self) -> list[SourceSpec]:
        """Every source the file could enable: built-in ones and its custom ones, disabled ones too."""
        from sources import builtin_sources

        return [*builtin_sources(), *self.custom_sources]

    @functools.cached_property
    def custom_ids(self) -> frozenset[str]:
        """The ids of the file's own sources (asked once per source when the enabled ones are listed)."""
        return frozenset(c.id for c in self.custom_sources)

    def disabled_reason(self, spec: SourceSpec) -> str | None:
        """None when the source is enabled, else why it is off and how to turn it on."""
        override = self.sources.get(spec.id)
        where = self.path or DEFAULT_CONFIG_NAME
        if override is not None and override.enabled is not None:
            if override.enabled:
                return None
            return f"disabled by [sources.{spec.id}] enabled = false in {where}; set it to true to check it"
        from sources.groups import group_setting

        by_group, group = group_setting(self.groups, spec)
        if by_group is False:
            return (
                f"disabled by [groups] {group} = false in {where}; "
                f"set [sources.{spec.id}] enabled = true to check this one"
            )
        custom = spec.id in self.custom_ids
        if by_group is None and not self.tracker.builtin_sources and not custom:
            return (
                f"disabled: built-in sources are off ([tracker] builtin_sources = false in {where}); "
                f"set [sources.{spec.id}] enabled = true to check this one"
            )
        key = source_key(spec.id)
        if key is not None:
            if os.environ.get(key.variable):
                return None
            return (
                f"disabled until its key is set: put your {key.what} "
                f"in the environment variable {key.variable}"
            )
        if not spec.enabled and by_group is not True:
            return f"disabled by default; set [sources.{spec.id}] enabled = true in {where} to check it"
        return None

    def enabled_sources(self) -> list[SourceSpec]:
        """Built-in and custom sources with the file's overrides applied (URLs, enabled, keys)."""
        out: list[SourceSpec] = []
        for spec in self.all_sources():
            if self.disabled_reason(spec) is not None:
                continue
            override = self.sources.get(spec.id)
            spec = spec if override is None else _apply_override(spec, override)
            out.append(with_key(spec))
        return out

    def source_interval(self, source: SourceSpec) -> float:
        override = self.sources.get(source.id)
        if override and override.interval:
            return override.interval
        if source.interval:
            return parse_duration(source.interval)
        return self.check.default_interval

    def alert_policy(self, source: SourceSpec, endpoint: EndpointSpec) -> AlertPolicy:
        override = self.sources.get(source.id)
        if override and override.alert:
            return override.alert
        return endpoint.alert or source.alert


def _apply_override(spec: SourceSpec, override: SourceOverride) -> SourceSpec:
    endpoints = []
    for endpoint in spec.endpoints:
        eo = override.endpoints.get(endpoint.id)
        if eo is None:
            endpoints.append(endpoint)
        elif eo.enabled:
            endpoints.append(endpoint.model_copy(update={"url": eo.url}) if eo.url else endpoint)
    return spec.model_copy(update={"endpoints": tuple(endpoints)})


def load_config(path: str | Path | None = None) -> Config:
    """Read and validate the file. No file at the default path = built-in defaults; a path given with
    --config or TRACKER_CONFIG must exist."""
    from_env = os.environ.get("TRACKER_CONFIG") if path is None else None
    explicit = path is not None or bool(from_env)
    path = Path(path or from_env or DEFAULT_CONFIG_NAME)
    if not path.exists():
        if from_env:
            raise ConfigError(
                f"{path}: no such file (from TRACKER_CONFIG); point TRACKER_CONFIG at your config.toml "
                "or unset it to use ./config.toml"
            )
        if explicit:
            raise ConfigError(f"{path}: no such file; pass --config with the path of your config.toml")
        return Config(base_dir=Path.cwd())
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    try:
        config = Config.model_validate({**data, "base_dir": path.resolve().parent, "path": path})
    except ValidationError as exc:
        raise ConfigError(format_error(path, exc)) from None
    check_references(path, config)
    config.warnings.extend(questionable_settings(path, config))
    return config
