"""The web view in a real browser: Debian's Chromium, headless, against a server on 127.0.0.1.

`--dump-dom` prints the DOM after the page's scripts ran (had any been allowed to), so what it shows is
what a reader's browser made of the page. Skipped, saying why, where chromium is not installed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import html as lxml_html
from sqlmodel import Session

from tests.web_support import (
    HOSTILE_TITLE,
    chromium,
    dump_dom,
    now_utc,
    screenshot,
    seed_web,
    web_config,
)
from tracker.alerts.render import render_change_message
from tracker.store.db import make_engine, upgrade
from tracker.store.models import Change
from tracker.web import change_url
from tracker.web.server import WebServer, make_server

# Real `tracker` processes (or a browser): seconds each, outside the fast run.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[WebServer, dict[str, int], str]]:
    chromium()  # skip the module before seeding anything when there is no browser
    tmp = tmp_path_factory.mktemp("web")
    url = f"sqlite:///{tmp / 'tracker.sqlite3'}"
    engine = make_engine(url)
    upgrade(engine)
    ids = seed_web(url, now_utc())
    server = make_server(web_config(url, tmp), engine).start()
    try:
        yield server, ids, url
    finally:
        server.stop()
        engine.dispose()


def titles(dom: lxml_html.HtmlElement) -> list[str]:
    return [a.text_content() for a in dom.xpath("//table[@class='changes']//a[@class='title']")]


def test_changes_list_filters_and_paginates(site: tuple[WebServer, dict[str, int], str]) -> None:
    server, _, _ = site
    first = lxml_html.fromstring(dump_dom(server.url + "/changes"))
    assert len(titles(first)) == 25
    assert "page 1 of 3" in first.get_element_by_id("count").text_content()
    older = first.xpath("//nav[@class='pages']/a[@rel='next']/@href")[0]
    second = lxml_html.fromstring(dump_dom(server.url + older))
    assert "page 2 of 3" in second.get_element_by_id("count").text_content()
    assert len(titles(second)) == 25 and not set(titles(first)) & set(titles(second))
    assert second.xpath("//nav[@class='pages']/a[@rel='prev']/@href") == ["/changes"]
    china = lxml_html.fromstring(dump_dom(server.url + "/changes?jurisdiction=CN"))
    assert titles(china) == ["人工智能生成合成内容标识办法（征求意见稿）"]
    assert china.xpath("//select[@name='jurisdiction']/option[@selected]/@value") == ["CN"]
    searched = lxml_html.fromstring(dump_dom(server.url + "/changes?q=procurement&period=90d&label=all"))
    assert "57 changes" in searched.get_element_by_id("count").text_content()
    assert searched.xpath("//input[@name='q']/@value") == ["procurement"]


def test_legal_text_change_shows_changed_words_side_by_side(
    site: tuple[WebServer, dict[str, int], str], tmp_path: Path
) -> None:
    server, ids, _ = site
    dom = lxml_html.fromstring(dump_dom(f"{server.url}/changes/{ids['legal']}"))
    article_5 = dom.xpath("//section[@class='diff']/section[.//span[@class='label']='Article 5']")[0]
    row = article_5.xpath(".//tr[@class='row-changed']")[0]
    assert [d.text_content() for d in row.xpath("./td[@class='old']/del")] == ["subliminal"]
    assert [i.text_content() for i in row.xpath("./td[@class='new']/ins")] == ["manipulative"]
    assert "techniques beyond a person’s consciousness" in row.xpath("./td[@class='new']")[0].text_content()
    article_113 = dom.xpath("//section[@class='diff']/section[.//span[@class='label']='Article 113']")[0]
    old, new = article_113.xpath(".//tr[@class='row-changed']/td")
    assert [d.text_content() for d in old.xpath("./del")] == ["August 2026"]
    assert [i.text_content() for i in new.xpath("./ins")] == ["December 2027"]
    context = article_113.xpath(".//tr[@class='row-context']/td")
    assert [td.text_content() for td in context] == [
        "Chapters I and II shall apply from 2 February 2025."
    ] * 2
    added = dom.xpath("//section[@class='diff']/section[.//span[@class='label']='Article 112a']")[0]
    assert added.xpath(".//td[@class='old']")[0].text_content() == ""
    typography = dom.xpath("//section[@class='typography']//span[@class='label']")
    assert [t.text_content() for t in typography] == ["Article 3"]  # apart from the substance
    shot = tmp_path / "legal.png"
    screenshot(f"{server.url}/changes/{ids['legal']}", shot, width=1000, height=700)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_hostile_title_renders_as_inert_text(site: tuple[WebServer, dict[str, int], str]) -> None:
    server, ids, _ = site
    # The control: this browser does run a page's script when the page allows it.
    ran = lxml_html.fromstring(
        dump_dom("data:text/html,<title>x</title><script>document.title='pwned'</script>")
    )
    assert ran.findtext(".//title") == "pwned"
    titles_by_path = {
        f"/changes/{ids['hostile']}": HOSTILE_TITLE,  # its own title, literally: nothing replaced it
        "/changes?source=eu_edpb": "Changes",
        "/changes?q=pwned&label=all": "Changes",
    }
    for path in titles_by_path:
        dom = lxml_html.fromstring(dump_dom(server.url + path))
        assert dom.findtext(".//title") == f"{titles_by_path[path]} · AI regulation tracker", path
        assert dom.xpath("//main//script|//main//img|//*[@onerror]") == [], path
        assert HOSTILE_TITLE in dom.xpath("string(//main)"), path
    page = lxml_html.fromstring(dump_dom(f"{server.url}/changes/{ids['hostile']}"))
    assert page.xpath("//h1")[0].text_content() == HOSTILE_TITLE
    assert page.xpath("//main//*[@class='unsafe-url']")[0].text_content() == "javascript:alert(1)"


def test_link_from_a_slack_alert_opens_its_page(site: tuple[WebServer, dict[str, int], str]) -> None:
    server, ids, db_url = site
    engine = make_engine(db_url)
    with Session(engine) as session:
        change = session.get(Change, ids["legal"])
        assert change is not None
        payload = render_change_message(change)
    engine.dispose()
    # What the alert carries once wired: an "Open the diff" button to change_url([web].public_url, id).
    link = change_url(server.url + "/", change.id or 0)
    payload["blocks"].append(
        {
            "type": "actions",
            "elements": [
                {"type": "button", "text": {"type": "plain_text", "text": "Open the diff"}, "url": link}
            ],
        }
    )
    opened = json.loads(json.dumps(payload))["blocks"][-1]["elements"][0]["url"]
    assert opened == f"{server.url}/changes/{ids['legal']}"
    dom = lxml_html.fromstring(dump_dom(opened))
    assert dom.xpath("//h1")[0].text_content() == change.title
    assert dom.xpath("string(//p[@class='crumbs'])").strip().endswith(f"#{ids['legal']}")
    assert dom.xpath("//section[@class='diff']//ins")
