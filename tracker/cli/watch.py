"""watch import: the generic page watch - any list of URLs becomes `custom_sources` in config.toml.

Input is plain text (one URL per line, optionally followed by whitespace and a CSS selector; `#` starts a
comment) or a JSON list of {url, kind: list/feed/doc, selector, method} (the benchmark harness's
BENCH_URLS_JSON). Each URL becomes one source with one endpoint, alert policy "all":
  * a feed -> FeedParser (new and updated entries, one alert each);
  * anything else -> DocumentParser over the selector (html dialect) or the whole page (auto dialect):
    the watched region is compared block by block and one alert names the changed paragraphs.
The source's `regulator` holds the watched URL, so every alert (whose context line shows it) says which
watched page it came from - for a feed entry the button points at the entry, not the feed.

The TOML is written by hand (no writer library in the dependencies): strings are JSON-quoted, which TOML
basic strings accept, and the result is parsed and validated as a Config before anything is written.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sys
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import typer

from tracker.cli.common import app, err_console, fail

watch_app = typer.Typer(
    help="Watch arbitrary pages and feeds (the generic page watch).", no_args_is_help=True
)
app.add_typer(watch_app, name="watch")

_FEED_PATH = re.compile(r"(\.(rss|atom|xml)$|/(feed|rss|atom)/?$)", re.IGNORECASE)
_SLUG = re.compile(r"[^a-z0-9]+")
REGULATOR_MAX = 128  # Change.regulator's column width


@dataclass(frozen=True)
class WatchEntry:
    url: str
    feed: bool
    selector: str | None


def parse_watch_list(text: str, *, selector: str | None, feeds_as_feeds: bool) -> list[WatchEntry]:
    """Entries from plain text or the harness's JSON list; raises ValueError naming the bad line/entry."""
    stripped = text.lstrip()
    if stripped.startswith("["):
        return _from_json(json.loads(stripped), selector)
    entries: list[WatchEntry] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):  # whole-line comments only: URLs may hold a '#'
            continue
        url, *rest = line.split(None, 1)
        _check_url(url, f"line {number}")
        own = rest[0].strip() if rest else None
        feed = feeds_as_feeds and own is None and bool(_FEED_PATH.search(urlsplit(url).path))
        entries.append(WatchEntry(url=url, feed=feed, selector=None if feed else (own or selector)))
    return entries


def _from_json(data: Any, selector: str | None) -> list[WatchEntry]:
    if not isinstance(data, list):
        raise ValueError("a JSON watch list must be a list of {url, kind, selector} objects")
    entries: list[WatchEntry] = []
    for n, item in enumerate(data):
        if isinstance(item, str):
            item = {"url": item}
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            raise ValueError(f'entry {n}: expected an object with a "url" string')
        _check_url(item["url"], f"entry {n}")
        feed = item.get("kind") == "feed"
        own = item.get("selector") if isinstance(item.get("selector"), str) else None
        entries.append(WatchEntry(url=item["url"], feed=feed, selector=None if feed else (own or selector)))
    return entries


def _check_url(url: str, where: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{where}: {url!r} is not an http(s) URL")


def source_id(url: str) -> str:
    """A stable, valid id from the URL: 'w_' + host and path slug + a short hash (distinct URLs differ)."""
    parts = urlsplit(url)
    slug = _SLUG.sub("_", f"{parts.hostname or ''}_{parts.path}".lower()).strip("_")
    digest = hashlib.sha1(url.encode()).hexdigest()[:8]
    return f"w_{slug[: 63 - 2 - 1 - len(digest)].rstrip('_')}_{digest}"


def _q(value: str) -> str:
    # JSON string escapes (\", \\, \n, \uXXXX) are valid in TOML basic strings; DEL is the one control
    # character JSON leaves raw and TOML refuses. Non-ASCII stays raw: JSON would write astral characters as
    # surrogate pairs, which TOML refuses.
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def render_sources(entries: list[WatchEntry], *, jurisdiction: str, language: str) -> str:
    out: list[str] = []
    for entry in entries:
        parts = urlsplit(entry.url)
        regulator = (
            entry.url if len(entry.url) <= REGULATOR_MAX else (parts.hostname or entry.url)[:REGULATOR_MAX]
        )
        if entry.feed:
            parser, endpoint_id = '{ kind = "feed" }', "feed"
        elif entry.selector:
            parser, endpoint_id = (
                f'{{ kind = "document", dialect = "html", content = {_q(entry.selector)} }}',
                "page",
            )
        else:
            parser, endpoint_id = '{ kind = "document", dialect = "auto" }', "page"
        out += [
            "[[custom_sources]]",
            f"id = {_q(source_id(entry.url))}",
            f"jurisdiction = {_q(jurisdiction)}",
            f"regulator = {_q(regulator)}",
            f"language = {_q(language)}",
            'alert = "all"',
            "[[custom_sources.endpoints]]",
            f'id = "{endpoint_id}"',
            f"url = {_q(entry.url)}",
            f"parser = {parser}",
            "",
        ]
    return "\n".join(out)


def _existing(path: Path | None) -> tuple[str, dict[str, Any]]:
    if path is None or not path.exists():
        return "", {}
    text = path.read_text(encoding="utf-8")
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        fail(f"{path}: not valid TOML: {exc}")


def _validate(text: str, where: Path) -> None:
    """Parse and validate the would-be file as the service will (same directory: same relative paths)."""
    from tracker.config import ConfigError, load_config

    where.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".watch-", suffix=".toml", dir=where.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        load_config(tmp)
    except ConfigError as exc:
        fail(f"the result would not be a valid config, nothing written:\n{exc}")
    finally:
        os.unlink(tmp)


@watch_app.command("import")
def import_urls(
    file: Annotated[
        str, typer.Argument(help="Text file (URL [CSS selector] per line) or JSON list; '-' = stdin.")
    ],
    selector: Annotated[
        str | None,
        typer.Option("--selector", help="CSS selector of the watched region for URLs without their own."),
    ] = None,
    feeds_as_feeds: Annotated[
        bool,
        typer.Option(
            "--feeds-as-feeds/--feeds-as-pages",
            help="Watch URLs that look like feeds (.rss/.atom/.xml, /feed) entry by entry (the default), "
            "or as pages compared as a whole. JSON entries with kind=feed always are feeds.",
        ),
    ] = True,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Config file to create or append to (default: print to stdout)."),
    ] = None,
    only: Annotated[
        bool,
        typer.Option("--only", help="Also disable the built-in regulator sources: check only these pages."),
    ] = False,
    jurisdiction: Annotated[
        str, typer.Option(help="Jurisdiction label of the watches (`tracker check WATCH` selects them).")
    ] = "WATCH",
    language: Annotated[str, typer.Option(help="ISO 639-1 language of the pages.")] = "en",
) -> None:
    """Turn a list of URLs into custom_sources (alert on every change) in a config file."""
    try:
        text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
        entries = parse_watch_list(text, selector=selector, feeds_as_feeds=feeds_as_feeds)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        fail(f"{file}: {exc}")
    if not entries:
        fail(f"{file}: no URLs in it")
    if len(jurisdiction) > 16:
        fail("--jurisdiction: at most 16 characters")
    old_text, old = _existing(out)
    watched = {
        e.get("url")
        for s in old.get("custom_sources", [])
        for e in s.get("endpoints", [])
        if isinstance(e, dict)
    }
    fresh: list[WatchEntry] = []
    for entry in entries:
        if entry.url not in watched:
            watched.add(entry.url)
            fresh.append(entry)
    parts = (
        [old_text.rstrip("\n") + "\n\n"] if old_text.strip() else ["# Written by `tracker watch import`.\n\n"]
    )
    if only:
        from sources import builtin_sources

        configured = old.get("sources", {})
        for spec in builtin_sources():
            if spec.id in configured:  # a table cannot be opened twice: leave the user's own as it is
                if configured[spec.id].get("enabled", True):
                    err_console.print(
                        f"sources.{spec.id} is configured and enabled; left as it is", markup=False
                    )
                continue
            parts.append(f"[sources.{spec.id}]\nenabled = false\n\n")
    parts.append(render_sources(fresh, jurisdiction=jurisdiction, language=language))
    result = "".join(parts)
    if out is None:
        _validate(result, Path.cwd() / "config.toml")
        sys.stdout.write(result)
    else:
        _validate(result, out.resolve())
        tmp = out.with_name(f".{out.name}.tmp")
        tmp.write_text(result, encoding="utf-8")
        os.replace(tmp, out)
    skipped = len(entries) - len(fresh)
    err_console.print(
        f"{len(fresh)} watches added ({sum(e.feed for e in fresh)} feeds)"
        + (f", {skipped} already watched" if skipped else "")
        + (f" to {out}" if out else ""),
        markup=False,
    )
