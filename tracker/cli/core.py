"""check, sources, history, show, classify, db upgrade."""

from __future__ import annotations

import json
import re
import sys
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Annotated, TypedDict

import typer
from sqlmodel import Session, col, select

from tracker.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    ConfigOption,
    JsonOption,
    app,
    console,
    db_app,
    err_console,
    fail,
    load,
    open_database,
    real_console,
    setup_logging,
    stdout_is_terminal,
)
from tracker.config import parse_duration
from tracker.redact import redact
from tracker.store.models import Change, SourceState

if TYPE_CHECKING:  # at run time the pipeline is imported inside the commands that run it
    from tracker.pipeline.check import EndpointReport


@app.command()
def check(
    sources: Annotated[
        list[str] | None, typer.Argument(help="Source ids, `source/endpoint`, or jurisdictions.")
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Fetch, extract and diff; store nothing.")
    ] = False,
    json_out: JsonOption = False,
    no_alerts: Annotated[
        bool, typer.Option("--no-alerts", help="Queue alerts but do not send them now.")
    ] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log every check.")] = False,
    config_path: ConfigOption = None,
) -> None:
    """Check sources now and print one row per endpoint. Exit 1 when any endpoint failed."""
    setup_logging("INFO" if verbose else "WARNING")
    config = load(config_path)
    from tracker.pipeline.check import run_checks
    from tracker.pipeline.selection import select_sources

    engine = open_database(config)
    try:
        chosen = select_sources(config, sources or ())
    except KeyError as exc:
        fail(str(exc.args[0]))
    total = sum(len(s.endpoints) for s in chosen)
    if json_out or not sys.stderr.isatty() or total < 4:
        reports = run_checks(config, engine, sources or (), dry_run=dry_run)
    else:
        from rich.progress import Progress

        with Progress(console=real_console(err_console), transient=True) as progress:
            task = progress.add_task("checking", total=total)
            reports = run_checks(
                config, engine, sources or (), dry_run=dry_run, progress=lambda _r: progress.advance(task)
            )
    failed = [r for r in reports if not r.ok]
    if not json_out:
        _print_reports(reports, dry_run)
    delivery = None
    if not dry_run and not no_alerts:
        from tracker.alerts.deliver import DeliveryReport, deliver_pending, has_unsent
        from tracker.alerts.notifiers import make_notifier

        delivery = DeliveryReport()
        if has_unsent(engine):  # else neither the Slack client nor rich's console is even loaded
            from tracker.alerts.console import ConsoleNotifier

            notifier = make_notifier(config)
            if json_out and isinstance(notifier, ConsoleNotifier):
                notifier = ConsoleNotifier(sys.stderr)  # keep stdout valid JSON
            delivery = deliver_pending(engine, config, notifier)
    if json_out:
        payload = {
            "endpoints": [r.as_dict() for r in reports],
            "failed": len(failed),
            "dry_run": dry_run,
            "alerts": None if delivery is None else vars(delivery),
        }
        console.print_json(json.dumps(payload, default=str))
    else:
        # Plain print() into a pipe: rich's console is loaded only for a terminal.
        say = (lambda text: console.print(text, markup=False)) if stdout_is_terminal() else print
        if delivery is not None and (delivery.sent or delivery.failed or delivery.pending):
            say(f"alerts: {delivery.sent} sent, {delivery.failed} failed, {delivery.pending} pending")
        say(totals_line(reports))
    raise typer.Exit(EXIT_FAILED if failed else EXIT_OK)


def totals_line(reports: list[EndpointReport]) -> str:
    """'37 endpoints: 35 ok, 2 failed': what a long table or a log comes down to."""
    failed = sum(1 for r in reports if not r.ok)
    noun = "endpoint" if len(reports) == 1 else "endpoints"
    return f"{len(reports)} {noun}: {len(reports) - failed} ok, {failed} failed"


def _note(r: EndpointReport) -> str:
    if not r.ok:
        return r.reason
    if r.document_changed:
        return f"document changed ({', '.join(f'#{i}' for i in r.change_ids)})"
    return "baseline (silent)" if r.baseline else ("unchanged" if r.unchanged else "")


def _print_reports(reports: list[EndpointReport], dry_run: bool) -> None:
    if not stdout_is_terminal():
        # Plain lines for logs and pipes: a 500-row rich table costs a third of a second to lay out.
        if dry_run:
            print("dry run: nothing stored")
        for r in reports:
            print(
                f"{r.source}/{r.endpoint}\t{r.status}\titems={r.items} new={r.new} changed={r.changed} "
                f"removed={r.removed}\t{r.seconds:.2f}s\t{_note(r)[:120]}"
            )
        for r in reports:
            for cid in r.change_ids:
                print(f"CHANGED: {r.source}/{r.endpoint} change #{cid}  (tracker show {cid})")
        return
    from rich.table import Table
    from rich.text import Text

    table = Table(title="dry run: nothing stored" if dry_run else None)
    for name in ("endpoint", "status", "items", "new", "changed", "removed", "time", "note"):
        table.add_column(
            name,
            justify="right" if name in {"items", "new", "changed", "removed", "time"} else "left",
            # the note (an error's reason) takes what the terminal has left and folds, uncut
            overflow="fold" if name == "note" else "ellipsis",
            no_wrap=name != "note",
        )
    for r in reports:
        style = {"ok": "green", "not_modified": "green", "blocked": "yellow"}.get(r.status, "red")
        note = _note(r)
        table.add_row(
            f"{r.source}/{r.endpoint}",
            f"[{style}]{r.status}[/{style}]",
            str(r.items),
            str(r.new),
            str(r.changed),
            str(r.removed),
            f"{r.seconds:.2f}s",
            Text(note),  # server text: never markup
        )
    console.print(table)
    for r in reports:
        for cid in r.change_ids:
            console.print(
                f"CHANGED: {r.source}/{r.endpoint} change #{cid}  (tracker show {cid})", markup=False
            )


class _EndpointRow(TypedDict):
    """One endpoint as `tracker sources` lists it; with --json, these keys in this order."""

    endpoint: str
    jurisdiction: str
    kind: str
    groups: list[str]
    regulator: str
    url: str
    status: str
    failures: int
    last_success: str | None
    error: str | None
    stale: bool
    newest_item: str | None
    expects: str


# Registered by tracker/cli/sources.py as the `sources` group's default, beside `sources reset`.
def list_sources(json_out: JsonOption = False, config_path: ConfigOption = None) -> None:
    """Endpoints with their health and last success."""
    from tracker.pipeline.expectations import describe_expectations
    from tracker.pipeline.staleness import staleness_by_endpoint

    config = load(config_path)
    engine = open_database(config)
    sources = config.enabled_sources()
    with Session(engine) as session:
        states = {s.endpoint_key: s for s in session.exec(select(SourceState))}
        staleness = staleness_by_endpoint(session, sources, datetime.now(UTC), config.check)
    from sources.groups import groups_of

    rows: list[_EndpointRow] = []
    # Grouped: by jurisdiction, then kind of regulator (sources/groups.py), as config.toml's [groups] switches
    # them; sources of your own last. The sort is stable: a source's endpoints keep their order.
    for source in sorted(sources, key=lambda s: (not groups_of(s), groups_of(s))):
        groups = groups_of(source)
        for endpoint in source.endpoints:
            key = f"{source.id}/{endpoint.id}"
            st = states.get(key)
            fresh = staleness.get(key)
            rows.append(
                {
                    "endpoint": key,
                    "jurisdiction": source.jurisdiction,
                    "kind": groups[1] if groups else "custom",
                    "groups": list(groups),
                    "regulator": source.regulator,
                    "url": redact(endpoint.url),
                    "status": st.status if st else "never",
                    "failures": st.consecutive_failures if st else 0,
                    "last_success": st.last_success_at.isoformat() if st and st.last_success_at else None,
                    "error": st.error_message if st else None,
                    "stale": bool(fresh and fresh.stale),
                    "newest_item": fresh.reason if fresh else None,
                    "expects": describe_expectations(endpoint),
                }
            )
    if json_out:
        console.print_json(json.dumps(rows))
        return
    cells = [
        (
            r["endpoint"],
            r["jurisdiction"],
            r["kind"],
            r["regulator"],
            r["status"] + (" · stale" if r["stale"] else ""),
            str(r["failures"]),
            (r["last_success"] or "-")[:19],
            ((r["newest_item"] or "") if r["stale"] else (r["error"] or "")),
        )
        for r in rows
    ]
    if not stdout_is_terminal():
        # Piped: one line per endpoint, tab-separated, nothing squeezed into 80 columns or wrapped.
        for row in cells:
            print("\t".join(row))
        return
    from rich.table import Table
    from rich.text import Text

    table = Table()
    columns = ("endpoint", "jurisdiction", "kind", "regulator", "status", "failures", "last success", "error")
    for name in columns:
        table.add_column(name, overflow="fold" if name == "error" else "ellipsis", no_wrap=name != "error")
    for row in cells:
        table.add_row(*row[:-1], Text(row[-1]))  # an error is server text: never markup
    console.print(table)


def parse_since(value: str) -> datetime:
    """'14d', '36h' or an ISO date -> an aware datetime."""
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}.*", value):
        parsed = datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    try:
        return datetime.now(UTC) - timedelta(seconds=parse_duration(value))
    except ValueError as exc:
        fail(f"--since: {exc}")


@app.command()
def history(
    source: Annotated[str | None, typer.Argument(help="Source id (all when omitted).")] = None,
    since: Annotated[str, typer.Option(help="How far back: '14d', '36h' or a date.")] = "14d",
    all_changes: Annotated[
        bool, typer.Option("--all", help="Include changes that were not relevant.")
    ] = False,
    json_out: JsonOption = False,
    config_path: ConfigOption = None,
) -> None:
    """Changes detected in a period, newest first."""
    config = load(config_path)
    engine = open_database(config)
    start = parse_since(since)
    with Session(engine) as session:
        # Not configured is still a source when the database knows it (a source since removed).
        if (
            source
            and source not in {s.id for s in config.all_sources()}
            and session.exec(select(Change.id).where(Change.source_id == source).limit(1)).first() is None
        ):
            known = ", ".join(s.id for s in config.enabled_sources())
            fail(f"unknown source {source!r}; enabled sources are: {known}")
        query = select(Change).where(col(Change.detected_at) >= start)
        if source:
            query = query.where(Change.source_id == source)
        if not all_changes:
            query = query.where(Change.relevance != "not_ai")
        changes = list(session.exec(query.order_by(col(Change.detected_at).desc(), col(Change.id).desc())))
    if json_out:
        console.print_json(json.dumps([_change_dict(c, with_diff=False) for c in changes], default=str))
        return
    if not stdout_is_terminal():
        for c in changes:  # piped: one plain line per change
            print(
                f"{c.id}\t{c.detected_at.isoformat()[:16]}\t{c.source_id}\t{c.kind}\t{c.relevance}\t{c.title}"
            )
        return
    from rich.table import Table
    from rich.text import Text

    table = Table()
    for name in ("id", "detected", "source", "kind", "relevance", "title"):
        table.add_column(name, overflow="fold" if name == "title" else "ellipsis", no_wrap=name != "title")
    for c in changes:
        table.add_row(
            str(c.id), c.detected_at.isoformat()[:16], c.source_id, c.kind, c.relevance, Text(c.title)
        )
    console.print(table)


def _change_dict(c: Change, with_diff: bool = True) -> dict[str, object]:
    data = c.model_dump()
    data["matched"] = json.loads(c.matched or "[]")
    if not with_diff:
        data.pop("diff", None)
    return data


@app.command()
def show(
    change_id: Annotated[int, typer.Argument(help="The change's id, as `history` lists it.")],
    json_out: JsonOption = False,
    config_path: ConfigOption = None,
) -> None:
    """One change with its full diff."""
    config = load(config_path)
    engine = open_database(config)
    with Session(engine) as session:
        change = session.get(Change, change_id)
    if change is None:
        fail(f"no change #{change_id}; `tracker history --all` lists them", EXIT_FAILED)
    if json_out:
        console.print_json(json.dumps(_change_dict(change), default=str))
        return
    console.print(
        f"#{change.id} {change.kind} · {change.jurisdiction} · {change.regulator} · {change.relevance}",
        markup=False,
    )
    console.print(change.title, markup=False)
    console.print(change.url, markup=False)
    if change.headline:
        console.print(change.headline, markup=False)
    if change.event_id is not None:  # one event seen by several endpoints
        console.print(f"part of the event of change #{change.event_id}: {change.event_reason}", markup=False)
    if change.kind == "document_changed":
        console.print(
            f"blocks: {change.added} added, {change.removed} removed, {change.changed} changed", markup=False
        )
    console.print()
    if change.kind == "document_changed" and change.summary and change.diff:
        console.print(change.summary, markup=False)  # the words that changed, unit by unit
        console.print("", markup=False)
    console.print(change.diff or change.summary, markup=False)


@app.command()
def classify(config_path: ConfigOption = None) -> None:
    """Label JSON Lines from stdin for AI relevance: {"title", "summary"?, "language"?, "jurisdiction"?,
    "doc_type"?, "url"?, "agency"?, "source"?, "section"?}. doc_type is a tracker doc type (law, proposal,
    …) or the regulator's own ("Proposed Rule", "Presidential Document/Executive Order", "Notice", "법률").
    Each line comes back with label, score, matched, evidence (what decided it) and document_type."""
    from tracker.relevance.classifier import RelevanceClassifier, classify_jsonl

    config = load(config_path)
    classifier = RelevanceClassifier(config.relevance)
    bad = 0
    for line in classify_jsonl(sys.stdin, classifier):
        if '"error"' in line and json.loads(line).get("error"):
            bad += 1
        sys.stdout.write(line.rstrip("\n") + "\n")
    raise typer.Exit(EXIT_FAILED if bad else EXIT_OK)


@db_app.command("upgrade")
def db_upgrade(config_path: ConfigOption = None) -> None:
    """Apply database migrations (also done automatically at start)."""
    from tracker.store.db import current_revision

    config = load(config_path)
    engine = open_database(config)
    console.print(f"database at revision {current_revision(engine)}", markup=False)
