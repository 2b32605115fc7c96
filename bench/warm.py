"""The service's cycle: baseline / mutation / idle run by run_checks in one warm process.

  .venv/bin/python bench/warm.py --n 500 --reps 3 --json bench/results/warm.json
  .venv/bin/python bench/warm.py --urlwatch ~/.cache/peer-bench/venvs/urlwatch/bin/urlwatch  # paired

`tracker check` pays the interpreter start and ~0.6 s of imports on every cycle; the long-running service
(`tracker run`) pays them once. This measures what a cycle costs the service: run_checks + alert delivery
to the corpus server's fake Slack webhook, a fresh database per repetition, CPU = this process's
process_time, detection judged like bench.py does (corpus URLs in the posted payloads vs the truth).

With --urlwatch, each repetition also runs urlwatch's three cycles on the same corpus server right after
tracker's (A B A B), through ../shared/bench/bench.py's own Urlwatch job set-up and `measure` (loaded by
path, used as it is): urlwatch has no service mode, a cron job runs one process per cycle, so that is the
cycle a user of it pays. The table then gives the paired ratio (median of per-repetition tracker/urlwatch).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from micro import PEER_BENCH, _config, _get, _only_custom, _rss_mb, _start_corpus

CYCLES = ("baseline", "mutation", "idle")


def _peer_harness() -> Any:
    """../shared/bench/bench.py as a module of its own name (this folder is also called bench)."""
    spec = importlib.util.spec_from_file_location("peer_bench", PEER_BENCH / "bench.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _urlwatch_rep(
    peer: Any, binary: str, base: str, urls: list[dict[str, Any]], work: Path, tags: dict[str, Any]
) -> list[dict[str, Any]]:
    """urlwatch's baseline / mutation / idle in a fresh state directory, as bench.py runs them."""
    state = work / "state"
    state.mkdir(parents=True)
    urls_txt, urls_json = work / "urls.txt", work / "urls.json"
    urls_txt.write_text("".join(u["url"] + "\n" for u in urls))
    urls_json.write_text(json.dumps(urls))
    ctx = {
        "base": base,
        "urls": urls,
        "urls_txt": str(urls_txt),
        "urls_json": str(urls_json),
        "state": str(state),
    }
    tool = peer.Urlwatch(binary)
    _get(f"{base}/_control/round?set=0")
    tool.setup(ctx)
    rows = []
    for cycle in CYCLES:
        expected: list[str] | None = None
        if cycle == "mutation":
            time.sleep(1.1)  # Last-Modified has 1 s resolution
            expected = json.loads(_get(f"{base}/_control/round?set=1"))["changed"]
        elif cycle == "idle":
            expected = []
        argv, env = tool.command(ctx, cycle)
        out, err = str(work / f"{cycle}.out"), str(work / f"{cycle}.err")
        m = peer.measure(argv, env, str(state), out, err, 600)
        found = tool.parse(ctx, cycle, out, err)
        exact = found["new"] == len(urls) if expected is None else set(found["changed"]) == set(expected)
        rows.append(
            {
                **tags,
                "tool": "urlwatch",
                "cycle": cycle,
                "cpu_s": round(m["cpu_s"], 3),
                "wall_s": round(m["wall_s"], 3),
                "exact": exact and m.get("exit") == 0,
                "rss_mb": round(m.get("maxrss_kb", 0) / 1024, 1),
            }
        )
        print(f"  urlwatch {rows[-1]}", file=sys.stderr)
    return rows


def bench_warm(
    n: int, reps: int, latencies: list[int], conditionals: list[int], urlwatch: str | None = None
) -> list[dict[str, Any]]:
    """What a cycle costs the long-running service (no interpreter start, no imports): run_checks +
    alert delivery in one process, fresh database per repetition, CPU = this process's process_time."""
    from tracker.alerts.deliver import deliver_pending
    from tracker.alerts.slack import SlackWebhookNotifier
    from tracker.cli.common import open_database
    from tracker.cli.watch import parse_watch_list, render_sources
    from tracker.net.politeness import RobotsStore
    from tracker.pipeline.check import run_checks

    peer = _peer_harness() if urlwatch else None
    rows: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory() as tmp:
        server, base = _start_corpus(tmp, n)
        try:
            urls = json.loads(_get(f"{base}/_control/urls"))
            entries = parse_watch_list(json.dumps(urls), selector=None, feeds_as_feeds=False)
            sources = _only_custom() + render_sources(entries, jurisdiction="WATCH", language="en")
            for lat in latencies:
                for cond in conditionals:
                    _get(f"{base}/_control/config?latency_ms={lat}&conditional={cond}")
                    for rep in range(1, reps + 1):
                        state = Path(tmp) / f"rep{lat}-{cond}-{rep}"
                        state.mkdir()
                        config = _config(state, sources)
                        engine = open_database(config)
                        notifier = SlackWebhookNotifier(f"{base}/_slack/webhook", config)
                        robots = RobotsStore()  # the service keeps robots.txt across its cycles
                        _get(f"{base}/_control/round?set=0")
                        _get(f"{base}/_control/slack?reset=1")
                        for cycle in CYCLES:
                            expected: list[str] = []
                            if cycle == "mutation":
                                time.sleep(1.1)  # Last-Modified has 1 s resolution
                                expected = json.loads(_get(f"{base}/_control/round?set=1"))["changed"]
                            gc.collect()
                            c0, w0 = time.process_time(), time.perf_counter()
                            run_checks(config, engine, robots=robots)
                            deliver_pending(engine, config, notifier)
                            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
                            posts = json.loads(_get(f"{base}/_control/slack?reset=1"))
                            text = json.dumps([p["payload"] for p in posts])
                            got = set(re.findall(re.escape(base) + r"/[^\s\"'<>|\\)]+", text))
                            rows.append(
                                {
                                    "tool": "tracker-service",
                                    "n": n,
                                    "latency_ms": lat,
                                    "conditional": cond,
                                    "rep": rep,
                                    "cycle": cycle,
                                    "cpu_s": round(cpu, 3),
                                    "wall_s": round(wall, 3),
                                    "exact": got == set(expected),
                                    "reported": len(got),
                                    "expected": len(expected),
                                    "rss_mb": round(_rss_mb(), 1),
                                }
                            )
                            print(f"  warm {rows[-1]}", file=sys.stderr)
                        engine.dispose()
                        if urlwatch:
                            tags = {"n": n, "latency_ms": lat, "conditional": cond, "rep": rep}
                            work = Path(tmp) / f"urlwatch{lat}-{cond}-{rep}"
                            rows += _urlwatch_rep(peer, urlwatch, base, urls, work, tags)
        finally:
            server.terminate()
            server.wait()
    return rows


def _table(n: int, rows: list[dict[str, Any]]) -> str:
    """Medians [min-max] per configuration and tool; with urlwatch, the paired ratios per repetition."""
    by: dict[tuple[int, int, str, str], list[dict[str, Any]]] = {}
    for r in rows:
        by.setdefault((r["latency_ms"], r["conditional"], r["cycle"], r["tool"]), []).append(r)
    span = lambda v: f"{statistics.median(v):.2f} [{min(v):.2f}-{max(v):.2f}]"  # noqa: E731
    lines = [
        "| N | lat ms | cond | cycle | tool | runs | CPU s median [min-max] | wall s median [min-max] "
        "| exact | CPU ratio | wall ratio |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for (lat, cond, cycle, tool), rs in by.items():
        ratios = ["", ""]
        peer = {r["rep"]: r for r in by.get((lat, cond, cycle, "urlwatch"), [])}
        if tool != "urlwatch" and peer:
            for i, key in enumerate(("cpu_s", "wall_s")):
                paired = [
                    r[key] / peer[r["rep"]][key] for r in rs if r["rep"] in peer and peer[r["rep"]][key]
                ]
                ratios[i] = f"{statistics.median(paired):.2f}" if paired else ""
        exact = f"{sum(r['exact'] for r in rs)}/{len(rs)}"
        cpu, wall = span([r["cpu_s"] for r in rs]), span([r["wall_s"] for r in rs])
        lines.append(
            f"| {n} | {lat} | {cond} | {cycle} | {tool} | {len(rs)} | {cpu} | {wall} | {exact} | "
            f"{ratios[0]} | {ratios[1]} |"
        )
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=500, help="corpus size")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--latency", default="0,50", help="comma list of latencies (ms)")
    ap.add_argument("--conditional", default="0,1", help="comma list, 0/1")
    ap.add_argument("--json", help="also write the rows here")
    ap.add_argument("--urlwatch", help="urlwatch's executable: also run its cycles, paired (A B A B)")
    args = ap.parse_args()
    rows = bench_warm(
        args.n,
        args.reps,
        [int(x) for x in args.latency.split(",")],
        [int(x) for x in args.conditional.split(",")],
        args.urlwatch,
    )
    print(_table(args.n, rows))
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
