"""doctor: does every enabled endpoint still see its site? The command to run on a first deploy.

Needs no database and stores nothing (the diagnosis is tracker.pipeline.doctor's).
"""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from tracker.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    ConfigOption,
    JsonOption,
    app,
    console,
    fail,
    load,
    setup_logging,
    stdout_is_terminal,
)

if TYPE_CHECKING:
    from tracker.pipeline.doctor import DoctorReport


@app.command("doctor")
def doctor(
    sources: Annotated[
        list[str] | None, typer.Argument(help="Source ids, `source/endpoint`, or jurisdictions.")
    ] = None,
    json_out: JsonOption = False,
    config_path: ConfigOption = None,
) -> None:
    """Diagnose every enabled endpoint: DNS, TLS, robots.txt, HTTP, WAF, what it finds against its
    expectations, and one line of advice per failure. Stores nothing. Exit 0 only when all are healthy."""
    from tracker.pipeline.doctor import run_doctor
    from tracker.pipeline.selection import select_sources

    setup_logging("ERROR")  # the report says what failed; per-request warnings would only repeat it
    config = load(config_path)
    try:
        chosen = select_sources(config, sources or ())
    except KeyError as exc:
        fail(str(exc.args[0]))
    if not any(source.endpoints for source in chosen):
        fail("no enabled endpoint to diagnose: enable a source in config.toml")
    report = run_doctor(config, chosen)
    offline = report.offline_summary()
    if json_out:
        print(json.dumps([d.as_dict() for d in report.diagnoses], ensure_ascii=False, indent=2))
        if offline:
            print(offline, file=sys.stderr)
    elif offline:
        print(offline)  # one line, not one row of network noise per endpoint
    elif stdout_is_terminal():
        _print_blocks(report)
    else:
        _print_lines(report)
    raise typer.Exit(EXIT_OK if report.healthy else EXIT_FAILED)


def _summary(report: DoctorReport) -> str:
    healthy = sum(1 for d in report.diagnoses if d.healthy)
    total = len(report.diagnoses)
    if healthy == total:
        return f"all {total} endpoints healthy"
    return f"{healthy} of {total} endpoints healthy; {total - healthy} need attention"


def _newest(title: str | None, when: str | None) -> str:
    if title is None:
        return ""
    return f"newest: “{title}”" + (f" ({when[:10]})" if when else " (no date)")


def _print_lines(report: DoctorReport) -> None:
    """Plain tab-separated lines for pipes and logs: one per endpoint, then the summary."""
    for d in report.diagnoses:
        http = f"HTTP {d.http_status}" if d.http_status is not None else "HTTP -"
        what = _newest(d.newest_title, d.newest_date) or (
            f"document: “{d.document_title}”" if d.document_title else ""
        )
        tail = f"advice: {d.advice}" if d.advice else what
        robots = f"robots {d.robots.removeprefix('robots ')}"
        fields = [d.key, d.status, f"dns {d.dns}", f"tls {d.tls}", robots, http, f"found {d.found}", tail]
        print("\t".join(fields))
    print(_summary(report))


def _print_blocks(report: DoctorReport) -> None:
    """For a terminal: one block per endpoint, the failing ones with their reason and advice."""
    from rich.markup import escape

    for d in report.diagnoses:
        mark, style = ("✓", "green") if d.healthy else ("✗", "yellow" if d.status == "blocked" else "red")
        console.print(f"[{style}]{mark} {escape(d.status)}[/{style}]  [bold]{escape(d.key)}[/bold]")
        console.print(f"    {escape(d.url)}", markup=True, style="dim")
        http = str(d.http_status) if d.http_status is not None else "-"
        console.print(
            f"    DNS {escape(d.dns)} · TLS {escape(d.tls)} · "
            f"robots {escape(d.robots.removeprefix('robots '))} · HTTP {http}",
            markup=True,
        )
        console.print(f"    found {escape(d.found)}; expected {escape(d.expectations)}", markup=True)
        if d.newest_title is not None:
            console.print(f"    {escape(_newest(d.newest_title, d.newest_date))}", markup=True)
        if d.document_title:
            console.print(f"    document “{escape(d.document_title)}”", markup=True)
        if not d.healthy:
            console.print(f"    [dim]{escape(d.reason)}[/dim]", markup=True)
            console.print(f"    [{style}]→ {escape(d.advice or '')}[/{style}]", markup=True)
    style = "green" if report.healthy else "red"
    console.print(f"[{style}]{escape(_summary(report))}[/{style}]", markup=True)
