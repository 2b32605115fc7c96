"""Decide what a fetch amounted to before anything is diffed (SOURCES.md rule 1: blocked is not empty).

A WAF challenge, a captcha, a 403 or a page that suddenly shrank to a stub must never reach the differ:
diffing EUR-Lex's 2 KB challenge page against the AI Act would report the Act as deleted.

WAF and captcha pages are recognised by their shape, never by words in the text: the answer's headers and
status, and in an HTML page its <title>, the challenge's own <script>, <iframe> and <form> elements and ids,
and how little else the page holds. A feed or a JSON answer is never a challenge page (challenges are HTML),
so an item that quotes "Access denied ... Reference #18" or mentions g-recaptcha is news, not a block.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracker.extract.decode import sniff_kind
from tracker.types import ErrorClass, FetchResult, ResponseStatus, Verdict

if TYPE_CHECKING:  # lxml is loaded only when a page must be read for its shape (few pages ever are)
    from lxml import etree

# Kept for callers and tests that speak of "a small body"; detection no longer stops at any size (a
# challenge padded above it is still a challenge).
SMALL_BODY = 64 * 1024
# A page whose visible text is shorter than this holds nothing but its message or widget.
LITTLE_TEXT = 2000
# How much of the visible text is kept to read a block page's message ("Reference #18...").
TEXT_HEAD = 1200
# A page under this share of the endpoint's usual size is not the usual page (size against the usual).
SMALLER_THAN_USUAL = 0.5

# Only pages holding one of these (lowercased) are parsed: an ordinary page costs one lower() and a scan.
_CANDIDATES = (
    b"awswaf",
    b"gokuprops",
    b"challenge-platform",
    b"cf_chl",
    b"cf-chl",
    b"just a moment",
    b"attention required",
    b"challenge-form",
    b"incapsula",
    b"captcha",
    b"turnstile",
    b"sucuri",
    b"request rejected",
    b"requested url was rejected",
    b"access denied",
)
# Widgets of the captcha providers: element classes or ids, script and frame sources.
_CAPTCHA_WIDGET_IDS = ("g-recaptcha", "h-captcha", "px-captcha", "cf-turnstile", "frc-captcha")
_CAPTCHA_SOURCES = (
    "recaptcha/api.js",
    "recaptcha/enterprise.js",
    "google.com/recaptcha",
    "recaptcha.net/recaptcha",
    "hcaptcha.com",
    "challenges.cloudflare.com/turnstile",
    "captcha.px-cdn.net",
)
_CLOUDFLARE_IDS = ("challenge-form", "cf-challenge-running", "challenge-stage", "challenge-error-text")
_CLOUDFLARE_TITLES = ("just a moment...", "attention required! | cloudflare")
# Cloudflare injects its bot-detection script (…/challenge-platform/scripts/jsd/main.js) into ordinary pages.
_CLOUDFLARE_JSD = "challenge-platform/scripts/jsd"
_AKAMAI_REFERENCE = re.compile(r"reference\s*#\s*\d|errors\.edgesuite\.net")
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
# Elements whose text nobody sees: read as scripts (above), never counted as the page's text.
_HIDDEN_TAGS = ("script", "style", "noscript", "template")
_SHAPE_TAGS = ("script", "iframe", "frame", "form", "a", "input", "img")
# Every id and class token the rules ask about: only these are looked up (a page has thousands of others).
_WATCHED_IDS = (*_CAPTCHA_WIDGET_IDS, *_CLOUDFLARE_IDS)


# Class names are matched as written (providers write them in lower case); ids and classes alike.
@functools.cache
def _carrying() -> etree.XPath:
    from lxml import etree

    return etree.XPath("//*[contains(@class, $name) or contains(@id, $name)]")


@dataclass(frozen=True, slots=True)
class PageShape:
    """What an HTML page is made of, lowercased; the text of its items is only ever measured."""

    size: int
    title: str
    script_srcs: tuple[str, ...]
    inline_script: str  # every inline script, joined
    frame_srcs: tuple[str, ...]
    form_actions: tuple[str, ...]
    ids_and_classes: frozenset[str]  # of _WATCHED_IDS only
    captcha_field: bool  # a form's input or image named after a captcha (a home-made captcha)
    edgesuite_link: bool  # a link to Akamai's errors.edgesuite.net
    text_chars: int  # counted up to a little past LITTLE_TEXT: enough to tell a message from a page
    text_head: str  # the first TEXT_HEAD characters of the visible text

    def src(self, needle: str) -> bool:
        return any(needle in s for s in (*self.script_srcs, *self.frame_srcs))

    def has_id(self, *names: str) -> bool:
        return any(name in self.ids_and_classes for name in names)


def _collapse(text: str) -> str:
    return " ".join(text.split()).lower()


def _watched_ids(root: etree._Element, lowered: bytes) -> frozenset[str]:
    """The watched ids and classes the page's elements carry (names only in the text are not elements)."""
    found: set[str] = set()
    for name in _WATCHED_IDS:
        if name.encode() not in lowered:
            continue
        for element in _carrying()(root, name=name):
            tokens = f"{element.get('id', '')} {element.get('class', '')}".lower().split()
            if name in tokens:
                found.add(name)
                break
    return frozenset(found)


def _visible_text(root: etree._Element) -> str:
    """The page's visible text, collapsed, read only as far as the rules need (LITTLE_TEXT and the head)."""
    from lxml import etree

    etree.strip_elements(root, *_HIDDEN_TAGS, with_tail=False)  # the tree is ours and read once
    chunks: list[str] = []
    length = 0
    for chunk in root.itertext():
        collapsed = " ".join(chunk.split())
        if collapsed:
            chunks.append(collapsed)
            length += len(collapsed) + 1
            if length > max(LITTLE_TEXT, TEXT_HEAD):
                break
    return " ".join(chunks).lower()


def read_shape(body: bytes, lowered: bytes | None = None) -> PageShape | None:
    """The page's shape, or None when lxml cannot read it as HTML at all. `lowered`: body.lower()."""
    from lxml import etree

    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True, no_network=True)
    try:
        root = etree.fromstring(body, parser)
    except (etree.LxmlError, ValueError):
        return None
    if root is None:
        return None
    title_element = root.find(".//title")
    title = _collapse(title_element.text or "") if title_element is not None else ""
    script_srcs, inline, frames, actions = [], [], [], []
    edgesuite_link = captcha_field = False
    for element in root.iter(*_SHAPE_TAGS):
        tag, get = element.tag, element.get
        if tag == "script":
            if get("src"):
                script_srcs.append(get("src", "").lower())
            elif element.text:
                inline.append(element.text.lower())
        elif tag in ("iframe", "frame") and get("src"):
            frames.append(get("src", "").lower())
        elif tag == "form":
            actions.append(get("action", "").lower())
        elif tag == "a":
            edgesuite_link = edgesuite_link or "edgesuite.net" in get("href", "").lower()
        elif not captcha_field:  # input, img: a home-made captcha's field or picture inside a form
            named = " ".join(get(a, "") for a in ("name", "id", "src", "class")).lower()
            captcha_field = "captcha" in named and next(element.iterancestors("form"), None) is not None
    ids = _watched_ids(root, body.lower() if lowered is None else lowered)
    text = _visible_text(root)
    return PageShape(
        size=len(body),
        title=title,
        script_srcs=tuple(script_srcs),
        inline_script="\n".join(inline),
        frame_srcs=tuple(frames),
        form_actions=tuple(actions),
        ids_and_classes=ids,
        captcha_field=captcha_field,
        edgesuite_link=edgesuite_link,
        text_chars=len(text),
        text_head=text[:TEXT_HEAD],
    )


def _little(shape: PageShape, usual_size: int | None) -> bool:
    """Nothing but a message or a widget: far smaller than the endpoint's usual answer, or little visible
    text in a page not as large as the usual one (a small form page that is always like this is content)."""
    if usual_size and shape.size < SMALLER_THAN_USUAL * usual_size:
        return True
    return shape.text_chars < LITTLE_TEXT and not (usual_size and shape.size >= usual_size)


def _waf_page(shape: PageShape, usual_size: int | None) -> str | None:
    """Which vendor's challenge or block page this is, from its elements, title and scripts."""
    inline = shape.inline_script
    if "gokuprops" in inline or "awswafcookiedomainlist" in inline:
        return "AWS WAF challenge (the challenge's gokuProps script)"
    if any(
        "awswaf.com" in s and s.split("?")[0].endswith(("/challenge.js", "/captcha.js"))
        for s in shape.script_srcs
    ):
        return "AWS WAF challenge (challenge script from awswaf.com)"
    if "awswafintegration" in inline and _little(shape, usual_size):
        return "AWS WAF challenge (AwsWafIntegration on an otherwise empty page)"
    if shape.title in _CLOUDFLARE_TITLES:
        return f"Cloudflare challenge (title {shape.title!r})"
    challenge_srcs = [s for s in shape.script_srcs if "challenge-platform" in s and _CLOUDFLARE_JSD not in s]
    if (
        challenge_srcs
        or "_cf_chl_opt" in inline
        or "challenge-platform" in inline.replace(_CLOUDFLARE_JSD, "")
    ):
        return "Cloudflare challenge (the challenge-platform script)"
    if shape.has_id(*_CLOUDFLARE_IDS) or any("__cf_chl" in a for a in shape.form_actions):
        return "Cloudflare challenge (the challenge form)"
    if any("_incapsula_resource" in s for s in shape.frame_srcs):
        return "Imperva Incapsula block (the incident frame)"
    if _little(shape, usual_size) and (
        shape.src("_incapsula_resource") or "incapsula incident id" in shape.text_head
    ):
        return "Imperva Incapsula block"
    if shape.src("captcha-delivery.com") or "captcha-delivery.com" in inline:
        return "DataDome challenge (captcha-delivery.com)"
    if "sucuri website firewall" in shape.title or "sucuri_cloudproxy_js" in inline:
        return "Sucuri firewall block"
    if shape.title == "request rejected" or (
        _little(shape, usual_size) and shape.text_head.startswith("the requested url was rejected")
    ):
        return "F5 ASM block ('Request Rejected')"
    referenced = _AKAMAI_REFERENCE.search(shape.text_head) or shape.edgesuite_link
    if shape.title == "access denied" and referenced and _little(shape, usual_size):
        return "Akamai 'Access Denied' reference page"
    return None


def _captcha_page(shape: PageShape, usual_size: int | None) -> str | None:
    """A captcha is the page only when its widget is there and the page holds little else."""
    if not _little(shape, usual_size):
        return None
    widget = next((name for name in _CAPTCHA_WIDGET_IDS if shape.has_id(name)), None)
    widget = widget or next((src for src in _CAPTCHA_SOURCES if shape.src(src)), None)
    if widget:
        return f"captcha page (the {widget} widget on a page with {shape.text_chars} characters of text)"
    if shape.captcha_field:
        return "captcha page (a form asking for a captcha)"
    if "captcha" in shape.title and shape.form_actions:
        return f"captcha page (title {shape.title!r} over a form)"
    return None


def _header_signal(result: FetchResult) -> str | None:
    headers = result.headers
    action = headers.get("x-amzn-waf-action")
    if action:
        return f"AWS WAF answered with x-amzn-waf-action: {action}"
    mitigated = headers.get("cf-mitigated")
    if mitigated:
        return f"Cloudflare answered with cf-mitigated: {mitigated}"
    if result.status_code == 202 and not result.body:
        return "202 Accepted with an empty body: the answer a WAF gives a script it is challenging"
    return None


def _could_be_a_challenge(size: int, usual: int | None) -> bool:
    """Challenge and block pages are small, or at least not the size of the endpoint's usual answer: a page
    of its usual size (within a factor of two) is the page, and is not scanned for vendors' words (a 1 MB
    legal text, checked every hour, would pay 15 scans of itself for nothing)."""
    if size <= SMALL_BODY or not usual:
        return True
    return not usual * SMALLER_THAN_USUAL <= size <= usual / SMALLER_THAN_USUAL


def _page_shape(result: FetchResult, usual: int | None = None) -> PageShape | None:
    """The shape of an HTML answer that could be a challenge; None for feeds, JSON, PDFs and plain pages."""
    if not result.body or not _could_be_a_challenge(len(result.body), usual):
        return None
    if sniff_kind(result.body, result.content_type, result.final_url) != "html":
        return None
    lowered = result.body.lower()
    if not any(candidate in lowered for candidate in _CANDIDATES):
        return None
    return read_shape(result.body, lowered)


def classify_response(result: FetchResult, *, last_good_size: int | None, shrink_ratio: float) -> Verdict:
    """ok / not_modified / blocked / error / disallowed, with a reason an operator can act on."""
    code = result.status_code
    if result.error_class is ErrorClass.ROBOTS:
        reason = result.error or "disallowed by robots.txt"
        return Verdict(ResponseStatus.DISALLOWED, ErrorClass.ROBOTS, reason)
    if code is None or result.error_class in _TRANSPORT_ERRORS:
        error_class = result.error_class or ErrorClass.INTERNAL
        return Verdict(ResponseStatus.ERROR, error_class, result.error or f"fetch failed ({error_class})")

    waf = _header_signal(result)
    if waf:
        return Verdict(ResponseStatus.BLOCKED, ErrorClass.WAF, f"blocked (HTTP {code}): {waf}")
    shape = _page_shape(result, last_good_size)
    if shape is not None:
        page = _waf_page(shape, last_good_size)
        if page:
            reason = f"blocked (HTTP {code}): {page}, {shape.size} bytes"
            return Verdict(ResponseStatus.BLOCKED, ErrorClass.WAF, reason)
        captcha = _captcha_page(shape, last_good_size)
        if captcha:
            reason = f"blocked (HTTP {code}): {captcha}, {shape.size} bytes"
            return Verdict(ResponseStatus.BLOCKED, ErrorClass.CAPTCHA, reason)
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
