"""`tracker alerts`, `tracker alerts retry` and `tracker slack test` against the fake Slack."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from sqlmodel import Session

from tests.fake_slack import FakeSlack
from tracker.alerts.lease import process_identity
from tracker.store.db import make_engine, upgrade
from tracker.store.models import Alert, utcnow

TOKEN = "xoxb-test-secret-token-123"


def run(*args: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("SLACK_")}
    environment.update(env)
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=cwd,
        env=environment,
    )


def test_failed_alert_listed_then_retried(tmp_path: Path) -> None:
    slack = FakeSlack(token=TOKEN).start()
    try:
        db = tmp_path / "t.sqlite3"
        config = tmp_path / "config.toml"
        config.write_text(
            f'[tracker]\ndatabase = "{db}"\n'
            f'[slack]\nbase_url = "{slack.base_url}"\nper_channel_interval = 0\n'
        )
        engine = make_engine(f"sqlite:///{db}")
        upgrade(engine)
        with Session(engine) as session:
            session.add(
                Alert(
                    kind="ops",
                    channel="#ai-regulation",
                    payload=json.dumps({"text": "hello"}),
                    status="failed",
                    attempts=3,
                    last_error="channel_not_found",
                    next_attempt_at=utcnow(),
                    created_at=utcnow(),
                )
            )
            session.commit()
        env = {"SLACK_BOT_TOKEN": TOKEN}
        listed = run("alerts", "--failed", "--json", "--config", str(config), cwd=tmp_path, env=env)
        assert listed.returncode == 0, listed.stderr
        assert [a["status"] for a in json.loads(listed.stdout)] == ["failed"]
        retried = run("alerts", "retry", "--all", "--config", str(config), cwd=tmp_path, env=env)
        assert retried.returncode == 0, retried.stderr
        assert "1 sent" in retried.stdout
        assert (
            run("alerts", "--failed", "--json", "--config", str(config), cwd=tmp_path, env=env).stdout.strip()
            == "[]"
        )
        tested = run("slack", "test", "--config", str(config), cwd=tmp_path, env=env)
        assert tested.returncode == 0, tested.stdout + tested.stderr
        assert "#ai-regulation: ok" in tested.stdout
        assert TOKEN not in listed.stdout + retried.stdout + tested.stdout + tested.stderr
        usage = run("alerts", "retry", "--config", str(config), cwd=tmp_path, env=env)
        assert usage.returncode == 2
    finally:
        slack.stop()


def test_sending_alerts_are_listed_as_pending_and_can_be_forced(tmp_path: Path) -> None:
    """Issue 14, finding 7: `--pending` left out alerts in "sending", and `retry ID` could not force one.
    The claim here belongs to a process that still runs (this one), so only the operator can cut it short;
    the deliverer then looks for an earlier copy in Slack before it posts."""
    slack = FakeSlack(token=TOKEN).start()
    try:
        db = tmp_path / "t.sqlite3"
        config = tmp_path / "config.toml"
        config.write_text(
            f'[tracker]\ndatabase = "{db}"\n'
            f'[slack]\nbase_url = "{slack.base_url}"\nper_channel_interval = 0\n'
        )
        engine = make_engine(f"sqlite:///{db}")
        upgrade(engine)
        with Session(engine) as session:
            row = Alert(
                kind="ops",
                channel="#ai-regulation",
                payload=json.dumps({"text": "stuck", "alert_key": "k1"}),
                status="sending",
                attempts=1,
                next_attempt_at=utcnow() + timedelta(minutes=5),
                created_at=utcnow(),
                lease_owner=process_identity(),
            )
            session.add(row)
            session.commit()
            alert_id = row.id
        env = {"SLACK_BOT_TOKEN": TOKEN}
        listed = run("alerts", "--pending", "--json", "--config", str(config), cwd=tmp_path, env=env)
        assert listed.returncode == 0, listed.stderr
        assert [(a["id"], a["status"]) for a in json.loads(listed.stdout)] == [(alert_id, "sending")]

        forced = run("alerts", "retry", str(alert_id), "--config", str(config), cwd=tmp_path, env=env)

        assert forced.returncode == 0, forced.stdout + forced.stderr
        assert "requeued 1; 1 sent" in forced.stdout
        assert len(slack.calls_to("conversations.history")) == 1  # looked for an earlier copy first
        assert [m["text"] for m in slack.posted("ai-regulation")] == ["stuck"]
    finally:
        slack.stop()
