"""Who holds a claim on an alert, and whether that process is still alive.

A claim ("sending") carries a lease of a few minutes so that an alert claimed by a process that died is
sent by another one. Waiting out the whole lease after a kill holds back every later alert of that
channel, so a claim also records its holder: host name, PID namespace, PID and the process's start
time. A process on the same host and in the same PID namespace can tell whether that holder still runs;
when it does not (or the PID now belongs to another process, or to a zombie) the claim is void at once:
the deliverer looks for the message in the channel's history and goes on. Anything it cannot tell (another
host, another container, no /proc) waits for the lease as before.
"""

from __future__ import annotations

import functools
import os
import socket
from pathlib import Path

_PROC = Path("/proc")


def _pid_namespace() -> str:
    try:
        return os.readlink(_PROC / "self" / "ns" / "pid")  # "pid:[4026531836]"
    except OSError:
        return ""


def _stat_fields(pid: int) -> list[str] | None:
    """/proc/PID/stat after the command name (which may hold spaces and parentheses)."""
    try:
        raw = (_PROC / str(pid) / "stat").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    return raw.rsplit(")", 1)[-1].split()


def _start_time(pid: int) -> str:
    fields = _stat_fields(pid)
    return fields[19] if fields and len(fields) > 19 else ""  # field 22 of stat: start time in ticks


def process_identity() -> str:
    """This process, as recorded in the claims it makes (per PID: a forked child is another holder)."""
    return _identity(os.getpid())


@functools.cache
def _identity(pid: int) -> str:
    return "|".join((socket.gethostname(), _pid_namespace(), str(pid), _start_time(pid)))[:200]


def holder_is_dead(owner: str | None) -> bool:
    """True only when `owner` is certainly not running: same host and PID namespace, and its PID is gone,
    a zombie, or now another process (another start time)."""
    if not owner:
        return False
    parts = owner.split("|")
    if len(parts) != 4:
        return False
    host, namespace, pid_text, started = parts
    if host != socket.gethostname() or namespace != _pid_namespace() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return started != _start_time(pid)
    fields = _stat_fields(pid)
    if fields is None:
        if _PROC.joinpath("self").exists():
            return True  # /proc works and has no such process
        try:  # no /proc: ask the kernel
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except OSError:
            return False
        return False
    if fields[0] in ("Z", "X"):  # killed, not yet reaped by its parent
        return True
    return bool(started) and len(fields) > 19 and fields[19] != started
