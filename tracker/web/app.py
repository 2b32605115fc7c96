"""The WSGI application: routing, security headers, GET/HEAD only, optional basic-auth.

Safe by construction: every page is a Jinja2 template with autoescape on, so a regulator's title
carrying <script> or onerror= is text; the Content-Security-Policy allows no script at all and styles
only from this server's own stylesheet; nothing writes (any method but GET and HEAD is 405); a stored
snapshot is served as text/plain or as a download, never as the regulator's HTML.
"""

from __future__ import annotations

import base64
import binascii
import hmac
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy.engine import Engine

from tracker.config import Config

log = logging.getLogger("tracker.web")

CSP = (
    "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    ("Content-Security-Policy", CSP),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),  # a regulator learns nothing of the internal address
    ("Cross-Origin-Opener-Policy", "same-origin"),
)
ALLOWED_METHODS = ("GET", "HEAD")
REALM = 'Basic realm="tracker", charset="UTF-8"'
_REASONS = {
    200: "OK", 302: "Found", 304: "Not Modified", 400: "Bad Request", 401: "Unauthorized",
    404: "Not Found", 405: "Method Not Allowed", 500: "Internal Server Error",
}  # fmt: skip

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]  # the first value of each name

    @classmethod
    def from_environ(cls, environ: dict[str, Any]) -> Request:
        # PEP 3333: PATH_INFO arrives as latin-1 decoded bytes; the URL itself was UTF-8.
        raw = environ.get("PATH_INFO", "") or "/"
        try:
            path = raw.encode("latin-1").decode("utf-8")
        except UnicodeError:
            path = raw
        query: dict[str, str] = {}
        for name, value in parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True):
            query.setdefault(name, value)
        return cls(environ.get("REQUEST_METHOD", "GET").upper(), path, query)


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: list[tuple[str, str]] = field(default_factory=list)
    cache: str = "no-store"

    @classmethod
    def text(cls, status: int, text: str) -> Response:
        return cls(status, text.encode("utf-8"), "text/plain; charset=utf-8")

    @classmethod
    def redirect(cls, location: str) -> Response:
        return cls(302, b"", headers=[("Location", location)])


class WebApp:
    """`WebApp(config, engine)` is a WSGI callable; `auth` is (user, password) or None."""

    def __init__(self, config: Config, engine: Engine, *, auth: tuple[str, str] | None = None) -> None:
        from tracker.web.pages import Pages

        self.config = config
        self.engine = engine
        self.auth = auth
        self.pages = Pages(config, engine)

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        request = Request.from_environ(environ)
        try:
            response = self.respond(request, environ.get("HTTP_AUTHORIZATION", ""))
        except Exception:
            log.exception("web view: %s %s failed", request.method, request.path)
            response = Response.text(500, "internal error; the service log has the details\n")
        headers = [
            ("Content-Type", response.content_type),
            ("Content-Length", str(len(response.body))),
            ("Cache-Control", response.cache),
            *SECURITY_HEADERS,
            *response.headers,
        ]
        start_response(f"{response.status} {_REASONS.get(response.status, 'Status')}", headers)
        return [b""] if request.method == "HEAD" else [response.body]

    def respond(self, request: Request, authorization: str) -> Response:
        if request.method not in ALLOWED_METHODS:
            return Response(
                405, b"read-only: only GET and HEAD\n", "text/plain; charset=utf-8",
                headers=[("Allow", ", ".join(ALLOWED_METHODS))],
            )  # fmt: skip
        if self.auth is not None and not self.authorised(authorization):
            return Response(
                401, b"authentication required\n", "text/plain; charset=utf-8",
                headers=[("WWW-Authenticate", REALM)],
            )  # fmt: skip
        return self.pages.route(request)

    def authorised(self, header: str) -> bool:
        assert self.auth is not None
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return False
        user, sep, password = decoded.partition(":")
        if not sep:
            return False
        user_ok = hmac.compare_digest(user.encode(), self.auth[0].encode())
        password_ok = hmac.compare_digest(password.encode(), self.auth[1].encode())
        return user_ok and password_ok
