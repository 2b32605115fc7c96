"""The service's cycle: baseline / mutation / idle run by run_checks in one warm process.

  .venv/bin/python bench/warm.py --n 500 --reps 3 --json bench/results/warm.json

`tracker check` pays the interpreter start and ~0.6 s of imports on every cycle; the long-running service
(`tracker run`) pays them once. This measures what a cycle costs the service: run_checks + alert delivery
to the corpus server's fake Slack webhook, a fresh database per repetition, CPU = this process's
process_time, detection judged like bench.py does (corpus URLs in the posted payloads vs the truth).
"""

from __future__ import annotations

import argparse
import gc
import json
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from micro import _config, _get, _only_custom, _rss_mb, _start_corpus


def bench_warm(n: int, reps: int, latencies: list[int], conditionals: list[int]) -> list[dict[str, Any]]:
    """What a cycle costs the long-running service (no interpreter start, no imports): run_checks +
    alert delivery in one process, fresh database per repetition, CPU = this process's process_time."""
    from tracker.alerts.deliver import deliver_pending
    from tracker.alerts.slack import SlackWebhookNotifier
    from tracker.check import run_checks
    from tracker.cli.common import open_database
    from tracker.cli.watch import parse_watch_list, render_sources

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
                        _get(f"{base}/_control/round?set=0")
                        _get(f"{base}/_control/slack?reset=1")
                        for cycle in ("baseline", "mutation", "idle"):
                            expected: list[str] = []
                            if cycle == "mutation":
                                time.sleep(1.1)  # Last-Modified has 1 s resolution
                                expected = json.loads(_get(f"{base}/_control/round?set=1"))["changed"]
                            gc.collect()
                            c0, w0 = time.process_time(), time.perf_counter()
                            run_checks(config, engine)
                            deliver_pending(engine, config, notifier)
                            cpu, wall = time.process_time() - c0, time.perf_counter() - w0
                            posts = json.loads(_get(f"{base}/_control/slack?reset=1"))
                            text = json.dumps([p["payload"] for p in posts])
                            got = set(re.findall(re.escape(base) + r"/[^\s\"'<>|\\)]+", text))
                            rows.append(
                                {
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
        finally:
            server.terminate()
            server.wait()
    return rows


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=500, help="corpus size")
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--latency", default="0,50", help="comma list of latencies (ms)")
    ap.add_argument("--conditional", default="0,1", help="comma list, 0/1")
    ap.add_argument("--json", help="also write the rows here")
    args = ap.parse_args()
    rows = bench_warm(
        args.n,
        args.reps,
        [int(x) for x in args.latency.split(",")],
        [int(x) for x in args.conditional.split(",")],
    )
    groups: dict[tuple[int, int, str], list[dict[str, Any]]] = {}
    for r in rows:
        groups.setdefault((r["latency_ms"], r["conditional"], r["cycle"]), []).append(r)
    print("| N | lat ms | cond | cycle | runs | wall s median [min-max] | CPU s median [min-max] | exact |")
    print("|---|---|---|---|---|---|---|---|")
    for (lat, cond, cycle), rs in groups.items():
        w, c = [r["wall_s"] for r in rs], [r["cpu_s"] for r in rs]
        span = lambda v: f"{statistics.median(v):.2f} [{min(v):.2f}-{max(v):.2f}]"  # noqa: E731
        exact = f"{sum(r['exact'] for r in rs)}/{len(rs)}"
        print(f"| {args.n} | {lat} | {cond} | {cycle} | {len(rs)} | {span(w)} | {span(c)} | {exact} |")
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(rows, indent=1) + "\n")


if __name__ == "__main__":
    main()
