"""`tracker` with proposed hot-path changes applied by monkeypatching - a measurement aid, not the product.

    bench/whatif.py check --config config.toml          # same arguments as `tracker`

Used by `run.sh` with WHATIF=1 as a second tool ("tracker-whatif") so the proposals in RESULTS.md are
measured in the same interleaved run as the real `tracker`. Each change is switchable by an environment
variable (all on by default) and none changes what is detected or alerted:
  WHATIF_GC=1       gc.freeze() after the imports and a gen-0 threshold of 50,000 (the CLI is short-lived;
                    the default 700 makes the collector walk the imported modules' objects again and again)
  WHATIF_WORKERS=1  one worker thread for the checker's to_thread calls (derive, reads, writes) instead of
                    asyncio's default pool: parsing is CPU-bound under the GIL, several parser threads only
                    add GIL hand-offs (740,000 futex calls in one N=100 baseline)
  WHATIF_PLAIN=1    the endpoint table as plain text when stdout is not a terminal (rich's table layout of
                    500 rows costs ~0.35 s)
  WHATIF_INFLIGHT=20  at most this many endpoints between fetch and store at once (0 = unbounded, today's
                    behaviour): fetching outruns parsing; unbounded, every fetched body waits in memory
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
import gc
import os
import sys
from concurrent.futures import ThreadPoolExecutor
from typing import Any


def _on(name: str) -> bool:
    return os.environ.get(name, "1") == "1"


def main() -> None:
    if _on("WHATIF_GC"):
        gc.set_threshold(50_000, 20, 100)
    import tracker.check
    import tracker.cli.core
    from tracker.cli import main as tracker_main

    if _on("WHATIF_WORKERS"):
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="checker")

        async def to_thread(func: Any, /, *args: Any, **kwargs: Any) -> Any:
            loop = asyncio.get_running_loop()
            call = functools.partial(contextvars.copy_context().run, func, *args, **kwargs)
            return await loop.run_in_executor(executor, call)

        tracker.check.asyncio = type(sys)("asyncio_whatif")  # only check.py's view of asyncio changes
        tracker.check.asyncio.__dict__.update(asyncio.__dict__)
        tracker.check.asyncio.to_thread = to_thread
    inflight = int(os.environ.get("WHATIF_INFLIGHT", "20"))
    if inflight:
        check_endpoint = tracker.check.Checker.check_endpoint
        gates: dict[int, asyncio.Semaphore] = {}

        async def gated(self: Any, *args: Any, **kwargs: Any) -> Any:
            gate = gates.setdefault(id(asyncio.get_running_loop()), asyncio.Semaphore(inflight))
            async with gate:
                return await check_endpoint(self, *args, **kwargs)

        tracker.check.Checker.check_endpoint = gated
    if _on("WHATIF_PLAIN") and not sys.stdout.isatty():

        def plain(reports: list[Any], dry_run: bool) -> None:
            out = [
                f"{r.source}/{r.endpoint}\t{r.status}\t{r.items}\t{r.new}\t{r.changed}\t{r.removed}\t"
                f"{r.seconds:.2f}s\t{r.reason[:80]}\n"
                for r in reports
            ]
            out += [
                f"CHANGED: {r.source}/{r.endpoint} change #{cid}  (tracker show {cid})\n"
                for r in reports
                for cid in r.change_ids
            ]
            sys.stdout.write("".join(out))

        tracker.cli.core._print_reports = plain
    if _on("WHATIF_GC"):
        gc.freeze()
    tracker_main()


if __name__ == "__main__":
    main()
