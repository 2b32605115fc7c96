"""Slack's wire rules for the fake Slack (tests/fake_slack.py): recorded calls, programmed failures,
argument parsing, and the documented Block Kit limits a real workspace enforces."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

TEXT_OBJECT_MAX = 3000
HEADER_MAX = 150


@dataclass
class Call:
    method: str  # API method, "upload" or "webhook"
    args: dict[str, Any]
    headers: dict[str, str]
    status: int = 0
    response: Any = None


@dataclass
class Failure:
    status: int = 200
    error: str | None = None  # Slack error string, answered as {"ok": false, "error": ...}
    body: str | None = None  # a raw body instead (5xx pages, webhook errors)
    retry_after: int | None = None
    method: str | None = None  # only calls of this method; None = every call
    channel: str | None = None  # only calls about this channel (name or id)
    times: int | None = 1  # how many calls fail; None = until `until` (or forever)
    until: float | None = None  # time.monotonic() deadline
    after: bool = False  # do the work first, then answer the failure (Slack posted, the answer got lost)

    def active(self) -> bool:
        if self.until is not None and time.monotonic() >= self.until:
            return False
        return self.times is None or self.times > 0


def parse_args(raw: bytes, headers: dict[str, str], query: str) -> dict[str, Any]:
    args: dict[str, Any] = {k: v[-1] for k, v in parse_qs(query).items()}
    ctype = headers.get("content-type", "")
    if "json" in ctype and raw:
        args.update(json.loads(raw))
    elif raw:
        args.update({k: v[-1] for k, v in parse_qs(raw.decode("utf-8")).items()})
    return args


def json_arg(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return None
    return value


def truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("1", "true")


def top_level(message: dict[str, Any]) -> bool:
    return not message.get("thread_ts") or message["thread_ts"] == message["ts"]


def public(message: dict[str, Any], with_metadata: bool) -> dict[str, Any]:
    out = {k: v for k, v in message.items() if v is not None and k != "metadata"}
    if with_metadata and message.get("metadata"):
        out["metadata"] = message["metadata"]
    return out


def validate_blocks(blocks: list[dict[str, Any]]) -> list[str]:
    """Slack's documented Block Kit limits, as error strings (empty = valid)."""
    errors: list[str] = []
    if len(blocks) > 50:
        errors.append(f"too many blocks: {len(blocks)} > 50")

    def text_ok(obj: dict[str, Any] | None, where: str, limit: int = TEXT_OBJECT_MAX) -> None:
        if not obj or obj.get("type") not in ("plain_text", "mrkdwn"):
            errors.append(f"{where}: missing or invalid text object")
            return
        text = obj.get("text") or ""
        if not 1 <= len(text) <= limit:
            errors.append(f"{where}: text length {len(text)} not within 1..{limit}")

    for i, block in enumerate(blocks):
        kind = block.get("type")
        if kind == "header":
            text_ok(block.get("text"), f"blocks[{i}].header", HEADER_MAX)
            if (block.get("text") or {}).get("type") != "plain_text":
                errors.append(f"blocks[{i}].header: must be plain_text")
        elif kind == "section":
            text_ok(block.get("text"), f"blocks[{i}].section")
        elif kind == "context":
            elements = block.get("elements") or []
            if not 1 <= len(elements) <= 10:
                errors.append(f"blocks[{i}].context: {len(elements)} elements")
            for j, element in enumerate(elements):
                text_ok(element, f"blocks[{i}].context[{j}]")
        elif kind == "actions":
            for j, element in enumerate(block.get("elements") or []):
                text_ok(element.get("text"), f"blocks[{i}].actions[{j}]", 75)
                if len(element.get("url") or "") > 3000:
                    errors.append(f"blocks[{i}].actions[{j}]: url too long")
        elif kind != "divider":
            errors.append(f"blocks[{i}]: unsupported block type {kind!r}")
    return errors
