"""`tracker run` as a real process against the loopback feed server and the fake Slack: schedule, alerts,
health and metrics, clean stop, standby and takeover, kill -9 without lost or doubled alerts, status."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlmodel import Session, col, select

from tests.fake_slack import FakeSlack
from tests.fixture_server import FixtureServer, Resp
from tests.service_support import (
    ServiceProcess,
    clean_env,
    slack_messages_with,
    tracker_cli,
    wait_until,
    write_config,
)
from tests.test_check_e2e import ITEMS_V1, NEW_ITEM, feed
from tracker.store.db import make_engine
from tracker.store.models import Alert, Change

# real `tracker run` processes, standby take-over, kill -9: `pytest -m "not slow"` leaves them out
pytestmark = pytest.mark.slow

NEW_TITLE = NEW_ITEM[1]


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    server = FakeSlack(channels=["ai-regulation"]).start()
    try:
        yield server
    finally:
        server.stop()


def serve(server: FixtureServer, path: str, *items: tuple[int, str, str]) -> None:
    server.route(path, Resp(body=feed(*items), content_type="application/rss+xml"))


def rows_for_new_item(db_url: str) -> tuple[list[Change], list[Alert]]:
    with Session(make_engine(db_url)) as session:
        changes = list(session.exec(select(Change).where(Change.stable_id == str(NEW_ITEM[0]))))
        ids = [c.id for c in changes]
        alerts = list(
            session.exec(select(Alert).where(Alert.kind == "change", col(Alert.change_id).in_(ids)))
        )
    return changes, alerts


def test_checks_on_schedule_alerts_reports_health_and_stops_cleanly(
    http_server: FixtureServer, tmp_path: Path, slack: FakeSlack, services: list[ServiceProcess]
) -> None:
    db_url = f"sqlite:///{tmp_path / 'data' / 'tracker.sqlite3'}"  # a new file: the service migrates it
    config = write_config(tmp_path, http_server, db_url, slack=slack)
    env = clean_env(SLACK_BOT_TOKEN=slack.token)
    serve(http_server, "/svc.rss", *ITEMS_V1)
    service = ServiceProcess(config, tmp_path, "svc", env, "--log-format", "json")
    services.append(service)

    wait_until(lambda: http_server.hits("/svc.rss") >= 2, "two scheduled checks", log=service.log())
    assert service.get("/healthz") == (200, "ok\n")
    status, body = service.get("/readyz")
    ready = json.loads(body)
    assert status == 200, body
    assert (ready["role"], ready["scheduler"], ready["database"]) == ("leader", "running", "ok")
    assert f"pid {service.pid}" in ready["lock_holder"]

    # The feed gains an AI item: one change, one alert, delivered to Slack by the outbox job.
    serve(http_server, "/svc.rss", NEW_ITEM, *ITEMS_V1)
    wait_until(lambda: slack_messages_with(slack, NEW_TITLE), "the alert in Slack", log=service.log())
    metrics = wait_until(
        lambda: (m := service.metrics()).get(("tracker_alerts_sent_total", ())) and m,
        "alerts_sent_total to count the alert",
        log=service.log(),
    )
    ok_checks = metrics[
        ("tracker_checks_total", (("endpoint", "svcreg/news"), ("source", "svcreg"), ("status", "ok")))
    ]
    assert ok_checks >= 2
    assert metrics[("tracker_changes_total", (("kind", "new_item"), ("source", "svcreg")))] == 1
    assert metrics[("tracker_check_duration_seconds_count", (("source", "svcreg"),))] >= ok_checks
    assert metrics[("tracker_last_success_timestamp_seconds", (("endpoint", "svcreg/news"),))] > 0
    assert ("tracker_outbox_depth", ()) in metrics
    assert metrics[("tracker_leader", ())] == 1

    live = tracker_cli("status", "--json", "--config", str(config), cwd=tmp_path, env=env)
    assert live.returncode == 0, live.stderr
    picture = json.loads(live.stdout)
    assert picture["scheduler"]["running"] and f"pid {service.pid}" in picture["scheduler"]["holder"]

    assert service.terminate() == 0
    lines = [json.loads(line) for line in service.log().splitlines() if line.strip()]  # every line is JSON
    check_lines = [r for r in lines if r["logger"] == "tracker.pipeline.check"]
    assert any(r["msg"].startswith("check svcreg/news status=ok") for r in check_lines)
    assert any(r["level"] == "info" and r["msg"].startswith("SIGTERM") for r in lines)
    assert lines[-1]["msg"] == "stopped"

    changes, alerts = rows_for_new_item(db_url)
    assert len(changes) == 1 and [a.status for a in alerts] == ["sent"]
    assert len(slack_messages_with(slack, NEW_TITLE)) == 1

    after = tracker_cli("status", "--config", str(config), cwd=tmp_path, env=env)
    assert after.returncode == 0, after.stderr
    assert "scheduler: no `tracker run` holds" in after.stdout
    row = next(line for line in after.stdout.splitlines() if "svcreg/news" in line)
    assert " ok " in row and " 0 " in row
    assert "outbox: 0 waiting" in after.stdout and "1 sent" in after.stdout
    assert NEW_TITLE[:40] in after.stdout


def test_second_instance_waits_as_standby_then_takes_over(
    http_server: FixtureServer, tmp_path: Path, db_url: str, services: list[ServiceProcess]
) -> None:
    # Same database, but each instance fetches its own path, so the server tells who did the work.
    serve(http_server, "/svc.rss", *ITEMS_V1)
    serve(http_server, "/svc-b.rss", *ITEMS_V1)
    config_a = write_config(tmp_path, http_server, db_url, name="a.toml")
    config_b = write_config(tmp_path, http_server, db_url, feed_path="/svc-b.rss", name="b.toml")
    env = clean_env()
    first = ServiceProcess(config_a, tmp_path, "a", env)
    services.append(first)
    first.wait_for_log("leader: this process runs the scheduler")
    wait_until(lambda: http_server.hits("/svc.rss") >= 1, "the first instance's first check", log=first.log())

    second = ServiceProcess(config_b, tmp_path, "b", env)
    services.append(second)
    second.wait_for_log(rf"standby: another tracker run holds the lock \(pid {first.pid} ")
    status, body = second.get("/readyz")
    assert status == 200, body
    assert json.loads(body)["role"] == "standby" and f"pid {first.pid}" in json.loads(body)["lock_holder"]
    once = tracker_cli("run", "--once", "--config", str(config_b), cwd=tmp_path, env=env)
    assert once.returncode == 1 and "holds the scheduler lock" in once.stderr, once.stderr

    base = http_server.hits("/svc.rss")
    wait_until(lambda: http_server.hits("/svc.rss") >= base + 3, "three more checks by the leader")
    assert http_server.hits("/svc-b.rss") == 0  # the standby fetched nothing meanwhile
    assert "leader:" not in second.log()

    first.kill()  # SIGKILL: the lock goes with the process
    second.wait_for_log("leader: this process runs the scheduler")
    wait_until(lambda: http_server.hits("/svc-b.rss") >= 1, "a check by the new leader", log=second.log())
    assert second.terminate() == 0


def test_kill_9_neither_loses_nor_doubles_an_alert(
    http_server: FixtureServer,
    tmp_path: Path,
    db_url: str,
    slack: FakeSlack,
    services: list[ServiceProcess],
) -> None:
    config = write_config(tmp_path, http_server, db_url, slack=slack)
    env = clean_env(SLACK_BOT_TOKEN=slack.token)
    serve(http_server, "/svc.rss", *ITEMS_V1)
    first = ServiceProcess(config, tmp_path, "first", env)
    services.append(first)
    first.wait_for_log(r"check svcreg/news status=ok")  # the silent baseline is stored
    wait_until(lambda: http_server.hits("/svc.rss") >= 3, "more scheduled checks", log=first.log())
    first.kill()  # wherever it was: between checks, or in the middle of one

    serve(http_server, "/svc.rss", NEW_ITEM, *ITEMS_V1)
    second = ServiceProcess(config, tmp_path, "second", env)
    services.append(second)
    wait_until(lambda: slack_messages_with(slack, NEW_TITLE), "the alert in Slack", log=second.log())
    # A manual check while the service runs creates no second change or alert.
    manual = tracker_cli("check", "svcreg", "--config", str(config), cwd=tmp_path, env=env)
    assert manual.returncode == 0, manual.stderr
    base = http_server.hits("/svc.rss")
    wait_until(lambda: http_server.hits("/svc.rss") >= base + 2, "checks after the alert", log=second.log())
    second.kill()

    third = ServiceProcess(config, tmp_path, "third", env)
    services.append(third)
    base = http_server.hits("/svc.rss")
    wait_until(lambda: http_server.hits("/svc.rss") >= base + 3, "checks after the restart", log=third.log())
    assert third.terminate() == 0

    changes, alerts = rows_for_new_item(db_url)
    assert len(changes) == 1, [(c.id, c.kind) for c in changes]
    assert [a.status for a in alerts] == ["sent"]
    assert len(slack_messages_with(slack, NEW_TITLE)) == 1


def test_run_once_checks_delivers_and_exits(http_server: FixtureServer, tmp_path: Path) -> None:
    db_url = f"sqlite:///{tmp_path / 'once.sqlite3'}"
    config = write_config(tmp_path, http_server, db_url)
    serve(http_server, "/svc.rss", *ITEMS_V1)
    env = clean_env()
    first = tracker_cli("run", "--once", "--config", str(config), cwd=tmp_path, env=env)
    assert first.returncode == 0, first.stderr
    assert http_server.hits("/svc.rss") == 1
    serve(http_server, "/svc.rss", NEW_ITEM, *ITEMS_V1)
    second = tracker_cli("run", "--once", "--config", str(config), cwd=tmp_path, env=env)
    assert second.returncode == 0, second.stderr
    assert NEW_TITLE in second.stdout  # no Slack configured: the alert is printed
    changes, alerts = rows_for_new_item(db_url)
    assert len(changes) == 1 and [a.status for a in alerts] == ["sent"]
