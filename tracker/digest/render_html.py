"""The digest as HTML through Jinja2 (autoescaped): an e-mail-safe document, or the web view's body.

The e-mail (render_email) is a complete document with layout tables and inline styles, readable in mail
clients that drop <style>; the web view renders the same macro (templates/digest_body.html) with classes
instead (tracker.digest.html_style). Every string from a source is escaped by Jinja2; links are only
written for plain http(s) URLs (tracker.alerts.render.safe_link). Generated text carries its marker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from tracker.alerts.escape import one_line
from tracker.digest.collect import Category, Digest, Entry
from tracker.digest.html_style import Styler
from tracker.digest.i18n import Lang, empty_line, heading, jurisdiction_name, kind_name, opening_line, word
from tracker.digest.render import entry_view, generated_label
from tracker.types import ChangeKind

TEMPLATES = Path(__file__).resolve().parent / "templates"
LINK_TITLE_MAX = 90  # characters of the title in a link's text
_WORDS = (
    "glance", "col_jurisdiction", "col_rules", "col_enforcement", "col_other", "total", "read",
    "see_changes", "what_changed", "footer",
)  # fmt: skip


@cache
def environment() -> Environment:
    """The digest's Jinja2 environment; autoescape on for every template, whatever its name."""
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


@dataclass
class EntryHtml:
    badge: str
    amended: bool
    title: str
    title_lang: str | None  # set when the title's language differs from the digest's
    url: str | None
    link_text: str
    meta: str
    translated_title: str | None
    translation_label: str
    what_changed: str | None
    extract: str
    generated_summary: str | None
    summary_label: str
    changes_url: str | None
    also: list[tuple[str, str, str]]  # (regulator, url, link text): the same event elsewhere
    also_label: str


@dataclass
class GlanceRow:
    name: str
    counts: tuple[int, int, int]  # rules, enforcement, other
    total: int


@dataclass
class Section:
    id: str
    name: str
    entries: list[EntryHtml]


@dataclass
class DigestView:
    lang: Lang
    kicker: str
    title: str
    opening: str
    empty_line: str | None
    words: dict[str, str]
    glance: list[GlanceRow] = field(default_factory=list)
    glance_totals: tuple[int, ...] = ()
    sections: list[Section] = field(default_factory=list)


def _column(entry: Entry) -> int:
    if entry.category == Category.RULE:
        return 0
    if entry.category == Category.ENFORCEMENT:
        return 1
    return 2


def link_text(title: str, url: str) -> str:
    """'Regulation (EU) 2024/1689 (Artificial … (eur-lex.europa.eu)': the document, then where it is."""
    short = title if len(title) <= LINK_TITLE_MAX else title[: LINK_TITLE_MAX - 1].rstrip() + "…"
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return f"{short} ({host})" if host else short


def _entry(entry: Entry, lang: Lang, change_link: Callable[[int], str] | None) -> EntryHtml:
    view = entry_view(entry, lang)
    return EntryHtml(
        badge=kind_name(entry.kind, lang),
        amended=entry.kind == ChangeKind.DOCUMENT_CHANGED,
        title=view.title,
        title_lang=view.title_lang if view.title_lang != lang else None,
        url=view.url,
        link_text=link_text(view.title, view.url) if view.url else "",
        meta=view.meta,
        translated_title=view.translated_title,
        translation_label=generated_label("title_translation", lang),
        what_changed=view.what_changed,
        extract=view.extract,
        generated_summary=view.generated_summary,
        summary_label=generated_label("summary", lang),
        changes_url=change_link(entry.change_ids[-1]) if change_link and entry.change_ids else None,
        also=[(regulator, link, link_text(regulator, link)) for regulator, link in view.also],
        also_label=word("also", lang),
    )


def digest_view(digest: Digest, change_link: Callable[[int], str] | None = None) -> DigestView:
    lang, period = digest.lang, digest.period
    view = DigestView(
        lang=lang,
        kicker=word("kicker", lang),
        title=heading(period.first_day, period.last_day, lang),
        opening="" if digest.is_empty else opening_line(digest.counts(), lang),
        empty_line=empty_line(period.first_day, period.last_day, lang) if digest.is_empty else None,
        words={key: word(key, lang) for key in _WORDS},
    )
    totals = [0, 0, 0]
    for group, entries in digest.groups:
        counts = [0, 0, 0]
        for entry in entries:
            counts[_column(entry)] += 1
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        name = jurisdiction_name(group, lang)
        view.glance.append(GlanceRow(name, (counts[0], counts[1], counts[2]), sum(counts)))
        view.sections.append(Section(group.lower(), name, [_entry(e, lang, change_link) for e in entries]))
    view.glance_totals = (*totals, sum(totals))
    return view


def render_email(digest: Digest, change_link: Callable[[int], str] | None = None) -> str:
    """A standalone HTML document for mail clients and browsers (also parses as XML)."""
    template = environment().get_template("digest_email.html")
    return template.render(d=digest_view(digest, change_link), s=Styler(inline=True)) + "\n"


def render_body(digest: Digest, change_link: Callable[[int], str] | None = None) -> Markup:
    """The digest's content for a page that styles it with classes (the web view)."""
    module = environment().get_template("digest_body.html").module
    return Markup(module.digest_body(digest_view(digest, change_link), Styler(inline=False)))  # type: ignore[attr-defined]


__all__ = ["digest_view", "link_text", "one_line", "render_body", "render_email"]
