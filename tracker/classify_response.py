"""Decide what a fetch amounted to before anything is diffed (SOURCES.md rule 1: blocked is not empty).

A WAF challenge, a captcha, a 403 or a page that suddenly shrank to a stub must never reach the differ:
diffing EUR-Lex's 2 KB challenge page against the AI Act would report the Act as deleted.
"""

from __future__ import annotations

from tracker.decode import sniff_kind
from tracker.types import ErrorClass, FetchResult, ResponseStatus, Verdict

# Challenge and block pages are small; real pages may mention these words (a consultation page with a
# reCAPTCHA form, Cloudflare's bot script on every page), so markers are only read in small bodies.
SMALL_BODY = 64 * 1024

# (marker, who): specific strings of challenge/block pages, matched case-insensitively.
_WAF_MARKERS: tuple[tuple[bytes, str], ...] = (
    (b"awswafcookiedomainlist", "AWS WAF challenge"),
    (b"gokuprops", "AWS WAF challenge"),
    (b"awswafintegration", "AWS WAF challenge"),
    (b"token.awswaf.com", "AWS WAF challenge"),
    (b"challenge-platform", "Cloudflare challenge"),
    (b"cf-chl", "Cloudflare challenge"),
    (b"cf_chl_opt", "Cloudflare challenge"),
    (b"<title>just a moment...</title>", "Cloudflare challenge"),
    (b"_incapsula_resource", "Imperva Incapsula block"),
    (b"incapsula incident id", "Imperva Incapsula block"),
    (b"captcha-delivery.com", "DataDome challenge"),
    (b"sucuri website firewall", "Sucuri firewall block"),
    (b"<title>request rejected</title>", "F5 ASM block"),
    (b"the requested url was rejected", "F5 ASM block"),
)
# Akamai's reference page: "<H1>Access Denied</H1> ... Reference&#32;&#35;18&#46;..."
_AKAMAI_TITLE = b"access denied"
_AKAMAI_REFERENCE = (b"reference&#32;&#35;", b"reference #", b"errors.edgesuite.net")
_CAPTCHA_MARKERS: tuple[bytes, ...] = (
    b"g-recaptcha",
    b"h-captcha",
    b"hcaptcha.com",
    b"recaptcha/api.js",
    b"px-captcha",
)
# The bare word "captcha" also appears in news about bots: only a small HTML page counts.
_GENERIC_CAPTCHA = b"captcha"
SMALL_PAGE = 16 * 1024
# Cloudflare injects this bot-detection script into ordinary pages; it is not a challenge.
_CLOUDFLARE_JSD = b"challenge-platform/scripts/jsd"
_AUTH_STATUSES = {
    401: "401 Unauthorized: the server wants credentials",
    403: "403 Forbidden: the server refuses this client",
    451: "451 Unavailable For Legal Reasons: the server refuses to serve this content here",
}
# Errors that happened while reading the answer: they outrank anything the partial answer says.
_TRANSPORT_ERRORS = {
    ErrorClass.CONNECT,
    ErrorClass.TIMEOUT,
    ErrorClass.TLS,
    ErrorClass.TOO_LARGE,
    ErrorClass.REDIRECTS,
    ErrorClass.PRIVATE_ADDRESS,
    ErrorClass.DECODE,
    ErrorClass.INTERNAL,
}


def _waf_signal(result: FetchResult) -> str | None:
    headers = result.headers
    action = headers.get("x-amzn-waf-action")
    if action:
        return f"AWS WAF answered with x-amzn-waf-action: {action}"
    mitigated = headers.get("cf-mitigated")
    if mitigated:
        return f"Cloudflare answered with cf-mitigated: {mitigated}"
    if result.status_code == 202 and not result.body:
        return "202 Accepted with an empty body: the answer a WAF gives a script it is challenging"
    if len(result.body) > SMALL_BODY:
        return None
    lowered = result.body.lower().replace(_CLOUDFLARE_JSD, b"")
    for marker, who in _WAF_MARKERS:
        if marker in lowered:
            return f"{who} page ({len(result.body)} bytes, contains {marker.decode()!r})"
    if _AKAMAI_TITLE in lowered and any(ref in lowered for ref in _AKAMAI_REFERENCE):
        return f"Akamai 'Access Denied' reference page ({len(result.body)} bytes)"
    return None


def _captcha_signal(result: FetchResult) -> str | None:
    if len(result.body) > SMALL_BODY:
        return None
    lowered = result.body.lower()
    markers = list(_CAPTCHA_MARKERS)
    small_page = len(result.body) <= SMALL_PAGE
    if small_page and sniff_kind(result.body, result.content_type, result.final_url) == "html":
        markers.append(_GENERIC_CAPTCHA)
    for marker in markers:
        if marker in lowered:
            return f"captcha page ({len(result.body)} bytes, contains {marker.decode()!r})"
    return None


def classify_response(result: FetchResult, *, last_good_size: int | None, shrink_ratio: float) -> Verdict:
    """ok / not_modified / blocked / error / disallowed, with a reason an operator can act on."""
    code = result.status_code
    if result.error_class is ErrorClass.ROBOTS:
        reason = result.error or "disallowed by robots.txt"
        return Verdict(ResponseStatus.DISALLOWED, ErrorClass.ROBOTS, reason)
    if code is None or result.error_class in _TRANSPORT_ERRORS:
        error_class = result.error_class or ErrorClass.INTERNAL
        return Verdict(ResponseStatus.ERROR, error_class, result.error or f"fetch failed ({error_class})")

    waf = _waf_signal(result)
    if waf:
        return Verdict(ResponseStatus.BLOCKED, ErrorClass.WAF, f"blocked (HTTP {code}): {waf}")
    captcha = _captcha_signal(result)
    if captcha:
        return Verdict(ResponseStatus.BLOCKED, ErrorClass.CAPTCHA, f"blocked (HTTP {code}): {captcha}")
    if code in _AUTH_STATUSES:
        return Verdict(ResponseStatus.BLOCKED, ErrorClass.AUTH, f"blocked: {_AUTH_STATUSES[code]}")
    if code == 304:
        return Verdict(ResponseStatus.NOT_MODIFIED, None, "304 Not Modified: unchanged since the last fetch")

    if result.error_class is not None:
        return Verdict(ResponseStatus.ERROR, result.error_class, result.error or f"HTTP {code}")
    if not (200 <= code < 300 or code == 300):
        # 300 Multiple Choices carries a list of parts (CELLAR multi-part acts): the extractor reads it.
        error_class = ErrorClass.HTTP_5XX if code >= 500 else ErrorClass.HTTP_4XX
        return Verdict(ResponseStatus.ERROR, error_class, f"unexpected HTTP {code}")
    if not result.body:
        return Verdict(ResponseStatus.ERROR, ErrorClass.PARSE, f"empty body (HTTP {code})")
    if last_good_size and shrink_ratio > 0 and len(result.body) < shrink_ratio * last_good_size:
        return Verdict(
            ResponseStatus.BLOCKED,
            ErrorClass.SHRUNK,
            f"body shrank to {len(result.body)} bytes from {last_good_size} "
            f"(below {shrink_ratio:.0%} of the last good size): likely a stub or block page",
        )
    return Verdict(ResponseStatus.OK, None, f"HTTP {code}, {len(result.body)} bytes")
