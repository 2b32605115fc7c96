"""The issue-7 targets, read from a run's cycles.jsonl: one row per cycle, tool vs urlwatch.

    python3 bench/summary.py bench/results/<stamp>/cycles.jsonl [--tool tracker] [--ref urlwatch]

Ratios are paired (same configuration, cycle and repetition; median of the per-repetition ratios).
Targets: CPU <= 0.5 x urlwatch in every cycle; wall <= 0.5 x at 50 ms latency; peak RSS <= urlwatch;
exact detection in every repetition.
"""

from __future__ import annotations

import argparse
import json
import statistics
from typing import Any

ORDER = {"baseline": 0, "mutation": 1, "idle": 2}


def _median_ratio(
    rows: list[dict[str, Any]], ref: dict[tuple[Any, ...], dict[str, Any]], field: str
) -> float:
    ratios = [r[field] / ref[_key(r)][field] for r in rows if _key(r) in ref and ref[_key(r)].get(field)]
    return statistics.median(ratios) if ratios else float("nan")


def _key(r: dict[str, Any]) -> tuple[Any, ...]:
    return (r["n"], r["latency_ms"], r["conditional"], r["cycle"], r["rep"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="+")
    ap.add_argument("--tool", action="append", help="tools to compare (default: every tool but --ref)")
    ap.add_argument("--ref", default="urlwatch")
    args = ap.parse_args()
    recs: list[dict[str, Any]] = []
    for path in args.files:
        with open(path) as fh:
            recs += [json.loads(line) for line in fh if line.strip()]
    ref = {_key(r): r for r in recs if r["tool"] == args.ref}
    tools = args.tool or sorted({r["tool"] for r in recs} - {args.ref})
    print(
        "| tool | N | lat | cond | cycle | CPU s | CPU ratio | wall s | wall ratio | RSS MB | RSS ratio "
        "| exact | targets missed |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for r in recs:
        if r["tool"] in tools:
            groups.setdefault(
                (r["tool"], r["n"], r["latency_ms"], r["conditional"], ORDER[r["cycle"]], r["cycle"]), []
            ).append(r)
    met = total = 0
    for (tool, n, lat, cond, _, cycle), rows in sorted(groups.items()):
        cpu_r = _median_ratio(rows, ref, "cpu_s")
        wall_r = _median_ratio(rows, ref, "wall_s")
        rss_r = _median_ratio(rows, ref, "maxrss_kb")
        exact = sum(1 for r in rows if r["exact"])
        missed = []
        if not cpu_r <= 0.5:
            missed.append("CPU")
        if lat == 50 and not wall_r <= 0.5:
            missed.append("wall")
        if not rss_r <= 1.0:
            missed.append("RSS")
        if exact != len(rows):
            missed.append("exact")
        total += 1
        met += not missed
        cpu, wall = (statistics.median(r[f] for r in rows) for f in ("cpu_s", "wall_s"))
        rss = statistics.median(r["maxrss_kb"] for r in rows) / 1024
        print(
            f"| {tool} | {n} | {lat} | {cond} | {cycle} | {cpu:.2f} | {cpu_r:.2f} | {wall:.2f} | {wall_r:.2f}"
            f" | {rss:.0f} | {rss_r:.2f} | {exact}/{len(rows)} | {', '.join(missed) or 'none'} |"
        )
    print(f"\n{met} of {total} cycle configurations meet every target.")


if __name__ == "__main__":
    main()
