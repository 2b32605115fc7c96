"""The service's HTTP endpoint (127.0.0.1:9464 by default), served from a daemon thread.

/healthz  200 while the process is alive and serving (the Docker HEALTHCHECK).
/readyz   200 when the database answers and this process either runs the scheduler or waits as a
          healthy standby; 503 otherwise. The JSON body says which (role, scheduler, database, lock holder).
/metrics  Prometheus text format (see tracker.service.metrics).
"""

from __future__ import annotations

import json
import logging
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import sqlalchemy as sa
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy.engine import Engine

from tracker.net.listen import ListenError, parse_listen
from tracker.service.metrics import ServiceMetrics

log = logging.getLogger("tracker.service")


@dataclass
class ServiceState:
    """What /readyz reports; written by the runner, read by request threads (plain attribute swaps)."""

    role: str = "starting"  # starting | standby | leader | stopping
    scheduler_running: bool = False
    lock_holder: str | None = None


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], family: int) -> None:
        self.address_family = family
        super().__init__(address, _Handler)


class HealthServer:
    def __init__(self, listen: str, state: ServiceState, metrics: ServiceMetrics, engine: Engine) -> None:
        import socket

        host, port = parse_listen(listen)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        try:
            self._server = _Server((host, port), family)
        except OSError as exc:
            raise ListenError(
                f"cannot listen on {listen}: {exc.strerror or exc}; set [service].listen or --listen "
                "to a free address (port 0 picks any free port)"
            ) from exc
        self._server.app = self  # type: ignore[attr-defined]
        self.state = state
        self.metrics = metrics
        self.engine = engine
        bound_host, self.port = self._server.server_address[:2]
        # An AF_INET or AF_INET6 address names its host with a str; typeshed's bytes are other families'.
        assert isinstance(bound_host, str)
        self.host = bound_host
        self._thread = threading.Thread(target=self._server.serve_forever, name="health", daemon=True)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> HealthServer:
        self._thread.start()
        log.info("health and metrics on %s (/healthz /readyz /metrics)", self.url)
        return self

    def stop(self) -> None:
        if self._thread.is_alive():  # shutdown() waits for serve_forever, which never ran otherwise
            self._server.shutdown()
        self._server.server_close()

    def readiness(self) -> tuple[bool, dict[str, object]]:
        try:
            with self.engine.connect() as conn:
                conn.execute(sa.text("select 1"))
            database = "ok"
        except Exception as exc:
            database = f"error: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"[:300]
        state = self.state
        working = state.role == "standby" or (state.role == "leader" and state.scheduler_running)
        ready = database == "ok" and working
        body = {
            "ready": ready,
            "role": state.role,
            "scheduler": "running" if state.scheduler_running else "stopped",
            "database": database,
            "lock_holder": state.lock_holder,
        }
        return ready, body


class _Handler(BaseHTTPRequestHandler):
    server_version = "tracker"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # probes every few seconds: not INFO
        log.debug("health %s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        app: HealthServer = self.server.app  # type: ignore[attr-defined]
        path = urlsplit(self.path).path
        if path == "/healthz":
            self._send(200, b"ok\n", "text/plain; charset=utf-8")
        elif path == "/readyz":
            ready, body = app.readiness()
            self._send(200 if ready else 503, json.dumps(body).encode() + b"\n", "application/json")
        elif path == "/metrics":
            self._send(200, app.metrics.exposition(), CONTENT_TYPE_LATEST)
        else:
            self._send(404, b"not found: try /healthz, /readyz or /metrics\n", "text/plain; charset=utf-8")

    def _send(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)
