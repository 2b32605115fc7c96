"""The sections of config.toml, one model per stage of the pipeline: fetch, check, relevance, the
sources' overrides, alerts (Slack), the service, the digest and the web view; and the duration type
they share ("30s", "15m", "1h", "14d")."""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from tracker.config_checks import check_cron, check_http_url, check_timezone
from tracker.specs import AlertPolicy

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
# Checked where they are declared, whichever section holds them (tracker/config_checks.py says why).
Timezone = Annotated[str, AfterValidator(check_timezone)]
Cron = Annotated[str, AfterValidator(check_cron)]
HttpUrl = Annotated[str, AfterValidator(check_http_url)]


class Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TrackerSection(Section):
    database: str = "data/tracker.sqlite3"  # a path (relative to the config file) or a SQLAlchemy URL
    timezone: Timezone = "UTC"
    user_agent: str = "ai-reg-tracker/0.1"
    contact_url: HttpUrl = "https://github.com/ai-reg-tracker/ai-reg-tracker"
    # false: no built-in regulator is checked unless its [sources.ID] says `enabled = true` (a config
    # for your own sources only).
    builtin_sources: bool = True


class FetchSection(Section):
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


class CheckSection(Section):
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


class RelevanceSection(Section):
    extra_terms: dict[str, list[str]] = Field(default_factory=dict)  # label -> phrases
    negative_terms: list[str] = Field(default_factory=list)
    threshold: float = Field(1.0, ge=0)


class EndpointOverride(Section):
    url: HttpUrl | None = None
    enabled: bool = True


class SourceOverride(Section):
    enabled: bool | None = None  # None = the source's own default
    interval: Seconds | None = None
    cron: Cron | None = None  # e.g. "0 9-18 * * mon-fri" in [tracker].timezone or `timezone`
    timezone: Timezone | None = None
    alert: AlertPolicy | None = None
    endpoints: dict[str, EndpointOverride] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _one_schedule(self) -> SourceOverride:
        if self.interval is not None and self.cron is not None:
            raise ValueError("both `interval` and `cron` are set; keep one (cron would silently win)")
        return self


class RouteRule(Section):
    channel: str
    jurisdiction: list[str] = Field(default_factory=list)
    label: list[str] = Field(default_factory=list)
    doc_type: list[str] = Field(default_factory=list)
    source: list[str] = Field(default_factory=list)


class SlackSection(Section):
    default_channel: str = "#ai-regulation"
    ops_channel: str | None = None  # None = default_channel
    ops_failure_threshold: int = Field(3, ge=1)
    # More new items than this in one channel at one delivery: one summary message (0 = never).
    flood_threshold: int = Field(10, ge=0)
    routes: list[RouteRule] = Field(default_factory=list)
    per_channel_interval: Seconds = 1.1
    max_attempts: int = Field(12, ge=1)
    base_url: HttpUrl | None = None  # tests and proxies; None = Slack's own


class ServiceSection(Section):
    listen: str = "127.0.0.1:9464"
    log_format: Literal["text", "json"] = "text"
    outbox_interval: Seconds = 30.0
    retention_interval: Seconds = 86400.0
    misfire_grace: Seconds = 600.0
    stop_timeout: Seconds = 60.0
    # Run `tracker doctor` once when the service starts (it fetches every endpoint once more) and log
    # each endpoint that is not healthy, with its advice: a first deploy verifies itself.
    doctor_on_start: bool = False


class DigestSection(Section):
    language: Literal["ko", "en"] = "ko"
    period: Seconds = 14 * 86400.0
    cron: Cron | None = "0 9 * * mon"  # with every_other_week
    every_other_week: bool = True
    timezone: Timezone = "Asia/Seoul"
    channel: str | None = None
    out_dir: str = "data/digests"
    summariser_url: str | None = None  # OpenAI-compatible chat completions; key in DIGEST_API_KEY
    summariser_model: str | None = None


class WebSection(Section):
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
