"""Issue 14, findings 2 and 8, through the whole pipeline (loopback server, real httpx, run_checks, SQLite
and PostgreSQL): a word in the news never hides it, and the guards read the whole document.

- A feed, a list or a document whose own items quote a block page ("Access Denied ... Reference #18"),
  the reCAPTCHA widget's class, or the word CAPTCHA is content: the check is ok and the item is stored
  and alerted.
- A Cloudflare challenge padded above 64 KB is still a WAF answer; entity declarations hidden past the
  first 64 KB (or behind a decoy root tag in a comment) are still refused.

The pages below are written for these tests: the feeds follow tests/fault_site.py, the quoted block pages
follow the public shape of Akamai's reference page and Cloudflare's "Just a moment..." challenge (title,
`_cf_chl_opt` script, `/cdn-cgi/challenge-platform/` loader); none of them is a recording.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fault_site import (
    FEED_ITEMS,
    LIST_ROWS,
    RSS_TYPE,
    VICTIM,
    Site,
    alerts_of_kind,
    change_alert_keys,
    changes,
    check,
    html_list,
    rss,
    use_loopback_only_guard,
)
from tests.fixture_server import FixtureServer, Resp
from tracker.store.db import make_engine

# 19 ordinary items, then one more that quotes something a WAF or captcha page would say.
BASE_ITEMS = [
    (200 + n, f"Notice {n} on the supervision of artificial intelligence systems", f"Summary of notice {n}.")
    for n in range(19)
]
AKAMAI_QUOTE = (
    "The authority fines an AI chatbot provider whose users only saw &quot;Access Denied. You don't have "
    "permission to access this server. Reference #18.2f3c1b17.1726300000.5a1e2b3&quot; for weeks."
)
RECAPTCHA_CDATA = (
    "<![CDATA[<p>The AI Act guidance shows the markup regulators saw: "
    '<code>&lt;div class="g-recaptcha" data-sitekey="6Lc"&gt;</code> and '
    '<div class="g-recaptcha" data-sitekey="6LcQuoted"></div> inside the consultation form.</p>]]>'
)
HOSTILE_ITEMS = {
    "akamai_reference_in_description": (
        300,
        "Authority fines AI chatbot provider for blocking users",
        AKAMAI_QUOTE,
    ),
    "recaptcha_markup_in_cdata": (
        301,
        "AI Office publishes guidance on CAPTCHA and AI bots",
        RECAPTCHA_CDATA,
    ),
    "captcha_word_in_title": (
        302,
        "AI agents now solve CAPTCHA tests, regulator warns",
        "A g-recaptcha study.",
    ),
}


@pytest.fixture
def engine_site(http_server: FixtureServer, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)
    use_loopback_only_guard(monkeypatch)
    return make_engine(db_url), http_server, tmp_path


def _victim_alerted(engine, victim_changes_before: int = 0) -> None:  # type: ignore[no-untyped-def]
    victim_changes = [c for c in changes(engine) if c.endpoint_key == VICTIM]
    assert len(victim_changes) == victim_changes_before + 1, victim_changes
    assert VICTIM in change_alert_keys(engine)


@pytest.mark.parametrize("hostile", list(HOSTILE_ITEMS), ids=list(HOSTILE_ITEMS))
def test_a_feed_item_quoting_a_block_page_is_news(engine_site, hostile: str) -> None:  # type: ignore[no-untyped-def]
    engine, server, tmp_path = engine_site
    site = Site(server, "feed", tmp_path)
    site.serve_good()
    site.serve_victim(Resp(body=rss(*BASE_ITEMS), content_type=RSS_TYPE))
    config = site.config()
    baseline = check(config, engine)[VICTIM]
    assert baseline.ok and baseline.baseline, baseline

    site.serve_victim(Resp(body=rss(HOSTILE_ITEMS[hostile], *BASE_ITEMS), content_type=RSS_TYPE))
    report = check(config, engine)[VICTIM]
    assert (report.status, report.error_class) == ("ok", None), report.reason
    assert report.new == 1
    _victim_alerted(engine)
    assert alerts_of_kind(engine, "ops") == []


def test_a_news_list_about_captchas_and_block_pages_is_news(engine_site) -> None:  # type: ignore[no-untyped-def]
    engine, server, tmp_path = engine_site
    site = Site(server, "list", tmp_path)
    site.serve_good()
    config = site.config()
    assert check(config, engine)[VICTIM].baseline

    # A small HTML list (well under 16 KB) whose new rows say CAPTCHA, g-recaptcha and "Access denied".
    rows = [
        (7101, "Guidance on AI systems that defeat CAPTCHA and g-recaptcha checks", 16),
        (7102, "Access denied: AI provider fined, users saw Reference #18.2f3c1b17", 16),
        *LIST_ROWS,
    ]
    site.serve_victim(Resp(body=html_list(rows)))
    report = check(config, engine)[VICTIM]
    assert (report.status, report.error_class) == ("ok", None), report.reason
    assert report.new == 2
    assert [c.endpoint_key for c in changes(engine)].count(VICTIM) == 2


def test_a_document_quoting_an_akamai_page_is_a_change(engine_site) -> None:  # type: ignore[no-untyped-def]
    engine, server, tmp_path = engine_site
    site = Site(server, "doc", tmp_path)
    site.serve_good()
    config = site.config()
    assert check(config, engine)[VICTIM].baseline

    quoting = (
        "<html><head><title>AI rules</title></head><body><main><h1>Rules on artificial intelligence</h1>"
        "<p>Article 1. Providers of AI systems shall keep logs.</p>"
        "<p>Article 2. A provider shall not answer a person with Access Denied, Reference #18.2f3c1b17, "
        "or a CAPTCHA (a g-recaptcha or h-captcha widget) in place of an explanation.</p></main>"
        "</body></html>"
    )
    site.serve_victim(Resp(body=quoting))
    report = check(config, engine)[VICTIM]
    assert (report.status, report.error_class) == ("ok", None), report.reason
    assert report.document_changed


# -- finding 8: past the first 64 KB ---------------------------------------------------------------------

CLOUDFLARE_CHALLENGE = (
    '<!DOCTYPE html><html lang="en-US"><head><title>Just a moment...</title>'
    '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">'
    '<meta name="robots" content="noindex,nofollow"><style>{padding}</style></head>'
    '<body><div class="main-wrapper" role="main"><div class="main-content">'
    '<noscript><span id="challenge-error-text">Enable JavaScript and cookies to continue</span></noscript>'
    "</div></div><script>(function(){{window._cf_chl_opt={{cvId: '3',cZone: 'reg.example',cType: 'managed'}};"
    "var cpo=document.createElement('script');"
    "cpo.src='/cdn-cgi/challenge-platform/h/g/orchestrate/chl_page/v1?ray=8c1f';"
    "document.getElementsByTagName('head')[0].appendChild(cpo);}}());</script></body></html>"
)


@pytest.mark.parametrize("status", [403, 200])
def test_a_cloudflare_challenge_padded_above_64_kb_is_a_waf_answer(engine_site, status: int) -> None:  # type: ignore[no-untyped-def]
    engine, server, tmp_path = engine_site
    site = Site(server, "doc", tmp_path)
    site.serve_good()
    config = site.config()
    assert check(config, engine)[VICTIM].baseline

    padding = ".c{margin:0}" * 7000  # ~84 KB of inline CSS before the challenge itself
    body = CLOUDFLARE_CHALLENGE.format(padding=padding)
    assert len(body) > 80_000
    site.serve_victim(Resp(status, body, headers={"Server": "cloudflare", "CF-RAY": "8c1f-AMS"}))
    report = check(config, engine)[VICTIM]
    assert (report.status, report.error_class) == ("blocked", "waf"), report.reason
    assert "Cloudflare" in report.reason
    assert [c.endpoint_key for c in changes(engine)].count(VICTIM) == 0


def _laughs() -> str:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    return f"<!DOCTYPE rss [{entities}]>"


@pytest.mark.parametrize(
    "prolog",
    [
        pytest.param(lambda: "<!--" + "x" * 70_000 + "-->" + _laughs(), id="doctype_after_64_kb"),
        pytest.param(lambda: "<!-- <rss> -->" + _laughs(), id="decoy_root_in_a_comment"),
    ],
)
def test_entity_declarations_anywhere_in_the_prolog_are_refused(engine_site, prolog) -> None:  # type: ignore[no-untyped-def]
    engine, server, tmp_path = engine_site
    site = Site(server, "feed", tmp_path)
    site.serve_good()
    config = site.config()
    assert check(config, engine)[VICTIM].baseline

    bomb = (FEED_ITEMS[0][0], "&lol9; " + FEED_ITEMS[0][1], FEED_ITEMS[0][2])
    site.serve_victim(Resp(body=rss(bomb, *FEED_ITEMS[1:], prolog=prolog()), content_type=RSS_TYPE))
    report = check(config, engine)[VICTIM]
    assert (report.status, report.error_class) == ("broken", "parse"), report.reason
    assert "entities" in report.reason
    assert [c.endpoint_key for c in changes(engine)].count(VICTIM) == 0
