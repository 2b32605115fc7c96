"""The regulators added for issue 19 together: checked over the loopback server by the real pipeline,
switched by config.toml's [groups], listed grouped by `tracker sources`, and diagnosed by `tracker doctor`
from the shipped config.toml (URLs pointed at the loopback server: no packet leaves 127.0.0.1)."""

from __future__ import annotations

import json
import re
import tomllib
from pathlib import Path

import pytest
from sqlmodel import Session, select

from sources import builtin_sources
from sources.groups import KIND_NAMES, known_groups
from tests.fixture_server import FixtureServer, Resp
from tests.paths import REPO
from tests.regulators_served import NEW_SOURCES, SERVED_NEW
from tests.test_doctor import tracker
from tracker.config import Config, ConfigError, load_config
from tracker.pipeline.check import run_checks
from tracker.specs import HtmlListParser
from tracker.store.db import make_engine
from tracker.store.models import Change

CONFIG_TOML = REPO / "config.toml"
NEW_ENTRY = """  <entry>
    <id>https://www.gov.uk/government/publications/ai-model-evaluation-protocol#2026-09-18T09:00:00+01:00</id>
    <updated>2026-09-18T09:00:00+01:00</updated>
    <link rel="alternate" type="text/html" href="https://www.gov.uk/government/publications/ai-model-evaluation-protocol"/>
    <title>Model evaluation protocol, version 2</title>
    <summary type="html">How we test models before deployment.</summary>
  </entry>
"""


def _route_all(server: FixtureServer) -> dict[str, dict[str, object]]:
    """Serve every new endpoint (the AISI feed gains one entry at the second answer); the overrides."""
    overrides: dict[str, dict[str, object]] = {}
    for key, (path, content_type) in SERVED_NEW.items():
        before = path.read_text("utf-8")
        after = (
            before.replace("  <entry>", NEW_ENTRY + "  <entry>", 1) if key == "uk_aisi/activity" else before
        )
        server.route(
            f"/{key}",
            Resp(body=before, content_type=content_type),
            Resp(body=after, content_type=content_type),
        )
        source_id, _, endpoint_id = key.partition("/")
        endpoints = overrides.setdefault(source_id, {"enabled": True, "endpoints": {}})["endpoints"]
        endpoints[endpoint_id] = {"url": server.url(f"/{key}")}  # type: ignore[index]
    return overrides


def _fetch_section() -> dict[str, object]:
    return {
        "allow_private_addresses": True,
        "respect_robots": False,
        "per_host_delay": 0,
        "retries": 0,
        "connect_timeout": 5,
        "read_timeout": 10,
        "total_timeout": 20,
        "per_host_concurrency": 4,
    }


def test_new_regulators_checked_together(http_server: FixtureServer, db_url: str) -> None:
    config = Config.model_validate(
        {
            "tracker": {"database": db_url, "builtin_sources": False},
            "fetch": _fetch_section(),
            "sources": _route_all(http_server),
        }
    )
    assert {s.id for s in config.enabled_sources()} == set(NEW_SOURCES)
    engine = make_engine(db_url)
    first = run_checks(config, engine)
    assert {f"{r.source}/{r.endpoint}" for r in first} == set(SERVED_NEW)
    assert [f"{r.source}/{r.endpoint}: {r.reason}" for r in first if r.status != "ok"] == []
    assert all(r.baseline for r in first)
    second = run_checks(config, engine)
    assert [f"{r.source}/{r.endpoint}: {r.reason}" for r in second if r.status != "ok"] == []
    with Session(engine) as session:
        changes = session.exec(select(Change)).all()
    assert [(c.source_id, c.stable_id, c.relevance, c.jurisdiction) for c in changes] == [
        ("uk_aisi", "/government/publications/ai-model-evaluation-protocol", "ai_other", "UK")
    ]
    assert changes[0].alerted


def test_groups_switch_jurisdictions_and_kinds() -> None:
    def enabled(data: dict[str, object]) -> set[str]:
        return {s.id for s in Config.model_validate(data).enabled_sources()}

    everything = enabled({})
    assert set(NEW_SOURCES) <= everything  # on by default
    dpas = {"eu_edpb", "ie_dpc", "it_garante", "fr_cnil", "nl_ap", "uk_ico", "us_cppa", "jp_ppc", "kr_pipc"}
    assert everything - enabled({"groups": {"dpa": False}}) == dpas
    assert enabled({"tracker": {"builtin_sources": False}, "groups": {"uk": True}}) == {
        "uk_dsit", "uk_aisi", "uk_ico", "uk_cma"
    }  # fmt: skip
    # Off wins between a source's two groups; the source's own setting wins over both.
    assert "uk_ico" not in enabled({"groups": {"uk": True, "dpa": False}})
    assert "uk_ico" in enabled({"groups": {"dpa": False}, "sources": {"uk_ico": {"enabled": True}}})
    # A group does not stand in for a missing key.
    assert "kr_law" not in enabled({"groups": {"kr": True}})
    reason = Config.model_validate({"groups": {"jp": False}})
    assert reason.disabled_reason(next(s for s in builtin_sources() if s.id == "jp_ppc")) == (
        "disabled by [groups] jp = false in config.toml; "
        "set [sources.jp_ppc] enabled = true to check this one"
    )


def test_an_unknown_group_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[groups]\nuk = true\ndpas = false\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "groups: unknown group 'dpas'" in message
    assert "uk, un, us" in message and "dpa" in message
    assert set(known_groups()) == {"eu", "us", "cn", "un", "kr", "uk", "jp", "int", *KIND_NAMES}


def test_shipped_config_documents_every_group_and_enables_the_new_sources() -> None:
    text = CONFIG_TOML.read_text("utf-8")
    block = text[text.index("[groups]") :]
    for group in known_groups():
        assert re.search(rf"^# {group} = (true|false)\b", block, re.MULTILINE), group
    enabled = {s.id for s in load_config(CONFIG_TOML).enabled_sources()}
    assert set(NEW_SOURCES) <= enabled
    # Each commented line, uncommented, is a valid config.
    lines = [line[2:] for line in block.splitlines() if re.match(r"^# [a-z]+ = (true|false)", line)]
    Config.model_validate(tomllib.loads("[groups]\n" + "\n".join(lines)))


def test_a_script_link_template_needs_its_id_pattern() -> None:
    with pytest.raises(ValueError, match="link_template needs id_pattern"):
        HtmlListParser(item="div.item", link_attr="onclick", link_template="/detail/{id}")


def _shipped_config_on_loopback(tmp_path: Path, server: FixtureServer) -> Path:
    """config.toml as shipped, with short timeouts, loopback allowed and the new endpoints served here."""
    text = CONFIG_TOML.read_text("utf-8")
    replacements = {
        r"^database = .*$": f'database = "{tmp_path / "tracker.sqlite3"}"',
        r"^allow_private_addresses = false": "allow_private_addresses = true",
        r"^retries = 3": "retries = 0",
        r'^per_host_delay = "1s"': "per_host_delay = 0",
        r'^connect_timeout = "10s"': 'connect_timeout = "2s"',
        r'^total_timeout = "90s"': 'total_timeout = "10s"',
    }
    for pattern, value in replacements.items():
        text, count = re.subn(pattern, value, text, count=1, flags=re.MULTILINE)
        assert count == 1, pattern
    tables = ((key.partition("/")[0], key.partition("/")[2], server.url("/" + key)) for key in SERVED_NEW)
    urls = "".join(
        f'[sources.{source}.endpoints.{endpoint}]\nurl = "{url}"\n' for source, endpoint, url in tables
    )
    path = tmp_path / "config.toml"
    path.write_text(text + "\n" + urls, encoding="utf-8")
    return path


def test_doctor_and_sources_list_the_new_endpoints_grouped(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    for key, (path, content_type) in SERVED_NEW.items():
        http_server.route(f"/{key}", Resp(body=path.read_bytes(), content_type=content_type))
    config = str(_shipped_config_on_loopback(tmp_path, http_server))
    run = tracker("doctor", "--json", *NEW_SOURCES, "--config", config, cwd=tmp_path)
    rows = {row["key"]: row for row in json.loads(run.stdout)}
    assert set(rows) == set(SERVED_NEW)
    assert [key for key, row in rows.items() if not row["healthy"]] == [], run.stdout
    assert run.returncode == 0

    listed = json.loads(tracker("sources", "--json", "--config", config, cwd=tmp_path).stdout)
    by_key = {row["endpoint"]: row for row in listed}
    assert set(SERVED_NEW) <= set(by_key)
    assert by_key["ie_dpc/press_releases"]["groups"] == ["eu", "dpa"]
    assert by_key["uk_cma/activity"]["kind"] == "competition"
    # Grouped: every jurisdiction's endpoints in one run, kinds together inside it.
    order = [tuple(row["groups"]) for row in listed]
    assert order == sorted(order)
