"""The fault matrix: a fault served to one source, through the whole pipeline, while two sources stay healthy.

For every fault: the victim's report and stored health carry the expected status and error class; no change
and no content alert come from the victim; the healthy feed and document keep their baseline and report a
change made during the fault; one operations alert is queued when the failures reach the threshold (not one
per failed check) and one when the good content returns, and the recovery itself produces no change. A real
change of the victim after recovery is then detected, so the fault left its stored state intact.

Faults a robust decoder should absorb (a wrong charset label) are expected to be read correctly: status ok,
no change, no operations alert. Fetch-level details (retry counts, messages) live in tests/test_fetch.py.
"""

from __future__ import annotations

import gzip
import json
import socket
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest
from sqlmodel import Session

from tests.fault_site import (
    DOC,
    FEED,
    FEED_ITEMS,
    LIST_ROWS,
    VICTIM,
    ZH_PARAGRAPHS,
    Site,
    alerts_of_kind,
    change_alert_keys,
    changes,
    check,
    html_list,
    rss,
    use_loopback_only_guard,
    zh_page,
)
from tests.fixture_server import FixtureServer, Resp, file_resp
from tests.paths import SAMPLES
from tracker.store.db import make_engine
from tracker.store.models import SourceState

FAULT_CHECKS = 3  # one more than the ops threshold (2): the second alert must not come
# A fault either leaves the victim's URL alone (None) or points it elsewhere (a closed port, https).
Serve = Callable[[Site, ExitStack], str | None]


@dataclass(frozen=True)
class Fault:
    id: str
    victim: str  # kind of endpoint the fault hits: list | feed | doc | doc_zh
    status: str  # expected ResponseStatus of the victim during the fault
    error_class: str | None
    serve: Serve
    bug: str | None = None  # a known defect: the case is an expected failure until it is fixed
    slow: bool = False  # waits out timeouts or Retry-After (seconds, not milliseconds)


def answer(*responses: Resp | Callable[[], Resp]) -> Serve:
    def serve(site: Site, stack: ExitStack) -> None:
        site.serve_victim(*(r if isinstance(r, Resp) else r() for r in responses))

    return serve


def refused(site: Site, stack: ExitStack) -> str:
    # A bound socket that never listens: connections to it are refused for as long as the test holds it.
    sock = stack.enter_context(socket.socket())
    sock.bind(("127.0.0.1", 0))
    return f"http://127.0.0.1:{sock.getsockname()[1]}/victim"


def over_tls(site: Site, stack: ExitStack) -> str:
    return site.victim_url.replace("http://", "https://")  # the fixture server speaks plain HTTP


def redirect_to(target: str) -> Serve:
    return answer(Resp(302, b"", headers={"Location": target}))


def redirect_loop(site: Site, stack: ExitStack) -> None:
    site.serve_victim(Resp(302, b"", headers={"Location": "/victim-moved"}))
    site.server.route("/victim-moved", Resp(302, b"", headers={"Location": "/victim"}))


def robots_disallow(site: Site, stack: ExitStack) -> None:
    site.server.route(
        "/robots.txt", Resp(body="User-agent: *\nDisallow: /victim\n", content_type="text/plain")
    )


def eurlex_waf_202() -> Resp:
    """The recorded EUR-Lex answer to a script: status line and headers, empty body."""
    text = (SAMPLES / "eu" / "eurlex_frontend_http202_waf_challenge_headers_2026-09-11.txt").read_text()
    status_line, *lines = [line for line in text.splitlines() if line.strip()]
    headers = dict(line.split(": ", 1) for line in lines)
    content_type = headers.pop("content-type")
    for own in ("content-length", "connection", "date", "server"):  # the fixture server writes these
        headers.pop(own)
    return Resp(int(status_line.split()[1]), b"", headers=headers, content_type=content_type)


def eurlex_js_challenge() -> Resp:
    return file_resp(SAMPLES / "eu" / "eurlex_legal-content_aws_waf_challenge_stub.html")


@cache
def gzip_bomb() -> bytes:
    """16 MiB of zeros in ~16 KiB: the announced length passes the 0.5 MB cap, the inflated body does not."""
    return gzip.compress(bytes(16 * 1024 * 1024), compresslevel=9)


def trickled_list() -> Resp:
    # ~3 KB at one byte per 10 ms: every byte well inside the 1 s read timeout, the whole far beyond the
    # 2 s total timeout.
    rows = [(8000 + i, f"Item number {i} of a very long list", 1 + i % 28) for i in range(40)]
    return Resp(body=html_list(rows), trickle=0.01)


def undecodable_doc() -> Resp:
    # Declared UTF-8, but most bytes are invalid in UTF-8 and explained by no other charset either.
    junk = bytes(range(0x80, 0x100)) * 24
    return Resp(body=b"<html><body><main><p>" + junk + b"</p></main></body></html>")


def cut_off_feed() -> Resp:
    # The feed stops in the middle of its third item (a generator that died; Content-Length is right).
    body = rss(*FEED_ITEMS)
    return Resp(
        body=body[: body.index("<item>", body.index("<item>", body.index("<item>") + 1) + 1) + 40],
        content_type="application/rss+xml",
    )


def billion_laughs_feed() -> Resp:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    bomb = (FEED_ITEMS[0][0], "&lol9; " + FEED_ITEMS[0][1], FEED_ITEMS[0][2])
    body = rss(bomb, *FEED_ITEMS[1:], prolog=f"<!DOCTYPE rss [{entities}]>")
    return Resp(body=body, content_type="application/rss+xml")


def html_instead_of_feed() -> Resp:
    paragraphs = "".join(
        f"<p>Our website is being updated (notice {i}). Please come back later.</p>" for i in range(30)
    )
    return Resp(
        body=f"<html><body><h1>Maintenance</h1>{paragraphs}</body></html>", content_type="application/rss+xml"
    )


def zh_with_label(label: str) -> Resp:
    # Same text, re-serialised (other whitespace: new bytes, so no skip by hash), under a wrong label.
    return Resp(body=zh_page(ZH_PARAGRAPHS, spacing="\n  "), content_type=f"text/html; charset={label}")


FAULTS = [
    Fault("connection_refused", "list", "error", "connect", refused),
    Fault("timeout", "list", "error", "timeout", answer(Resp(body=html_list(LIST_ROWS), delay=4)), slow=True),
    Fault("slow_trickle_body", "list", "error", "timeout", answer(trickled_list), slow=True),
    Fault("http_500", "list", "error", "http_5xx", answer(Resp(500, "Internal Server Error"))),
    Fault(
        "http_503_retry_after",
        "list",
        "error",
        "http_5xx",
        answer(Resp(503, "Service Unavailable", headers={"Retry-After": "1"})),
        slow=True,
    ),
    Fault(
        "http_429",
        "list",
        "error",
        "rate_limited",
        answer(Resp(429, "Too Many Requests", headers={"Retry-After": "3600"})),
    ),
    Fault("http_404", "list", "error", "http_4xx", answer(Resp(404, "Not Found"))),
    Fault("http_410", "list", "error", "http_4xx", answer(Resp(410, "Gone"))),
    Fault("http_403", "list", "blocked", "auth", answer(Resp(403, "<h1>Forbidden</h1>"))),
    Fault("waf_202_empty_eurlex", "doc", "blocked", "waf", answer(eurlex_waf_202)),
    Fault("js_challenge_page_eurlex", "doc", "blocked", "waf", answer(eurlex_js_challenge)),
    Fault(
        "truncated_body", "list", "error", "connect", answer(Resp(body=html_list(LIST_ROWS), truncate_to=120))
    ),
    Fault(
        "gzip_bomb",
        "list",
        "error",
        "too_large",
        answer(lambda: Resp(raw_gzip=gzip_bomb(), content_type="text/html")),
    ),
    Fault(
        "body_over_size_cap",
        "doc",
        "error",
        "too_large",
        answer(Resp(body="<p>" + "Article 1. " * 100_000 + "</p>")),
    ),
    Fault(
        "corrupt_gzip",
        "list",
        "error",
        "decode",
        answer(Resp(raw_gzip=b"\x1f\x8b\x08\x00" + b"not a deflate stream" * 20, content_type="text/html")),
    ),
    Fault("invalid_utf8", "doc", "error", "decode", answer(undecodable_doc)),
    Fault("wrong_charset_header_utf8", "doc_zh", "ok", None, answer(lambda: zh_with_label("utf-8"))),
    Fault(
        "wrong_charset_header_latin1",
        "doc_zh",
        "ok",
        None,
        answer(lambda: zh_with_label("iso-8859-1")),
    ),
    Fault("malformed_rss_cut_off", "feed", "broken", "parse", answer(cut_off_feed)),
    Fault("feed_answers_html", "feed", "broken", "parse", answer(html_instead_of_feed)),
    Fault("xml_entity_expansion", "feed", "broken", "parse", answer(billion_laughs_feed)),
    Fault("redirect_loop", "list", "error", "redirects", redirect_loop),
    Fault("redirect_to_private_10", "list", "error", "private_address", redirect_to("http://10.0.0.1/news")),
    Fault(
        "redirect_to_metadata_169_254",
        "list",
        "error",
        "private_address",
        redirect_to("http://169.254.169.254/latest/meta-data/"),
    ),
    Fault("tls_failure", "list", "error", "tls", over_tls),
    Fault(
        "layout_changed_zero_items",
        "list",
        "broken",
        "parse",
        answer(Resp(body=html_list(LIST_ROWS, redesigned=True))),
    ),
    Fault("robots_disallow", "list", "disallowed", "robots", robots_disallow),
]


def _params() -> list[object]:
    params = []
    for f in FAULTS:
        marks = [pytest.mark.xfail(strict=True, reason=f.bug)] if f.bug else []
        params.append(pytest.param(f, id=f.id, marks=[*marks, pytest.mark.slow] if f.slow else marks))
    return params


@pytest.mark.parametrize("fault", _params())
def test_fault_is_contained(
    fault: Fault, http_server: FixtureServer, db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SLACK_BOT_TOKEN", raising=False)  # no diff-file alerts: only what the check queues
    use_loopback_only_guard(monkeypatch)
    engine = make_engine(db_url)
    site = Site(http_server, fault.victim, tmp_path)
    site.serve_good()
    config = site.config()
    tolerated = fault.status == "ok"

    baseline = check(config, engine)
    assert all(r.ok and r.baseline for r in baseline.values()), baseline

    with ExitStack() as stack:
        fault_config = site.config(fault.serve(site, stack))
        for n in range(1, FAULT_CHECKS + 1):
            if n == 2:
                site.change_healthy()  # the healthy sources change while the victim is failing
            reports = check(fault_config, engine)
            victim = reports[VICTIM]
            assert (victim.status, victim.error_class) == (fault.status, fault.error_class), victim.reason
            assert tolerated or victim.reason  # an operator can act on it
            assert victim.new == victim.changed == victim.removed == 0 and not victim.document_changed
            assert reports[FEED].ok and reports[DOC].ok, reports
            if n == 2:
                assert reports[FEED].new == 1 and reports[DOC].document_changed
            # threshold 2: once, then never again; a blind endpoint (broken, drift) at once
            blind = fault.status in ("broken", "drift")
            expected_ops = 0 if tolerated or (n < 2 and not blind) else 1
            assert len(alerts_of_kind(engine, "ops")) == expected_ops, n
    assert [c.endpoint_key for c in changes(engine)].count(VICTIM) == 0

    with Session(engine) as session:
        state = session.get(SourceState, VICTIM)
        assert state is not None
        assert (state.status, state.error_class) == (fault.status, fault.error_class)
        assert state.consecutive_failures == (0 if tolerated else FAULT_CHECKS)

    # Recovery: the good content again, byte for byte.
    site.restore_victim()
    recovered = check(config, engine)[VICTIM]
    assert recovered.ok and not recovered.baseline, recovered
    assert recovered.new == recovered.changed == recovered.removed == 0 and not recovered.document_changed
    ops = alerts_of_kind(engine, "ops")
    if tolerated:
        assert ops == []
    else:
        failing, back = (json.loads(a.payload) for a in ops)  # exactly two
        assert (failing["subject"], failing["broadcast"]) == (VICTIM, False)
        # No ops channel here: the recovery replies quietly in the notice's thread of the team channel
        # (broadcast only in a channel of its own).
        assert (back["subject"], back["broadcast"]) == (VICTIM, bool(config.slack.ops_channel))
        assert "recovered" in back["text"].lower()

    # Nothing so far came from the victim: only the healthy sources' changes, each with its alert.
    assert sorted(c.endpoint_key for c in changes(engine)) == sorted([FEED, DOC])
    assert sorted(change_alert_keys(engine)) == sorted([FEED, DOC])

    # And the victim's stored state survived: its next real change is reported, once.
    site.change_victim()
    after = check(config, engine)
    assert after[VICTIM].new == 1 or after[VICTIM].document_changed, after[VICTIM]
    assert after[FEED].unchanged and after[DOC].unchanged
    victim_changes = [c for c in changes(engine) if c.endpoint_key == VICTIM]
    assert len(victim_changes) == 1 and victim_changes[0].kind in ("new_item", "document_changed")
    assert len(alerts_of_kind(engine, "ops")) == (0 if tolerated else 2)
