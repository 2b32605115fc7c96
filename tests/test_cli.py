"""`tracker` as a user runs it: a real process, a config file, the loopback server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixture_server import FixtureServer, Resp
from tests.test_check_e2e import ITEMS_V1, NEW_ITEM, feed

# Real `tracker` processes (or a browser): seconds each, outside the fast run.
pytestmark = pytest.mark.slow


def tracker(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=environment,
    )


def write_config(tmp_path: Path, server: FixtureServer, db_url: str) -> Path:
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
[[custom_sources.endpoints]]
id = "news"
url = "{server.url("/news.rss")}"
parser = {{ kind = "feed" }}
[[custom_sources.endpoints]]
id = "gone"
url = "{server.url("/gone.rss")}"
parser = {{ kind = "feed" }}
""",
        encoding="utf-8",
    )
    return path


def test_check_history_show_and_exit_codes(http_server: FixtureServer, tmp_path: Path, db_url: str) -> None:
    http_server.route("/news.rss", Resp(body=feed(*ITEMS_V1), content_type="application/rss+xml"))
    http_server.route("/gone.rss", Resp(status=404, body="no"))
    config = str(write_config(tmp_path, http_server, db_url))

    first = tracker("check", "testreg/news", "--config", config, cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    assert "baseline" in first.stdout

    failed = tracker("check", "testreg", "--json", "--config", config, cwd=tmp_path)
    assert failed.returncode == 1  # one endpoint could not be checked
    report = json.loads(failed.stdout)
    status = {e["endpoint"]: e["status"] for e in report["endpoints"]}
    assert status == {"news": "ok", "gone": "error"}

    http_server.route("/news.rss", Resp(body=feed(NEW_ITEM, *ITEMS_V1), content_type="application/rss+xml"))
    dry = tracker("check", "testreg/news", "--dry-run", "--json", "--config", config, cwd=tmp_path)
    assert dry.returncode == 0
    assert json.loads(dry.stdout)["endpoints"][0]["new"] == 1
    history = tracker("history", "--json", "--config", config, cwd=tmp_path)
    assert json.loads(history.stdout) == []  # the dry run stored nothing

    second = tracker("check", "testreg/news", "--config", config, cwd=tmp_path)
    assert second.returncode == 0
    # Without Slack, the alert is printed readably on the console.
    assert NEW_ITEM[1] in second.stdout
    assert "https://reg.example/news/103" in second.stdout

    history = json.loads(tracker("history", "--json", "--config", config, cwd=tmp_path).stdout)
    assert [h["title"] for h in history] == [NEW_ITEM[1]]
    shown = tracker("show", str(history[0]["id"]), "--config", config, cwd=tmp_path)
    assert shown.returncode == 0 and NEW_ITEM[1] in shown.stdout
    missing = tracker("show", "9999", "--config", config, cwd=tmp_path)
    assert missing.returncode == 1 and "no change #9999" in missing.stderr

    sources = json.loads(tracker("sources", "--json", "--config", config, cwd=tmp_path).stdout)
    by_key = {s["endpoint"]: s for s in sources}
    assert by_key["testreg/news"]["status"] == "ok"
    assert by_key["testreg/gone"]["failures"] == 1


def test_usage_errors_exit_2(http_server: FixtureServer, tmp_path: Path) -> None:
    config = str(write_config(tmp_path, http_server, f"sqlite:///{tmp_path / 't.sqlite3'}"))
    unknown = tracker("check", "atlantis", "--config", config, cwd=tmp_path)
    assert unknown.returncode == 2
    assert "unknown source 'atlantis'" in unknown.stderr
    bad_since = tracker("history", "--since", "a while", "--config", config, cwd=tmp_path)
    assert bad_since.returncode == 2


def test_db_upgrade(tmp_path: Path, http_server: FixtureServer, db_url: str) -> None:
    config = str(write_config(tmp_path, http_server, db_url))
    out = tracker("db", "upgrade", "--config", config, cwd=tmp_path)
    assert out.returncode == 0 and "revision" in out.stdout


def test_check_prints_plain_lines_into_a_pipe_and_a_table_on_a_terminal(
    http_server: FixtureServer, tmp_path: Path, db_url: str
) -> None:
    """rich lays out the table only for a terminal (TTY_COMPATIBLE=1 says the output is one, as rich reads
    it); into a pipe the rows are tab-separated lines and rich's console is never loaded."""
    http_server.route("/news.rss", Resp(body=feed(*ITEMS_V1), content_type="application/rss+xml"))
    config = str(write_config(tmp_path, http_server, db_url))
    probe = (
        "import sys, runpy\n"
        "sys.argv = ['tracker', *sys.argv[1:]]\n"
        "try:\n    runpy.run_module('tracker', run_name='__main__')\n"
        "except SystemExit:\n    pass\n"
        "print('rich.console loaded:', 'rich.console' in sys.modules, file=sys.stderr)\n"
    )

    def check(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        environment = {k: v for k, v in os.environ.items() if k not in ("TTY_COMPATIBLE", "FORCE_COLOR")}
        environment = {k: v for k, v in environment.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
        return subprocess.run(
            [sys.executable, "-c", probe, "check", "testreg/news", "--config", config],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tmp_path,
            env={**environment, **env},
        )

    piped = check({})
    assert piped.stdout.splitlines()[0].split("\t")[:2] == ["testreg/news", "ok"], piped.stdout
    assert "rich.console loaded: False" in piped.stderr

    terminal = check({"TTY_COMPATIBLE": "1", "NO_COLOR": "1"})
    assert "│ testreg/news │ ok " in terminal.stdout and terminal.stdout.startswith("┏"), terminal.stdout
    assert "rich.console loaded: True" in terminal.stderr
