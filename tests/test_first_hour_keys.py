"""The law.go.kr key comes from the environment and never reaches a stored row, a log line or a listing
(issue 17, point 15)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.fixture_server import FixtureServer, Resp, file_resp
from tests.paths import SAMPLES
from tests.test_cli import tracker
from tracker.redact import REDACTED

# Real `tracker` processes (or a browser): seconds each, outside the fast run.
pytestmark = pytest.mark.slow

ACT = SAMPLES / "kr" / "lawgokr_ai_basic_act_lawService_21311.xml"
KEY = "my-oc-key-4711"
LAW_PATH = "/DRF/lawService.do?OC={oc}&target=law&ID=014820&type=XML"


def write_config(tmp_path: Path, server: FixtureServer) -> Path:
    # A mirror of law.go.kr with the placeholder where the key goes: the file holds no key.
    mirror = server.url(LAW_PATH.format(oc="SET_YOUR_LAW_GO_KR_OC_KEY"))
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
[tracker]
database = "t.sqlite3"
[fetch]
allow_private_addresses = true
per_host_delay = 0
retries = 1
backoff_base = 0.01
connect_timeout = 2
total_timeout = 10
[sources.kr_law.endpoints.ai_basic_act]
url = "{mirror}"
""",
        encoding="utf-8",
    )
    return path


def test_the_key_is_sent_but_never_stored_logged_or_listed(
    tmp_path: Path, http_server: FixtureServer
) -> None:
    act = file_resp(ACT, "application/xml")
    # A server error first: the retry is logged with the URL.
    http_server.route(LAW_PATH.format(oc=KEY), Resp(500, "busy", content_type="text/plain"), act)
    config = str(write_config(tmp_path, http_server))
    env = {"LAW_GO_KR_OC": KEY}

    check = tracker("check", "kr_law", "-v", "--config", config, cwd=tmp_path, env=env)
    assert check.returncode == 0, check.stdout + check.stderr
    assert http_server.hits(LAW_PATH.format(oc=KEY)) == 2  # law.go.kr got the key (and was asked again)
    assert "retrying" in check.stderr and REDACTED in check.stderr  # the retry was logged ...
    assert KEY not in check.stdout + check.stderr  # ... without the key

    with sqlite3.connect(tmp_path / "t.sqlite3") as conn:
        stored = conn.execute("SELECT final_url FROM snapshot").fetchall()
        dumped = "\n".join(conn.iterdump())
    assert stored and all(f"OC={REDACTED}&" in url for (url,) in stored)
    assert KEY not in dumped  # not in any table

    listing = tracker("sources", "--json", "--config", config, cwd=tmp_path, env=env)
    (row,) = [r for r in json.loads(listing.stdout) if r["endpoint"] == "kr_law/ai_basic_act"]
    assert f"OC={REDACTED}&" in row["url"] and KEY not in listing.stdout


def test_without_the_key_the_source_is_off_and_says_how_to_turn_it_on(
    tmp_path: Path, http_server: FixtureServer
) -> None:
    config = str(write_config(tmp_path, http_server))
    listing = tracker("sources", "--json", "--config", config, cwd=tmp_path, env={"LAW_GO_KR_OC": ""})
    assert "kr_law/ai_basic_act" not in {r["endpoint"] for r in json.loads(listing.stdout)}
    check = tracker("check", "kr_law", "--config", config, cwd=tmp_path, env={"LAW_GO_KR_OC": ""})
    assert check.returncode == 2
    assert "environment variable LAW_GO_KR_OC" in check.stderr
    assert http_server.requests == []
