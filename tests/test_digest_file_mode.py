"""`tracker digest --out` writes a file readable like any other output file: the umask decides, not
mkstemp's 0600; replacing a digest keeps the mode the operator gave it."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from tests.digest_support import run_tracker, seeded_engine, write_config


@contextmanager
def umask(mask: int) -> Iterator[None]:
    previous = os.umask(mask)
    try:
        yield
    finally:
        os.umask(previous)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_digest_file_follows_the_umask_and_keeps_a_replaced_files_mode(tmp_path: Path, db_url: str) -> None:
    seeded_engine(db_url, datetime.now(UTC))
    config = str(write_config(tmp_path, db_url))
    shared, private = tmp_path / "shared.md", tmp_path / "private.md"
    with umask(0o022):
        assert run_tracker("digest", "--out", str(shared), "--config", config, cwd=tmp_path).returncode == 0
    with umask(0o027):
        assert run_tracker("digest", "--out", str(private), "--config", config, cwd=tmp_path).returncode == 0
    assert (mode(shared), mode(private)) == (0o644, 0o640)
    shared.chmod(0o664)
    with umask(0o077):
        assert run_tracker("digest", "--out", str(shared), "--config", config, cwd=tmp_path).returncode == 0
    assert mode(shared) == 0o664
    assert not list(tmp_path.glob(".*.tmp"))  # nothing half-written left behind
