"""`tracker sources reset` as an operator runs it (issue 14, finding 1): a real process, a config file, the
loopback server, a real database (SQLite and PostgreSQL).

A site that stably moved to much smaller answers is blocked by what the endpoint learnt from its old size;
the reset forgets that history (sizes, item counts, encoding, failure streak) and keeps everything else, and
the next check reads the site again. The feeds are written for this test (structure: tests/test_check_e2e.py).
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlmodel import Session, col, select

from tests.cli_support import run_tracker
from tests.fixture_server import FixtureServer, Resp
from tests.test_check_e2e import feed
from tracker.store.db import make_engine
from tracker.store.models import Item, SourceState

# Real `tracker` processes (or a browser): seconds each, outside the fast run.
pytestmark = pytest.mark.slow

NEWS, OTHER = "testreg/news", "testreg/other"
RSS = "application/rss+xml"
# 25 items with long summaries (~9 KB), then a relaunch that serves only the 2 newest (~0.6 KB).
ITEMS = [
    (400 + n, f"Notice {n} on artificial intelligence supervision", "A long summary of the notice. " * 8)
    for n in range(25)
]


def tracker(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_tracker(*args, cwd=cwd)


def write_config(tmp_path: Path, server: FixtureServer, db_url: str) -> Path:
    endpoints = "".join(
        f"""
[[custom_sources.endpoints]]
id = "{eid}"
url = "{server.url(f"/{eid}.rss")}"
parser = {{ kind = "feed" }}
"""
        for eid in ("news", "other")
    )
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
[tracker]
database = "{db_url}"
[fetch]
allow_private_addresses = true
per_host_delay = 0
retries = 0
connect_timeout = 2
total_timeout = 5
[[custom_sources]]
id = "testreg"
jurisdiction = "EU"
regulator = "Test Regulator"
{endpoints}""",
        encoding="utf-8",
    )
    return path


def states(db_url: str) -> dict[str, SourceState]:
    engine = make_engine(db_url)
    try:
        with Session(engine, expire_on_commit=False) as session:
            return {s.endpoint_key: s for s in session.exec(select(SourceState))}
    finally:
        engine.dispose()


def item_count(db_url: str, key: str) -> int:
    engine = make_engine(db_url)
    try:
        with Session(engine) as session:
            return len(list(session.exec(select(Item).where(col(Item.endpoint_key) == key))))
    finally:
        engine.dispose()


def test_reset_forgets_the_learnt_history_and_the_site_is_read_again(
    http_server: FixtureServer, tmp_path: Path, db_url: str
) -> None:
    http_server.route("/news.rss", Resp(body=feed(*ITEMS), content_type=RSS, etag='"v1"'))
    http_server.route("/other.rss", Resp(body=feed(*ITEMS[:20]), content_type=RSS))
    config = str(write_config(tmp_path, http_server, db_url))
    for _ in range(3):  # three good answers of the usual size: the history is learnt
        run = tracker("check", "testreg", "--config", config, cwd=tmp_path)
        assert run.returncode == 0, run.stdout + run.stderr

    # The site relaunches with a much smaller feed, and stays so: blocked by what was learnt.
    small = feed(*ITEMS[:2])
    assert len(small) * 5 < len(feed(*ITEMS))
    http_server.route("/news.rss", Resp(body=small, content_type=RSS))
    blocked = tracker("check", "testreg", "--config", config, cwd=tmp_path)
    assert blocked.returncode == 1, blocked.stdout + blocked.stderr
    before = states(db_url)
    assert before[NEWS].status != "ok" and before[NEWS].consecutive_failures == 1
    assert before[NEWS].last_good_size and json.loads(before[NEWS].good_sizes)
    other_before = before[OTHER]

    reset = tracker("sources", "reset", "testreg/news", "--config", config, cwd=tmp_path)
    assert reset.returncode == 0, reset.stdout + reset.stderr
    assert f"reset {NEWS}: forgot" in reset.stdout
    assert "1 consecutive failures" in reset.stdout and "1 endpoint(s) reset" in reset.stdout
    assert OTHER not in reset.stdout

    after = states(db_url)
    news = after[NEWS]
    assert (news.good_sizes, news.item_counts, news.last_good_size, news.last_encoding) == (
        "[]",
        "[]",
        None,
        None,
    )
    assert news.consecutive_failures == 0
    # Everything else is kept: status and error until the next check, validators, baseline, hashes, items.
    kept = (
        "status",
        "error_class",
        "etag",
        "baseline_done",
        "last_raw_sha256",
        "last_success_at",
        "source_id",
    )
    assert {f: getattr(news, f) for f in kept} == {f: getattr(before[NEWS], f) for f in kept}
    assert item_count(db_url, NEWS) == len(ITEMS)
    # The endpoint not named keeps its history untouched.
    assert after[OTHER].model_dump() == other_before.model_dump()

    again = tracker("check", "testreg/news", "--config", config, cwd=tmp_path)
    assert again.returncode == 0, again.stdout + again.stderr
    relearnt = states(db_url)[NEWS]
    assert relearnt.status == "ok" and relearnt.consecutive_failures == 0
    assert relearnt.last_good_size == len(small.encode())


def test_reset_a_whole_source_and_names_it_cannot_find(
    http_server: FixtureServer, tmp_path: Path, db_url: str
) -> None:
    http_server.route("/news.rss", Resp(body=feed(*ITEMS), content_type=RSS))
    http_server.route("/other.rss", Resp(body=feed(*ITEMS[:20]), content_type=RSS))
    config = str(write_config(tmp_path, http_server, db_url))
    assert tracker("check", "testreg/news", "--config", config, cwd=tmp_path).returncode == 0

    unknown = tracker("sources", "reset", "testreg/news", "nosuchreg", "--config", config, cwd=tmp_path)
    assert unknown.returncode == 2
    assert "nosuchreg" in unknown.stderr and "tracker sources" in unknown.stderr
    missing = tracker("sources", "reset", "testreg/nosuchlist", "--config", config, cwd=tmp_path)
    assert missing.returncode == 2
    assert "nosuchlist" in missing.stderr and "news, other" in missing.stderr
    assert "tracker sources" in missing.stderr
    assert json.loads(states(db_url)[NEWS].good_sizes), "a refused command changed nothing"

    whole = tracker("sources", "reset", "testreg", "--config", config, cwd=tmp_path)
    assert whole.returncode == 0, whole.stdout + whole.stderr
    assert f"reset {NEWS}: forgot" in whole.stdout
    assert f"{OTHER}: nothing learnt yet" in whole.stdout  # never checked: no row, none made
    assert set(states(db_url)) == {NEWS}
    assert states(db_url)[NEWS].good_sizes == "[]"


def test_the_list_is_still_tracker_sources(http_server: FixtureServer, tmp_path: Path, db_url: str) -> None:
    config = str(write_config(tmp_path, http_server, db_url))
    listed = tracker("sources", "--json", "--config", config, cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    keys = {row["endpoint"] for row in json.loads(listed.stdout)}
    assert {NEWS, OTHER} <= keys


def test_reset_learnt_history_counts_only_existing_rows(db_url: str) -> None:
    from tracker.store.db import transaction
    from tracker.store.state_reset import reset_learnt_history

    engine = make_engine(db_url)
    with transaction(engine) as session:
        session.add(
            SourceState(
                endpoint_key=NEWS, source_id="testreg", good_sizes="[9000, 9100]", last_good_size=9100
            )
        )
    with transaction(engine) as session:
        assert reset_learnt_history(session, [NEWS, NEWS, OTHER]) == 1
        assert reset_learnt_history(session, []) == 0
    with engine.connect() as conn:
        row = conn.execute(sa.text("select good_sizes, last_good_size from source_state")).one()
    assert tuple(row) == ("[]", None)
    engine.dispose()
