"""The digest as Markdown or HTML (Slack Block Kit: tracker.digest.render_slack).

Every string from a source is escaped for the output format: Markdown specials are backslash-escaped (a
title cannot open a link, a list or raw HTML), HTML goes through html.escape, links are only written for
plain http(s) URLs (tracker.alerts.render.safe_link). Generated text always carries its marker.

Layout of an entry:
    title (original language; the machine translation under it when there is one)
    regulator · date · document type · new / amended / updated
    what changed: the articles named (amended documents) or title/content (updated entries)
    one or two sentences of the item's own text
    summary (machine-generated), when the summariser answered
    the link
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Literal

from tracker.alerts.escape import one_line
from tracker.alerts.render import safe_link
from tracker.digest.collect import Digest, Entry
from tracker.digest.i18n import (
    OTHER,
    Lang,
    doc_type_name,
    empty_line,
    format_date,
    heading,
    item_update,
    jurisdiction_name,
    kind_name,
    opening_line,
    translate_act_header,
    translate_headline,
    word,
)
from tracker.digest.summarise import script_language
from tracker.types import ChangeKind

Format = Literal["markdown", "html", "slack"]
FORMATS: tuple[Format, ...] = ("markdown", "html", "slack")
SUFFIXES = {"markdown": "md", "html": "html", "slack": "json"}


@dataclass(frozen=True)
class EntryView:
    """An entry's lines in the digest's language, not yet escaped for any format."""

    title: str
    title_lang: str
    translated_title: str | None
    meta: str
    what_changed: str | None
    extract: str
    generated_summary: str | None
    url: str | None  # None when the stored URL is not a plain http(s) link
    # The same event elsewhere (tracker.store.events): (regulator, link), plain http(s) links only.
    also: tuple[tuple[str, str], ...] = ()


def entry_view(entry: Entry, lang: Lang) -> EntryView:
    meta = [one_line(entry.regulator), format_date(entry.day, lang), doc_type_name(entry.doc_type, lang)]
    if entry.group == OTHER and entry.jurisdiction:
        meta.insert(0, one_line(entry.jurisdiction))
    meta.append(kind_name(entry.kind, lang))
    what = None
    if entry.kind == ChangeKind.DOCUMENT_CHANGED and entry.headline:
        what = translate_headline(entry.headline, lang)
    elif entry.kind == ChangeKind.CHANGED_ITEM and entry.headline:
        what = ", ".join(item_update(h, lang) for h in entry.headline)
    title = entry.title
    if entry.kind == ChangeKind.DOCUMENT_CHANGED:
        title = translate_act_header(title, lang)
    return EntryView(
        title=one_line(title) or "(untitled)",
        title_lang=script_language(title, entry.language),
        translated_title=one_line(entry.translated_title) or None,
        meta=" · ".join(m for m in meta if m),
        what_changed=one_line(what) or None,
        extract=one_line(entry.extract),
        generated_summary=one_line(entry.generated_summary) or None,
        url=safe_link(entry.url),
        also=tuple(
            (one_line(regulator), link)
            for regulator, url in entry.also
            if (link := safe_link(url)) is not None
        ),
    )


def generated_label(key: str, lang: Lang) -> str:
    """'요약 (자동 생성)' / 'Summary (machine-generated)'."""
    return f"{word(key, lang)} {word('generated', lang)}"


# -- Markdown -----------------------------------------------------------------------------------------

_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~])")
_MD_ENTITY = re.compile(r"&(?=#?[A-Za-z0-9]+;)")
_MD_LINE_START = re.compile(r"^(\s*)([#>+\-=]|\d+[.)])")


def md(text: str) -> str:
    """Untrusted text as literal Markdown on one line: no emphasis, links, HTML, entities or blocks."""
    text = _MD_INLINE.sub(r"\\\1", one_line(text))
    text = _MD_ENTITY.sub(r"\\&", text)
    return _MD_LINE_START.sub(lambda m: m.group(1) + re.sub(r"([#>+\-=.)])", r"\\\1", m.group(2)), text)


def md_link(url: str) -> str:
    # An autolink may not contain spaces, < or >; safe_link already refused whitespace.
    return "<" + url.replace("<", "%3C").replace(">", "%3E") + ">"


def render_markdown(digest: Digest) -> str:
    lang, period = digest.lang, digest.period
    # Headings, the opening line and jurisdiction names are our own wording: written as they are.
    if digest.is_empty:
        return empty_line(period.first_day, period.last_day, lang) + "\n"
    out = [f"## {heading(period.first_day, period.last_day, lang)}", "", opening_line(digest.counts(), lang)]
    for group, entries in digest.groups:
        out += ["", f"### {jurisdiction_name(group, lang)}"]
        for entry in entries:
            view = entry_view(entry, lang)
            out += ["", f"#### {md(view.title)}", ""]
            if view.translated_title:
                out.append(f"- *{generated_label('title_translation', lang)}:* {md(view.translated_title)}")
            out.append(f"- {md(view.meta)}")
            if view.what_changed:
                out.append(f"- **{word('what_changed', lang)}:** {md(view.what_changed)}")
            if view.extract:
                out.append(f"- {md(view.extract)}")
            if view.generated_summary:
                out.append(f"- *{generated_label('summary', lang)}:* {md(view.generated_summary)}")
            if view.url:
                out.append(f"- {word('source', lang)}: {md_link(view.url)}")
            if view.also:
                also = ", ".join(f"{md(regulator)} ({md_link(link)})" for regulator, link in view.also)
                out.append(f"- {word('also', lang)}: {also}")
    return "\n".join(out) + "\n"


# -- HTML ---------------------------------------------------------------------------------------------


def render_html(digest: Digest, public_url: str | None = None) -> str:
    """A standalone, e-mail-safe, well-formed HTML document (tracker.digest.render_html, Jinja2).

    public_url: the web view's address ([web].public_url); each entry then links to its change's page.
    """
    from tracker.digest.render_html import render_email

    if public_url:
        from tracker.alerts.links import change_url

        return render_email(digest, lambda change_id: change_url(public_url, change_id))
    return render_email(digest)


def render(digest: Digest, fmt: Format, *, public_url: str | None = None) -> str:
    """The digest as text in `fmt` (Slack: the JSON list of message payloads)."""
    if fmt == "markdown":
        return render_markdown(digest)
    if fmt == "html":
        return render_html(digest, public_url)
    from tracker.digest.render_slack import render_slack

    return json.dumps(render_slack(digest), ensure_ascii=False, indent=2) + "\n"
