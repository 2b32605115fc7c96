"""Staleness: an endpoint whose newest item is far older than its own rhythm is flagged, in `tracker
sources`, `tracker status` and the metrics, while every check of it is still "ok"."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

from tests.cli_support import run_tracker
from tests.fixture_server import FixtureServer, Resp, file_resp
from tests.paths import SAMPLES
from tracker.config import CheckSection
from tracker.pipeline.staleness import assess

FTC_FEED = SAMPLES / "ftc/ftc_feed_press-release-competition_2026-07.xml"


def ftc_dates() -> list[datetime]:
    from email.utils import parsedate_to_datetime

    text = FTC_FEED.read_text("utf-8")
    return [parsedate_to_datetime(d) for d in re.findall(r"<pubDate>(.*?)</pubDate>", text)]


def test_the_recorded_ftc_rhythm_and_when_it_goes_stale() -> None:
    dates = ftc_dates()
    assert len(dates) == 30
    newest = max(dates)
    check = CheckSection()
    fresh = assess(dates, newest + timedelta(days=5), check=check)
    assert not fresh.stale and fresh.usual_gap is not None
    assert timedelta(days=1) <= fresh.usual_gap <= timedelta(days=7)  # 30 releases in ~4 months
    assert fresh.limit == max(fresh.usual_gap * 4, timedelta(days=14))
    late = assess(dates, newest + timedelta(days=60), check=check)
    assert late.stale and "is 60 days old" in late.reason
    declared = assess(dates, newest + timedelta(days=60), check=check, declared_max_age="90d")
    assert not declared.stale and "declared" in declared.reason


def test_too_few_dates_teach_no_rhythm() -> None:
    now = datetime(2026, 12, 8, tzinfo=UTC)
    few = [now - timedelta(days=400), now - timedelta(days=300)]
    assert not assess(few, now, check=CheckSection()).stale
    assert assess(few, now, check=CheckSection(), declared_max_age="30d").stale


def rss(dates: list[datetime]) -> str:
    items = "".join(
        f"<item><title>Decision {n}</title><link>https://reg.example/{n}</link><guid>{n}</guid>"
        f"<pubDate>{format_datetime(d)}</pubDate></item>"
        for n, d in enumerate(dates)
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'


def tracker(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_tracker(*args, cwd=cwd)


def test_sources_and_status_flag_the_frozen_list_not_the_live_one(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    http_server.route("/robots.txt", Resp(body="User-agent: *\nAllow: /\n", content_type="text/plain"))
    http_server.route(
        "/frozen.xml", file_resp(FTC_FEED, content_type="application/rss+xml")
    )  # ends 2026-07-14
    live = [now - timedelta(days=2 * n + 1) for n in range(10)]
    http_server.route("/live.xml", Resp(body=rss(live), content_type="application/rss+xml"))
    (tmp_path / "config.toml").write_text(
        f"""
[tracker]
database = "{tmp_path / "t.sqlite3"}"
[fetch]
allow_private_addresses = true
per_host_delay = 0
retries = 0
[[custom_sources]]
id = "reg"
jurisdiction = "US"
regulator = "Test"
[[custom_sources.endpoints]]
id = "frozen"
url = "{http_server.url("/frozen.xml")}"
parser = {{ kind = "feed" }}
[[custom_sources.endpoints]]
id = "live"
url = "{http_server.url("/live.xml")}"
parser = {{ kind = "feed" }}
""",
        "utf-8",
    )
    run = tracker("check", "reg", cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr

    listed = {row["endpoint"]: row for row in json.loads(tracker("sources", "--json", cwd=tmp_path).stdout)}
    assert listed["reg/frozen"]["status"] == "ok" and listed["reg/frozen"]["stale"] is True
    assert "newest item 2026-07-14" in listed["reg/frozen"]["newest_item"]
    assert listed["reg/live"]["stale"] is False
    status = json.loads(tracker("status", "--json", cwd=tmp_path).stdout)
    assert status["stale"] == ["reg/frozen"]
    table = tracker("status", cwd=tmp_path).stdout
    assert "stale: reg/frozen" in table
