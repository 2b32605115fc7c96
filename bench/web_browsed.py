"""What browsing the web view costs the service's process: memory after the first page views, and whether
it keeps growing as people keep browsing.

    .venv/bin/python bench/web_browsed.py [--views 300] [--reps 3]

Each repetition is a fresh process: tests/web_support.py's rows (71 changes, a legal text's amendment,
a hostile title, list entries, snapshots) in a fresh SQLite database, the web view started as `tracker run`
starts it (start_web_view, 127.0.0.1), then plain HTTP GETs from the same process over loopback:
RSS before any request, after one view of each page (changes, a filtered and searched list, the legal
change, the hostile change, sources, roundups, one roundup in ko and en), and after `--views` more views
cycling through those pages. Per page: the median CPU of the process for one view (process_time,
server thread included). Results: bench/web_browsed.md (and --json).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from web_idle import _rss_mb  # noqa: E402  (bench/ is the script's folder)


def _get(url: str) -> int:
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=30) as response:
        return len(response.read())


def child(views: int) -> dict[str, Any]:
    from tests.web_support import now_utc, seed_web, web_config
    from tracker.store.db import make_engine, upgrade
    from tracker.web.roundups import list_periods
    from tracker.web.server import start_web_view

    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/tracker.sqlite3"
        engine = make_engine(url)
        upgrade(engine)
        now = now_utc()
        ids = seed_web(url, now)
        config = web_config(url, Path(tmp))
        server = start_web_view(config, engine)
        assert server is not None
        try:
            period = list_periods(config, engine, now)[0]
            pages = {
                "changes": "/changes",
                "changes, filtered and searched": "/changes?jurisdiction=EU&kind=document_changed&q=act",
                "a legal text's change": f"/changes/{ids['legal']}",
                "a hostile title's change": f"/changes/{ids['hostile']}",
                "sources": "/sources",
                "roundups": "/roundups",
                "a roundup (ko)": f"/roundups/{period.name}?lang=ko",
                "a roundup (en)": f"/roundups/{period.name}?lang=en",
            }
            before = _rss_mb()
            jinja_before = "jinja2" in sys.modules
            first_cpu: dict[str, float] = {}
            for name, path in pages.items():
                c0 = time.process_time()
                assert _get(server.url + path) > 0, name
                first_cpu[name] = time.process_time() - c0
            after_first = _rss_mb()
            per_page: dict[str, list[float]] = {name: [] for name in pages}
            names = list(pages)
            checkpoints: list[float] = []
            for view in range(views):
                name = names[view % len(names)]
                c0 = time.process_time()
                _get(server.url + pages[name])
                per_page[name].append(time.process_time() - c0)
                if (view + 1) % max(1, views // 3) == 0:
                    checkpoints.append(round(_rss_mb(), 1))
            return {
                "rss_before_mb": round(before, 1),
                "rss_after_first_views_mb": round(after_first, 1),
                "rss_checkpoints_mb": checkpoints,
                "rss_after_all_mb": round(_rss_mb(), 1),
                "jinja2_before": jinja_before,
                "first_view_cpu_s": first_cpu,
                "view_cpu_s": {name: statistics.median(v) for name, v in per_page.items() if v},
                "views": views,
            }
        finally:
            server.stop()
            engine.dispose()


def _run_child(views: int) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", "--views", str(views)],
        capture_output=True, text=True, check=True, cwd=REPO,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def report(runs: list[dict[str, Any]], views: int) -> str:
    def med(key: str) -> float:
        return statistics.median(float(r[key]) for r in runs)

    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# The web view when people browse",
        "",
        f"`bench/web_browsed.py --views {views} --reps {len(runs)}`, {stamp}, 2 shared cores, SQLite, the",
        "web view's test rows (71 changes). Medians over fresh processes.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| RSS before any page view | {med('rss_before_mb'):.1f} MB |",
        f"| RSS after one view of each of the 8 pages | {med('rss_after_first_views_mb'):.1f} MB "
        f"(+{med('rss_after_first_views_mb') - med('rss_before_mb'):.1f} MB) |",
        f"| RSS after {views} more views | {med('rss_after_all_mb'):.1f} MB "
        f"(+{med('rss_after_all_mb') - med('rss_after_first_views_mb'):.1f} MB after the first views) |",
        "",
        "RSS at each third of the views, per process: "
        + "; ".join(", ".join(f"{x:.1f}" for x in r["rss_checkpoints_mb"]) for r in runs)
        + " MB.",
        "",
        "| page | CPU of the first view | CPU of a later view (median) |",
        "|---|---|---|",
    ]
    for name in runs[0]["view_cpu_s"]:
        first = statistics.median(r["first_view_cpu_s"][name] for r in runs)
        later = statistics.median(r["view_cpu_s"][name] for r in runs)
        lines.append(f"| {name} | {first * 1000:.1f} ms | {later * 1000:.1f} ms |")
    lines += [
        "",
        "The first view of the first page pays Jinja2's import and the templates' compilation"
        + (" (Jinja2 was not loaded before it)." if not any(r["jinja2_before"] for r in runs) else "."),
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--views", type=int, default=300)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.views)))
        return
    runs = [_run_child(args.views) for _ in range(args.reps)]
    text = report(runs, args.views)
    (REPO / "bench" / "web_browsed.md").write_text(text, encoding="utf-8")
    if args.json:
        args.json.write_text(json.dumps(runs, indent=2), encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
