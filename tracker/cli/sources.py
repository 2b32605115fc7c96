"""record and try: save a source's live responses as fixtures; show what the extractor finds in one.

Neither touches the database. `record` writes files under --out only; `try` writes nothing at all.
`tracker sources` and `tracker sources reset` are registered with this group (tracker/cli/sources_reset.py).
"""

from __future__ import annotations

import asyncio
import json
import mimetypes
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

import typer
from rich.table import Table

# `tracker sources` (the list) and `tracker sources reset`: loaded with `record` and `try`.
from tracker.cli import sources_reset as _sources_reset  # noqa: F401
from tracker.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    ConfigOption,
    JsonOption,
    app,
    console,
    err_console,
    fail,
    load,
)
from tracker.config import Config
from tracker.specs import EndpointSpec, SourceSpec
from tracker.types import DocumentExtraction, ExtractionError, FetchRequest, FetchResult, ItemsExtraction

_EXTENSIONS = {
    "application/json": ".json",
    "application/ld+json": ".json",
    "application/sparql-results+json": ".json",
    "application/rss+xml": ".xml",
    "application/atom+xml": ".xml",
    "application/xml": ".xml",
    "text/xml": ".xml",
    "application/xhtml+xml": ".xhtml",
    "text/html": ".html",
    "application/pdf": ".pdf",
}
HEADERS_SUFFIX = ".headers.txt"


def _pick(config: Config, name: str) -> list[SourceSpec]:
    """Sources by id, `source/endpoint` or jurisdiction; a source switched off in config.toml can still be
    named on purpose (to try it on a fixture, or to record it once a key is configured)."""
    from sources import builtin_sources
    from tracker.pipeline.selection import select_sources

    try:
        return select_sources(config, [name])
    except KeyError as exc:
        sid, _, eid = name.partition("/")
        spec = next((s for s in [*builtin_sources(), *config.custom_sources] if s.id == sid), None)
        if spec is None:
            fail(str(exc.args[0]))
        err_console.print(f"note: {sid} is disabled in the configuration", markup=False)
        if eid:
            try:
                spec = spec.model_copy(update={"endpoints": (spec.endpoint(eid),)})
            except KeyError:
                known = ", ".join(e.id for e in spec.endpoints)
                fail(f"source {sid!r} has no endpoint {eid!r}; it has {known}")
        return [spec]


def _request(endpoint: EndpointSpec) -> FetchRequest:
    # No validators: a recording is the whole body, never a 304.
    return FetchRequest(
        url=endpoint.resolved_url(date.today()),
        method=endpoint.method,
        headers=dict(endpoint.headers),
        form=endpoint.form,
    )


# --- record ---------------------------------------------------------------------------------------------


def _extension(content_type: str, body: bytes) -> str:
    if content_type in _EXTENSIONS:
        return _EXTENSIONS[content_type]
    if body.lstrip()[:1] in (b"{", b"["):
        return ".json"
    return mimetypes.guess_extension(content_type or "") or ".body"


def _headers_text(request: FetchRequest, result: FetchResult, verdict: str) -> str:
    lines = [
        f"# recorded by `tracker record` at {datetime.now(UTC).isoformat(timespec='seconds')}",
        f"# request: {request.method} {request.url}",
    ]
    lines += [f"# request header: {k}: {v}" for k, v in request.headers.items()]
    if request.form:
        lines.append(f"# form: {urlencode(request.form)}")
    lines += [f"# final url: {result.final_url}", f"# verdict: {verdict}"]
    lines.append(f"HTTP {result.status_code if result.status_code is not None else '-'}")
    lines += [f"{name}: {value}" for name, value in result.headers.items()]
    return "\n".join(lines) + "\n"


@dataclass
class Recorded:
    key: str
    path: Path | None
    status_code: int | None
    size: int
    verdict: str
    ok: bool


def _save(directory: Path, stem: str, request: FetchRequest, result: FetchResult, verdict: str) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{stem}{_extension(result.content_type, result.body)}"
    path.write_bytes(result.body)
    (directory / f"{stem}{HEADERS_SUFFIX}").write_text(_headers_text(request, result, verdict), "utf-8")
    return path


async def record_sources(
    config: Config, sources: list[SourceSpec], out: Path, details: int
) -> list[Recorded]:
    """Fetch every endpoint once and save body + headers; with `details`, also the first detail pages."""
    from tracker.extract.derive import derive
    from tracker.net.fetch import Fetcher
    from tracker.pipeline.classify_response import classify_response

    saved: list[Recorded] = []
    async with Fetcher(config.fetch, config.user_agent()) as fetcher:
        for source in sources:
            for endpoint in source.endpoints:
                request = _request(endpoint)
                result = await fetcher.fetch(request)
                verdict = classify_response(result, last_good_size=None, shrink_ratio=0)
                text = f"{verdict.status.value}: {verdict.reason}"
                got = result.status_code is not None
                path = _save(out / source.id, endpoint.id, request, result, text) if got else None
                key = f"{source.id}/{endpoint.id}"
                saved.append(Recorded(key, path, result.status_code, len(result.body), text, got))
                if not (got and endpoint.detail is not None and details > 0):
                    continue
                try:
                    _, listing = derive(
                        endpoint, result.body, result.headers.get("content-type", ""), result.final_url
                    )
                except (ExtractionError, ValueError):
                    continue
                if not isinstance(listing, ItemsExtraction):
                    continue
                for n, item in enumerate(listing.items[:details], start=1):
                    detail_request = FetchRequest(url=item.url)
                    detail = await fetcher.fetch(detail_request)
                    dverdict = classify_response(detail, last_good_size=None, shrink_ratio=0)
                    dtext = f"{dverdict.status.value}: {dverdict.reason}"
                    dgot = detail.status_code is not None
                    stem = f"{endpoint.id}.detail-{n}"
                    dpath = _save(out / source.id, stem, detail_request, detail, dtext) if dgot else None
                    saved.append(
                        Recorded(
                            f"{key} detail {n}", dpath, detail.status_code, len(detail.body), dtext, dgot
                        )
                    )
    return saved


@app.command("record")
def record(
    source: Annotated[str, typer.Argument(help="Source id, `source/endpoint`, or a jurisdiction.")],
    out: Annotated[
        Path, typer.Option("--out", help="Directory to write into (one folder per source).")
    ] = Path("recordings"),
    details: Annotated[
        int, typer.Option("--details", help="Also save this many detail pages per list that declares them.")
    ] = 0,
    config_path: ConfigOption = None,
) -> None:
    """Fetch a source's endpoints live and save each raw response with its headers, as test fixtures.

    Writes <out>/<source>/<endpoint>.<ext> and <endpoint>.headers.txt. Blocked or error answers are saved
    too (they are samples as well); exit 1 when an endpoint gave no response at all.
    """
    config = load(config_path)
    sources = _pick(config, source)
    saved = asyncio.run(record_sources(config, sources, out, details))
    for r in saved:
        where = str(r.path) if r.path else "nothing saved"
        console.print(
            f"{r.key}: HTTP {r.status_code or '-'}, {r.size} bytes, {r.verdict} -> {where}", markup=False
        )
    raise typer.Exit(EXIT_OK if all(r.ok for r in saved) else EXIT_FAILED)


# --- try ------------------------------------------------------------------------------------------------


def _fixture_endpoint(source: SourceSpec, fixture: Path) -> EndpointSpec:
    """The named endpoint; else the one `tracker record` named the file after; else the only one."""
    if len(source.endpoints) == 1:
        return source.endpoints[0]
    stem = fixture.name.split(".")[0]
    for endpoint in source.endpoints:
        if endpoint.id == stem:
            return endpoint
    names = ", ".join(f"{source.id}/{e.id}" for e in source.endpoints)
    fail(f"{source.id} has several endpoints; say which one the fixture is for: {names}")


def _fixture_content_type(fixture: Path) -> str:
    """From the headers `tracker record` saved beside it, else from the file name."""
    headers = fixture.with_name(fixture.name.split(".")[0] + HEADERS_SUFFIX)
    if "." in fixture.name and headers.exists():
        for line in headers.read_text("utf-8").splitlines():
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-type":
                return value.strip()
    guessed, _ = mimetypes.guess_type(fixture.name)
    return guessed or ""


async def _fetch_live(config: Config, endpoint: EndpointSpec) -> FetchResult:
    from tracker.net.fetch import Fetcher

    async with Fetcher(config.fetch, config.user_agent()) as fetcher:
        return await fetcher.fetch(_request(endpoint))


def _item_rows(
    config: Config, source: SourceSpec, endpoint: EndpointSpec, items: ItemsExtraction
) -> list[dict]:
    from tracker.relevance.classifier import RelevanceClassifier
    from tracker.relevance.judge import Judge

    judge = Judge(config, RelevanceClassifier(config.relevance), source, endpoint)
    rows = []
    for item in items.items:
        relevance, doc_type = judge(item)
        rows.append(
            {
                "id": item.stable_id,
                "title": item.title,
                "url": item.url,
                "published_at": item.published_at.isoformat() if item.published_at else None,
                "summary": item.summary,
                "doc_type": doc_type,
                "relevance": relevance.label.value,
                "score": relevance.score,
                "matched": list(relevance.matched),
                "alert": judge.should_alert(relevance.label.value),
                "meta": item.meta,
            }
        )
    return rows


def _show(key: str, payload: dict[str, Any], limit: int) -> None:
    if payload["kind"] == "items":
        table = Table(title=f"{key}: {len(payload['items'])} items")
        for name in ("id", "published", "type", "relevance", "title"):
            table.add_column(name, overflow="fold")
        for row in payload["items"][:limit]:
            label = row["relevance"] + ("" if row["alert"] else " (no alert)")
            table.add_row(row["id"], (row["published_at"] or "-")[:16], row["doc_type"], label, row["title"])
        console.print(table)
        return
    console.print(f"{key}: document “{payload['title']}”, {len(payload['blocks'])} blocks", markup=False)
    if payload["version"]:
        console.print(f"version: {payload['version']}", markup=False)
    for block in payload["blocks"][:limit]:
        console.print(f"  {block['label']}: {block['text'][:100]}", markup=False)
    for link in payload["links"][:limit]:
        console.print(f"  link: {link}", markup=False)


@app.command("try")
def try_source(
    target: Annotated[str, typer.Argument(help="`source/endpoint`, or a source (then every endpoint).")],
    fixture: Annotated[
        Path | None, typer.Option("--fixture", help="Read this file instead of fetching the live URL.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="Rows or blocks to print.")] = 30,
    json_out: JsonOption = False,
    config_path: ConfigOption = None,
) -> None:
    """Print what the extractor finds (items with relevance, or document blocks). Stores nothing."""
    from tracker.extract.derive import derive
    from tracker.pipeline.classify_response import classify_response

    config = load(config_path)
    sources = _pick(config, target)
    if fixture is not None and not fixture.is_file():
        fail(f"--fixture: no such file: {fixture}")
    failed = False
    results: dict[str, Any] = {}
    for source in sources:
        endpoints = [_fixture_endpoint(source, fixture)] if fixture else list(source.endpoints)
        for endpoint in endpoints:
            key = f"{source.id}/{endpoint.id}"
            if fixture is not None:
                body, content_type, url = fixture.read_bytes(), _fixture_content_type(fixture), endpoint.url
            else:
                result = asyncio.run(_fetch_live(config, endpoint))
                verdict = classify_response(result, last_good_size=None, shrink_ratio=0)
                if verdict.status.value != "ok":
                    failed = True
                    results[key] = {"kind": "error", "status": verdict.status.value, "reason": verdict.reason}
                    continue
                body, content_type, url = (
                    result.body,
                    result.headers.get("content-type", ""),
                    result.final_url,
                )
            try:
                _, extraction = derive(endpoint, body, content_type, url)
            except (ExtractionError, ValueError) as exc:
                failed = True
                status = "broken" if isinstance(exc, ExtractionError) else "undecodable"
                results[key] = {"kind": "error", "status": status, "reason": str(exc)}
                continue
            if isinstance(extraction, DocumentExtraction):
                results[key] = {
                    "kind": "document",
                    "title": extraction.title,
                    "version": extraction.version,
                    "blocks": [{"key": b.key, "label": b.label, "text": b.text} for b in extraction.blocks],
                    "links": list(extraction.links),
                }
            else:
                results[key] = {"kind": "items", "items": _item_rows(config, source, endpoint, extraction)}
    if json_out:
        console.print_json(json.dumps(results, ensure_ascii=False, default=str))
    else:
        for key, payload in results.items():
            if payload["kind"] == "error":
                err_console.print(f"{key}: {payload['status']}: {payload['reason']}", markup=False)
            else:
                _show(key, payload, limit)
    raise typer.Exit(EXIT_FAILED if failed else EXIT_OK)
