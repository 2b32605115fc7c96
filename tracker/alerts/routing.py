"""Which Slack channel(s) an alert goes to.

Rules are `[[slack.routes]]` entries. A rule matches a change when every criterion it sets matches (AND
across jurisdiction / label / doc_type / source, OR within one list, case-insensitive); a rule with no
criteria matches everything. **Every** matching rule contributes its channel, in file order, each channel
once: an EU enforcement action can go to both #eu-ai and #enforcement. No match -> the default channel.
`source` matches the source id ("eu_eurlex") or the endpoint key ("eu_eurlex/oj_l").
"""

from __future__ import annotations

from tracker.config import Config, RouteRule
from tracker.store.models import Change


def _matches(values: list[str], *candidates: str) -> bool:
    if not values:
        return True
    wanted = {v.strip().lower() for v in values}
    return any(c.strip().lower() in wanted for c in candidates if c)


def rule_matches(rule: RouteRule, change: Change) -> bool:
    return (
        _matches(rule.jurisdiction, change.jurisdiction)
        and _matches(rule.label, change.relevance)
        and _matches(rule.doc_type, change.doc_type)
        and _matches(rule.source, change.source_id, change.endpoint_key)
    )


def route_channels(change: Change, config: Config) -> list[str]:
    channels: list[str] = []
    for rule in config.slack.routes:
        if rule_matches(rule, change) and rule.channel not in channels:
            channels.append(rule.channel)
    return channels or [config.slack.default_channel]


def ops_channel(config: Config) -> str:
    return config.slack.ops_channel or config.slack.default_channel


def configured_channels(config: Config) -> list[str]:
    """Default, operations and route channels, each once (what `tracker slack test` posts to)."""
    out: list[str] = []
    routes = [rule.channel for rule in config.slack.routes]
    candidates = [config.slack.default_channel, ops_channel(config), *routes]
    for channel in candidates:
        if channel not in out:
            out.append(channel)
    return out
