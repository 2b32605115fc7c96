"""Where our own HTTP servers listen (the health endpoint, the web view): 'host:port' read once."""

from __future__ import annotations


class ListenError(Exception):
    """A server cannot listen where it was told to."""


def parse_listen(value: str) -> tuple[str, int]:
    """'127.0.0.1:9464', '0.0.0.0:9464', '[::1]:9464' or ':9464' (all interfaces)."""
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit() or not 0 <= int(port) <= 65535:
        raise ListenError(f"listen address {value!r} is not host:port (e.g. 127.0.0.1:9464)")
    return host.strip("[]") or "0.0.0.0", int(port)


__all__ = ["ListenError", "parse_listen"]
