"""Acceptance: the digest of a database filled by the real pipeline from the sources' fixtures.

Every built-in source is served from the loopback server exactly as in tests/test_sources_e2e.py (its
`_config`: a silent baseline, then one relevant and one unrelated new item per regulator). Then
`tracker digest --since 14d --lang ko` writes the roundup and `--format slack --post` posts it to the fake
Slack, as a user would run them.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlmodel import Session, select

from tests.digest_support import run_tracker
from tests.fake_slack import FakeSlack
from tests.fixture_server import FixtureServer
from tests.test_sources_e2e import _config as sources_config
from tracker.alerts.escape import escape
from tracker.pipeline.check import run_checks
from tracker.store.db import make_engine
from tracker.store.models import Change

TOKEN = "xoxb-digest-e2e-token"


def test_digest_from_the_sources_fixtures(http_server: FixtureServer, db_url: str, tmp_path: Path) -> None:
    config = sources_config(http_server, db_url)
    engine = make_engine(db_url)
    run_checks(config, engine)  # baseline
    run_checks(config, engine)  # the new items
    with Session(engine) as session:
        changes = session.exec(select(Change)).all()
    relevant = [c for c in changes if c.relevance != "not_ai"]
    unrelated = [c for c in changes if c.relevance == "not_ai"]
    assert relevant and unrelated
    slack = FakeSlack(token=TOKEN, channels=["ai-regulation", "digest"]).start()
    try:
        config_file = tmp_path / "config.toml"
        config_file.write_text(
            f'[tracker]\ndatabase = "{db_url}"\n[digest]\nchannel = "#digest"\n'
            f'[slack]\nbase_url = "{slack.base_url}"\nper_channel_interval = 0\n',
            encoding="utf-8",
        )

        markdown = run_tracker(
            "digest", "--since", "14d", "--lang", "ko", "--config", str(config_file), cwd=tmp_path
        )
        posted = run_tracker(
            "digest", "--since", "14d", "--lang", "ko", "--format", "slack", "--post",
            "--config", str(config_file), cwd=tmp_path, env={"SLACK_BOT_TOKEN": TOKEN},
        )  # fmt: skip
    finally:
        slack.stop()

    assert markdown.returncode == 0, markdown.stderr
    out = markdown.stdout
    assert out.startswith("## 「법/규제」 AI 규제 동향 (")
    groups = [line[4:] for line in out.splitlines() if line.startswith("### ")]
    expected_groups = [
        name
        for code, name in (
            ("EU", "유럽연합(EU)"),
            ("US", "미국"),
            ("CN", "중국"),
            ("UN", "유엔"),
            ("KR", "한국"),
        )
        if any(c.jurisdiction == code for c in relevant)
    ]
    assert groups == expected_groups
    titles = [line[5:] for line in out.splitlines() if line.startswith("#### ")]
    assert len(titles) == len({c.document_key for c in relevant})
    for change in unrelated:
        assert change.title not in out
    # US: the Federal Register proposed rule before the FTC enforcement action.
    us = [c for c in relevant if c.jurisdiction == "US"]
    rule = next(c for c in us if c.relevance == "ai_rule" and c.doc_type in ("law", "proposal"))
    enforcement = next(c for c in us if c.relevance == "ai_enforcement")
    assert titles.index(rule.title) < titles.index(enforcement.title)
    # Every entry is linked, dated in Korean, and carries its source's own first sentence.
    assert out.count("- 원문: <http") == len(titles)
    assert len(re.findall(r" · \d{4}년 \d{1,2}월 \d{1,2}일 · ", out)) == len(titles)
    cac = next(c for c in relevant if c.jurisdiction == "CN")
    assert cac.summary.split("。")[0] + "。" in out

    assert posted.returncode == 0, posted.stderr
    # The digest went to #digest; the change alerts the checks queued went to #ai-regulation with it.
    digest_messages = slack.posted("#digest")
    assert digest_messages and digest_messages[0]["thread_ts"] is None
    assert all(m["thread_ts"] == digest_messages[0]["ts"] for m in digest_messages[1:])
    shown = "\n".join(b["text"]["text"] for m in digest_messages for b in m["blocks"] if "text" in b)
    for change in relevant:
        assert f"*{escape(change.title)[:40]}" in shown
    assert len(slack.posted("#ai-regulation")) == len(relevant)
