"""A database the web view can show, a server on 127.0.0.1, and Debian's Chromium driven headless.

The rows are what the pipeline stores: the digest tests' fortnight (tests/digest_support.py), a legal
text's amendment diffed by tracker.diff.core itself (the AI Act's Article 5 wording from the EUR-Lex sample;
the amendment, Article 112a and the typographic variant of Article 3 are made up for the test), an
updated list entry with the store's difflib diff, a title carrying script and an onerror attribute, and
enough list items to fill several pages.
"""

from __future__ import annotations

import gzip
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import Engine

from tests.digest_support import ARTICLE_5, change, fortnight
from tracker.config import Config
from tracker.diff.core import diff_documents
from tracker.diff.legal_note import summary_line, unit_lines
from tracker.store.db import make_engine, transaction
from tracker.store.models import Alert, Snapshot, SourceState
from tracker.types import Block

AI_ACT_URL = "https://eur-lex.europa.eu/legal-content/EN/TXT/HTML/?uri=CELEX:32024R1689"
ARTICLE_113_OLD = (
    "This Regulation shall apply from 2 August 2026.\nChapters I and II shall apply from 2 February 2025."
)
ARTICLE_113_NEW = (
    "This Regulation shall apply from 2 December 2027.\nChapters I and II shall apply from 2 February 2025."
)
ARTICLE_3_OLD = "For the purposes of this Regulation, 'AI system' means a machine-based system."
ARTICLE_3_NEW = "For the purposes of this Regulation, ‘AI system’ means a machine-based system."
ARTICLE_112A = "The Commission shall evaluate the list of prohibited practices every two years."
HOSTILE_TITLE = (
    "<script>document.title='pwned'</script><img src=x onerror=\"document.title='pwned'\"> AI rule"
)
LIST_ITEMS = 57  # with the rest: three pages of 25 relevant changes


def amendment() -> tuple[list[Block], list[Block]]:
    old = [
        Block("art_3", "Article 3", ARTICLE_3_OLD),
        Block("art_5", "Article 5", ARTICLE_5),
        Block("art_113", "Article 113", ARTICLE_113_OLD),
    ]
    new = [
        Block("art_3", "Article 3", ARTICLE_3_NEW),
        Block("art_5", "Article 5", ARTICLE_5.replace("subliminal techniques", "manipulative techniques")),
        Block("art_112a", "Article 112a", ARTICLE_112A),
        Block("art_113", "Article 113", ARTICLE_113_NEW),
    ]
    return old, new


def _snapshot(endpoint_key: str, fetched_at: datetime, body: bytes, content_type: str) -> Snapshot:
    return Snapshot(
        endpoint_key=endpoint_key, fetched_at=fetched_at, final_url=AI_ACT_URL, content_type=content_type,
        encoding="utf-8", raw_gz=gzip.compress(body), raw_sha256="0" * 64, content_hash="0" * 64,
        extracted="{}", extractor_version="test",
    )  # fmt: skip


def seed_web(db_url: str, now: datetime) -> dict[str, int]:
    """Writes the rows; returns the ids tests open (legal, item_update, hostile, snapshot)."""
    engine = make_engine(db_url)
    old, new = amendment()
    diff = diff_documents(old, new)
    with transaction(engine) as session:
        session.add_all(fortnight(now))
        for i in range(LIST_ITEMS):
            session.add(
                change(
                    now, 20 + i * 0.5, endpoint_key="us_fedreg/documents", source_id="us_fedreg",
                    stable_id=f"2026-{30000 + i}", title=f"Notice {i} on artificial intelligence procurement",
                    url=f"https://www.federalregister.gov/d/2026-{30000 + i}", jurisdiction="US",
                    regulator="Federal Register", doc_type="news", relevance="ai_other",
                    summary=f"Agency notice number {i}.",
                )
            )  # fmt: skip
        first = _snapshot("eu_ai_act/consolidated_text", now - timedelta(days=3), b"<p>old</p>", "text/html")
        second = _snapshot(
            "eu_ai_act/consolidated_text", now - timedelta(hours=2),
            b"<html><script>alert('regulator page')</script><p>Article 5</p></html>",
            "text/html; charset=utf-8",
        )  # fmt: skip
        session.add_all([first, second])
        session.flush()
        legal = change(
            now, 2 / 24, endpoint_key="eu_ai_act/consolidated_text", source_id="eu_ai_act",
            kind="document_changed", document_key="eu_ai_act/consolidated_text",
            title="Regulation (EU) 2024/1689 (Artificial Intelligence Act)",
            url=AI_ACT_URL, jurisdiction="EU", regulator="EUR-Lex", doc_type="law", relevance="ai_rule",
            headline=summary_line(diff), summary="\n".join(unit_lines(diff)), diff=diff.unified,
            added=diff.added, changed=diff.changed, removed=diff.removed, snapshot_id=second.id,
        )  # fmt: skip
        updated = change(
            now, 0.5, endpoint_key="eu_edpb/news", source_id="eu_edpb", kind="changed_item",
            stable_id="edpb-opinion-28", title="Opinion 28/2024 on AI models (corrected)",
            url="https://www.edpb.europa.eu/opinion-28", jurisdiction="EU", regulator="EDPB",
            doc_type="guidance", relevance="ai_other", headline="title",
            summary="The EDPB adopted its opinion on AI models.",
            diff="--- before\n+++ after\n@@ -1,2 +1,2 @@\n-Opinion 28/2024 on AI models\n"
            "+Opinion 28/2024 on AI models (corrected)\n The EDPB adopted its opinion on AI models.",
        )  # fmt: skip
        hostile = change(
            now, 0.25, endpoint_key="eu_edpb/news", source_id="eu_edpb", stable_id="hostile",
            title=HOSTILE_TITLE, url="javascript:alert(1)", jurisdiction="EU", regulator="<b>EDPB</b>",
            doc_type="guidance", relevance="ai_other",
            summary="<img src=x onerror=\"document.title='pwned'\"> is what the page said.",
        )  # fmt: skip
        session.add_all([legal, updated, hostile])
        session.flush()
        session.add(
            Alert(
                change_id=legal.id, kind="change", channel="#ai-regulation", payload="{}", status="sent",
                attempts=1, next_attempt_at=now, created_at=now, sent_at=now,
            )
        )  # fmt: skip
        session.add_all(
            [
                SourceState(
                    endpoint_key="eu_ai_act/consolidated_text", source_id="eu_ai_act", status="ok",
                    last_attempt_at=now, last_success_at=now - timedelta(hours=2), baseline_done=True,
                ),
                SourceState(
                    endpoint_key="us_ftc/press_releases", source_id="us_ftc", status="error",
                    error_class="http_5xx",
                    error_message="HTTP 503 from www.ftc.gov <script>x</script>", consecutive_failures=4,
                    last_attempt_at=now, last_success_at=now - timedelta(days=2),
                ),
                SourceState(endpoint_key="retired/feed", source_id="retired", status="ok"),
            ]
        )  # fmt: skip
        ids = {"legal": legal.id, "item_update": updated.id, "hostile": hostile.id, "snapshot": second.id}
    engine.dispose()
    return ids  # type: ignore[return-value]


def web_config(db_url: str, tmp_path: Path, **web: Any) -> Config:
    return Config.model_validate(
        {
            "tracker": {"database": db_url, "timezone": "Asia/Seoul"},
            "web": {"listen": "127.0.0.1:0", "page_size": 25, **web},
            "base_dir": tmp_path,
        }
    )


# -- Chromium --------------------------------------------------------------------------------------


def chromium() -> str:
    """The browser's path; the test is skipped, saying why, where Debian's chromium is not installed."""
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium; .ci/run installs it)")
    return path


def _run(args: list[str], timeout: float = 60) -> subprocess.CompletedProcess[str]:
    with tempfile.TemporaryDirectory(prefix="chromium-") as profile:
        return subprocess.run(
            [
                chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--no-first-run", "--disable-extensions", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--metrics-recording-only",
                f"--user-data-dir={profile}", "--lang=en-US", "--virtual-time-budget=3000", *args,
            ],
            capture_output=True, text=True, timeout=timeout,
        )  # fmt: skip


def dump_dom(url: str) -> str:
    """The DOM after the page ran (whatever script it was allowed to run), serialised."""
    result = _run(["--dump-dom", url])
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def screenshot(url: str, path: Path, width: int = 1280, height: int = 900) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    result = _run([f"--screenshot={path}", f"--window-size={width},{height}", "--hide-scrollbars", url])
    assert path.exists() and path.stat().st_size > 0, result.stderr[-2000:]


def now_utc() -> datetime:
    return datetime.now(UTC)


def engine_for(db_url: str) -> Engine:
    return make_engine(db_url)
