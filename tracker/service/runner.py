"""`tracker run`: standby until this process holds the database's scheduler lock, then schedule.

start -> health endpoint -> standby (poll the lock) -> leader: migrate, schedule
                               ^                          |
                               +--- lock lost ------------+
SIGTERM / SIGINT at any point: no new job starts, running jobs get `[service].stop_timeout` to finish,
the lock is released (so a standby takes over), exit status 0. A job still running after the timeout
is abandoned: the process exits and the database rolls back its open transaction.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from types import FrameType

from sqlalchemy.engine import Engine, make_url

from tracker.alerts.notifier import Notifier
from tracker.config import Config
from tracker.service.health import HealthServer, ServiceState
from tracker.service.leader import Leadership, leadership_for
from tracker.service.metrics import ServiceMetrics
from tracker.service.scheduler import ServiceScheduler

log = logging.getLogger("tracker.service")

STANDBY_POLL_S = 3.0  # how often a standby tries the lock
LEADER_CHECK_S = 10.0  # how often the leader verifies it still holds it (PostgreSQL connection alive)


class ServiceError(Exception):
    """The service cannot start; the message says what to fix."""


class Service:
    def __init__(self, config: Config, engine: Engine, *, listen: str | None = None) -> None:
        self.config = config
        self.engine = engine
        self.listen = listen or config.service.listen
        self.url = config.database_url()
        self.metrics = ServiceMetrics()
        self.state = ServiceState()
        self.stop_requested = threading.Event()
        self._signals = 0
        self._migrated = False

    # -- signals ---------------------------------------------------------------------------------
    def install_signal_handlers(self) -> None:
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, self._on_signal)

    def _on_signal(self, signum: int, _frame: FrameType | None) -> None:
        self._signals += 1
        name = signal.Signals(signum).name
        if self._signals > 1:
            log.warning("%s again: exiting now; running checks roll back", name)
            os._exit(1)
        log.info("%s: stopping (no new checks; running ones get %ss)", name, self.config.service.stop_timeout)
        self.stop_requested.set()

    # -- the loop --------------------------------------------------------------------------------
    def run(self) -> int:
        from tracker.alerts.notifiers import make_notifier

        leadership = leadership_for(self.url)
        health = HealthServer(self.listen, self.state, self.metrics, self.engine).start()
        from tracker.web.server import start_web_view

        web = start_web_view(self.config, self.engine)  # None when off or it cannot listen: logged
        notifier = make_notifier(self.config)
        log.info(
            "tracker run (pid %d): database %s, alerts via %s",
            os.getpid(),
            make_url(self.url).render_as_string(hide_password=True),
            notifier.name,
        )
        try:
            while not self.stop_requested.is_set():
                if not self._wait_for_leadership(leadership):
                    break
                self._lead(leadership, notifier)
        finally:
            self.state.role = "stopping"
            leadership.release()
            health.stop()
            if web is not None:
                web.stop()
        log.info("stopped")
        return 0

    def _wait_for_leadership(self, leadership: Leadership) -> bool:
        """Poll the lock until held (True) or a stop is requested (False)."""
        last_holder: str | None = ""
        while not self.stop_requested.is_set():
            if leadership.try_acquire():
                self.state.lock_holder = leadership.holder()
                self.state.role = "leader"
                self.metrics.leader.set(1)
                log.info("leader: this process runs the scheduler (%s)", self.state.lock_holder)
                return True
            holder = leadership.holder()
            self.state.role, self.state.lock_holder = "standby", holder
            self.metrics.leader.set(0)
            if holder != last_holder:
                log.warning(
                    "standby: another tracker run holds the lock (%s); polling every %.0fs to take over",
                    holder or "holder unknown",
                    STANDBY_POLL_S,
                )
                last_holder = holder
            self.stop_requested.wait(STANDBY_POLL_S)
        return False

    def _doctor(self) -> None:
        """`tracker doctor` on start: one log line per endpoint that is not healthy, never a failed start."""
        from tracker.pipeline.doctor import run_doctor
        from tracker.pipeline.selection import select_sources

        try:
            report = run_doctor(self.config, select_sources(self.config, ()))
        except Exception:
            log.exception("doctor on start failed")
            return
        offline = report.offline_summary()
        if offline:
            log.error("doctor: %s", offline)
            return
        sick = [d for d in report.diagnoses if not d.healthy]
        log.info(
            "doctor: %d of %d endpoints healthy", len(report.diagnoses) - len(sick), len(report.diagnoses)
        )
        for diagnosis in sick:
            log.warning(
                "doctor: %s %s: %s; %s", diagnosis.key, diagnosis.status, diagnosis.reason, diagnosis.advice
            )

    def _lead(self, leadership: Leadership, notifier: Notifier) -> None:
        if not self._migrated:
            from tracker.store.db import current_revision, upgrade

            upgrade(self.engine)  # only the leader migrates: two processes never race on a schema change
            self._migrated = True
            log.info("database schema at revision %s", current_revision(self.engine))
            self.metrics.load_from_database(self.engine)
            self.metrics.observe_staleness(self.engine, self.config)
            if self.config.service.doctor_on_start:
                threading.Thread(target=self._doctor, name="doctor", daemon=True).start()
        scheduler = ServiceScheduler(self.config, self.engine, self.metrics, notifier)
        scheduler.start()
        self.state.scheduler_running = True
        lost = False
        while not self.stop_requested.wait(LEADER_CHECK_S):
            if not leadership.still_held():
                log.error("lost the scheduler lock; stopping the scheduler and going back to standby")
                lost = True
                break
        self.state.role = "standby" if lost else "stopping"
        self.state.scheduler_running = False
        timeout = self.config.service.stop_timeout
        if scheduler.stop(timeout):
            log.info("scheduler stopped; no job was left running")
            if lost:
                leadership.release()
            self.metrics.leader.set(0)
            return
        log.warning(
            "jobs still running after %ss; exiting anyway: their open transactions roll back", timeout
        )
        leadership.release()
        logging.shutdown()
        os._exit(0)


def run_once(config: Config, engine: Engine) -> int:
    """`tracker run --once`: one pass of every job under the lock; 1 when another run holds it."""
    from tracker.alerts.notifiers import make_notifier
    from tracker.store.db import upgrade

    leadership = leadership_for(config.database_url())
    if not leadership.try_acquire():
        holder = leadership.holder()
        raise ServiceError(
            f"another tracker run holds the scheduler lock ({holder or 'holder unknown'}); it checks on "
            "its own schedule. Use `tracker check` for a manual check."
        )
    try:
        upgrade(engine)
        metrics = ServiceMetrics()
        ServiceScheduler(config, engine, metrics, make_notifier(config)).run_once()
    finally:
        leadership.release()
    return 0
