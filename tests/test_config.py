"""config.toml is validated at load: one clear message naming the file and the key, exit status 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.paths import REPO
from tracker.config import ConfigError, load_config, parse_duration


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_config_is_valid_and_enables_sources() -> None:
    config = load_config(REPO / "config.toml")
    assert config.fetch.per_host_delay == 1.0
    assert config.check.removal_after == 3
    assert config.database_url().startswith("sqlite:///")


@pytest.mark.parametrize(
    ("text", "expected_key", "hint"),
    [
        ("[fetch]\nconect_timeout = 3\n", "fetch.conect_timeout", "unknown key"),
        ("[check]\ndefault_interval = 'often'\n", "check.default_interval", "not a duration"),
        ("[sources.atlantis]\nenabled = false\n", "sources.atlantis", "unknown source"),
        ("[slack]\nbase_url = 'ftp://x'\n", "slack.base_url", "not an http(s) URL"),
        ("[tracker]\ntimezone = 'Mars/Olympus'\n", "tracker.timezone", "unknown time zone"),
        ("[fetch]\nmax_redirects = -1\n", "fetch.max_redirects", "greater than or equal"),
        (
            "[[custom_sources]]\nid='x'\njurisdiction='UK'\nregulator='ICO'\n"
            "[[custom_sources.endpoints]]\nid='news'\nurl='not a url'\nparser={kind='feed'}\n",
            "custom_sources.x.endpoints.news.url",
            "not an http(s) URL",
        ),
        (
            "[[custom_sources]]\nid='x'\njurisdiction='UK'\nregulator='ICO'\n"
            "[[custom_sources.endpoints]]\nid='news'\nurl='https://a.b/'\nparser={kind='rss'}\n",
            "custom_sources.0.endpoints.0.parser",
            "does not match any of the expected tags",
        ),
        ("[fetch\n", "", "not valid TOML"),
    ],
)
def test_bad_config_names_file_key_and_fix(tmp_path: Path, text: str, expected_key: str, hint: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert str(path) in message
    assert expected_key in message
    assert hint in message


def test_missing_explicit_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "nope.toml")


def test_endpoint_url_override_and_disable(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "[[custom_sources]]\nid='my_ico'\njurisdiction='UK'\nregulator='ICO'\n"
        "[[custom_sources.endpoints]]\nid='news'\nurl='https://ico.example/rss'\nparser={kind='feed'}\n"
        "[[custom_sources.endpoints]]\nid='page'\nurl='https://ico.example/ai'\nparser={kind='document'}\n"
        "[sources.my_ico.endpoints.news]\nurl='http://127.0.0.1:9/mirror.rss'\n"
        "[sources.my_ico.endpoints.page]\nenabled=false\n",
    )
    config = load_config(path)
    (source,) = [s for s in config.enabled_sources() if s.id == "my_ico"]
    assert [e.id for e in source.endpoints] == ["news"]
    assert source.endpoints[0].url == "http://127.0.0.1:9/mirror.rss"


def test_database_url_from_environment_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db:5432/tracker")
    assert load_config(write(tmp_path, "")).database_url() == "postgresql+psycopg://u@db:5432/tracker"


def test_durations() -> None:
    assert parse_duration("90s") == 90
    assert parse_duration("15m") == 900
    assert parse_duration("14d") == 14 * 86400
    assert parse_duration(5) == 5
    with pytest.raises(ValueError):
        parse_duration("soon")


def test_cli_exits_2_and_does_nothing_on_bad_config(tmp_path: Path) -> None:
    path = write(tmp_path, "[tracker]\ndatabase = 'db.sqlite3'\n[fetch]\nretries = 'many'\n")
    proc = subprocess.run(
        [sys.executable, "-m", "tracker", "check", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
    )
    assert proc.returncode == 2
    assert "fetch.retries" in proc.stderr
    assert not (tmp_path / "db.sqlite3").exists()  # nothing else happened
