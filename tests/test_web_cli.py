"""`tracker run` serves the web view beside its checks; `tracker web` serves a database on its own."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.fixture_server import FixtureServer, Resp
from tests.service_support import ServiceProcess, clean_env, wait_until, write_config
from tests.web_support import HOSTILE_TITLE, now_utc, seed_web

# Real `tracker` processes (or a browser): seconds each, outside the fast run.
pytestmark = pytest.mark.slow

FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>
<item><guid>a1</guid><title>Guidance on artificial intelligence</title><link>https://reg.example/a1</link></item>
</channel></rss>"""


def test_tracker_run_serves_the_web_view_beside_the_checks(
    tmp_path: Path, db_url: str, http_server: FixtureServer, services: list[ServiceProcess]
) -> None:
    http_server.route("/svc.rss", Resp(body=FEED, content_type="application/rss+xml"))
    config = write_config(tmp_path, http_server, db_url)
    config.write_text(config.read_text() + '\n[web]\nlisten = "127.0.0.1:0"\n', encoding="utf-8")
    service = ServiceProcess(config, tmp_path, "run", clean_env())
    services.append(service)
    port = int(service.wait_for_log(r"web view on http://127\.0\.0\.1:(\d+)").group(1))
    assert port != service.port  # its own address, not the health endpoint's
    row = re.compile(r'id="source-svcreg/news" class="health-ok')
    wait_until(lambda: row.search(_get(port, "/sources")), "the first check, on the sources page")
    changes = _get(port, "/changes?label=all")
    assert "Guidance on artificial intelligence" not in changes  # the first check is a silent baseline
    assert "0 changes" in changes
    assert httpx.get(f"http://127.0.0.1:{service.port}/changes").status_code == 404  # not on /healthz's port
    assert service.terminate() == 0


def _get(port: int, path: str) -> str:
    return httpx.get(f"http://127.0.0.1:{port}{path}").text


def test_tracker_web_serves_a_database_until_interrupted(tmp_path: Path, db_url: str) -> None:
    ids = seed_web(db_url, now_utc())
    config = tmp_path / "config.toml"
    config.write_text(f'[tracker]\ndatabase = "{db_url}"\n[web]\nlisten = "127.0.0.1:0"\n', encoding="utf-8")
    err = tmp_path / "web.stderr"
    with err.open("wb") as handle:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tracker", "web", "--config", str(config)],
            stdout=subprocess.DEVNULL, stderr=handle, cwd=tmp_path, env=clean_env(),
        )  # fmt: skip
    try:
        found = wait_until(
            lambda: re.search(r"web view on (http://127\.0\.0\.1:\d+)/changes", err.read_text()),
            "the address",
        )
        base = found.group(1)
        page = httpx.get(f"{base}/changes/{ids['hostile']}")
        assert page.status_code == 200 and "&lt;script&gt;document.title=" in page.text
        assert HOSTILE_TITLE not in page.text  # never raw
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    refused = subprocess.run(
        [sys.executable, "-m", "tracker", "web", "--config", str(config), "--listen", "nowhere"],
        capture_output=True, text=True, cwd=tmp_path, env=clean_env(), timeout=60,
    )  # fmt: skip
    assert refused.returncode == 2 and "--listen" in refused.stderr
    config.write_text(config.read_text() + 'user = "team"\n', encoding="utf-8")
    no_password = subprocess.run(
        [sys.executable, "-m", "tracker", "web", "--config", str(config)],
        capture_output=True, text=True, cwd=tmp_path, env=clean_env(), timeout=60,
    )  # fmt: skip
    assert no_password.returncode == 2 and "TRACKER_WEB_PASSWORD" in no_password.stderr
