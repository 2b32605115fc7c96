"""Regenerates the README's screenshots of the web view and of the digest (docs/web-*.png).

    .venv/bin/python -m tests.web_screenshots [--out docs]

Seeds a fresh SQLite database with tests/web_support.py's rows, serves it on 127.0.0.1 and points
Debian's headless Chromium at each page; the digest is shot as the e-mail file a reader receives.
Korean and Chinese text needs CJK fonts (Debian: `apt-get install fonts-noto-cjk`); without them the
shots show empty boxes where the Hangul and Hanzi should be: check the PNGs before committing them.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from tests.paths import REPO
from tests.web_support import now_utc, screenshot, seed_web, web_config
from tracker.digest.render import render_html
from tracker.store.db import make_engine, upgrade
from tracker.web.roundups import build, list_periods
from tracker.web.server import make_server


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs")
    out: Path = parser.parse_args().out
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/tracker.sqlite3"
        engine = make_engine(url)
        upgrade(engine)
        now = now_utc()
        ids = seed_web(url, now)
        config = web_config(url, Path(tmp), public_url="https://tracker.example.org")
        server = make_server(config, engine).start()
        try:
            base = server.url
            period = list_periods(config, engine, now)[0]
            pages = {
                "web-changes.png": ("/changes", 1100),
                "web-change-legal.png": (f"/changes/{ids['legal']}", 1250),
                "web-change-hostile.png": (f"/changes/{ids['hostile']}", 760),
                "web-sources.png": ("/sources", 1100),
                "web-roundups.png": ("/roundups", 560),
                "web-roundup.png": (f"/roundups/{period.name}?lang=en", 1500),
            }
            for name, (path, height) in pages.items():
                screenshot(base + path, out / name, height=height)
                print(out / name)
            for lang in ("ko", "en"):
                digest = build(config, engine, period.first, period.last, lang)
                html_file = Path(tmp) / f"digest.{lang}.html"
                html_file.write_text(render_html(digest, config.web.public_url), encoding="utf-8")
                screenshot(html_file.as_uri(), out / f"digest-{lang}.png", width=760, height=2300)
                print(out / f"digest-{lang}.png")
        finally:
            server.stop()
            engine.dispose()


if __name__ == "__main__":
    main()
