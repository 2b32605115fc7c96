"""The worker thread that parses and writes for every check of the process."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

_WORKER: ThreadPoolExecutor | None = None
_WORKER_LOCK = threading.Lock()


def shared_worker() -> ThreadPoolExecutor:
    """The process's one thread for parsing and database work, shared by every run.

    One thread: several only fight over the GIL (measured: a third less CPU and a sixth of the kernel
    time at N=500). Shared: a new thread per run gets a fresh malloc arena from glibc, and the service's
    RSS crept up with each arena taken (+10.6 % from cycle 100 to 1,000 of bench/micro.py soak).
    """
    global _WORKER
    with _WORKER_LOCK:
        if _WORKER is None:
            _WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="check")
        return _WORKER
