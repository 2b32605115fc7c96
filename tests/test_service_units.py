"""The service's parts in-process: the scheduler lock, readiness, triggers and first runs, retention."""

from __future__ import annotations

import gzip
import json
import os
import threading
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from sources import builtin_sources
from tests.alerts_support import make_change
from tests.fixture_server import FixtureServer, Resp
from tracker.alerts.console import ConsoleNotifier
from tracker.config import Config
from tracker.service.health import HealthServer, ListenError, ServiceState, parse_listen
from tracker.service.leader import FileLeadership, leadership_for
from tracker.service.metrics import ServiceMetrics
from tracker.service.retention import prune_snapshots
from tracker.service.scheduler import HostTurns, ServiceScheduler, first_run, source_trigger
from tracker.specs import SourceSpec
from tracker.store.db import make_engine, transaction
from tracker.store.models import Snapshot, SourceState


def test_only_one_holder_of_the_scheduler_lock(db_url: str) -> None:
    first, second = leadership_for(db_url), leadership_for(db_url)
    if db_url.startswith("sqlite"):
        assert isinstance(first, FileLeadership) and first.path.name.endswith(".sqlite3.lock")
    try:
        assert first.probe() is None
        assert first.try_acquire()
        assert not second.try_acquire()
        assert f"pid {os.getpid()}" in (second.holder() or "")
        assert f"pid {os.getpid()}" in (second.probe() or "")
        assert first.still_held()
        first.release()
        assert second.probe() is None
        assert second.try_acquire()
        assert not first.try_acquire()
    finally:
        first.release()
        second.release()


def _get(url: str) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_readiness_needs_the_database_and_a_working_role(tmp_path: Path) -> None:
    state = ServiceState()
    engine = make_engine(f"sqlite:///{tmp_path / 'ready.sqlite3'}")
    server = HealthServer("127.0.0.1:0", state, ServiceMetrics(), engine).start()
    try:
        status, body = _get(f"{server.url}/readyz")
        assert (status, body["role"], body["ready"]) == (503, "starting", False)
        state.role = "standby"
        assert _get(f"{server.url}/readyz")[0] == 200
        state.role, state.scheduler_running = "leader", True
        status, body = _get(f"{server.url}/readyz")
        assert (status, body["scheduler"], body["database"]) == (200, "running", "ok")
        state.scheduler_running = False  # a leader whose scheduler stopped is not ready
        assert _get(f"{server.url}/readyz")[0] == 503
    finally:
        server.stop()

    unreachable = make_engine(f"sqlite:///{tmp_path / 'missing-dir' / 'x' / 'db.sqlite3'}")
    (tmp_path / "missing-dir" / "x").rmdir()  # make_engine created it; without it SQLite cannot open
    state = ServiceState(role="leader", scheduler_running=True)
    server = HealthServer("127.0.0.1:0", state, ServiceMetrics(), unreachable).start()
    try:
        status, body = _get(f"{server.url}/readyz")
        assert status == 503 and str(body["database"]).startswith("error:")
    finally:
        server.stop()


def test_listen_addresses() -> None:
    assert parse_listen("127.0.0.1:9464") == ("127.0.0.1", 9464)
    assert parse_listen("[::1]:9464") == ("::1", 9464)
    assert parse_listen(":9464") == ("0.0.0.0", 9464)
    with pytest.raises(ListenError):
        parse_listen("localhost")
    blocker = HealthServer("127.0.0.1:0", ServiceState(), ServiceMetrics(), make_engine("sqlite://"))
    try:
        with pytest.raises(ListenError, match="cannot listen"):
            HealthServer(
                f"127.0.0.1:{blocker.port}", ServiceState(), ServiceMetrics(), make_engine("sqlite://")
            )
    finally:
        blocker.stop()


def _config(**override: object) -> Config:
    return Config.model_validate(
        {
            "check": {"jitter": 0, "default_interval": "1h"},
            "custom_sources": [
                {
                    "id": "cnreg",
                    "jurisdiction": "CN",
                    "regulator": "Test",
                    "endpoints": [
                        {"id": "a", "url": "http://127.0.0.1:9/a", "parser": {"kind": "feed"}},
                        {"id": "b", "url": "http://127.0.0.1:9/b", "parser": {"kind": "feed"}},
                    ],
                }
            ],
            "sources": {"cnreg": override} if override else {},
        }
    )


def test_cron_sources_keep_office_hours_in_their_time_zone() -> None:
    config = _config(cron="0 9-18 * * mon-fri", timezone="Asia/Shanghai")
    source = config.custom_sources[0]
    trigger = source_trigger(config, source)
    shanghai = ZoneInfo("Asia/Shanghai")
    saturday_noon_utc = datetime(2026, 1, 3, 12, 0, tzinfo=UTC)
    assert trigger.get_next_fire_time(None, saturday_noon_utc) == datetime(2026, 1, 5, 9, 0, tzinfo=shanghai)
    friday_evening = datetime(2026, 1, 9, 18, 30, tzinfo=shanghai)
    assert trigger.get_next_fire_time(None, friday_evening) == datetime(2026, 1, 12, 9, 0, tzinfo=shanghai)
    assert first_run(config, make_engine("sqlite://"), [source], saturday_noon_utc) is None  # cron decides


def test_first_run_resumes_the_interval_after_a_restart(db_url: str) -> None:
    config = _config(interval="30m")
    source = config.custom_sources[0]
    engine = make_engine(db_url)
    now = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
    assert first_run(config, engine, [source], now) == now  # never checked: at once

    with transaction(engine) as session:
        for eid, minutes_ago in (("a", 10), ("b", 20)):
            at = now - timedelta(minutes=minutes_ago)
            session.add(SourceState(endpoint_key=f"cnreg/{eid}", source_id="cnreg", last_attempt_at=at))
    # Due 30 minutes after the older of the two last attempts, not at start-up.
    assert first_run(config, engine, [source], now) == now + timedelta(minutes=10)
    assert first_run(config, engine, [source], now + timedelta(hours=2)) == now + timedelta(hours=2)


def _snapshot(key: str, at: datetime, produced_change: bool = False) -> Snapshot:
    return Snapshot(
        endpoint_key=key,
        fetched_at=at,
        final_url="https://reg.example/",
        raw_gz=gzip.compress(b"x"),
        raw_sha256="0" * 64,
        content_hash="1" * 64,
        extracted="{}",
        extractor_version="v1",
        produced_change=produced_change,
    )


def test_retention_keeps_the_newest_and_every_snapshot_a_change_needs(db_url: str) -> None:
    engine = make_engine(db_url)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    with transaction(engine) as session:
        snaps = [_snapshot("reg/list", start + timedelta(hours=i), produced_change=i == 1) for i in range(6)]
        lone = _snapshot("reg/other", start)
        session.add_all([*snaps, lone])
        session.flush()
        session.add(make_change(snapshot_id=snaps[0].id))  # referenced, though not flagged
        ids = [s.id for s in snaps]
        lone_id = lone.id

    assert prune_snapshots(engine, keep=2) == 2
    with Session(engine) as session:
        left = set(session.exec(select(Snapshot.id)))
    assert left == {ids[0], ids[1], ids[4], ids[5], lone_id}
    assert prune_snapshots(engine, keep=2) == 0
    with pytest.raises(ValueError):
        prune_snapshots(engine, keep=0)


def test_sources_on_one_host_take_turns() -> None:
    config = _config()
    on_host = config.custom_sources[0]
    same_host = on_host.model_copy(update={"id": "other"})
    elsewhere = on_host.model_copy(
        update={
            "id": "far",
            "endpoints": (on_host.endpoints[0].model_copy(update={"url": "http://127.0.0.2:9/"}),),
        }
    )
    turns = HostTurns(delay=0)
    entered = {name: threading.Event() for name in ("same", "far")}

    def take(source: SourceSpec, name: str) -> None:
        with turns.turn(source):
            entered[name].set()

    with turns.turn(on_host):
        threads = [
            threading.Thread(target=take, args=(same_host, "same")),
            threading.Thread(target=take, args=(elsewhere, "far")),
        ]
        for t in threads:
            t.start()
        assert entered["far"].wait(10)  # another host does not wait
        assert not entered["same"].wait(0.3)  # the same host waits for this turn to end
    assert entered["same"].wait(10)
    for t in threads:
        t.join(10)


def test_the_service_asks_a_host_for_robots_txt_once_across_its_jobs(
    db_url: str, http_server: FixtureServer
) -> None:
    """Every run of a check job has a new Fetcher: the service's RobotsStore keeps robots.txt from one run
    to the next (once a day per host), where each run used to ask again."""
    http_server.route(
        "/robots.txt", Resp(200, "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    )
    page = {"kind": "document", "dialect": "html"}
    config = Config.model_validate(
        {
            "fetch": {"allow_private_addresses": True, "per_host_delay": 0, "retries": 0},
            "check": {"jitter": 0},
            "sources": {s.id: {"enabled": False} for s in builtin_sources()},
            "custom_sources": [
                {
                    "id": name,
                    "jurisdiction": "WATCH",
                    "regulator": "Test",
                    "endpoints": [
                        {
                            "id": "page",
                            "url": http_server.route(f"/{name}", Resp(200, f"<p>{name}</p>")),
                            "parser": page,
                        }
                    ],
                }
                for name in ("first", "second")
            ],
        }
    )
    scheduler = ServiceScheduler(config, make_engine(db_url), ServiceMetrics(), ConsoleNotifier())
    for _ in range(2):  # two rounds, each source in a job of its own
        for source in scheduler.sources:
            scheduler._check_sources([source])

    assert [s.id for s in scheduler.sources] == ["first", "second"]
    assert (http_server.hits("/first"), http_server.hits("/second")) == (2, 2)
    assert http_server.hits("/robots.txt") == 1


def test_sources_on_one_schedule_are_checked_in_one_job(db_url: str, http_server: FixtureServer) -> None:
    """A job per schedule, not per source: sources with the default interval share one job (one check
    cycle, as `tracker check`), another interval or a cron line has a job of its own."""
    urls = {name: http_server.route(f"/{name}", Resp(200, f"<p>{name}</p>")) for name in "abcd"}
    config = Config.model_validate(
        {
            "fetch": {"allow_private_addresses": True, "per_host_delay": 0, "retries": 0},
            "check": {"jitter": 0, "default_interval": "1h"},
            "sources": {
                **{s.id: {"enabled": False} for s in builtin_sources()},
                "c": {"interval": "15m"},
                "d": {"cron": "0 9 * * mon-fri", "timezone": "Asia/Seoul"},
            },
            "custom_sources": [
                {
                    "id": name,
                    "jurisdiction": "WATCH",
                    "regulator": "Test",
                    "endpoints": [
                        {"id": "page", "url": url, "parser": {"kind": "document", "dialect": "html"}}
                    ],
                }
                for name, url in urls.items()
            ],
        }
    )
    scheduler = ServiceScheduler(config, make_engine(db_url), ServiceMetrics(), ConsoleNotifier())
    assert [[s.id for s in group] for group in scheduler.groups] == [["a", "b"], ["c"], ["d"]]

    scheduler.start()
    try:
        jobs = {job.id: job for job in scheduler.scheduler.get_jobs() if job.id.startswith("check:")}
        assert set(jobs) == {"check:3600s", "check:900s", "check:0 9 * * mon-fri:Asia/Seoul"}
        assert jobs["check:3600s"].name == "check 3600s: 2 sources"
        deadline = time.monotonic() + 20
        while http_server.hits("/a") + http_server.hits("/b") + http_server.hits("/c") < 3:
            assert time.monotonic() < deadline, "the due jobs did not run"
            time.sleep(0.05)
    finally:
        assert scheduler.stop(timeout=20)
    assert http_server.hits("/d") == 0  # its cron line decides, not the start-up
