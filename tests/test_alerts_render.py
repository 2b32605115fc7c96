"""Message design and escaping: Block Kit within Slack's limits, hostile scraped text made harmless."""

from __future__ import annotations

import io
import json
import re
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from tests.alerts_support import HOSTILE_TITLE, make_change
from tests.fake_slack import validate_blocks
from tracker.alerts.console import ConsoleNotifier
from tracker.alerts.escape import escape, escape_code, fit, fit_lines
from tracker.alerts.render import needs_diff_file, render_change_message, render_console, safe_link


def _strings(value: Any) -> list[str]:
    """Every string in a payload, keys excluded."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def _section(message: dict[str, Any]) -> str:
    return next(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")


def test_new_item_message_has_the_designed_blocks() -> None:
    message = render_change_message(make_change(id=42))
    kinds = [b["type"] for b in message["blocks"]]
    assert kinds == ["header", "context", "section", "context", "actions"]
    header = message["blocks"][0]["text"]
    assert header == {
        "type": "plain_text",
        "text": "Commission publishes guidelines on prohibited AI practices",
        "emoji": False,
    }
    context = message["blocks"][1]["elements"][0]["text"]
    assert context == ("*:new: New* · EU · European Commission · Guidance · published 2025-02-04 · AI rule")
    assert "Article 5 of the AI Act" in _section(message)
    assert "`tracker show 42`" in message["blocks"][3]["elements"][0]["text"]
    button = message["blocks"][4]["elements"][0]
    assert button["url"] == "https://ec.europa.eu/commission/presscorner/detail/en/ip_24_1234"
    assert button["text"]["text"] == "Open on ec.europa.eu"
    assert message["text"].startswith("New: Commission publishes guidelines")
    assert validate_blocks(message["blocks"]) == []


def test_long_title_and_huge_diff_stay_within_slack_limits() -> None:
    blocks_text = "\n".join(f"Article {i} added: " + "word " * 60 for i in range(1, 200))
    change = make_change(
        id=7,
        kind="document_changed",
        title="Regulation (EU) 2024/1689 " * 20,
        headline="Article 5 changed",
        summary=blocks_text,
        diff="+" + "x" * 50_000,
        added=150,
        changed=3,
        removed=1,
    )
    message = render_change_message(change, diff_in_thread=True)
    assert len(message["blocks"]) <= 50
    assert len(message["blocks"][0]["text"]["text"]) <= 150
    assert message["blocks"][0]["text"]["text"].endswith("…")
    section = _section(message)
    assert len(section) <= 2900
    assert section.startswith("*What changed:* Article 5 changed (150 added, 3 changed, 1 removed)")
    # cut at a line boundary, and the cut is announced with the way to the full diff
    *kept, marker = section.split("\n")
    assert marker == "… (truncated; full diff: `tracker show 7`)"
    assert all(line.startswith("• Article") for line in kept[1:])
    assert kept[-1].rstrip().endswith("word")
    assert needs_diff_file(change)
    assert "full diff attached in the thread" in message["blocks"][3]["elements"][0]["text"]
    assert "attached" not in str(render_change_message(change)["blocks"][3])  # no file without a bot token
    assert validate_blocks(message["blocks"]) == []


def test_document_change_without_summary_shows_additions_first() -> None:
    diff = "--- before\n+++ after\n@@ -1,2 +1,2 @@\n-old sentence\n+new obligation for providers\n context"
    message = render_change_message(
        make_change(id=3, kind="document_changed", summary="", diff=diff, headline="Article 50 changed")
    )
    section = _section(message)
    assert section.index("+new obligation") < section.index("-old sentence")
    assert "+++ after" not in section and "--- before" not in section
    assert not needs_diff_file(make_change(kind="document_changed", diff=diff))


def test_hostile_title_pings_nobody_and_hides_no_link() -> None:
    change = make_change(
        id=9,
        title=HOSTILE_TITLE,
        summary=HOSTILE_TITLE,
        regulator="<!here> FTC",
        headline="<@U1> changed",
        kind="changed_item",
    )
    message = render_change_message(change)
    for text in _strings(message):
        assert "<" not in text and ">" not in text, text  # no control sequence can start
        assert not re.search(r"@(channel|here|everyone)\b", text, re.IGNORECASE), text
        assert "\u202e" not in text
    header = message["blocks"][0]["text"]["text"]
    assert "&lt;!channel&gt;" in header
    assert "@\u200dchannel" in header
    assert "&amp;lt;!channel&amp;gt;" in _section(message)  # an already-escaped sequence stays literal too
    # the only link in the message is the button, to the document's own address
    urls = [e["url"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert urls == ["https://ec.europa.eu/commission/presscorner/detail/en/ip_24_1234"]
    for block in message["blocks"]:
        if block["type"] in ("section", "context"):
            for obj in [block.get("text"), *block.get("elements", [])]:
                if obj and obj["type"] == "mrkdwn":
                    assert obj["verbatim"] is True


def test_buttons_only_for_plain_http_urls() -> None:
    assert safe_link("https://www.ftc.gov/news") == "https://www.ftc.gov/news"
    assert safe_link("http://www.cac.gov.cn/a.htm") == "http://www.cac.gov.cn/a.htm"
    for bad in (
        "javascript:alert(1)",
        "file:///etc/passwd",
        "ftp://x.org/a",
        "https://gov.example@evil.example/",
        "https:///nohost",
        "https://a.example/has space",
        "",
        None,
        "https://x.example/" + "a" * 3000,
    ):
        assert safe_link(bad) is None, bad
    message = render_change_message(make_change(id=1, url="javascript:alert(document.cookie)"))
    assert [b["type"] for b in message["blocks"]] == ["header", "context", "section", "context"]


def test_console_shows_hostile_text_literally() -> None:
    out = io.StringIO()
    ConsoleNotifier(file=out).post(
        "#ai-regulation",
        render_change_message(make_change(id=5, title=HOSTILE_TITLE)),
        alert_id=5,
        alert_key="k",
    )
    text = out.getvalue()
    assert "<!channel> <!here|here>" in text  # unescaped for people, shown as text
    assert "Link: https://ec.europa.eu/commission/presscorner/detail/en/ip_24_1234" in text
    assert "EU · European Commission · Guidance · published 2025-02-04 · AI rule" in text


def test_console_view_of_a_diff_alert_mentions_tracker_show() -> None:
    view = render_console(
        render_change_message(make_change(id=77, kind="document_changed", summary="x\n" * 2000))
    )
    assert "tracker show 77" in view.body


@given(st.text())
def test_escape_leaves_no_control_characters(text: str) -> None:
    escaped = escape(text)
    assert "<" not in escaped and ">" not in escaped
    # every & starts one of the three entities
    assert re.sub(r"&(amp|lt|gt);", "", escaped).count("&") == 0


@given(st.text(alphabet="a&<> \n", max_size=400), st.integers(min_value=10, max_value=200))
def test_fit_never_splits_an_entity(text: str, limit: int) -> None:
    out = fit(escape(text), limit)
    assert len(out) <= limit
    assert re.sub(r"&(amp|lt|gt);", "", out).count("&") == 0


@given(
    st.lists(st.text(alphabet="ab &<`", max_size=80), max_size=60), st.integers(min_value=60, max_value=600)
)
def test_fit_lines_respects_the_budget_and_closes_fences(lines: list[str], limit: int) -> None:
    escaped = ["```", *(escape_code(line) for line in lines), "```"]
    text, truncated = fit_lines(escaped, limit, "… (truncated)")
    assert len(text) <= limit
    assert text.count("```") % 2 == 0
    assert truncated == (len("\n".join(escaped)) > limit)
    if truncated:
        assert text.endswith("… (truncated)")


def test_payload_is_json_serialisable() -> None:
    json.dumps(render_change_message(make_change(id=1, title=HOSTILE_TITLE)))
