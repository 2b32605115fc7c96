"""One event, one alert: when are two changes seen by different endpoints the same regulatory event?

An FTC action is a press release and a Federal Register notice; a UN report is a document on the AI
body's page, a UN News story and a press release; a CAC measure is listed in two channels. Two changes
are one event when they share an identifier the regulators themselves use (CELEX or act number, Federal
Register document number, FTC matter or file number, UN document symbol, CAC article id), link to the
same document, or carry the same title within a short window. Every grouping records why; two different
actions on one day share none of these and stay two events.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from sqlmodel import Session, col

from tracker.extract.normalise import clean_text, strip_tracking_query
from tracker.store.models import Change

TITLE_WINDOW_DAYS = 7  # same title: only this close in time
KEY_WINDOW_DAYS = 30  # shared identifier or document: a notice can follow a press release by weeks
TITLE_SIMILARITY = 0.9  # Jaccard of title words
TITLE_MIN_WORDS = 6  # shorter titles ("Press release", "News") say too little

# "Regulation (EU) 2026/1744", "Implementing Regulation (EU) 2026/2101", "Directive (EU) 2024/2853"
_EU_ACT = re.compile(
    r"\b(?:Regulation|Directive|Decision|Verordening|Richtlijn|Règlement|Directive|Verordnung|Richtlinie)"
    r"\s*\((?:EU|EC|EG|UE|CE)\)\s*(?:No\.?\s*|Nr\.?\s*|n°\s*)?(\d{4})/(\d{1,4})",
    re.IGNORECASE,
)
# What may stand before the act's own designation at the start of a title: "Commission Implementing
# Regulation (EU) 2026/2101", "Corrigendum to Regulation …". Anything else ("Guidelines … under
# Regulation (EU) 2024/1689") is a reference to another act.
_OWN_ACT_PREFIX = re.compile(
    r"\s*(?:corrigendum to\s+)?(?:(?:commission|council|european parliament and council)\s+)?"
    r"(?:delegated\s+|implementing\s+)?",
    re.IGNORECASE,
)
_CELEX = re.compile(r"\bCELEX[:=]?\s*[0-9](\d{4})([RLD])(\d{4})", re.IGNORECASE)
_CELLAR_CELEX = re.compile(r"/resource/celex/[0-9](\d{4})([RLD])(\d{4})", re.IGNORECASE)
_OJ_L = re.compile(r"\bOJ[:_]L_(\d{4})(\d{5})\b")  # since October 2023 an OJ L number is the act's
_FR_DOC = re.compile(r"\bFR Doc\.?\s*(?:No\.?\s*)?(\d{4}-\d{5})\b", re.IGNORECASE)
_FTC_MATTER = re.compile(
    r"\b(?:FTC\s+)?(?:File|Matter)\s+(?:No\.?|Number)\s*:?\s*([0-9][0-9 \-]{5,9}[0-9])\b", re.IGNORECASE
)
# UN symbols: SG/SM/22776, GA/12699, A/RES/79/325, A/79/L.118
_UN_SYMBOL = re.compile(r"\b((?:A|S|E|SG|GA|SC|ECOSOC|HRC)(?:/[A-Z0-9.]{1,8}){1,4})\b")
_UN_PRESS_URL = re.compile(
    r"press\.un\.org/[a-z]{2}/\d{4}/([a-z]+\d+(?:[a-z]+\d*)?)\.doc\.htm", re.IGNORECASE
)
_CAC_ARTICLE = re.compile(r"\bc_(\d{13,17})\.htm")
_WORD = re.compile(r"\w+")
# "…final_report_en.pdf" / "…final_report_ar.pdf": one document in several languages (UN, EU files).
_TRANSLATED_FILE = re.compile(
    r"[-_](?:en|fr|es|ar|ru|zh|de|it|nl|ja|ko|pt|pl)(\.(?:pdf|docx?|odt|html?))$", re.IGNORECASE
)
TRANSLATION = "lang-neutral:"  # keys that may group items of one endpoint (a report and its translations)


@dataclass(frozen=True, slots=True)
class EventMatch:
    event_id: int  # the change the event started with
    reason: str  # for people: "same Federal Register document 2026-01234"


def _un_key(symbol: str) -> str:
    return "un:" + re.sub(r"[^a-z0-9]", "", symbol.lower())


def _document_url(url: str) -> str | None:
    """A link's identity: host without www, path, meaningful query; None for a site's front page."""
    if not url:
        return None
    parts = urlsplit(strip_tracking_query(url))
    host = parts.netloc.lower().removeprefix("www.")
    path = parts.path.rstrip("/")
    if not host or not path:
        return None
    return f"url:{host}{path}" + (f"?{parts.query}" if parts.query else "")


def identifiers(*, title: str, url: str, summary: str = "", links: Iterable[str] = ()) -> dict[str, str]:
    """Every identifier a change carries as its own -> how to say it to people.

    Only what names the change's own subject counts: an act number at the start of the title (not an
    act the text refers to), a UN symbol in the title, the regulator's ids in the URL. A reference in a
    summary would tie unrelated news about one act into one event.
    """
    found: dict[str, str] = {}
    if (match := _EU_ACT.search(title)) and _OWN_ACT_PREFIX.fullmatch(title[: match.start()]):
        act = f"{match.group(1)}/{int(match.group(2))}"
        found[f"eu-act:{act}"] = f"act {act}"
    for match in (*_CELEX.finditer(url), *_CELLAR_CELEX.finditer(url), *_OJ_L.finditer(url)):
        act = f"{match.group(1)}/{int(match.group(match.lastindex or 2))}"
        found[f"eu-act:{act}"] = f"act {act}"
    for match in _FR_DOC.finditer(f"{title}\n{summary}"):
        found[f"fr:{match.group(1)}"] = f"Federal Register document {match.group(1)}"
    for match in _FTC_MATTER.finditer(f"{title}\n{summary}"):
        digits = re.sub(r"\D", "", match.group(1))
        if len(digits) == 7:
            found[f"ftc:{digits}"] = f"FTC matter {digits[:3]}-{digits[3:]}"
    for match in _UN_SYMBOL.finditer(title):
        if any(ch.isdigit() for ch in match.group(1)):
            found[_un_key(match.group(1))] = f"UN document {match.group(1)}"
    if match := _UN_PRESS_URL.search(url):
        found[_un_key(match.group(1))] = f"UN document {match.group(1).upper()}"
    if match := _CAC_ARTICLE.search(url):
        found[f"cac:{match.group(1)}"] = f"CAC article c_{match.group(1)}"
    for link in (url, *links):
        key = _document_url(link)
        if key is not None:
            found[key] = f"the same document ({link})"
            language_neutral = _TRANSLATED_FILE.sub(r"\1", key)
            if language_neutral != key:
                found[TRANSLATION + language_neutral] = "document in another language"
    return found


def federal_register_identifiers(
    meta: Mapping[str, str], stable_id: str, endpoint_key: str
) -> dict[str, str]:
    """A Federal Register item's own document number, which its text never repeats."""
    if endpoint_key.startswith("us_federal_register/") and re.fullmatch(r"\d{4}-\d{5}", stable_id):
        return {f"fr:{stable_id}": f"Federal Register document {stable_id}"}
    return {}


def title_words(title: str) -> frozenset[str]:
    return frozenset(word.casefold() for word in _WORD.findall(clean_text(title)) if len(word) > 1)


def same_title(a: str, b: str) -> bool:
    words_a, words_b = title_words(a), title_words(b)
    if min(len(words_a), len(words_b)) < TITLE_MIN_WORDS:
        return False
    return len(words_a & words_b) / len(words_a | words_b) >= TITLE_SIMILARITY


# -- grouping at store time ------------------------------------------------------------------------

GROUPED_KINDS = ("new_item", "document_changed")


@dataclass(frozen=True, slots=True)
class _Candidate:
    id: int
    event_id: int | None
    endpoint_key: str
    jurisdiction: str
    title: str
    detected_at: datetime
    alerted: bool
    identifiers: dict[str, str]


def change_identifiers(change: Change) -> dict[str, str]:
    """An item's identifiers: its title, its own URL, its summary's matter numbers."""
    found = identifiers(title=change.title, url=change.url, summary=change.summary)
    found.update(federal_register_identifiers({}, change.stable_id or "", change.endpoint_key))
    return found


def change_identifiers_for_document(
    title: str, url: str, summary: str, added_links: list[str]
) -> dict[str, str]:
    """A changed document's identifiers: the documents it gained (a page's own URL says nothing about
    which news it carries; a legal text's says which act it is)."""
    legal_text = bool(_CELEX.search(url) or _CELLAR_CELEX.search(url))
    return identifiers(
        title=title, url=url if (added_links or legal_text) else "", summary=summary, links=added_links
    )


def _candidates(session: Session, change: Change) -> list[_Candidate]:
    since = change.detected_at - timedelta(days=max(KEY_WINDOW_DAYS, TITLE_WINDOW_DAYS))
    # SQLModel's select is typed for at most four columns, SQLAlchemy's for up to ten.
    rows = session.execute(
        sa.select(
            col(Change.id),
            col(Change.event_id),
            col(Change.endpoint_key),
            col(Change.jurisdiction),
            col(Change.title),
            col(Change.detected_at),
            col(Change.alerted),
            col(Change.identifiers),
        )
        .where(
            col(Change.detected_at) >= since,
            col(Change.kind).in_(GROUPED_KINDS),
            col(Change.id) != change.id,
        )
        .order_by(col(Change.id))
    ).all()
    found = []
    for cid, event_id, key, jurisdiction, title, detected, alerted, stored in rows:
        try:
            keys = json.loads(stored or "{}")
        except ValueError:
            keys = {}
        found.append(
            _Candidate(
                cid,
                event_id,
                key,
                jurisdiction,
                title,
                detected,
                alerted,
                keys if isinstance(keys, dict) else {},
            )
        )
    return found


def find_event(session: Session, change: Change) -> EventMatch | None:
    """The earlier event this change belongs to, and why; None when it is an event of its own.

    Endpoints of one source that list one release (a feed and a topic page) count as other endpoints too.
    """
    if change.kind not in GROUPED_KINDS:
        return None
    mine = json.loads(change.identifiers or "{}")
    for candidate in _candidates(session, change):
        # The strongest reason first: an identifier or the very document before "another language".
        shared = sorted(
            set(mine) & set(candidate.identifiers), key=lambda key: (key.startswith(TRANSLATION), key)
        )
        if candidate.endpoint_key == change.endpoint_key:
            # One endpoint lists distinct things, except one document in several languages.
            shared = [key for key in shared if key.startswith(TRANSLATION)]
            if not shared:
                continue
        within_keys = change.detected_at - candidate.detected_at <= timedelta(days=KEY_WINDOW_DAYS)
        reason = ""
        if shared and within_keys:
            reason = "same " + mine[shared[0]].removeprefix("the same ")
        elif (
            change.detected_at - candidate.detected_at <= timedelta(days=TITLE_WINDOW_DAYS)
            and candidate.jurisdiction == change.jurisdiction
            and same_title(candidate.title, change.title)
        ):
            reason = "same title"
        if reason:
            root = candidate.event_id or candidate.id
            return EventMatch(
                event_id=root, reason=f"{reason} as {candidate.endpoint_key} (change #{candidate.id})"
            )
    return None


__all__ = [
    "KEY_WINDOW_DAYS",
    "TITLE_WINDOW_DAYS",
    "EventMatch",
    "change_identifiers",
    "federal_register_identifiers",
    "find_event",
    "identifiers",
    "same_title",
    "title_words",
]
