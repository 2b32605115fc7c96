"""The web view's HTTP server: wsgiref's, one daemon thread per request, on `[web].listen`.

The application (and Jinja2, the templates, the database queries) is built on the first request: a
service that nobody browses carries one listening socket and one sleeping thread, nothing more
(bench/web_idle.md measures it). `tracker run` starts it beside the health endpoint; a web view that
cannot listen is logged and left off, it never stops the checks.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable, Iterable
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer

from sqlalchemy.engine import Engine

from tracker.config import Config

log = logging.getLogger("tracker.web")

LISTEN_ENV = "TRACKER_WEB_LISTEN"
PASSWORD_ENV = "TRACKER_WEB_PASSWORD"
LOOPBACK = ("127.0.0.1", "::1", "localhost")

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


class WebConfigError(Exception):
    """The web view is configured in a way it cannot serve safely; the message says what to fix."""


class _Handler(WSGIRequestHandler):
    server_version = "tracker"
    sys_version = ""

    def log_message(self, format: str, *args: object) -> None:
        log.debug("web %s %s", self.address_string(), format % args)


class _Server(ThreadingMixIn, WSGIServer):
    daemon_threads = True
    allow_reuse_address = True


class _LazyApp:
    """Builds the application on the first request (thread-safe)."""

    def __init__(self, factory: Callable[[], WsgiApp]) -> None:
        self._factory = factory
        self._app: WsgiApp | None = None
        self._lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if self._app is None:
            with self._lock:
                if self._app is None:
                    self._app = self._factory()
        return self._app(environ, start_response)

    @property
    def loaded(self) -> bool:
        return self._app is not None


def basic_auth(config: Config) -> tuple[str, str] | None:
    """(user, password) when `[web].user` is set; its password must then be in TRACKER_WEB_PASSWORD."""
    user = config.web.user
    password = os.environ.get(PASSWORD_ENV, "")
    if user is None:
        if password:
            log.warning("%s is set but [web].user is not: the web view has no login", PASSWORD_ENV)
        return None
    if not password:
        raise WebConfigError(
            f"[web].user is {user!r} but {PASSWORD_ENV} is empty: put the password in the environment "
            "(or remove [web].user to serve without a login, e.g. behind your reverse proxy's)"
        )
    if ":" in user:
        raise WebConfigError("[web].user cannot contain ':' (HTTP basic authentication splits on it)")
    return user, password


class WebServer:
    def __init__(self, listen: str, factory: Callable[[], WsgiApp]) -> None:
        from tracker.net.listen import ListenError, parse_listen

        host, port = parse_listen(listen)
        server_class = type("_BoundServer", (_Server,), {"address_family": _family(host)})
        try:
            self._server = server_class((host, port), _Handler)
        except OSError as exc:
            raise ListenError(
                f"web view: cannot listen on {listen}: {exc.strerror or exc}; set [web].listen or "
                f"{LISTEN_ENV} to a free address (port 0 picks any free port)"
            ) from exc
        self.app = _LazyApp(factory)
        self._server.set_app(self.app)
        self.host, self.port = self._server.server_address[:2]
        self._thread = threading.Thread(target=self._server.serve_forever, name="web", daemon=True)

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in str(self.host) else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> WebServer:
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """In the calling thread (`tracker web`), until interrupted."""
        self._server.serve_forever()

    def stop(self) -> None:
        if self._thread.is_alive():
            self._server.shutdown()
        self._server.server_close()


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def make_server(config: Config, engine: Engine, listen: str | None = None) -> WebServer:
    """The web view's server (not started). Raises WebConfigError or ListenError."""
    auth = basic_auth(config)
    where = listen or os.environ.get(LISTEN_ENV) or config.web.listen

    def factory() -> WsgiApp:
        from tracker.web.app import WebApp

        return WebApp(config, engine, auth=auth)

    server = WebServer(where, factory)
    if auth is None and str(server.host) not in LOOPBACK:
        log.warning(
            "web view on %s without a login: anyone who can reach it reads it; set [web].user and %s, "
            "or serve it on 127.0.0.1 behind your reverse proxy",
            server.url,
            PASSWORD_ENV,
        )
    return server


def start_web_view(config: Config, engine: Engine) -> WebServer | None:
    """What `tracker run` calls: the started server, or None when switched off or it cannot start."""
    if not config.web.enabled:
        return None
    from tracker.net.listen import ListenError

    try:
        server = make_server(config, engine).start()
    except (WebConfigError, ListenError) as exc:
        log.error("web view not started: %s", exc)
        return None
    log.info("web view on %s (/changes /sources /roundups)", server.url)
    return server
