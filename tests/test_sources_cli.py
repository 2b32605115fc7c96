"""`tracker try` and `tracker record` as a user runs them: a real process, the loopback server."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.cli_support import run_tracker
from tests.fixture_server import FixtureServer, Resp, file_resp
from tests.paths import FIXTURES, SAMPLES

# Real `tracker` processes (or a browser): seconds each, outside the fast run.
pytestmark = pytest.mark.slow

CAC = SAMPLES / "cac/trimmed"


def tracker(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_tracker(*args, cwd=cwd)


def _files(root: Path) -> set[Path]:
    return {p.relative_to(root) for p in root.rglob("*")}


def test_try_a_fixture_prints_items_and_changes_nothing(tmp_path: Path) -> None:
    fixture = tmp_path / "list.html"
    shutil.copy(CAC / "list.html", fixture)
    before = _files(tmp_path)
    run = tracker("try", "cn_cac/consultations", "--fixture", str(fixture), "--json", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    found = json.loads(run.stdout)["cn_cac/consultations"]
    assert found["kind"] == "items"
    assert [i["id"] for i in found["items"]] == [
        "2026-09/18/c_1791482017777471",
        "2026-06/26/c_1784217637474922",
        "2026-07/29/c_1787072711938509",
        "2026-09/03/c_1790185079976128",
    ]
    assert found["items"][0]["doc_type"] == "consultation"
    assert found["items"][0]["relevance"] == "not_ai" and found["items"][0]["alert"] is False
    assert _files(tmp_path) == before  # no database, no snapshot, nothing


def test_try_picks_the_endpoint_a_file_is_named_after(tmp_path: Path) -> None:
    fixture = tmp_path / "competition.xml"
    shutil.copy(SAMPLES / "ftc/ftc_feed_press-release-competition_2026-07.xml", fixture)
    run = tracker("try", "us_ftc", "--fixture", str(fixture), "--limit", "3", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "us_ftc/competition: 30 items" in run.stdout
    assert "334513" in run.stdout and "330004" not in run.stdout  # --limit 3


def test_try_a_legal_text(tmp_path: Path) -> None:
    act = SAMPLES / "kr/lawgokr_ai_basic_act_lawService_21311.xml"
    run = tracker("try", "kr_law", "--fixture", str(act), "--limit", "2", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert "document “인공지능 발전과 신뢰 기반 조성 등에 관한 기본법”, 46 blocks" in run.stdout
    assert "version: 제21311호 2026-07-21" in run.stdout
    assert "제1조: 제1조(목적)" in run.stdout and "제3조:" not in run.stdout


def test_try_reports_a_broken_fixture_and_an_ambiguous_source(tmp_path: Path) -> None:
    page = FIXTURES / "eu/digital_strategy_policy_page.reconstructed.html"
    broken = tracker("try", "cn_cac/consultations", "--fixture", str(page), cwd=tmp_path)
    assert broken.returncode == 1
    assert "cn_cac/consultations: broken: selector '#loadingInfoPage > li' matched nothing" in broken.stderr
    ambiguous = tracker("try", "cn_cac", "--fixture", str(CAC / "list.html"), cwd=tmp_path)
    assert ambiguous.returncode == 2
    assert "say which one" in ambiguous.stderr and "cn_cac/consultations" in ambiguous.stderr


def _config(tmp_path: Path, server: FixtureServer) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f"""
[fetch]
allow_private_addresses = true
respect_robots = false
per_host_delay = 0
retries = 0
connect_timeout = 2
total_timeout = 5
[sources.cn_cac.endpoints.consultations]
url = "{server.url("/hdfw/wxan/A093802index_1.htm")}"
[sources.cn_cac.endpoints.wxfb]
url = "{server.url("/cms/JsonList")}"
[sources.kr_msit.endpoints.press_releases]
url = "{server.url("/rss/dept_msit.xml")}"
""",
        encoding="utf-8",
    )
    return path


def test_record_saves_bodies_headers_and_details_then_try_reads_them(
    http_server: FixtureServer, tmp_path: Path
) -> None:
    http_server.route("/hdfw/wxan/A093802index_1.htm", file_resp(CAC / "list.html"))
    http_server.route(
        "/hdfw/wxan/2026-09/18/c_1791482017777471.htm", file_resp(CAC / "2026-09/18/c_1791482017777471.htm")
    )
    http_server.route(
        "/cms/JsonList",
        file_resp(FIXTURES / "cn/cac_jsonlist_wxfb.reconstructed.json", "application/json; charset=utf-8"),
    )
    config = _config(tmp_path, http_server)
    out = tmp_path / "recordings"
    run = tracker(
        "record",
        "cn_cac/consultations",
        "--out",
        str(out),
        "--details",
        "1",
        "--config",
        str(config),
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    saved = out / "cn_cac"
    assert sorted(p.name for p in saved.iterdir()) == [
        "consultations.detail-1.headers.txt",
        "consultations.detail-1.html",
        "consultations.headers.txt",
        "consultations.html",
    ]
    assert (saved / "consultations.html").read_bytes() == (CAC / "list.html").read_bytes()
    headers = (saved / "consultations.headers.txt").read_text("utf-8")
    assert f"# request: GET {http_server.url('/hdfw/wxan/A093802index_1.htm')}" in headers
    assert "\nHTTP 200\n" in headers and "content-type: text/html; charset=utf-8" in headers
    assert "# verdict: ok:" in headers
    detail = (saved / "consultations.detail-1.html").read_bytes()
    assert detail == (CAC / "2026-09/18/c_1791482017777471.htm").read_bytes()
    assert "cn_cac/consultations: HTTP 200" in run.stdout

    # The recording is a fixture: `try` finds its endpoint by the file name.
    again = tracker("try", "cn_cac", "--fixture", str(saved / "consultations.html"), "--json", cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert len(json.loads(again.stdout)["cn_cac/consultations"]["items"]) == 4


def test_record_a_post_endpoint_keeps_its_form(http_server: FixtureServer, tmp_path: Path) -> None:
    http_server.route("/cms/JsonList", file_resp(FIXTURES / "cn/cac_jsonlist_wxfb.reconstructed.json"))
    config = _config(tmp_path, http_server)
    run = tracker(
        "record", "cn_cac/wxfb", "--out", str(tmp_path / "rec"), "--config", str(config), cwd=tmp_path
    )
    assert run.returncode == 0, run.stderr
    request = http_server.requests[-1]
    assert request.method == "POST" and request.body == b"channelCode=A093702&perPage=20&pageno=1"
    assert request.headers["referer"] == "https://www.cac.gov.cn/wxzw/wxfb/A093702index_1.htm"
    headers = (tmp_path / "rec/cn_cac/wxfb.headers.txt").read_text("utf-8")
    assert "# form: channelCode=A093702&perPage=20&pageno=1" in headers
    assert "# request header: Referer: https://www.cac.gov.cn/wxzw/wxfb/A093702index_1.htm" in headers
    assert json.loads((tmp_path / "rec/cn_cac/wxfb.json").read_text("utf-8"))["totalRec"] == 1287


def test_try_live_and_a_blocked_answer(http_server: FixtureServer, tmp_path: Path) -> None:
    http_server.route(
        "/rss/dept_msit.xml",
        file_resp(FIXTURES / "kr/korea_kr_dept_msit.reconstructed.xml", "application/rss+xml"),
        Resp(status=202, body=b"", headers={"x-amzn-waf-action": "challenge"}),
    )
    config = _config(tmp_path, http_server)
    live = tracker("try", "kr_msit", "--json", "--config", str(config), cwd=tmp_path)
    assert live.returncode == 0, live.stderr
    rows = json.loads(live.stdout)["kr_msit/press_releases"]["items"]
    assert [(r["id"], r["relevance"]) for r in rows] == [
        ("156718223", "not_ai"),
        ("156702941", "ai_rule"),
        ("156699870", "not_ai"),
    ]
    blocked = tracker("try", "kr_msit", "--config", str(config), cwd=tmp_path)
    assert blocked.returncode == 1
    assert "kr_msit/press_releases: blocked:" in blocked.stderr and "x-amzn-waf-action" in blocked.stderr
    assert not (tmp_path / "data").exists()
