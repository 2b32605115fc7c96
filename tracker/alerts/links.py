"""Public URLs of the web view's pages, from `[web].public_url` (e.g. https://tracker.example.org/reg).

Stable by construction: a change is /changes/<id> for ever, a roundup /roundups/<first>--<last> with its
language as a query string. Alerts and the digest call these; nothing here touches the database.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode


def _base(public_url: str) -> str:
    return public_url.rstrip("/")


def change_url(public_url: str, change_id: int) -> str:
    """The page of one change: what an alert's "Open the diff" points to."""
    return f"{_base(public_url)}/changes/{int(change_id)}"


def roundup_url(public_url: str, first: date, last: date, lang: str | None = None) -> str:
    """The roundup of a period, both days inclusive (the digest's `period.first_day` / `last_day`)."""
    query = f"?{urlencode({'lang': lang})}" if lang else ""
    return f"{_base(public_url)}/roundups/{first.isoformat()}--{last.isoformat()}{query}"


def changes_url(public_url: str, **filters: str | int) -> str:
    """The changes list with filters (jurisdiction, source, label, kind, period, q, page)."""
    query = urlencode({k: v for k, v in filters.items() if v not in ("", None)})
    return f"{_base(public_url)}/changes" + (f"?{query}" if query else "")


def sources_url(public_url: str, endpoint_key: str | None = None) -> str:
    """The sources page (an operations notice about one endpoint links to its row: "eu_edpb/news")."""
    anchor = f"#source-{endpoint_key}" if endpoint_key else ""
    return f"{_base(public_url)}/sources{anchor}"
