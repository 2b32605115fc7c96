"""The pooled-connection liveness probe (tracker/net/stream.py) through the real Fetcher and httpx.

A raw keep-alive server on 127.0.0.1 that can hang up on an idle connection shows both answers the
probe must give: a live idle connection is reused, a connection the server closed is not.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import threading
from collections.abc import Iterator

import httpcore
import httpx
import pytest
import trustme

from tests.test_fetch import UA, fetch_settings
from tracker.net import stream as netstream
from tracker.net.fetch import Fetcher
from tracker.net.stream import LivenessBackend
from tracker.net.tls import fetch_context
from tracker.types import FetchRequest, FetchResult

BODY = b"<html><body><p>hello</p></body></html>"


class KeepAliveServer:
    """Answers every request with 200 and keeps the connection; `hang_up_after` closes it that many
    seconds after each response, as servers do with idle keep-alive connections."""

    def __init__(self, hang_up_after: float | None, tls: ssl.SSLContext | None = None) -> None:
        self.hang_up_after = hang_up_after
        self.tls = tls
        self.accepted = 0
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.port = self._listener.getsockname()[1]
        self._threads: list[threading.Thread] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self._listener.accept()
            except OSError:
                return
            self.accepted += 1
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _serve(self, conn: socket.socket) -> None:
        if self.tls is not None:
            try:
                conn = self.tls.wrap_socket(conn, server_side=True)
            except (ssl.SSLError, OSError):
                conn.close()
                return
        with conn:
            buffer = b""
            while True:
                while b"\r\n\r\n" not in buffer:
                    chunk = conn.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                _, _, buffer = buffer.partition(b"\r\n\r\n")
                head = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: %d\r\n\r\n" % len(BODY)
                conn.sendall(head + BODY)
                if self.hang_up_after is not None:
                    conn.settimeout(self.hang_up_after)
                    try:
                        more = conn.recv(65536)
                    except TimeoutError:
                        return  # idle too long: hang up
                    if not more:
                        return
                    buffer += more

    def close(self) -> None:
        self._listener.close()


@pytest.fixture
def hanging_up() -> Iterator[KeepAliveServer]:
    server = KeepAliveServer(hang_up_after=0.05)
    yield server
    server.close()


@pytest.fixture
def keeping() -> Iterator[KeepAliveServer]:
    server = KeepAliveServer(hang_up_after=None)
    yield server
    server.close()


def _two_fetches(port: int, pause: float) -> list[FetchResult]:
    async def go() -> list[FetchResult]:
        async with Fetcher(fetch_settings(retries=0, respect_robots=False), UA) as fetcher:
            url = f"http://127.0.0.1:{port}/page"
            first = await fetcher.fetch(FetchRequest(url))
            await asyncio.sleep(pause)
            return [first, await fetcher.fetch(FetchRequest(url))]

    return asyncio.run(go())


def test_connection_the_server_closed_is_not_reused(hanging_up: KeepAliveServer) -> None:
    results = _two_fetches(hanging_up.port, pause=0.3)
    # Without retries, a request sent on the dead connection would fail ("server disconnected").
    assert [(r.status_code, r.error_class, r.body) for r in results] == [(200, None, BODY)] * 2
    assert hanging_up.accepted == 2


def test_live_idle_connection_is_reused(keeping: KeepAliveServer) -> None:
    results = _two_fetches(keeping.port, pause=0.1)
    assert [(r.status_code, r.body) for r in results] == [(200, BODY)] * 2
    assert keeping.accepted == 1


def test_fetchers_share_one_fetch_context() -> None:
    """Loading the CA bundle costs ~20 ms: a service cycle's new Fetcher takes the process's context."""

    async def contexts() -> list[ssl.SSLContext]:
        out = []
        for _ in range(2):
            async with Fetcher(fetch_settings(), UA) as fetcher:
                out.append(fetcher._client._transport._pool._ssl_context)  # type: ignore[attr-defined]
        return out

    first, second = asyncio.run(contexts())
    assert first is second
    assert first.verify_mode == ssl.CERT_REQUIRED and first.check_hostname


def test_fetcher_pool_uses_the_probe_once() -> None:
    client = httpx.AsyncClient()
    assert not isinstance(client._transport._pool._network_backend, LivenessBackend)  # type: ignore[attr-defined]
    assert netstream.install(client) is True
    assert isinstance(client._transport._pool._network_backend, LivenessBackend)  # type: ignore[attr-defined]
    assert netstream.install(client) is False  # never wrapped twice
    asyncio.run(client.aclose())


@pytest.mark.skipif(not hasattr(socket, "TCP_QUICKACK"), reason="TCP_QUICKACK is Linux's")
def test_reads_leave_the_socket_in_quick_ack_mode(keeping: KeepAliveServer) -> None:
    """After an exchange or two a kept-alive connection would delay its ACKs (the kernel reports
    quick-ack off); every read through the stream turns it back on."""

    async def exchange() -> list[int]:
        stream = await LivenessBackend(httpcore.AnyIOBackend()).connect_tcp("127.0.0.1", keeping.port)
        sock = stream.get_extra_info("socket")
        modes = []
        try:
            for _ in range(6):
                await stream.write(b"GET /page HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                received = b""
                while not received.endswith(BODY):
                    received += await stream.read(65536)
                modes.append(sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK))
        finally:
            await stream.aclose()
        return modes

    assert asyncio.run(exchange()) == [1] * 6


def test_https_through_the_wrapped_streams(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The regulators are served over TLS: the wrapped stream must carry the handshake (start_tls), keep
    the connection for the next request and probe it, as over plain TCP."""
    ca = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(server_context)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    default_context = fetch_context()  # cached before the variable is set: it must not be reused below
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))  # httpx trusts it as it would a system CA bundle
    assert fetch_context() is not default_context
    server = KeepAliveServer(hang_up_after=None, tls=server_context)
    try:

        async def go() -> list[FetchResult]:
            async with Fetcher(fetch_settings(retries=0, respect_robots=False), UA) as fetcher:
                url = f"https://127.0.0.1:{server.port}/page"
                return [await fetcher.fetch(FetchRequest(url)) for _ in range(3)]

        results = asyncio.run(go())
    finally:
        server.close()
    assert [(r.status_code, r.error_class, r.body) for r in results] == [(200, None, BODY)] * 3
    assert server.accepted == 1  # one TLS connection, reused
