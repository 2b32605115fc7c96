"""Micro-benchmarks for the issue-7 targets that a whole-process cycle does not show.

  .venv/bin/python bench/micro.py diff       # AI Act: OJ NL vs consolidated NL; EN XHTML vs a mutated copy
  .venv/bin/python bench/micro.py skip       # an unchanged 1.3 MB document: the check skipped by hash
  .venv/bin/python bench/micro.py soak       # run_checks 1,000 times in one process: RSS at 1, 100, 1000
  .venv/bin/python bench/micro.py all --json bench/results/micro.json

Everything runs on this machine: documents come from ../shared/regulator-samples, pages from a loopback
HTTP server (the shared corpus server for the soak). Times are medians of --reps runs (wall clock of
this process; the machine is shared, so read them as an order of magnitude, not to the millisecond).
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO.parent / "shared" / "regulator-samples" / "eu"
PEER_BENCH = REPO.parent / "shared" / "bench"
OJ_NL = SAMPLES / "eurlex_ai-act_32024R1689_OJ_NL_frontoffice.html"
CONS_NL = SAMPLES / "eurlex_ai-act_02024R1689-20240712_consolidated_NL_frontoffice.html"
OJ_EN = SAMPLES / "eurlex_cellar_ai-act_32024R1689_oj_EN.xhtml"
sys.path.insert(0, str(REPO))


def _timed(fn: Callable[[], Any], reps: int) -> tuple[float, list[float], Any]:
    times, result = [], None
    for _ in range(reps):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), times, result


def _endpoint(parser: dict[str, Any], url: str = "https://eur-lex.europa.eu/x") -> Any:
    from tracker.specs import EndpointSpec

    return EndpointSpec.model_validate({"id": "doc", "url": url, "parser": parser})


def _derive(raw: bytes, ctype: str) -> Any:
    from tracker.extract.derive import derive

    return derive(
        _endpoint({"kind": "document", "dialect": "auto"}), raw, ctype, "https://eur-lex.europa.eu/x"
    )[1]


def _mutate_en(raw: bytes) -> tuple[bytes, int]:
    """Three edited sentences, one in each of three articles (as an amendment would), found in the bytes."""
    text = raw.decode("utf-8")
    edits = 0
    for art, old, new in (
        ("art_5", "shall be prohibited", "shall be strictly prohibited"),
        ("art_16", "shall", "must"),
        ("art_99", "Member States", "The Member States concerned"),
    ):
        start = text.find(f'id="{art}"')
        at = text.find(old, start)
        if start < 0 or at < 0:
            continue
        text = text[:at] + new + text[at + len(old) :]
        edits += 1
    return text.encode("utf-8"), edits


def bench_diff(reps: int) -> dict[str, Any]:
    from tracker.diff.core import diff_documents

    out: dict[str, Any] = {}
    oj_nl, cons_nl, oj_en = OJ_NL.read_bytes(), CONS_NL.read_bytes(), OJ_EN.read_bytes()
    html = "text/html; charset=utf-8"
    t_oj, _, old = _timed(lambda: _derive(oj_nl, html), reps)
    t_cons, _, new = _timed(lambda: _derive(cons_nl, html), reps)
    t_diff, times, diff = _timed(lambda: diff_documents(old.blocks, new.blocks), reps)
    out["nl_oj_vs_consolidated"] = {
        "bytes": [len(oj_nl), len(cons_nl)],
        "blocks": [len(old.blocks), len(new.blocks)],
        "extract_s": [round(t_oj, 3), round(t_cons, 3)],
        "diff_s": round(t_diff, 3),
        "diff_s_minmax": [round(min(times), 3), round(max(times), 3)],
        "end_to_end_s": round(t_oj + t_cons + t_diff, 3),
        "changes": {"added": diff.added, "removed": diff.removed, "changed": diff.changed},
        "unified_kb": round(len(diff.unified) / 1024, 1),
    }
    mutated, edits = _mutate_en(oj_en)
    xhtml = "application/xhtml+xml; charset=utf-8"
    t_en, _, en = _timed(lambda: _derive(oj_en, xhtml), reps)
    t_mut, _, en2 = _timed(lambda: _derive(mutated, xhtml), reps)
    t_d2, times2, diff2 = _timed(lambda: diff_documents(en.blocks, en2.blocks), reps)
    t_same, _, same = _timed(lambda: diff_documents(en.blocks, en.blocks), reps)
    out["en_xhtml_vs_mutated"] = {
        "bytes": [len(oj_en), len(mutated)],
        "edits_made": edits,
        "blocks": len(en.blocks),
        "extract_s": [round(t_en, 3), round(t_mut, 3)],
        "diff_s": round(t_d2, 3),
        "diff_s_minmax": [round(min(times2), 3), round(max(times2), 3)],
        "end_to_end_s": round(t_en + t_mut + t_d2, 3),
        "changes": {"added": diff2.added, "removed": diff2.removed, "changed": diff2.changed},
        "changed_blocks": [c.key for c in diff2.changes][:10],
        "self_diff_s": round(t_same, 3),
        "self_diff_changes": len(same.changes),
    }
    return out


# --- skip by hash -------------------------------------------------------------------------------------


class _FileHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    body = b""

    def do_GET(self) -> None:
        if self.path != "/aiact.html":
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *_: Any) -> None:
        pass


def _serve(body: bytes) -> tuple[ThreadingHTTPServer, str]:
    handler = type("H", (_FileHandler,), {"body": body})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def _config(directory: Path, body: str) -> Any:
    from tracker.config import load_config

    path = directory / "config.toml"
    path.write_text(
        '[tracker]\ndatabase = "t.sqlite3"\n[fetch]\nallow_private_addresses = true\n'
        "per_host_delay = 0\nper_host_concurrency = 10\n[slack]\nper_channel_interval = 0\n" + body,
        encoding="utf-8",
    )
    return load_config(path)


def bench_skip(reps: int) -> dict[str, Any]:
    import httpx

    from tracker.cli.common import open_database
    from tracker.cli.watch import parse_watch_list, render_sources
    from tracker.pipeline.check import run_checks
    from tracker.store.snapshots import raw_sha256

    body = OJ_NL.read_bytes()
    server, base = _serve(body)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            entries = parse_watch_list(f"{base}/aiact.html\n", selector=None, feeds_as_feeds=False)
            config = _config(
                Path(tmp), _only_custom() + render_sources(entries, jurisdiction="EU", language="nl")
            )
            engine = open_database(config)
            first = run_checks(config, engine)[0]
            again = [run_checks(config, engine)[0] for _ in range(reps)]
            fetch_only = _timed(lambda: httpx.get(f"{base}/aiact.html").content, reps)[0]
            hash_only = _timed(lambda: raw_sha256(body), reps)[0]
    finally:
        server.shutdown()
    seconds = [r.seconds for r in again]
    return {
        "bytes": len(body),
        "first_check_s": first.seconds,
        "first_blocks": first.items,
        "unchanged_check_s": statistics.median(seconds),
        "unchanged_check_s_minmax": [min(seconds), max(seconds)],
        "unchanged_reported": all(r.unchanged and not r.change_ids for r in again),
        "of_which_loopback_fetch_s": round(fetch_only, 4),
        "sha256_s": round(hash_only, 4),
    }


def _only_custom() -> str:
    from sources import builtin_sources

    return "".join(f"[sources.{s.id}]\nenabled = false\n" for s in builtin_sources())


# --- memory over 1,000 cycles -------------------------------------------------------------------------


def _rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def bench_soak(cycles: int, n: int, every: int) -> dict[str, Any]:
    """run_checks + alert delivery `cycles` times in one process; the corpus mutates every `every` cycles."""
    from tracker.alerts.deliver import deliver_pending
    from tracker.alerts.slack import SlackWebhookNotifier
    from tracker.cli.common import open_database
    from tracker.cli.watch import parse_watch_list, render_sources
    from tracker.net.politeness import RobotsStore
    from tracker.pipeline.check import run_checks
    from tracker.speedups import return_freed_memory

    with tempfile.TemporaryDirectory() as tmp:
        server, base = _start_corpus(tmp, n, "--conditional", "0", "--doc-kb", "200")
        try:
            urls = json.loads(_get(f"{base}/_control/urls"))
            entries = parse_watch_list(json.dumps(urls), selector=None, feeds_as_feeds=False)
            config = _config(
                Path(tmp), _only_custom() + render_sources(entries, jurisdiction="WATCH", language="en")
            )
            engine = open_database(config)
            notifier = SlackWebhookNotifier(f"{base}/_slack/webhook", config)
            robots = RobotsStore()  # the service keeps robots.txt across its cycles
            marks: dict[int, float] = {}
            every_cycle: list[float] = []  # RSS after each cycle: one sample is at the allocator's mercy
            changes = alerts = 0
            started = time.perf_counter()
            rnd = 0
            for cycle in range(1, cycles + 1):
                if cycle % every == 0:
                    rnd += 1
                    _get(f"{base}/_control/round?set={rnd}")
                reports = run_checks(config, engine, robots=robots)
                return_freed_memory()  # as tracker run does after each check job
                changes += sum(len(r.change_ids) for r in reports)
                alerts += deliver_pending(engine, config, notifier).sent
                every_cycle.append(_rss_mb())
                if cycle in (1, 10, 100, 200, 500, 1000) or cycle == cycles:
                    gc.collect()
                    marks[cycle] = round(_rss_mb(), 1)
                    print(f"  soak cycle {cycle}: rss {marks[cycle]} MB", file=sys.stderr)
            elapsed = time.perf_counter() - started
            posted = len(json.loads(_get(f"{base}/_control/slack")))
        finally:
            server.terminate()
            server.wait()
    at100, last = marks.get(100), marks[cycles]
    # The trend: the median of the 100 cycles after warm-up against the median of the last 100.
    early, late = statistics.median(every_cycle[99:199]), statistics.median(every_cycle[-100:])
    return {
        "cycles": cycles,
        "n": n,
        "mutation_every": every,
        "rss_mb": marks,
        "growth_100_to_last_pct": round(100 * (last - at100) / at100, 1) if at100 else None,
        "median_rss_mb_cycles_100_199": round(early, 1),
        "median_rss_mb_last_100": round(late, 1),
        "growth_of_median_pct": round(100 * (late - early) / early, 1),
        "max_rss_mb_after_100": round(max(every_cycle[99:]), 1),
        "median_rss_mb_per_100_cycles": [
            round(statistics.median(every_cycle[i : i + 100]), 1) for i in range(0, len(every_cycle), 100)
        ],
        "changes_recorded": changes,
        "alerts_sent": alerts,
        "slack_posts_received": posted,
        "seconds_per_cycle": round(elapsed / cycles, 3),
    }


def _start_corpus(tmp: str, n: int, *extra: str) -> tuple[subprocess.Popen[bytes], str]:
    port_file = Path(tmp) / "port"
    server = subprocess.Popen(
        [
            sys.executable,
            str(PEER_BENCH / "corpus_server.py"),
            "--n",
            str(n),
            "--port",
            "0",
            "--port-file",
            str(port_file),
            *extra,
        ],
        stderr=subprocess.DEVNULL,
    )
    for _ in range(600):
        if port_file.exists() and port_file.read_text().strip():
            break
        time.sleep(0.1)
    return server, f"http://127.0.0.1:{port_file.read_text().strip()}"


def _get(url: str) -> str:
    import urllib.request

    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    with opener.open(url, timeout=120) as response:
        return response.read().decode()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("what", choices=("diff", "skip", "soak", "all"))
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--cycles", type=int, default=1000)
    ap.add_argument("--n", type=int, default=20, help="soak: corpus size")
    ap.add_argument("--every", type=int, default=10, help="soak: mutate the corpus every N cycles")
    ap.add_argument("--json", help="also write the results here")
    args = ap.parse_args()
    import logging

    logging.basicConfig(level=logging.WARNING)
    results: dict[str, Any] = {}
    if args.what in ("diff", "all"):
        results["diff"] = bench_diff(args.reps)
    if args.what in ("skip", "all"):
        results["skip"] = bench_skip(args.reps)
    if args.what in ("soak", "all"):
        results["soak"] = bench_soak(args.cycles, args.n, args.every)
    text = json.dumps(results, indent=1)
    print(text)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(text + "\n")


if __name__ == "__main__":
    main()
