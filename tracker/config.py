"""config.toml, validated at load. Secrets come from the environment only.

An invalid file raises ConfigError with one message naming the file, the key and the fix; the CLI turns
it into exit status 2 before anything else happens.
"""

from __future__ import annotations

import functools
import os
import re
import tomllib
from collections import Counter
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from tracker.config_checks import (
    ConfigError,
    check_cron,
    check_http_url,
    check_timezone,
    source_key,
    sqlalchemy_url,
    with_key,
)
from tracker.specs import AlertPolicy, EndpointSpec, SourceSpec

__all__ = ["Config", "ConfigError", "load_config", "parse_duration"]

DEFAULT_CONFIG_NAME = "config.toml"

_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$")
_UNITS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, None: 1}


def parse_duration(value: Any) -> float:
    """'90s', '15m', '1h', '14d', or a number of seconds -> seconds."""
    if isinstance(value, bool):
        raise ValueError("expected a duration such as '30m', '1h' or '14d'")
    if isinstance(value, int | float):
        seconds = float(value)
    else:
        match = _DURATION.match(str(value))
        if not match:
            raise ValueError(f"{value!r} is not a duration; write e.g. '30s', '15m', '1h' or '14d'")
        seconds = float(match.group(1)) * _UNITS[match.group(2)]
    if seconds < 0:
        raise ValueError("a duration cannot be negative")
    return seconds


Seconds = Annotated[float, BeforeValidator(parse_duration)]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TrackerSection(_Section):
    database: str = "data/tracker.sqlite3"  # a path (relative to the config file) or a SQLAlchemy URL
    timezone: str = "UTC"
    user_agent: str = "ai-reg-tracker/0.1"
    contact_url: str = "https://github.com/ai-reg-tracker/ai-reg-tracker"
    # false: no built-in regulator is checked unless its [sources.ID] says `enabled = true` (a config
    # for your own sources only).
    builtin_sources: bool = True

    @field_validator("contact_url")
    @classmethod
    def _url(cls, v: str) -> str:
        return check_http_url(v)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        return check_timezone(v)


class FetchSection(_Section):
    connect_timeout: Seconds = 10.0
    read_timeout: Seconds = 30.0
    total_timeout: Seconds = 90.0
    max_redirects: int = Field(5, ge=0, le=30)
    max_body_mb: float = Field(25.0, gt=0, le=1024)
    retries: int = Field(3, ge=0, le=10)
    backoff_base: Seconds = 1.0
    backoff_max: Seconds = 60.0
    per_host_concurrency: int = Field(1, ge=1, le=64)
    per_host_delay: Seconds = 1.0
    respect_robots: bool = True
    allow_private_addresses: bool = False  # tests and intranet mirrors set this
    max_concurrency: int = Field(10, ge=1, le=256)  # all hosts together


class CheckSection(_Section):
    default_interval: Seconds = 3600.0
    removal_after: int = Field(3, ge=1, le=100)  # consecutive good checks an item must be missing
    shrink_ratio: float = Field(0.2, ge=0, lt=1)  # body < ratio x last good size = blocked
    keep_snapshots: int = Field(20, ge=1)
    jitter: Seconds = 120.0
    # Drift: an answer whose item (or block) count falls under this share of the median of the recent
    # good checks is a redesign, not news; it applies once this many good checks are known.
    drift_ratio: float = Field(0.3, ge=0, lt=1)
    drift_min_history: int = Field(3, ge=1, le=50)
    # Staleness: the newest item older than stale_factor x the endpoint's usual gap between items (and
    # at least stale_min) flags the endpoint stale.
    stale_factor: float = Field(4.0, gt=1)
    stale_min: Seconds = 14 * 86400.0


class RelevanceSection(_Section):
    extra_terms: dict[str, list[str]] = Field(default_factory=dict)  # label -> phrases
    negative_terms: list[str] = Field(default_factory=list)
    threshold: float = Field(1.0, ge=0)


class EndpointOverride(_Section):
    url: str | None = None
    enabled: bool = True

    @field_validator("url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        return None if v is None else check_http_url(v)


class SourceOverride(_Section):
    enabled: bool | None = None  # None = the source's own default
    interval: Seconds | None = None
    cron: str | None = None  # e.g. "0 9-18 * * mon-fri" in [tracker].timezone or `timezone`
    timezone: str | None = None
    alert: AlertPolicy | None = None
    endpoints: dict[str, EndpointOverride] = Field(default_factory=dict)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str | None) -> str | None:
        return None if v is None else check_timezone(v)

    @field_validator("cron")
    @classmethod
    def _cron(cls, v: str | None) -> str | None:
        return None if v is None else check_cron(v)

    @model_validator(mode="after")
    def _one_schedule(self) -> SourceOverride:
        if self.interval is not None and self.cron is not None:
            raise ValueError("both `interval` and `cron` are set; keep one (cron would silently win)")
        return self


class RouteRule(_Section):
    channel: str
    jurisdiction: list[str] = Field(default_factory=list)
    label: list[str] = Field(default_factory=list)
    doc_type: list[str] = Field(default_factory=list)
    source: list[str] = Field(default_factory=list)


class SlackSection(_Section):
    default_channel: str = "#ai-regulation"
    ops_channel: str | None = None  # None = default_channel
    ops_failure_threshold: int = Field(3, ge=1)
    # More new items than this in one channel at one delivery: one summary message (0 = never).
    flood_threshold: int = Field(10, ge=0)
    routes: list[RouteRule] = Field(default_factory=list)
    per_channel_interval: Seconds = 1.1
    max_attempts: int = Field(12, ge=1)
    base_url: str | None = None  # tests and proxies; None = Slack's own

    @field_validator("base_url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        return None if v is None else check_http_url(v)


class ServiceSection(_Section):
    listen: str = "127.0.0.1:9464"
    log_format: Literal["text", "json"] = "text"
    outbox_interval: Seconds = 30.0
    retention_interval: Seconds = 86400.0
    misfire_grace: Seconds = 600.0
    stop_timeout: Seconds = 60.0
    # Run `tracker doctor` once when the service starts (it fetches every endpoint once more) and log
    # each endpoint that is not healthy, with its advice: a first deploy verifies itself.
    doctor_on_start: bool = False


class DigestSection(_Section):
    language: Literal["ko", "en"] = "ko"
    period: Seconds = 14 * 86400.0
    cron: str | None = "0 9 * * mon"  # with every_other_week
    every_other_week: bool = True
    timezone: str = "Asia/Seoul"
    channel: str | None = None
    out_dir: str = "data/digests"
    summariser_url: str | None = None  # OpenAI-compatible chat completions; key in DIGEST_API_KEY
    summariser_model: str | None = None

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        return check_timezone(v)

    @field_validator("cron")
    @classmethod
    def _cron(cls, v: str | None) -> str | None:
        return None if v is None else check_cron(v)


class WebSection(_Section):
    """The read-only web view (tracker.web): served by `tracker run` and `tracker web`."""

    enabled: bool = True  # `tracker run` serves it beside the health endpoint
    listen: str = "127.0.0.1:9465"  # TRACKER_WEB_LISTEN overrides
    public_url: str | None = None  # where readers reach it (alerts link there); None = no links
    user: str | None = None  # basic-auth user; the password comes from TRACKER_WEB_PASSWORD
    page_size: int = Field(50, ge=5, le=500)

    @field_validator("public_url")
    @classmethod
    def _url(cls, v: str | None) -> str | None:
        return None if v is None else check_http_url(v).rstrip("/")


def _check_group_names(groups: dict[str, bool]) -> dict[str, bool]:
    from sources.groups import check_group_names

    check_group_names(groups)
    return groups


class Config(_Section):
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


def _format_error(path: Path, exc: ValidationError) -> str:
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
        raise ConfigError(_format_error(path, exc)) from None
    _check_references(path, config)
    config.warnings.extend(_questionable(path, config))
    return config


def _questionable(path: Path, config: Config) -> list[str]:
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


def _check_references(path: Path, config: Config) -> None:
    """Keys that name sources or endpoints must name real ones."""
    from sources import builtin_sources

    known = {s.id: s for s in [*builtin_sources(), *config.custom_sources]}
    custom_ids = Counter(s.id for s in config.custom_sources)
    builtin_ids = {s.id for s in builtin_sources()}
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
            _check_selectors(path, f"custom_sources.{source.id}.endpoints.{endpoint.id}", endpoint)


def _check_selectors(path: Path, key: str, endpoint: EndpointSpec) -> None:
    """A selector outside the supported CSS subset stops the load, not a check hours later."""
    # Lazy: cssselect is needed only by a config that declares its own sources (see test_import_cost).
    from tracker.extract.selectors import UnsupportedSelector, declared_selectors, to_xpath

    for where, selector in declared_selectors(endpoint):
        try:
            to_xpath(selector)
        except UnsupportedSelector as exc:
            raise ConfigError(f"{path}: {key}.{where}: {exc}") from None
