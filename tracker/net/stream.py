"""Two fixes under httpcore's pooled connections: a cheaper liveness probe, and ACKs sent at once.

Liveness. Before every request, and again when every response closes, httpcore's pool asks each idle
connection whether its socket is readable (a readable idle socket means the server hung up). Through the
AnyIO backend each question builds anyio's whole socket-attribute table (a `getpeername` system call
included) and a fresh `select.poll` object: 14 % of an all-304 check of 500 pages, profiled. Here every
stream keeps one poll object registered on its socket, so the question is one `poll(0)`, with the same
answer. Where there is no poll() (Windows), nothing is installed.

Quick ACKs. On a kept-alive connection Linux soon delays its ACKs (up to 40 ms, "pingpong" mode); a
server that writes headers and body in two writes with Nagle's algorithm on (Python's http.server,
many small servers) then holds the last piece of every response until that ACK arrives: measured on
the benchmark corpus, 92 ms instead of 52 ms per page at 50 ms latency (a fresh connection per request,
as urlwatch does, avoids it at the price of a handshake each). Re-arming TCP_QUICKACK after each read
keeps the connection reused and the response prompt. Elsewhere than Linux the option does not exist.

Everything else is delegated to the backend httpcore picked.
"""

from __future__ import annotations

import contextlib
import select
import socket
import ssl
import typing

import httpcore

from tracker.speedups import wrap_pool_backend

_QUICKACK: int | None = getattr(socket, "TCP_QUICKACK", None)
_HAS_POLL = hasattr(select, "poll")
_READABLE = (
    select.POLLIN | select.POLLPRI | select.POLLERR | select.POLLHUP | select.POLLNVAL if _HAS_POLL else 0
)
_TCP_FAMILIES = (socket.AF_INET, socket.AF_INET6)


class LivenessStream(httpcore.AsyncNetworkStream):
    def __init__(self, inner: httpcore.AsyncNetworkStream) -> None:
        self._inner = inner
        self._closed = False
        sock: socket.socket | None = inner.get_extra_info("socket")
        tcp = sock is not None and sock.family in _TCP_FAMILIES and sock.type == socket.SOCK_STREAM
        self._sock = sock if _QUICKACK is not None and tcp else None
        self._poller: select.poll | None = None
        if sock is not None and sock.fileno() >= 0:
            self._poller = select.poll()
            self._poller.register(sock.fileno(), select.POLLIN)

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        data = await self._inner.read(max_bytes, timeout)
        if self._sock is not None and not self._closed:
            with contextlib.suppress(OSError):  # closed meanwhile: the next read says so
                self._sock.setsockopt(socket.IPPROTO_TCP, _QUICKACK, 1)  # type: ignore[arg-type]
        return data

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:
        await self._inner.write(buffer, timeout)

    async def aclose(self) -> None:
        # Closed first: the descriptor may be reused by another socket the moment it is released.
        self._closed = True
        await self._inner.aclose()

    async def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.AsyncNetworkStream:
        tls = await self._inner.start_tls(ssl_context, server_hostname, timeout)
        return LivenessStream(tls)

    def get_extra_info(self, info: str) -> typing.Any:
        if info == "is_readable":
            if self._closed or self._poller is None:
                return True  # as httpcore: no socket reads as "about to return b''"
            return any(events & _READABLE for _, events in self._poller.poll(0))
        return self._inner.get_extra_info(info)


class LivenessBackend(httpcore.AsyncNetworkBackend):
    """Wraps the backend httpcore chose; only the streams it returns differ."""

    def __init__(self, inner: httpcore.AsyncNetworkBackend) -> None:
        self._inner = inner

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return LivenessStream(stream)

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        stream = await self._inner.connect_unix_socket(path, timeout, socket_options)
        return LivenessStream(stream)

    async def sleep(self, seconds: float) -> None:
        await self._inner.sleep(seconds)


def install(client: typing.Any) -> bool:
    """Put the lighter probe under an httpx.AsyncClient's pool (through httpx's private attributes, in
    tracker/speedups.py). False, and nothing changed, where there is no poll() or this httpx/httpcore
    pair lacks those attributes: the client then works as shipped."""
    return _HAS_POLL and wrap_pool_backend(client, LivenessBackend, already=LivenessBackend)
