"""One event, one alert: the same action seen by several endpoints of several sources reaches Slack as one
top-level message with the others in its thread; distinct actions on one day stay apart; the digest
lists the event once with every link and its publication date; a page that gains a report is that report.

The regulators' wording below is modelled on the recorded FTC feed (tests/fixtures/recorded/ftc/) and the
Federal Register answers (tests/fixtures/recorded/fedreg/): RSS items and a documents.json `results` list.
The actions themselves are invented for the test.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from tests.fake_slack import FakeSlack
from tests.fault_site import use_loopback_only_guard
from tests.fixture_server import FixtureServer, Resp
from tests.paths import FIXTURES
from tracker.alerts.deliver import deliver_pending
from tracker.alerts.slack import SlackBotNotifier
from tracker.config import Config
from tracker.digest.collect import Period, collect
from tracker.digest.render import render
from tracker.pipeline.check import run_checks
from tracker.store.db import make_engine
from tracker.store.events import identifiers, same_title
from tracker.store.models import Change

RSS = "application/rss+xml"
SEOUL = ZoneInfo("Asia/Seoul")
BASE = "https://www.ftc.gov/news-events/news/press-releases/2026/07/"
ROBOTS = Resp(body="User-agent: *\nAllow: /\n", content_type="text/plain")
ACTION = (
    "FTC Takes Action Against Workado for Deceptive Claims About Its AI Content Detector",
    BASE + "ftc-takes-action-against-workado",
    "The FTC alleges Workado misrepresented the accuracy of its artificial intelligence content "
    "detection product. The Commission vote to issue the administrative complaint and accept the "
    "consent agreement was 3-0. (FTC File No. 232-3092)",
)
OTHER_ACTION = (
    "FTC Takes Action Against DoNotPay for Deceptive Claims About Its AI Lawyer Service",
    BASE + "ftc-takes-action-against-donotpay",
    "The FTC alleges DoNotPay claimed its artificial intelligence chatbot could replace a lawyer. "
    "(FTC File No. 232-3042)",
)


def rss(*items: tuple[str, str, str, str]) -> str:
    body = "".join(
        f"<item><title>{title}</title><link>{link}</link><description>{text}</description>"
        f'<pubDate>Mon, 20 Jul 2026 08:00:00 -0400</pubDate><guid isPermaLink="false">{guid}</guid></item>'
        for guid, title, link, text in items
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Press</title>{body}</channel></rss>'


def fedreg(*documents: dict[str, Any]) -> str:
    return json.dumps({"count": len(documents), "results": list(documents)})


NOTICE = {
    "document_number": "2026-14512",
    "title": "Workado, LLC; Analysis To Aid Public Comment",
    "type": "Notice",
    "abstract": "The consent agreement in this matter settles alleged violations of federal law prohibiting "
    "unfair or deceptive acts or practices in the marketing of an artificial intelligence content detector. "
    "File No. 232-3092.",
    "html_url": "https://www.federalregister.gov/documents/2026/07/24/2026-14512/workado-llc",
    "publication_date": "2026-07-24",
}
EARLIER = {
    "document_number": "2026-13001",
    "title": "Agency Information Collection Activities; Proposed Collection; Comment Request",
    "type": "Notice",
    "abstract": "A routine information collection on automated systems surveys.",
    "html_url": "https://www.federalregister.gov/documents/2026/07/10/2026-13001/collection",
    "publication_date": "2026-07-10",
}


def config(server: FixtureServer, fake: FakeSlack) -> Config:
    return Config.model_validate(
        {
            "fetch": {"allow_private_addresses": False, "per_host_delay": 0, "retries": 0},
            "slack": {"base_url": fake.base_url, "per_channel_interval": 0},
            "custom_sources": [
                {
                    "id": "ftc",
                    "jurisdiction": "US",
                    "regulator": "FTC",
                    "alert": "all",
                    "endpoints": [
                        {"id": "press", "url": server.url("/press.xml"), "parser": {"kind": "feed"}},
                        {"id": "consumer", "url": server.url("/consumer.xml"), "parser": {"kind": "feed"}},
                    ],
                },
                {
                    "id": "fedreg",
                    "jurisdiction": "US",
                    "regulator": "Federal Register",
                    "alert": "all",
                    "endpoints": [
                        {
                            "id": "documents",
                            "url": server.url("/documents.json"),
                            "parser": {
                                "kind": "json",
                                "items_path": "results",
                                "id_field": "document_number",
                                "title_field": "title",
                                "url_field": "html_url",
                                "date_field": "publication_date",
                                "summary_field": "abstract",
                            },
                        }
                    ],
                },
                {
                    "id": "news",
                    "jurisdiction": "US",
                    "regulator": "Tech news wire of the FTC",
                    "alert": "all",
                    "endpoints": [{"id": "wire", "url": server.url("/wire.xml"), "parser": {"kind": "feed"}}],
                },
            ],
            "sources": {},
            "tracker": {"builtin_sources": False},
        }
    )


def test_one_event_three_endpoints_one_message_and_distinct_actions_apart(
    http_server: FixtureServer, db_url: str, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_loopback_only_guard(monkeypatch)
    engine, cfg = make_engine(db_url), config(http_server, fake)
    old = ("100", "FTC Approves Final Order in Merger of Two Grocery Chains", BASE + "grocery", "A merger.")
    http_server.route("/robots.txt", ROBOTS)
    for path in ("/press.xml", "/consumer.xml", "/wire.xml"):
        http_server.route(path, Resp(body=rss(old), content_type=RSS))
    http_server.route("/documents.json", Resp(body=fedreg(EARLIER), content_type="application/json"))
    run_checks(cfg, engine, ["ftc", "fedreg", "news"])  # the silent baselines

    # The action: the press release (press feed), the same release in the consumer-protection feed (same
    # source, same URL), the Federal Register notice (another source, same FTC file number), a news wire
    # repeating the title (another source, same title). And another action of the same day.
    http_server.route(
        "/press.xml", Resp(body=rss(("201", *ACTION), ("202", *OTHER_ACTION), old), content_type=RSS)
    )
    http_server.route("/consumer.xml", Resp(body=rss(("201", *ACTION), old), content_type=RSS))
    wire = ("w9", ACTION[0], "https://wire.example/2026/07/20/workado", "Reported from the FTC's release.")
    http_server.route("/wire.xml", Resp(body=rss(wire, old), content_type=RSS))
    http_server.route("/documents.json", Resp(body=fedreg(NOTICE, EARLIER), content_type="application/json"))
    for names in (["ftc/press"], ["ftc/consumer"], ["fedreg"], ["news"]):  # in the order they publish
        run_checks(cfg, engine, names)
    deliver_pending(engine, cfg, SlackBotNotifier(fake.token, cfg))

    posted = fake.posted("ai-regulation")
    top = [m for m in posted if not m.get("thread_ts")]
    assert [m["blocks"][0]["text"]["text"] for m in top] == [ACTION[0], OTHER_ACTION[0]]
    replies = [m for m in posted if m.get("thread_ts") == top[0]["ts"]]
    assert len(replies) == 2 and all("Also published by" in str(r["blocks"]) for r in replies)
    assert "Federal Register" in str(replies[0]["blocks"]) and "232-3092" in str(replies[0]["blocks"])
    assert "same title" in str(replies[1]["blocks"])
    with Session(engine) as session:
        new_items = session.exec(select(Change).where(Change.kind == "new_item")).all()
    changes = {c.endpoint_key: c for c in new_items if c.title in (ACTION[0], NOTICE["title"])}
    root = changes["ftc/press"].id
    assert changes["ftc/press"].event_id is None  # the event starts with the press release
    assert changes["fedreg/documents"].event_id == changes["news/wire"].event_id
    assert changes["fedreg/documents"].event_reason.startswith("same FTC matter 232-3092")

    # The digest lists the event once, with every source's link and the release's own date.
    period = Period.ending(datetime.now(UTC) + timedelta(minutes=1), 14 * 86400, SEOUL)
    digest = collect(engine, period, "en", SEOUL)
    titles = [e.title for e in digest.entries]
    assert sorted(titles) == sorted([ACTION[0], OTHER_ACTION[0]])
    event = next(e for e in digest.entries if e.title == ACTION[0])
    assert {url for _, url in event.also} == {NOTICE["html_url"], wire[2]}
    assert event.day.isoformat() == "2026-07-20"  # published, not detected
    assert root is not None and root in event.change_ids
    markdown, html = render(digest, "markdown"), render(digest, "html")
    assert markdown.count(f"#### {ACTION[0]}") == 1
    assert "- Also published by: Federal Register (" in markdown and "Tech news wire of the FTC (" in markdown
    assert html.count("Also published by") == 1 and NOTICE["html_url"] in html
    assert "Also published by" in render(digest, "slack")


def test_identifiers_are_the_subjects_own_and_titles_must_really_match() -> None:
    own = identifiers(title="Commission Implementing Regulation (EU) 2026/2101 of 26 October 2026", url="")
    assert "eu-act:2026/2101" in own
    referring = identifiers(
        title="Guidelines on the scope of obligations under Regulation (EU) 2024/1689", url=""
    )
    assert "eu-act:2024/1689" not in referring  # a reference is not the subject
    assert "un:sgsm22776" in identifiers(title="", url="https://press.un.org/en/2025/sgsm22776.doc.htm")
    assert "un:sgsm22776" in identifiers(title="Secretary-General welcomes panel, SG/SM/22776", url="")
    assert same_title(ACTION[0], ACTION[0] + ".")
    assert not same_title(ACTION[0], OTHER_ACTION[0])  # two actions of one day, worded alike


def test_a_page_that_gains_a_report_is_that_report_once(
    http_server: FixtureServer, db_url: str, fake: FakeSlack, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The UN Advisory Body's page (reconstructed in its real shape) before and after its final report:
    the documents endpoint finds the report, the page endpoint gains its link; one alert, titled by the
    report, the page change in its thread and led by the report too."""
    use_loopback_only_guard(monkeypatch)
    page = (FIXTURES / "un/advisory_body_page.reconstructed.html").read_text("utf-8")
    report_lines = [line for line in page.splitlines() if "governing_ai_for_humanity_final_report" in line]
    before = "\n".join(line for line in page.splitlines() if line not in report_lines)
    http_server.route("/robots.txt", ROBOTS)
    for path in ("/ai-advisory-body", "/ai-advisory-body/page"):  # each endpoint sees before, then after
        http_server.route(path, Resp(body=before), Resp(body=page))
    cfg = Config.model_validate(
        {
            "fetch": {"allow_private_addresses": False, "per_host_delay": 0, "retries": 0},
            "slack": {"base_url": fake.base_url, "per_channel_interval": 0},
            "tracker": {"builtin_sources": False},
            "sources": {
                "un_ai_bodies": {
                    "enabled": True,
                    "endpoints": {
                        "advisory_body_documents": {"url": http_server.url("/ai-advisory-body")},
                        "advisory_body_page": {"url": http_server.url("/ai-advisory-body/page")},
                    },
                }
            },
        }
    )
    engine = make_engine(db_url)
    names = ["un_ai_bodies/advisory_body_documents", "un_ai_bodies/advisory_body_page"]
    for name in names:
        run_checks(cfg, engine, [name])  # baselines
    for name in names:
        run_checks(cfg, engine, [name])
    deliver_pending(engine, cfg, SlackBotNotifier(fake.token, cfg))

    with Session(engine) as session:
        page_change = session.exec(select(Change).where(Change.kind == "document_changed")).one()
    assert page_change.title == "Governing AI for Humanity - Final Report"
    assert page_change.url.endswith("/sites/un2.un.org/files/governing_ai_for_humanity_final_report_en.pdf")
    assert page_change.headline.startswith("new document on “")
    assert page_change.event_id is not None
    posted = fake.posted("ai-regulation")
    top = [m for m in posted if not m.get("thread_ts")]
    # One message: the page's change and the report's five translations reply in the report's thread.
    assert [m["blocks"][0]["text"]["text"] for m in top] == ["Governing AI for Humanity - Final Report"]
    replies = [m for m in posted if m.get("thread_ts") == top[0]["ts"]]
    assert len(replies) == len(posted) - 1 == 6
    assert sum("document in another language" in str(m["blocks"]) for m in replies) == 5
