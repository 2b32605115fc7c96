"""Issue 14, finding 9: scraped text is escaped, never deleted, and formats nothing in Slack.

Through the pipeline: a feed (served on loopback) whose item title carries a Slack link in escaped markup
and whose summary carries Slack's formatting characters; the real check; delivery through slack-sdk to
the fake Slack. Before: the title lost "<https://evil.example|click here>" (parsed as an HTML tag) and
`*bold*`, `_x_`, `~y~` and backticks formatted the summary.
"""

from __future__ import annotations

import json

import pytest

from tests.fake_slack import FakeSlack
from tests.fault_site import use_loopback_only_guard
from tests.fixture_server import FixtureServer, Resp
from tracker.alerts.console import ConsoleNotifier
from tracker.alerts.deliver import deliver_pending
from tracker.alerts.escape import escape_mrkdwn, unescape
from tracker.alerts.slack import SlackBotNotifier
from tracker.config import Config
from tracker.pipeline.check import run_checks
from tracker.store.db import make_engine

FEED = """<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>News</title>
<link>https://reg.example/</link><description>news</description>{items}</channel></rss>"""
ITEM = """<item><title>{title}</title><link>https://reg.example/news/{n}</link><guid>{n}</guid>
<description>{summary}</description></item>"""
BASELINE = ITEM.format(n=1, title="Annual report", summary="The report.")
HOSTILE = ITEM.format(
    n=2,
    title="&lt;https://evil.example|click here&gt; AI rule on artificial intelligence",
    summary="*Act now* _urgently_ ~withdrawn~ `run this` on the AI Act\n&gt; quoted line",
)


def test_a_hostile_feed_item_reaches_slack_escaped_and_unformatted(
    http_server: FixtureServer,
    db_url: str,
    fake: FakeSlack,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    use_loopback_only_guard(monkeypatch)
    config = Config.model_validate(
        {
            "fetch": {"allow_private_addresses": False, "per_host_delay": 0, "retries": 0},
            "slack": {"base_url": fake.base_url, "per_channel_interval": 0},
            "custom_sources": [
                {
                    "id": "hostile",
                    "jurisdiction": "EU",
                    "regulator": "Regulator",
                    "endpoints": [
                        {"id": "news", "url": http_server.url("/f.rss"), "parser": {"kind": "feed"}}
                    ],
                }
            ],
        }
    )
    engine = make_engine(db_url)
    http_server.route("/f.rss", Resp(body=FEED.format(items=BASELINE), content_type="application/rss+xml"))
    run_checks(config, engine, ["hostile"])
    body = FEED.format(items=HOSTILE + BASELINE)
    http_server.route("/f.rss", Resp(body=body, content_type="application/rss+xml"))
    (report,) = run_checks(config, engine, ["hostile"])
    assert report.alerts == 1

    deliver_pending(engine, config, SlackBotNotifier(fake.token, config))

    (message,) = fake.posted("ai-regulation")
    header, context, section = (b["text"]["text"] if "text" in b else b for b in message["blocks"][:3])
    # The title is kept whole, its angle brackets escaped: no link, no lost words.
    assert header == "&lt;https://evil.example|click here&gt; AI rule on artificial intelligence"
    # The summary's formatting characters are look-alikes; the words are all there.
    assert not any(c in section for c in "*`~") and " _" not in section and "_ " not in section
    assert "Act now" in section and "urgently" in section and "withdrawn" in section and "run this" in section
    assert not section.splitlines()[-1].startswith("&gt;")  # no quote block either
    # Our own formatting around it is intact.
    assert context["elements"][0]["text"].startswith("*:new: New*")
    assert "&lt;https://evil.example|click here&gt;" in message["text"]  # the notification text too
    serialised = json.dumps(message, ensure_ascii=False)
    assert "<https://evil" not in serialised

    # The console shows the page's own characters.
    console = ConsoleNotifier()
    console.post("#x", {"text": "", "blocks": message["blocks"]}, alert_id=None, alert_key=None)
    out = capsys.readouterr().out
    assert "<https://evil.example|click here> AI rule" in out and "*Act now* _urgently_ ~withdrawn~" in out


def test_neutralising_keeps_words_inside_identifiers() -> None:
    text = "Regulation (EU) 2024/1689, ref ip_24_1234 and snake_case_name; 2*3 > 5"
    neutral = escape_mrkdwn(text)
    assert "ip_24_1234" in neutral and "snake_case_name" in neutral  # never italics inside a word
    assert "*" not in neutral
    assert unescape(neutral) == text
