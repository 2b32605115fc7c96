"""Which notifier alerts go to (from the environment), and a test message through it (`tracker slack test`).

Each notifier module is loaded when chosen: slack-sdk is 16 MB, rich's console 3 MB, and a check with
nothing to send needs neither.
"""

from __future__ import annotations

import os

from tracker.alerts.notifier import Notifier, SendError
from tracker.alerts.render import render_test_message
from tracker.alerts.routing import configured_channels
from tracker.config import Config


def make_notifier(config: Config) -> Notifier:
    """Bot token if SLACK_BOT_TOKEN is set, else incoming webhook if SLACK_WEBHOOK_URL, else the console."""
    token = os.environ.get("SLACK_BOT_TOKEN", "").strip()
    if token:
        from tracker.alerts.slack import SlackBotNotifier

        return SlackBotNotifier(token, config)
    webhook = os.environ.get("SLACK_WEBHOOK_URL", "").strip()
    if webhook:
        from tracker.alerts.slack import SlackWebhookNotifier

        return SlackWebhookNotifier(webhook, config)
    from tracker.alerts.console import ConsoleNotifier

    return ConsoleNotifier()


def slack_test(config: Config) -> list[tuple[str, str]]:
    """Post one test message to each configured channel; (channel, what Slack said) for each."""
    from tracker.alerts.console import ConsoleNotifier
    from tracker.alerts.slack import SlackBotNotifier, SlackWebhookNotifier

    notifier = make_notifier(config)
    results: list[tuple[str, str]] = []
    if isinstance(notifier, SlackBotNotifier):
        results.append(("auth.test", notifier.auth_test()))
        channels = configured_channels(config)
    elif isinstance(notifier, SlackWebhookNotifier):
        channels = ["(webhook channel)"]
    else:
        channels = ["(console)"]
    for channel in channels:
        try:
            posted = notifier.post(channel, render_test_message(channel), alert_id=None, alert_key=None)
        except SendError as exc:
            results.append((channel, f"error: {exc.reason}"))
            continue
        if isinstance(notifier, ConsoleNotifier):
            results.append((channel, "printed (no SLACK_BOT_TOKEN or SLACK_WEBHOOK_URL set)"))
        else:
            results.append((channel, "ok" + (f" (ts {posted.ts})" if posted.ts else "")))
    return results
