"""tracker doctor's advice: one line an operator can act on, per way an endpoint can fail."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from tracker.specs import EndpointSpec, SourceSpec
from tracker.types import ErrorClass

# A placeholder a built-in source ships in its URL until the user puts their own key there (kr_law).
_KEY_PLACEHOLDER = re.compile(r"SET_YOUR_[A-Z0-9_]+")
# What to update when a page no longer matches its parser, by parser kind.
_PARSER_PART = {
    "links": "link_pattern (or content selector)",
    "html_list": "selectors",
    "json": "items_path and field names",
    "feed": "feed URL",
    "document": "content selector or dialect",
}


def advice(
    source: SourceSpec,
    endpoint: EndpointSpec,
    url: str,
    error_class: str | None,
    reason: str = "",
    code: int | None = None,
) -> str:
    """One line an operator can act on."""
    where = f"[sources.{source.id}.endpoints.{endpoint.id}] url"
    placeholder = _KEY_PLACEHOLDER.search(url)
    if placeholder:
        variable = placeholder.group(0).removeprefix("SET_YOUR_").removesuffix("_KEY")
        return (
            f"needs a key: set the environment variable {variable} to your own "
            f"(it fills {placeholder.group(0)} in the URL; the README says where to get one)"
        )
    host = urlsplit(url).hostname or url
    match error_class:
        case "dns":
            return f"DNS failed for {host}: check the network or proxy"
        case ErrorClass.CONNECT:
            where_to = urlsplit(url).netloc or host
            return f"cannot connect to {where_to}: check the network, a firewall or the proxy (HTTPS_PROXY)"
        case ErrorClass.TIMEOUT:
            return "timed out: check the network or proxy, or raise [fetch] read_timeout / total_timeout"
        case ErrorClass.TLS:
            return "TLS failed: behind a TLS-inspecting proxy, point SSL_CERT_FILE at its CA bundle"
        case ErrorClass.PRIVATE_ADDRESS:
            return (
                f"{host} resolves to a non-public address: for an intranet mirror set "
                "[fetch] allow_private_addresses = true"
            )
        case ErrorClass.ROBOTS:
            return f"robots.txt disallows this URL: ask the site, or set a permitted mirror in {where}"
        case ErrorClass.WAF | ErrorClass.CAPTCHA:
            return f"behind a WAF: set a mirror URL in {where}"
        case ErrorClass.AUTH:
            return f"the server refuses this client (HTTP {code}): check the key in {where}, or use a mirror"
        case ErrorClass.RATE_LIMITED:
            return "rate limited (HTTP 429): raise [fetch] per_host_delay or the source's interval"
        case ErrorClass.HTTP_4XX:
            return f"HTTP {code}: the page moved or is gone; set its new address in {where}"
        case ErrorClass.HTTP_5XX:
            return f"the server failed (HTTP {code}): try again later; if it lasts, the site may be down"
        case ErrorClass.REDIRECTS:
            return f"redirects go nowhere: set the page's final address in {where}"
        case ErrorClass.TOO_LARGE:
            return "the body is over the size cap: raise [fetch] max_body_mb"
        case ErrorClass.DECODE:
            return f"{reason}: the URL no longer serves what the parser reads; check it in a browser"
        case ErrorClass.PARSE | ErrorClass.EXPECTATION | ErrorClass.DRIFT:
            part = _PARSER_PART.get(endpoint.parser.kind, "parser")
            # The breach's first clause says what is missing; its detail stays in `reason`.
            return f"{reason.split(': ', 1)[0]}: the site changed, update the {part}"
    return f"{reason or 'failed'}: run `tracker try {source.id}/{endpoint.id}` to see the answer"
