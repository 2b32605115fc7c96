"""What a quiet `tracker check` loads. Each run is a new process, so every import is paid again: parsers
and the Slack client (lxml, feedparser, charset-normalizer, pypdf, slack-sdk: ~30 MB of a 78 MB peak)
are loaded only when a body must be parsed or an alert sent, rich only for a terminal or console alerts.
Measured in bench/RESULTS.md."""

from __future__ import annotations

import subprocess
import sys

HEAVY_ON_DEMAND = (
    "lxml",
    "feedparser",
    "charset_normalizer",
    "pypdf",
    "slack_sdk",
    "soupsieve",
    "cssselect",
    "rich",
)


def _loaded_after(code: str) -> set[str]:
    probe = f"{code}\nimport sys\nprint(' '.join(sorted({{m.split('.')[0] for m in sys.modules}})))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_the_check_path_loads_no_parser_and_no_slack_client() -> None:
    loaded = _loaded_after(
        "import tracker.cli, tracker.cli.core, tracker.pipeline.check, tracker.extract.derive, "
        "tracker.alerts.deliver"
    )
    assert "tracker" in loaded and "httpx" in loaded and "sqlmodel" in loaded
    assert loaded.isdisjoint(HEAVY_ON_DEMAND), sorted(loaded & set(HEAVY_ON_DEMAND))


def test_parsing_and_delivery_load_them_when_used() -> None:
    loaded = _loaded_after(
        "from tracker.extract import extract_document\n"
        "from tracker.specs import DocumentParser\n"
        "from tracker.types import DecodedBody\n"
        "from tracker.alerts.notifiers import make_notifier\n"
        "from tracker.config import Config\n"
        "import os\n"
        "os.environ['SLACK_WEBHOOK_URL'] = 'http://127.0.0.1:9/hook'\n"
        "extract_document(DecodedBody(text='<main><p>a</p></main>', encoding='utf-8', kind='html'), b'', "
        "DocumentParser(kind='document', dialect='html', content='main'), 'http://127.0.0.1/')\n"
        "make_notifier(Config())\n"
        "del os.environ['SLACK_WEBHOOK_URL']\n"
        "make_notifier(Config())"
    )
    assert {"lxml", "slack_sdk", "rich"} <= loaded
