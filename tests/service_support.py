"""Helpers for the service tests: a config for `tracker run`, and the service as a real subprocess."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from prometheus_client.parser import text_string_to_metric_families

from tests.fake_slack import FakeSlack
from tests.fixture_server import FixtureServer

T = TypeVar("T")
DEADLINE_S = 45.0  # generous: two shared cores, PostgreSQL, subprocess start-up


def write_config(
    tmp_path: Path,
    server: FixtureServer,
    db_url: str,
    *,
    feed_path: str = "/svc.rss",
    name: str = "config.toml",
    slack: FakeSlack | None = None,
) -> Path:
    """One custom feed checked every second, built-in sources off (they would reach for the internet)."""
    from sources import builtin_sources

    builtins_off = "".join(f"[sources.{s.id}]\nenabled = false\n" for s in builtin_sources())
    slack_section = f'[slack]\nbase_url = "{slack.base_url}"\nper_channel_interval = 0\n' if slack else ""
    path = tmp_path / name
    path.write_text(
        f"""
[tracker]
database = "{db_url}"
[fetch]
allow_private_addresses = true
respect_robots = false
per_host_delay = 0
retries = 0
connect_timeout = 2
read_timeout = 2
total_timeout = 5
[check]
jitter = 0
[service]
listen = "127.0.0.1:0"
outbox_interval = "1s"
stop_timeout = "20s"
{slack_section}
[sources.svcreg]
interval = "1s"
{builtins_off}
[[custom_sources]]
id = "svcreg"
jurisdiction = "EU"
regulator = "Service Test Regulator"
[[custom_sources.endpoints]]
id = "news"
url = "{server.url(feed_path)}"
parser = {{ kind = "feed" }}
""",
        encoding="utf-8",
    )
    return path


def clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "DATABASE_URL", "TRACKER_CONFIG", "TRACKER_LISTEN"))
    }
    env.update(extra)
    return env


def wait_until(predicate: Callable[[], T], what: str, timeout: float = DEADLINE_S, *, log: str = "") -> T:
    """Poll until `predicate` returns something truthy; fail with `what` (and a log tail) at the deadline."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}\n--- log ---\n{log[-4000:]}")
        time.sleep(0.1)


class ServiceProcess:
    """`python -m tracker run --config ...` with its stdout and stderr in files."""

    def __init__(self, config: Path, workdir: Path, label: str, env: dict[str, str], *args: str) -> None:
        self.stderr_path = workdir / f"{label}.stderr"
        self.stdout_path = workdir / f"{label}.stdout"
        with self.stderr_path.open("wb") as err, self.stdout_path.open("wb") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "tracker", "run", "--config", str(config), *args],
                stdout=out,
                stderr=err,
                cwd=workdir,
                env=env,
            )
        self.pid = self.proc.pid
        self._port: int | None = None

    def log(self) -> str:
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def wait_for_log(self, pattern: str, timeout: float = DEADLINE_S) -> re.Match[str]:
        def found() -> re.Match[str] | None:
            if self.proc.poll() is not None:
                raise AssertionError(f"tracker run exited with {self.proc.returncode}\n{self.log()[-4000:]}")
            return re.search(pattern, self.log())

        return wait_until(found, f"log line /{pattern}/", timeout, log=self.log())

    @property
    def port(self) -> int:
        if self._port is None:
            self._port = int(self.wait_for_log(r"health and metrics on http://127\.0\.0\.1:(\d+)").group(1))
        return self._port

    def get(self, path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=10) as resp:
                return resp.status, resp.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def ready(self) -> dict[str, Any]:
        return json.loads(self.get("/readyz")[1])

    def metrics(self) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        """{(sample name, sorted labels): value} from /metrics."""
        status, text = self.get("/metrics")
        assert status == 200, text
        return {
            (sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(text)
            for sample in family.samples
        }

    def terminate(self, timeout: float = DEADLINE_S) -> int:
        self.proc.send_signal(signal.SIGTERM)
        return self.proc.wait(timeout=timeout)

    def kill(self) -> None:
        self.proc.kill()
        self.proc.wait(timeout=DEADLINE_S)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.kill()


def tracker_cli(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=env,
    )


def slack_messages_with(slack: FakeSlack, text: str, channel: str = "ai-regulation") -> list[dict[str, Any]]:
    return [m for m in slack.posted(channel) if text in m["text"] or text in json.dumps(m["blocks"])]
