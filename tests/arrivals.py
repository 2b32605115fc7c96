"""When each request reached a FixtureServer: for tests of delays between requests (lower bounds only)."""

from __future__ import annotations

import time
from itertools import pairwise
from typing import Any

from tests.fixture_server import FixtureServer


class Arrivals(list):
    """Stands in for FixtureServer.requests and notes the arrival time of each recorded request."""

    def __init__(self) -> None:
        super().__init__()
        self.times: list[float] = []

    def append(self, item: Any) -> None:
        self.times.append(time.monotonic())
        super().append(item)

    def at(self, path: str | None = None) -> list[float]:
        return [t for r, t in zip(self, self.times, strict=True) if path is None or r.path == path]

    def gaps(self, path: str | None = None) -> list[float]:
        times = self.at(path)
        return [b - a for a, b in pairwise(times)]


def record_arrivals(server: FixtureServer) -> Arrivals:
    """Call before the first request: the server appends to whatever list `requests` holds."""
    arrivals = Arrivals()
    server.requests = arrivals
    return arrivals
