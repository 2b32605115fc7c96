"""Running `tracker` as a user does: a real process, a clean environment (no Slack, database or tracker
settings of the machine leak in; no proxy, so nothing leaves loopback), the repository on the path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.paths import REPO

_DROPPED = ("SLACK_", "DATABASE_URL", "TRACKER_", "DIGEST_", "TTY_COMPATIBLE", "FORCE_COLOR")


def clean_environment(**extra: str) -> dict[str, str]:
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(_DROPPED) and not k.lower().endswith("_proxy")
    }
    environment["PYTHONPATH"] = str(REPO)
    environment.update(extra)
    return environment


def run_tracker(
    *args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """`python -m tracker ARGS` in `cwd`; `env` adds to the clean environment."""
    return subprocess.run(
        [sys.executable, "-m", "tracker", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=cwd,
        env=clean_environment(**(env or {})),
    )
