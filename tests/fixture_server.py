"""A real HTTP server on 127.0.0.1 that serves programmable response sequences.

Each route holds a list of responses; every request takes the next one and the last one repeats
(version 1, then version 2; 304; 500; slow; WAF 202; wrong charset ...). Requests are recorded so tests
can assert what the client sent (conditional headers, User-Agent, form bodies).
"""

from __future__ import annotations

import gzip
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit


@dataclass
class Resp:
    status: int = 200
    body: bytes | str = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str | None = "text/html; charset=utf-8"
    delay: float = 0.0  # seconds before the status line
    trickle: float | None = None  # seconds between 1-byte chunks of the body (slow trickle)
    truncate_to: int | None = None  # announce the full length, send only this many bytes, close
    gzip: bool = False  # send gzip-encoded with Content-Encoding: gzip
    raw_gzip: bytes | None = None  # pre-compressed body (gzip bomb): sent as is, gzip-encoded
    etag: str | None = None  # answer 304 when If-None-Match matches
    last_modified: str | None = None  # answer 304 when If-Modified-Since equals it

    def payload(self) -> bytes:
        return self.body.encode("utf-8") if isinstance(self.body, str) else self.body


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


def file_resp(path: str | Path, content_type: str | None = None, **kw) -> Resp:
    """A response whose body is a file's bytes (samples, fixtures)."""
    p = Path(path)
    if content_type is None:
        suffix = p.suffix.lower()
        content_type = {
            ".json": "application/json",
            ".xml": "application/xml",
            ".rss": "application/rss+xml",
            ".xhtml": "application/xhtml+xml",
            ".pdf": "application/pdf",
        }.get(suffix, "text/html; charset=utf-8")
    return Resp(body=p.read_bytes(), content_type=content_type, **kw)


class FixtureServer:
    def __init__(self, host: str = "127.0.0.1") -> None:
        self._routes: dict[str, list[Resp]] = {}
        self._hits: dict[str, int] = {}
        self.requests: list[Recorded] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, 0), self._handler_class())
        self._server.daemon_threads = True
        self.host = host
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    # -- control ---------------------------------------------------------------------------------
    def start(self) -> FixtureServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def url(self, path: str = "/") -> str:
        return f"http://{self.host}:{self.port}{path}"

    def route(self, path: str, *responses: Resp) -> str:
        """Serve `responses` in order at `path` (path may include a query); returns the full URL."""
        with self._lock:
            self._routes[path] = list(responses)
            self._hits[path] = 0
        return self.url(path)

    def then(self, path: str, *responses: Resp) -> None:
        """Append responses to a route's sequence (served after the current ones)."""
        with self._lock:
            rest = (
                self._routes[path][self._hits[path] :] if self._hits[path] < len(self._routes[path]) else []
            )
            self._routes[path] = rest + list(responses)
            self._hits[path] = 0

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)

    def _next(self, path: str) -> Resp | None:
        with self._lock:
            key = path if path in self._routes else urlsplit(path).path
            seq = self._routes.get(key)
            if not seq:
                return None
            i = min(self._hits[key], len(seq) - 1)
            self._hits[key] += 1
            return seq[i]

    # -- HTTP ------------------------------------------------------------------------------------
    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:  # keep test output clean
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {k.lower(): v for k, v in self.headers.items()}
                with server._lock:
                    server.requests.append(Recorded(self.command, self.path, headers, body))
                resp = server._next(self.path)
                if resp is None:
                    if urlsplit(self.path).path == "/robots.txt":
                        resp = Resp(404, b"", content_type="text/plain")
                    else:
                        resp = Resp(404, b"not found", content_type="text/plain")
                if resp.delay:
                    time.sleep(resp.delay)
                if resp.etag and headers.get("if-none-match") == resp.etag:
                    self._send(Resp(304, b"", content_type=None, headers={"ETag": resp.etag}), b"")
                    return
                if resp.last_modified and headers.get("if-modified-since") == resp.last_modified:
                    self._send(Resp(304, b"", content_type=None), b"")
                    return
                payload = resp.payload()
                if resp.raw_gzip is not None:
                    payload = resp.raw_gzip
                elif resp.gzip:
                    payload = gzip.compress(payload)
                self._send(resp, payload)

            def _send(self, resp: Resp, payload: bytes) -> None:
                self.send_response(resp.status)
                if resp.content_type:
                    self.send_header("Content-Type", resp.content_type)
                if resp.gzip or resp.raw_gzip is not None:
                    self.send_header("Content-Encoding", "gzip")
                if resp.etag:
                    self.send_header("ETag", resp.etag)
                if resp.last_modified:
                    self.send_header("Last-Modified", resp.last_modified)
                for k, v in resp.headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command == "HEAD":
                    return
                try:
                    if resp.truncate_to is not None:
                        self.wfile.write(payload[: resp.truncate_to])
                        self.wfile.flush()
                        self.close_connection = True
                        return
                    if resp.trickle is not None:
                        for i in range(len(payload)):
                            self.wfile.write(payload[i : i + 1])
                            self.wfile.flush()
                            time.sleep(resp.trickle)
                        return
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

            do_GET = _serve
            do_POST = _serve
            do_HEAD = _serve

        return Handler
