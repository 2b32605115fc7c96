"""The notifier used when Slack is not configured: readable alerts on standard output.

On a terminal each alert is a rich panel; otherwise plain text. Scraped text is shown through rich `Text`
objects, never as markup, so a title like "[bold red]" prints literally.
"""

from __future__ import annotations

import sys
from typing import IO, Any

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from tracker.alerts.notifier import PermanentSendError, Posted
from tracker.alerts.render import render_console


class ConsoleNotifier:
    name = "console"
    supports_threads = False
    can_verify = False
    can_upload = False
    min_interval = 0.0

    def __init__(self, file: IO[str] | None = None) -> None:
        self.console = Console(file=file or sys.stdout, highlight=False, markup=False, emoji=False)

    def lane(self, channel: str) -> str:
        return channel

    def post(
        self,
        channel: str,
        payload: dict[str, Any],
        *,
        alert_id: int | None,
        alert_key: str | None,
        thread_ts: str | None = None,
        broadcast: bool = False,
    ) -> Posted:
        view = render_console(payload)
        label = f"{channel}" + (f" · alert {alert_id}" if alert_id is not None else "")
        if self.console.is_terminal:
            body = Text()
            for line in view.meta:
                body.append(line + "\n", style="dim")
            if view.body:
                body.append("\n" + view.body + "\n")
            for line in view.footer:
                body.append("\n" + line, style="dim")
            if view.link:
                body.append("\n" + view.link, style="underline")
            self.console.print(
                Panel(
                    body,
                    title=Text(view.title or "alert", style="bold"),
                    subtitle=label,
                    title_align="left",
                    subtitle_align="right",
                )
            )
        else:
            self.console.print(Text(f"== {label} ==\n{view.as_text()}\n"), soft_wrap=True)
        return Posted(ts=None, channel_id=None)

    def find_posted(self, channel: str, **_: Any) -> Posted | None:
        return None

    def upload(self, channel_id: str, **_: Any) -> Posted:
        raise PermanentSendError("the console shows no files")

    def find_upload(self, channel_id: str, **_: Any) -> Posted | None:
        return None
