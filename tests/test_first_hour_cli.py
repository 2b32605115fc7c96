"""A new operator's first hour (issue 17): errors from outside the file name their source and their fix,
nothing is silently misconfigured. Each test runs `tracker` as a user does: a real process, a config file,
the loopback server."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fixture_server import FixtureServer, Resp
from tests.test_check_e2e import ITEMS_V1, feed
from tests.test_cli import tracker

# Real `tracker` processes (or a browser): seconds each, outside the fast run.
pytestmark = pytest.mark.slow


def closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def own_sources_config(tmp_path: Path, server: FixtureServer, extra: str = "") -> Path:
    """One custom source with two endpoints, built-in sources off."""
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
[tracker]
database = "t.sqlite3"
builtin_sources = false
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
id = "down"
url = "http://127.0.0.1:{closed_port()}/feed.rss"
parser = {{ kind = "feed" }}
{extra}""",
        encoding="utf-8",
    )
    return path


# -- 1: TRACKER_CONFIG ----------------------------------------------------------------------------------
def test_a_missing_file_named_by_tracker_config_is_an_error_like_config(tmp_path: Path) -> None:
    run = tracker("sources", cwd=tmp_path, env={"TRACKER_CONFIG": str(tmp_path / "nonexistent.toml")})
    assert run.returncode == 2, run.stdout
    assert "nonexistent.toml: no such file" in run.stderr and "TRACKER_CONFIG" in run.stderr
    assert not (tmp_path / "data").exists()  # no database was created on the built-in defaults


# -- 2: DATABASE_URL ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("url", "what"),
    [
        ("not-a-url", "is not a database URL"),
        ("postgresql://u:hunter2@h:abc/db", "the port is not a number"),
        ("mysql://u@h/db", "mysql:// databases are not supported"),
    ],
)
def test_a_bad_database_url_names_the_variable_and_the_accepted_forms(
    tmp_path: Path, url: str, what: str
) -> None:
    run = tracker("sources", cwd=tmp_path, env={"DATABASE_URL": url})
    assert run.returncode == 2, run.stderr
    assert run.stderr.startswith("error: DATABASE_URL: ") and what in run.stderr
    assert "sqlite:///" in run.stderr and "postgresql://" in run.stderr  # the accepted forms
    assert "hunter2" not in run.stderr  # a password is never echoed
    assert "Traceback" not in run.stderr and "sqlalche.me" not in run.stderr


# -- 3: section names survive rich ----------------------------------------------------------------------
def test_messages_keep_their_section_names(tmp_path: Path, http_server: FixtureServer) -> None:
    unreachable = f"postgresql://tracker@127.0.0.1:{closed_port()}/tracker"
    run = tracker("sources", cwd=tmp_path, env={"DATABASE_URL": unreachable})
    assert run.returncode == 1
    assert "Check DATABASE_URL or [tracker].database in config.toml" in run.stderr, run.stderr

    config = own_sources_config(tmp_path, http_server, '[service]\nlisten = "nowhere"\n')
    listen = tracker("run", "--once", "--config", str(config), cwd=tmp_path)
    assert listen.returncode == 2
    assert f"[service].listen in {config}" in listen.stderr, listen.stderr


# -- 6: disabled and unknown sources ------------------------------------------------------------------
def test_a_disabled_source_says_so_and_how_to_enable_it(tmp_path: Path, http_server: FixtureServer) -> None:
    env = {"LAW_GO_KR_OC": ""}
    kr_law = tracker("check", "kr_law", cwd=tmp_path, env=env)
    assert kr_law.returncode == 2
    assert "'kr_law' exists but is disabled" in kr_law.stderr and "LAW_GO_KR_OC" in kr_law.stderr
    assert "unknown source" not in kr_law.stderr

    config = own_sources_config(tmp_path, http_server, "[sources.testreg]\nenabled = false\n")
    off = tracker("check", "testreg", "--config", str(config), cwd=tmp_path)
    assert off.returncode == 2
    assert "'testreg' exists but is disabled by [sources.testreg] enabled = false" in off.stderr


def test_history_of_an_unknown_source_is_a_usage_error(tmp_path: Path, http_server: FixtureServer) -> None:
    config = str(own_sources_config(tmp_path, http_server))
    nosuch = tracker("history", "nosuch", "--config", config, cwd=tmp_path)
    assert nosuch.returncode == 2
    assert "unknown source 'nosuch'" in nosuch.stderr and "testreg" in nosuch.stderr
    known = tracker("history", "testreg", "--json", "--config", config, cwd=tmp_path)
    assert known.returncode == 0 and json.loads(known.stdout) == []


# -- 7 and 8: output, totals, connection errors -------------------------------------------------------
def test_piped_output_is_plain_lines_and_check_ends_with_totals(
    tmp_path: Path, http_server: FixtureServer
) -> None:
    http_server.route("/news.rss", Resp(body=feed(*ITEMS_V1), content_type="application/rss+xml"))
    config = own_sources_config(tmp_path, http_server)
    port = config.read_text("utf-8").split("http://127.0.0.1:")[-1].split("/")[0]
    check = tracker("check", "--config", str(config), cwd=tmp_path)
    assert check.returncode == 1
    lines = check.stdout.splitlines()
    assert lines[-1] == "2 endpoints: 1 ok, 1 failed"
    (down,) = [line for line in lines if line.startswith("testreg/down\t")]
    assert f"connection refused: 127.0.0.1:{port}" in down  # 8: which address did not answer

    sources = tracker("sources", "--config", str(config), cwd=tmp_path)
    assert sources.returncode == 0
    rows = [line.split("\t") for line in sources.stdout.splitlines()]
    assert [r[0] for r in rows] == ["testreg/news", "testreg/down"]  # no table, no box drawing
    assert f"connection refused: 127.0.0.1:{port}" in rows[1][-1]
    assert "┃" not in sources.stdout and "│" not in sources.stdout


def test_a_terminal_gets_its_full_width(tmp_path: Path, http_server: FixtureServer) -> None:
    # robots.txt answering 503 gives a reason of about 190 characters (tracker/net/politeness.py)
    http_server.route("/robots.txt", Resp(503, "down", content_type="text/plain"))
    config = own_sources_config(tmp_path, http_server)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_URL"))}
    env.update({"TTY_COMPATIBLE": "1", "NO_COLOR": "1", "COLUMNS": "400"})
    run = subprocess.run(
        [sys.executable, "-m", "tracker", "check", "testreg/news", "--config", str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env=env,
    )
    assert run.returncode == 1
    row = next(line for line in run.stdout.splitlines() if "testreg/news" in line)
    assert "RFC 9309 2.3.1.4); asked again in 15 min" in row, run.stdout  # whole, on one line
    assert run.stdout.splitlines()[-1] == "1 endpoint: 0 ok, 1 failed"


# -- 9: schedules and zones validated at load --------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "key", "hint"),
    [
        ("[sources.kr_msit]\ninterval = '1h'\ncron = '0 9 * * mon'\n", "sources.kr_msit", "both"),
        ("[digest]\ntimezone = 'Mars/Olympus'\n", "digest.timezone", "unknown time zone"),
        ("[digest]\ncron = '0 9 * * funday'\n", "digest.cron", "not a crontab line"),
        ("[sources.kr_msit]\ncron = '0 9 * * funday'\n", "sources.kr_msit.cron", "not a crontab line"),
        ("[sources.kr_msit]\ntimezone = 'Mars/Olympus'\n", "sources.kr_msit.timezone", "unknown time zone"),
    ],
)
def test_schedules_and_zones_are_checked_at_load(tmp_path: Path, text: str, key: str, hint: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    run = tracker("sources", "--config", str(path), cwd=tmp_path)
    assert run.returncode == 2
    assert str(path) in run.stderr and key in run.stderr and hint in run.stderr, run.stderr


def test_a_jitter_longer_than_the_interval_is_a_warning(tmp_path: Path, http_server: FixtureServer) -> None:
    config = own_sources_config(tmp_path, http_server, "[sources.testreg]\ninterval = '5m'\n")
    config.write_text(config.read_text("utf-8") + "[check]\njitter = '10m'\n", encoding="utf-8")
    run = tracker("sources", "--config", str(config), cwd=tmp_path)
    assert run.returncode == 0
    assert "warning:" in run.stderr and "check.jitter (600s)" in run.stderr and "testreg" in run.stderr


# -- 10: slack test --------------------------------------------------------------------------------
def test_slack_test_without_slack_fails_and_says_what_to_set(tmp_path: Path) -> None:
    run = tracker("slack", "test", cwd=tmp_path)
    assert run.returncode == 1
    assert "SLACK_BOT_TOKEN" in run.stderr and "SLACK_WEBHOOK_URL" in run.stderr


def test_slack_test_reports_each_error_once(tmp_path: Path) -> None:
    hook = f"http://127.0.0.1:{closed_port()}/hook"
    run = tracker("slack", "test", cwd=tmp_path, env={"SLACK_WEBHOOK_URL": hook})
    assert run.returncode == 1
    assert "(webhook channel): error: cannot reach Slack" in run.stdout
    assert "Failed to send a request to Slack API server" not in run.stderr, run.stderr


# -- 11: help, version, usage errors, feeds ---------------------------------------------------------
def test_flags_show_as_flags_and_there_is_a_version(tmp_path: Path) -> None:
    help_text = tracker("check", "--help", cwd=tmp_path)
    assert "--json" in help_text.stdout and "<bool>" not in help_text.stdout, help_text.stdout
    version = tracker("--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("tracker 0.")


def test_run_with_a_bad_listen_address_is_a_usage_error(tmp_path: Path) -> None:
    run = tracker("run", "--listen", "nonsense", cwd=tmp_path)
    assert run.returncode == 2
    assert "--listen" in run.stderr and "host:port" in run.stderr


def test_watch_import_watches_feed_urls_as_feeds(tmp_path: Path) -> None:
    urls = tmp_path / "urls.txt"
    urls.write_text("https://example.org/news.atom\nhttps://example.org/rss.rss\nhttps://example.org/ai\n")
    run = tracker("watch", "import", str(urls), cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert run.stdout.count('parser = { kind = "feed" }') == 2
    assert "3 watches added (2 feeds)" in run.stderr
    pages = tracker("watch", "import", str(urls), "--feeds-as-pages", cwd=tmp_path)
    assert 'kind = "feed"' not in pages.stdout


# -- 12: only your own sources ------------------------------------------------------------------------
def test_one_switch_turns_off_every_builtin_source(tmp_path: Path, http_server: FixtureServer) -> None:
    config = own_sources_config(tmp_path, http_server)
    only_own = tracker("sources", "--json", "--config", str(config), cwd=tmp_path)
    assert {row["endpoint"].split("/")[0] for row in json.loads(only_own.stdout)} == {"testreg"}

    config.write_text(config.read_text("utf-8") + "[sources.kr_msit]\nenabled = true\n", encoding="utf-8")
    one_back = tracker("sources", "--json", "--config", str(config), cwd=tmp_path)
    assert {row["endpoint"].split("/")[0] for row in json.loads(one_back.stdout)} == {"testreg", "kr_msit"}
