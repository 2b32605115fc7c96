"""The pages: Changes, One change, a stored snapshot, Sources, Roundups (and their downloads)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit
from zoneinfo import ZoneInfo

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from sqlalchemy.engine import Engine

from tracker.config import Config
from tracker.web.app import Request, Response

HERE = Path(__file__).resolve().parent
STATIC = HERE / "static"
_CHANGE = re.compile(r"^/changes/(\d{1,18})$")
_SNAPSHOT = re.compile(r"^/snapshots/(\d{1,18})/raw$")
_ROUNDUP = re.compile(r"^/roundups/([0-9-]{22})(?:\.(html|md))?$")


def environment() -> Environment:
    """Autoescape on for every template (whatever its name), undefined names are errors."""
    from tracker.alerts.render import DOC_TYPE_LABELS, RELEVANCE_LABELS, safe_link
    from tracker.digest.i18n import KIND_NAMES
    from tracker.digest.render_html import TEMPLATES as DIGEST_TEMPLATES

    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(HERE / "templates"), FileSystemLoader(DIGEST_TEMPLATES)]),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(
        kind_words=KIND_NAMES["en"],
        doc_types=DOC_TYPE_LABELS,
        relevance_labels=RELEVANCE_LABELS,
        safe_link=safe_link,
        host_of=lambda url: (urlsplit(url).hostname or "").removeprefix("www."),
    )
    return env


class Pages:
    def __init__(self, config: Config, engine: Engine) -> None:
        self.config = config
        self.engine = engine
        self.env = environment()
        self.tz = ZoneInfo(config.tracker.timezone)
        self.env.filters["when"] = self.when

    def when(self, moment: datetime | None, with_time: bool = True) -> str:
        if moment is None:
            return "–"
        local = moment.astimezone(self.tz)
        return local.strftime("%Y-%m-%d %H:%M %Z" if with_time else "%Y-%m-%d")

    def page(self, template: str, status: int = 200, **context: Any) -> Response:
        html = self.env.get_template(template).render(**context)
        return Response(status, html.encode("utf-8"))

    def not_found(self, what: str) -> Response:
        return self.page("error.html", 404, title="Not found", nav="", message=what)

    # -- routing ---------------------------------------------------------------------------------
    def route(self, request: Request) -> Response:
        path = request.path
        if path in ("/", ""):
            return Response.redirect("/changes")
        if path == "/changes":
            return self.changes(request)
        if match := _CHANGE.match(path):
            return self.change(int(match.group(1)))
        if match := _SNAPSHOT.match(path):
            return self.snapshot(int(match.group(1)), request.query.get("download") == "1")
        if path == "/sources":
            return self.sources()
        if path == "/roundups":
            return self.roundups()
        if match := _ROUNDUP.match(path):
            return self.roundup(match.group(1), match.group(2), request.query.get("lang"))
        if path == "/static/style.css":
            return self.static_css((STATIC / "style.css").read_bytes())
        if path == "/static/digest.css":
            return self.static_css(self.digest_css)
        return self.not_found(f"There is no page at {path}.")

    def static_css(self, body: bytes) -> Response:
        return Response(200, body, "text/css; charset=utf-8", cache="public, max-age=3600")

    @cached_property
    def digest_css(self) -> bytes:
        from tracker.digest.html_style import stylesheet

        return stylesheet().encode("utf-8")

    # -- the pages -------------------------------------------------------------------------------
    def changes(self, request: Request) -> Response:
        from tracker.web.queries import KINDS, LABELS, PERIODS, ChangeFilters, filter_choices, list_changes

        filters = ChangeFilters.from_query(request.query)
        result = list_changes(self.engine, filters, page_size=self.config.web.page_size, tz=self.tz)
        jurisdictions, sources = filter_choices(self.engine)

        def url(**override: str | int) -> str:
            query = urlencode(filters.query(**override))
            return "/changes" + (f"?{query}" if query else "")

        return self.page(
            "changes.html", title="Changes", nav="changes", filters=filters, result=result,
            jurisdictions=jurisdictions, sources=sources, labels=LABELS, kinds=KINDS, periods=PERIODS,
            url=url,
        )  # fmt: skip

    def change(self, change_id: int) -> Response:
        from tracker.web.diffview import parse_unified
        from tracker.web.queries import change_detail

        detail = change_detail(self.engine, change_id)
        if detail is None:
            return self.not_found(f"There is no change #{change_id}.")
        units = parse_unified(detail.change.diff or "")
        substance = [u for u in units if not u.typographic]
        typographic = [u for u in units if u.typographic]
        return self.page(
            "change.html", title=detail.change.title or f"Change #{change_id}", nav="changes", d=detail,
            c=detail.change, substance=substance, typographic=typographic,
        )  # fmt: skip

    def snapshot(self, snapshot_id: int, download: bool) -> Response:
        from tracker.web.queries import raw_snapshot

        snap = raw_snapshot(self.engine, snapshot_id)
        if snap is None:
            return self.not_found(f"There is no snapshot #{snapshot_id} (old snapshots are pruned).")
        if download:
            # The regulator's bytes as they came, never rendered here: a file to save.
            suffix = _suffix(snap.content_type)
            return Response(
                200, snap.body, "application/octet-stream",
                headers=[("Content-Disposition", f'attachment; filename="snapshot-{snap.id}{suffix}"')],
            )  # fmt: skip
        text = snap.body.decode(snap.encoding or "utf-8", errors="replace")
        return Response(200, text.encode("utf-8"), "text/plain; charset=utf-8")

    def sources(self) -> Response:
        from tracker.web.queries import source_rows

        rows = source_rows(self.engine, self.config)
        failing = sum(1 for r in rows if r.failures)
        stale = sum(1 for r in rows if r.stale)
        return self.page(
            "sources.html", title="Sources", nav="sources", rows=rows, failing=failing, stale=stale
        )

    def roundups(self) -> Response:
        from tracker.digest.i18n import LANGUAGES, format_period
        from tracker.web.roundups import list_periods

        periods = list_periods(self.config, self.engine, datetime.now(UTC))
        return self.page(
            "roundups.html", title="Roundups", nav="roundups", periods=periods, languages=LANGUAGES,
            default_lang=self.config.digest.language, format_period=format_period,
        )  # fmt: skip

    def roundup(self, name: str, download: str | None, lang_value: str | None) -> Response:
        from tracker.alerts.links import change_url
        from tracker.digest.i18n import LANGUAGES
        from tracker.digest.render import render_markdown
        from tracker.digest.render_html import render_body, render_email
        from tracker.web.roundups import build, language, parse_name

        span = parse_name(name)
        if span is None:
            return self.not_found(f"{name} is not a period: write /roundups/YYYY-MM-DD--YYYY-MM-DD.")
        lang = language(lang_value, self.config)
        digest = build(self.config, self.engine, span[0], span[1], lang)
        if download == "md":
            return _attachment(render_markdown(digest), "text/markdown", f"roundup-{name}.{lang}.md")
        if download == "html":
            public = self.config.web.public_url
            email = render_email(digest, (lambda cid: change_url(public, cid)) if public else None)
            return _attachment(email, "text/html", f"roundup-{name}.{lang}.html")
        body = render_body(digest, lambda cid: f"/changes/{cid}")
        return self.page(
            "roundup.html", title=f"Roundup {name}", nav="roundups", name=name, lang=lang,
            languages=LANGUAGES, body=body, entries=len(digest.entries),
        )  # fmt: skip


def _attachment(text: str, content_type: str, filename: str) -> Response:
    return Response(
        200, text.encode("utf-8"), f"{content_type}; charset=utf-8",
        headers=[("Content-Disposition", f'attachment; filename="{filename}"')],
    )  # fmt: skip


def _suffix(content_type: str) -> str:
    mime = content_type.split(";")[0].strip().lower()
    if "html" in mime:
        return ".html.txt"  # opened by accident, it is text, not the regulator's page
    return {
        "application/json": ".json",
        "application/pdf": ".pdf",
        "application/xml": ".xml",
        "text/xml": ".xml",
        "application/rss+xml": ".xml",
        "application/atom+xml": ".xml",
        "text/plain": ".txt",
    }.get(mime, ".bin")
