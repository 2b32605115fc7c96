"""The two selector engines side by side: parse + select over the project's HTML fixtures.

  .venv/bin/python bench/css_engines.py            # medians of 5 runs per page, totals per engine

A: lxml's HTML parser, the selectors compiled by cssselect to XPath (tracker/extract/css.py).
B: BeautifulSoup over lxml's parser, the selectors run by soupsieve (the only other choice, issue 18).
Selectors: every one the built-in sources declare plus the common shapes of tests/test_css_selectors.py,
each run on every page (what a list page or document extraction does, once per selector). Both engines
must find the same number of elements, or the run stops. Needs bs4 and soupsieve (the `test` extra).
"""

from __future__ import annotations

import statistics
import sys
import time
import warnings
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SELECTORS = [
    "main",
    "body",
    "p",
    "li",
    "h1, h2",
    "div > p",
    "a[href*=pdf]",
    "a[href$='.pdf']",
    "[class~=news-item]",
    "li:first-child",
    "td:nth-of-type(2)",
    "div:not(.c)",
    "#loadingInfoPage > li",
    ".main-content #BodyLabel, .TRS_Editor",
    ".ecl-content-item",
    ".views-row",
    "h3 a",
    "h5 > a",
    'a[href*="downloadfile.jsp"]',
    "div.item",
    "h1.title",
    "time",
]


def _pages() -> list[Path]:
    fixtures = REPO / "tests" / "fixtures"
    return sorted(p for p in fixtures.rglob("*") if p.suffix in (".html", ".htm", ".xhtml"))


def _lxml(text: str) -> list[int]:
    from tracker.extract.css import Page

    page = Page(text)
    return [len(page.select(selector, "bench")) for selector in SELECTORS]


def _soup(text: str) -> list[int]:
    from bs4 import BeautifulSoup, XMLParsedAsHTMLWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(text, "lxml")
    for tag in soup("template"):  # the lxml engine never matches inside <template>
        tag.decompose()
    return [len(soup.select(selector)) for selector in SELECTORS]


def _median_time(fn: object, text: str, reps: int) -> tuple[float, list[int]]:
    times, counts = [], []
    for _ in range(reps):
        started = time.process_time()
        counts = fn(text)  # type: ignore[operator]
        times.append(time.process_time() - started)
    return statistics.median(times), counts


def main() -> None:
    reps = 5
    total = {"lxml+cssselect": 0.0, "bs4+soupsieve": 0.0}
    print(f"{'page':60} {'KB':>6} {'lxml ms':>8} {'bs4 ms':>8} {'ratio':>6}")
    for path in _pages():
        text = path.read_text("utf-8", errors="replace")
        _lxml(text), _soup(text)  # warm: imports, compiled selectors
        fast, fast_counts = _median_time(_lxml, text, reps)
        slow, slow_counts = _median_time(_soup, text, reps)
        if fast_counts != slow_counts:
            raise SystemExit(f"{path}: the engines disagree: {fast_counts} vs {slow_counts}")
        total["lxml+cssselect"] += fast
        total["bs4+soupsieve"] += slow
        name = str(path.relative_to(REPO / "tests" / "fixtures"))[-60:]
        print(f"{name:60} {len(text) / 1024:6.0f} {fast * 1000:8.1f} {slow * 1000:8.1f} {slow / fast:6.1f}")
    print(f"{len(_pages())} pages x {len(SELECTORS)} selectors, CPU s per pass: {total}")
    print(f"bs4+soupsieve / lxml+cssselect: {total['bs4+soupsieve'] / total['lxml+cssselect']:.1f}x")


if __name__ == "__main__":
    main()
