"""A database the tracker cannot use says where it is, what is wrong and what to do (issue 17, point 4):
a file that is not a database, a damaged one (found by a quick integrity check when the service starts
and in `tracker status`), a directory it cannot write."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest

from tests.test_cli import tracker

# Real `tracker` processes (or a browser): seconds each, outside the fast run.
pytestmark = pytest.mark.slow


def write_config(tmp_path: Path, database: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[tracker]\ndatabase = "{database}"\nbuiltin_sources = false\n[service]\nlisten = "127.0.0.1:0"\n',
        encoding="utf-8",
    )
    return path


def damaged_database(tmp_path: Path) -> Path:
    """A tracker database whose schema page is sound but whose data pages are overwritten."""
    database = tmp_path / "tracker.sqlite3"
    made = tracker("db", "upgrade", "--config", str(write_config(tmp_path, database)), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    with sqlite3.connect(database) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")  # everything in the main file, nothing in a -wal
        conn.execute("CREATE TABLE filler (text TEXT)")
        conn.executemany("INSERT INTO filler VALUES (?)", [("x" * 500,) for _ in range(400)])
    page_size = 4096
    with database.open("r+b") as fh:
        fh.seek(os.path.getsize(database) - 20 * page_size + 100)
        fh.write(bytes(range(256)) * 12)  # three pages of garbage among the filler table's pages
    return database


def test_a_file_that_is_not_a_database(tmp_path: Path) -> None:
    database = tmp_path / "tracker.sqlite3"
    database.write_bytes(bytes(range(256)) * 40)
    run = tracker("sources", "--config", str(write_config(tmp_path, database)), cwd=tmp_path)
    assert run.returncode == 1
    assert f"{database}: not a SQLite database" in run.stderr
    assert "move it aside" in run.stderr and "restore a backup" in run.stderr
    assert "sqlalche.me" not in run.stderr and "Traceback" not in run.stderr


def test_status_and_the_service_find_damaged_pages(tmp_path: Path) -> None:
    database = damaged_database(tmp_path)
    config = str(write_config(tmp_path, database))
    status = tracker("status", "--config", config, cwd=tmp_path)
    assert status.returncode == 1, status.stdout
    assert f"{database}: the database is corrupt (quick_check:" in status.stderr
    assert "restore a backup" in status.stderr and "move it" in status.stderr

    service = tracker("run", "--once", "--config", config, cwd=tmp_path)
    assert service.returncode == 1
    assert "the database is corrupt" in service.stderr


def test_a_sound_database_passes_the_check(tmp_path: Path) -> None:
    database = tmp_path / "tracker.sqlite3"
    config = str(write_config(tmp_path, database))
    assert tracker("db", "upgrade", "--config", config, cwd=tmp_path).returncode == 0
    status = tracker("status", "--config", config, cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    assert "corrupt" not in status.stderr


def test_a_data_directory_that_cannot_be_made(tmp_path: Path) -> None:
    blocker = tmp_path / "data"
    blocker.write_text("a file where the data directory should be")
    database = blocker / "tracker.sqlite3"
    run = tracker("sources", "--config", str(write_config(tmp_path, database)), cwd=tmp_path)
    assert run.returncode == 1
    assert f"{database}: cannot create its directory" in run.stderr
    assert "[tracker].database or DATABASE_URL" in run.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only directories")
def test_a_read_only_data_directory(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    database = data / "tracker.sqlite3"
    data.chmod(0o555)
    try:
        run = tracker("sources", "--config", str(write_config(tmp_path, database)), cwd=tmp_path)
    finally:
        data.chmod(0o755)
    assert run.returncode == 1
    assert f"the directory {data} is not writable" in run.stderr and str(database) in run.stderr
