"""The web view over real HTTP (httpx to a server on 127.0.0.1): headers, read-only, basic-auth, pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from lxml import html as lxml_html

from tests.web_support import AI_ACT_URL, HOSTILE_TITLE, LIST_ITEMS, now_utc, seed_web, web_config
from tracker.store.db import make_engine
from tracker.web import change_url, roundup_url
from tracker.web.app import CSP
from tracker.web.server import WebConfigError, WebServer, make_server


@pytest.fixture
def site(db_url: str, tmp_path: Path) -> Iterator[tuple[WebServer, dict[str, int]]]:
    ids = seed_web(db_url, now_utc())
    engine = make_engine(db_url)
    server = make_server(web_config(db_url, tmp_path), engine).start()
    try:
        yield server, ids
    finally:
        server.stop()
        engine.dispose()


def rows(page: str) -> list[str]:
    return [
        a.text_content()
        for a in lxml_html.fromstring(page).xpath("//table[@class='changes']//a[@class='title']")
    ]


def test_every_response_carries_the_security_headers(site: tuple[WebServer, dict[str, int]]) -> None:
    server, ids = site
    for path in (
        "/changes",
        f"/changes/{ids['legal']}",
        "/sources",
        "/roundups",
        "/nowhere",
        "/static/style.css",
    ):
        response = httpx.get(server.url + path)
        assert response.headers["content-security-policy"] == CSP, path
        assert "script-src" not in CSP and "default-src 'none'" in CSP and "style-src 'self'" in CSP
        assert "unsafe-inline" not in CSP
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
    assert httpx.get(server.url + "/nowhere").status_code == 404


def test_nothing_but_get_and_head(site: tuple[WebServer, dict[str, int]]) -> None:
    server, ids = site
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        response = httpx.request(method, f"{server.url}/changes/{ids['legal']}", content=b"x=1")
        assert response.status_code == 405, method
        assert response.headers["allow"] == "GET, HEAD"
    head = httpx.head(f"{server.url}/changes/{ids['legal']}")
    assert head.status_code == 200 and head.content == b""
    assert int(head.headers["content-length"]) > 1000  # the GET's length, without its body


def test_changes_filter_search_and_paginate(site: tuple[WebServer, dict[str, int]]) -> None:
    server, _ = site
    everything = httpx.get(server.url + "/changes").text
    total = int(re.search(r"(\d+) changes", everything).group(1))
    assert total == 14 + LIST_ITEMS  # relevant only: the Caremark (not AI) change is left out
    assert len(rows(everything)) == 25 and "page 1 of 3" in everything
    page3 = httpx.get(server.url + "/changes?page=3").text
    assert len(rows(page3)) == total - 50
    assert not set(rows(page3)) & set(rows(everything))
    eu = httpx.get(server.url + "/changes", params={"jurisdiction": "EU"}).text
    assert rows(eu) and all(
        j.text_content() == "EU" for j in lxml_html.fromstring(eu).xpath("//td[@class='where']/span")
    )
    found = rows(httpx.get(server.url + "/changes", params={"q": "deceptive claims"}).text)
    assert found == ["FTC Announces Crackdown on Deceptive AI Claims and Schemes"]
    by_summary = rows(httpx.get(server.url + "/changes", params={"q": "supercharge"}).text)
    assert by_summary == found  # the word is only in the summary
    assert (
        rows(httpx.get(server.url + "/changes", params={"q": "100%_"}).text) == []
    )  # LIKE wildcards are text
    amended = rows(httpx.get(server.url + "/changes", params={"kind": "document_changed"}).text)
    assert amended == ["Regulation (EU) 2024/1689 (Artificial Intelligence Act)"] * 3
    caremark = httpx.get(server.url + "/changes", params={"label": "not_ai"}).text
    assert rows(caremark) == ["FTC Secures Major Settlement with Caremark, Resolving Antitrust Case"]
    recent = rows(httpx.get(server.url + "/changes", params={"period": "24h", "source": "eu_edpb"}).text)
    assert recent == [HOSTILE_TITLE, "Opinion 28/2024 on AI models (corrected)"]
    nonsense = httpx.get(server.url + "/changes", params={"page": "x", "label": "<b>", "from": "soon"})
    assert nonsense.status_code == 200 and len(rows(nonsense.text)) == 25


def test_one_change_and_its_snapshot(site: tuple[WebServer, dict[str, int]]) -> None:
    server, ids = site
    page = lxml_html.fromstring(httpx.get(change_url(server.url, ids["legal"])).text)
    assert page.xpath("//h1")[0].text_content() == "Regulation (EU) 2024/1689 (Artificial Intelligence Act)"
    assert page.xpath("//a[@class='source-link']/@href") == [AI_ACT_URL]
    labels = [h.text_content().split()[:2] for h in page.xpath("//section[@class='diff']//h3")]
    assert labels == [["Article", "5"], ["Article", "112a"], ["Article", "113"]]
    assert [h.text_content().split()[:2] for h in page.xpath("//section[@class='typography']//h3")] == [
        ["Article", "3"]
    ]
    raw = httpx.get(f"{server.url}/snapshots/{ids['snapshot']}/raw")
    assert raw.headers["content-type"] == "text/plain; charset=utf-8"
    assert raw.text.startswith("<html><script>alert('regulator page')")  # shown as text, never as a page
    download = httpx.get(f"{server.url}/snapshots/{ids['snapshot']}/raw?download=1")
    assert download.headers["content-disposition"].startswith("attachment;")
    assert download.headers["content-type"] == "application/octet-stream"
    assert httpx.get(f"{server.url}/changes/999999").status_code == 404
    hostile = lxml_html.fromstring(httpx.get(change_url(server.url, ids["hostile"])).text)
    assert hostile.xpath("//h1")[0].text_content() == HOSTILE_TITLE
    assert hostile.xpath("//main//script|//main//img") == []
    assert hostile.xpath("//a[@class='source-link']") == []  # javascript: is never a link


def test_roundup_pages_and_downloads(site: tuple[WebServer, dict[str, int]]) -> None:
    server, _ = site
    listing = lxml_html.fromstring(httpx.get(server.url + "/roundups").text)
    first_link = listing.xpath("//table[@class='roundups']//a/@href")[0]
    name = re.search(r"/roundups/([0-9-]+)", first_link).group(1)
    first, last = name.split("--")
    from datetime import date

    assert roundup_url(server.url, date.fromisoformat(first), date.fromisoformat(last), "en").endswith(
        f"/roundups/{name}?lang=en"
    )
    page = lxml_html.fromstring(httpx.get(f"{server.url}/roundups/{name}?lang=en").text)
    assert page.xpath("//h1")[0].text_content().startswith("Law & regulation: AI regulation digest")
    assert page.xpath("//*[@style]") == []  # CSP: classes, no inline style on the web
    korean = lxml_html.fromstring(httpx.get(f"{server.url}/roundups/{name}?lang=ko").text)
    assert korean.xpath("//h2")[0].text_content() == "유럽연합(EU)"
    email = httpx.get(f"{server.url}/roundups/{name}.html?lang=en")
    assert email.headers["content-disposition"] == f'attachment; filename="roundup-{name}.en.html"'
    assert 'style="' in email.text
    markdown = httpx.get(f"{server.url}/roundups/{name}.md?lang=ko")
    assert markdown.text.startswith("## 「법/규제」") and markdown.headers["content-type"].startswith(
        "text/markdown"
    )
    assert httpx.get(f"{server.url}/roundups/2026-02-30--2026-03-01").status_code == 404


def test_sources_page_shows_health_expectations_and_errors(site: tuple[WebServer, dict[str, int]]) -> None:
    server, _ = site
    page = lxml_html.fromstring(httpx.get(server.url + "/sources").text)
    ftc = page.get_element_by_id("source-us_ftc/press_releases")
    assert "error" in ftc.get("class") and "4 failures in a row" in ftc.text_content()
    assert "HTTP 503 from www.ftc.gov <script>x</script>" in ftc.text_content()  # as text
    assert ftc.xpath(".//script") == []
    assert "at least 1 item" in ftc.xpath(".//td[@class='expects']")[0].text_content()
    act = page.get_element_by_id("source-eu_ai_act/consolidated_text")
    assert "health-ok" in act.get("class").split()
    assert "at least 100 article(s)" in act.xpath(".//td[@class='expects']")[0].text_content()
    never = page.get_element_by_id("source-us_nist/news")
    assert "health-never" in never.get("class").split()
    assert "no longer configured" in page.get_element_by_id("source-retired/feed").text_content()


def test_basic_auth(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed_web(db_url, now_utc())
    engine = make_engine(db_url)
    config = web_config(db_url, tmp_path, user="team")
    monkeypatch.delenv("TRACKER_WEB_PASSWORD", raising=False)
    with pytest.raises(WebConfigError, match="TRACKER_WEB_PASSWORD"):
        make_server(config, engine)
    monkeypatch.setenv("TRACKER_WEB_PASSWORD", "correct horse")
    server = make_server(config, engine).start()
    try:
        refused = httpx.get(server.url + "/changes")
        assert refused.status_code == 401 and refused.headers["www-authenticate"].startswith("Basic ")
        assert "Regulation" not in refused.text
        assert httpx.get(server.url + "/changes", auth=("team", "wrong")).status_code == 401
        assert httpx.get(server.url + "/changes", auth=("other", "correct horse")).status_code == 401
        assert httpx.get(server.url + "/changes", headers={"Authorization": "Basic !!"}).status_code == 401
        assert httpx.get(server.url + "/changes", auth=("team", "correct horse")).status_code == 200
        assert httpx.post(server.url + "/changes", auth=("team", "correct horse")).status_code == 405
    finally:
        server.stop()
        engine.dispose()
