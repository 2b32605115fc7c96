"""classify_response: what a fetch amounted to, before anything is diffed.

The short challenge and block pages below are minimal strings carrying the public markers of each
vendor's page (not recordings); the EUR-Lex cases use the recorded samples.
"""

from __future__ import annotations

import pytest

from tests.paths import SAMPLES
from tracker.pipeline.classify_response import SMALL_BODY, classify_response
from tracker.types import ErrorClass, FetchResult, ResponseStatus, Verdict

REAL_PAGE = b"<html><body>" + b"<p>Article 5 Prohibited AI practices</p>" * 200 + b"</body></html>"


def result(
    status: int | None = 200,
    body: bytes = REAL_PAGE,
    headers: dict[str, str] | None = None,
    error_class: ErrorClass | None = None,
    error: str | None = None,
) -> FetchResult:
    return FetchResult(
        url="https://example.org/x",
        final_url="https://example.org/x",
        status_code=status,
        headers=headers if headers is not None else {"content-type": "text/html; charset=utf-8"},
        body=body,
        elapsed_s=0.1,
        error_class=error_class,
        error=error,
    )


def classify(r: FetchResult, last_good_size: int | None = None) -> Verdict:
    return classify_response(r, last_good_size=last_good_size, shrink_ratio=0.2)


def test_ordinary_page_is_ok() -> None:
    v = classify(result(), last_good_size=len(REAL_PAGE))
    assert (v.status, v.error_class) == (ResponseStatus.OK, None)


def test_304_is_not_modified() -> None:
    assert classify(result(304, b"")).status is ResponseStatus.NOT_MODIFIED


def test_eurlex_202_empty_with_waf_header_is_blocked() -> None:
    v = classify(result(202, b"", {"x-amzn-waf-action": "challenge", "content-length": "0"}))
    assert (v.status, v.error_class) == (ResponseStatus.BLOCKED, ErrorClass.WAF)


def test_202_empty_without_header_is_blocked() -> None:
    v = classify(result(202, b"", {}))
    assert (v.status, v.error_class) == (ResponseStatus.BLOCKED, ErrorClass.WAF)
    assert "202" in v.reason


def test_202_with_a_body_is_not_a_waf() -> None:
    assert classify(result(202, b'{"job": "queued"}')).status is ResponseStatus.OK


def test_waf_header_wins_even_over_a_full_body() -> None:
    v = classify(result(200, REAL_PAGE, {"x-amzn-waf-action": "captcha"}))
    assert (v.status, v.error_class) == (ResponseStatus.BLOCKED, ErrorClass.WAF)


def test_eurlex_challenge_stub_sample_is_blocked() -> None:
    stub = (SAMPLES / "eu" / "eurlex_legal-content_aws_waf_challenge_stub.html").read_bytes()
    v = classify(result(200, stub), last_good_size=None)
    assert (v.status, v.error_class) == (ResponseStatus.BLOCKED, ErrorClass.WAF)
    assert "AWS WAF" in v.reason


@pytest.mark.parametrize(
    ("body", "who"),
    [
        (b"<html><head><title>Just a moment...</title></head><body></body></html>", "Cloudflare"),
        (b'<script>window._cf_chl_opt={cvId: "3"};</script>', "Cloudflare"),
        (b'<script src="/cdn-cgi/challenge-platform/h/b/orchestrate/chl_page/v1"></script>', "Cloudflare"),
        (b'<iframe src="/_Incapsula_Resource?CWUDNSAI=9"></iframe>', "Incapsula"),
        (
            b"<HTML><HEAD><TITLE>Access Denied</TITLE></HEAD><BODY><H1>Access Denied</H1>"
            b"You don't have permission to access this server.<P>"
            b"Reference&#32;&#35;18&#46;5c2e</BODY></HTML>",
            "Akamai",
        ),
    ],
)
def test_challenge_pages_are_blocked(body: bytes, who: str) -> None:
    v = classify(result(200, body))
    assert (v.status, v.error_class) == (ResponseStatus.BLOCKED, ErrorClass.WAF)
    assert who in v.reason


def test_cloudflare_bot_script_on_an_ordinary_page_is_not_a_challenge() -> None:
    body = REAL_PAGE.replace(
        b"</body>", b"<script>a.src='/cdn-cgi/challenge-platform/scripts/jsd/main.js';</script></body>"
    )
    assert classify(result(200, body)).status is ResponseStatus.OK


def test_markers_in_a_large_page_do_not_block() -> None:
    filler = b"<p>text</p>" * (SMALL_BODY // 10)
    body = b"<html><body><p>How AWS WAF uses gokuProps.</p>" + filler + b"</body>"
    assert len(body) > SMALL_BODY
    assert classify(result(200, body)).status is ResponseStatus.OK


def test_recaptcha_page_is_captcha() -> None:
    body = b'<html><body><form><div class="g-recaptcha" data-sitekey="x"></div></form></body></html>'
    v = classify(result(200, body))
    assert (v.status, v.error_class) == (ResponseStatus.BLOCKED, ErrorClass.CAPTCHA)


def test_small_html_page_asking_for_captcha_is_captcha() -> None:
    # A home-made captcha: the shape (a form with a captcha image and field) makes it one, not the word.
    body = (
        b'<html><head><title>Security check</title></head><body><form action="/verify" method="post">'
        b'<p>Please complete the CAPTCHA to continue.</p><img src="/captcha.php?id=7">'
        b'<input name="captcha_answer"><button>Continue</button></form></body></html>'
    )
    assert classify(result(200, body)).error_class is ErrorClass.CAPTCHA


def test_feed_item_about_captchas_is_not_a_captcha_page() -> None:
    body = (
        b'<?xml version="1.0"?><rss><channel><item><title>AI agents now solve CAPTCHA tests</title>'
        b"</item></channel></rss>"
    )
    v = classify(result(200, body, {"content-type": "application/rss+xml"}))
    assert v.status is ResponseStatus.OK


@pytest.mark.parametrize("status", [401, 403, 451])
def test_auth_statuses_are_blocked(status: int) -> None:
    v = classify(result(status, b"<h1>no</h1>", error_class=ErrorClass.HTTP_4XX, error=f"HTTP {status}"))
    assert (v.status, v.error_class) == (ResponseStatus.BLOCKED, ErrorClass.AUTH)
    assert str(status) in v.reason


def test_cloudflare_403_challenge_is_waf_not_auth() -> None:
    body = b"<html><head><title>Just a moment...</title></head></html>"
    v = classify(result(403, body, error_class=ErrorClass.HTTP_4XX))
    assert v.error_class is ErrorClass.WAF


def test_shrunk_body_is_blocked() -> None:
    v = classify(result(200, REAL_PAGE[: len(REAL_PAGE) // 10]), last_good_size=len(REAL_PAGE))
    assert (v.status, v.error_class) == (ResponseStatus.BLOCKED, ErrorClass.SHRUNK)
    assert str(len(REAL_PAGE)) in v.reason


def test_moderately_smaller_body_is_ok() -> None:
    v = classify(result(200, REAL_PAGE[: len(REAL_PAGE) // 2]), last_good_size=len(REAL_PAGE))
    assert v.status is ResponseStatus.OK


def test_shrink_ratio_zero_disables_the_check() -> None:
    r = result(200, REAL_PAGE[:100])
    assert classify_response(r, last_good_size=len(REAL_PAGE), shrink_ratio=0).status is ResponseStatus.OK


def test_empty_200_is_an_error() -> None:
    v = classify(result(200, b""))
    assert (v.status, v.error_class) == (ResponseStatus.ERROR, ErrorClass.PARSE)
    assert "empty body" in v.reason


def test_robots_refusal_is_disallowed() -> None:
    r = result(None, b"", {}, ErrorClass.ROBOTS, "robots.txt disallows this URL (rule: Disallow: /x)")
    v = classify(r)
    assert (v.status, v.error_class) == (ResponseStatus.DISALLOWED, ErrorClass.ROBOTS)
    assert "Disallow: /x" in v.reason


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (None, ErrorClass.CONNECT),
        (None, ErrorClass.TIMEOUT),
        (None, ErrorClass.TLS),
        (None, ErrorClass.PRIVATE_ADDRESS),
        (200, ErrorClass.TOO_LARGE),
        (200, ErrorClass.TIMEOUT),  # the body did not finish in time
        (302, ErrorClass.REDIRECTS),
        (404, ErrorClass.HTTP_4XX),
        (410, ErrorClass.HTTP_4XX),
        (500, ErrorClass.HTTP_5XX),
        (429, ErrorClass.RATE_LIMITED),
    ],
)
def test_fetch_errors_are_errors(status: int | None, error_class: ErrorClass) -> None:
    v = classify(result(status, b"", {}, error_class, f"{error_class} happened"))
    assert (v.status, v.error_class) == (ResponseStatus.ERROR, error_class)
    assert v.reason == f"{error_class} happened"


def test_300_multiple_choices_is_read() -> None:
    body = b'<html><body><a href="/part1">Part 1</a><a href="/part2">Part 2</a></body></html>'
    assert classify(result(300, body)).status is ResponseStatus.OK


# -- shape, not words (issue 14, finding 2) ------------------------------------------------------------


def test_more_vendor_pages_are_blocked() -> None:
    pages = {
        "DataDome": b'<html><head><title>reg.example</title></head><body><p id="cmsg">Please enable JS</p>'
        b"<script>var dd={'rt':'c','host':'geo.captcha-delivery.com'}</script>"
        b'<script src="https://ct.captcha-delivery.com/c.js"></script></body></html>',
        "Sucuri": b"<html><head><title>Sucuri WebSite Firewall - Access Denied</title></head>"
        b"<body><h2>Access Denied - Sucuri Website Firewall</h2></body></html>",
        "F5": b"<html><head><title>Request Rejected</title></head><body>The requested URL was rejected. "
        b"Please consult with your administrator.<br><br>Your support ID is: 1234</body></html>",
        "Incapsula": b'<html><head><META NAME="ROBOTS" CONTENT="NOINDEX, NOFOLLOW"></head><body>'
        b'<iframe id="main-iframe" src="/_Incapsula_Resource?CWUDNSAI=9&incident_id=1">'
        b"Request unsuccessful. Incapsula incident ID: 1-2</iframe></body></html>",
    }
    for who, body in pages.items():
        v = classify(result(200, body))
        assert (v.status, v.error_class) == (ResponseStatus.BLOCKED, ErrorClass.WAF), who
        assert who in v.reason


def test_a_cloudflare_challenge_padded_past_64_kb_is_still_a_challenge() -> None:
    body = (
        b"<html><head><title>Just a moment...</title><style>"
        + b".c{margin:0}" * 8000
        + b"</style></head><body><script>window._cf_chl_opt={cvId: '3'};</script></body></html>"
    )
    assert len(body) > SMALL_BODY
    v = classify(result(403, body, error_class=ErrorClass.HTTP_4XX))
    assert (v.status, v.error_class) == (ResponseStatus.BLOCKED, ErrorClass.WAF)


@pytest.mark.parametrize(
    "quote",
    [
        "Access Denied. You don't have permission to access this server. Reference #18.2f3c1b17.1726",
        "Sites use g-recaptcha and h-captcha widgets; AI agents now solve CAPTCHA tests.",
        "The rule covers _cf_chl_opt, gokuProps and /cdn-cgi/challenge-platform/ scripts.",
        "Incapsula incident ID 1-2 and Sucuri WebSite Firewall pages were shown to users.",
    ],
)
def test_block_page_words_inside_feed_items_are_content(quote: str) -> None:
    item = f"<item><title>AI enforcement</title><description><![CDATA[<p>{quote}</p>]]></description></item>"
    body = f'<?xml version="1.0"?><rss version="2.0"><channel>{item}</channel></rss>'.encode()
    assert classify(result(200, body, {"content-type": "application/rss+xml"})).status is ResponseStatus.OK
    as_json = f'{{"items": [{{"title": "AI enforcement", "summary": "{quote}"}}]}}'.encode()
    assert classify(result(200, as_json, {"content-type": "application/json"})).status is ResponseStatus.OK


def test_block_page_words_inside_an_html_list_are_content() -> None:
    rows = "".join(
        f'<li><a href="/news/{n}">AI notice {n}: Access Denied, Reference #18.{n}; g-recaptcha; '
        f"CAPTCHA</a></li>"
        for n in range(3)
    )
    body = f"<html><head><title>News</title></head><body><ul>{rows}</ul></body></html>".encode()
    assert classify(result(200, body)).status is ResponseStatus.OK


def test_an_article_titled_access_denied_with_a_reference_is_content() -> None:
    article = (
        "<p>The court found that users saw a page saying Reference #18.2f. The provider appealed.</p>" * 40
    )
    body = f"<html><head><title>Access denied</title></head><body>{article}</body></html>".encode()
    assert classify(result(200, body)).status is ResponseStatus.OK


def test_a_recaptcha_form_on_a_full_page_is_content() -> None:
    form = b'<form action="/comment"><div class="g-recaptcha" data-sitekey="x"></div></form>'
    body = REAL_PAGE.replace(b"</body>", form + b"</body>")
    assert classify(result(200, body)).status is ResponseStatus.OK


def test_a_recaptcha_form_page_of_the_usual_size_is_content() -> None:
    # A small consultation form that always looks like this: its usual size says it is the page.
    body = (
        b'<html><body><p>Comment on the draft</p><form><div class="g-recaptcha"></div></form></body></html>'
    )
    assert classify(result(200, body), last_good_size=len(body)).status is ResponseStatus.OK
    assert classify(result(200, body), last_good_size=len(body) * 3).error_class is ErrorClass.CAPTCHA


def test_a_captcha_widget_script_on_a_stub_far_smaller_than_usual_is_captcha() -> None:
    body = REAL_PAGE[:3000] + b'<script src="https://www.google.com/recaptcha/api.js"></script>'
    v = classify(result(200, body), last_good_size=len(REAL_PAGE) * 10)
    assert (v.status, v.error_class) == (ResponseStatus.BLOCKED, ErrorClass.CAPTCHA)


def test_a_captcha_sentence_without_a_widget_is_not_a_captcha_page() -> None:
    # Words alone decide nothing: the extractor then finds no items and reports the endpoint broken.
    body = b"<html><head><title>Notice</title></head><body><p>AI bots and CAPTCHA rules.</p></body></html>"
    assert classify(result(200, body)).status is ResponseStatus.OK
