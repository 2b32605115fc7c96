"""Keys that travel in URLs (law.go.kr's OC) never reach a stored row, a log line or a report.

A source's key comes from the environment and is put into its URL only for the request itself (see
tracker.config_checks.with_key); every URL or error text that is kept or shown passes through `redact`,
and every log record through RedactingFilter.
"""

from __future__ import annotations

import logging
import os
from urllib.parse import quote

REDACTED = "REDACTED"
_MIN_SECRET_LENGTH = 4  # shorter values would redact ordinary text


def _secrets() -> list[str]:
    """The values of the key variables that are set, as written and as they appear in a URL."""
    from sources.kr import SOURCE_KEYS

    values: list[str] = []
    for key in SOURCE_KEYS.values():
        value = os.environ.get(key.variable, "")
        if len(value) >= _MIN_SECRET_LENGTH:
            values += {value, quote(value, safe="")}
    return sorted(values, key=len, reverse=True)  # a longer form first: no half-redacted leftovers


def redact(text: str) -> str:
    """`text` with every configured key replaced by REDACTED."""
    if not text:
        return text
    for secret in _secrets():
        text = text.replace(secret, REDACTED)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites a record's message with the keys redacted (a URL logged as an argument included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not _secrets():
            return True
        message = record.getMessage()
        cleaned = redact(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        if record.exc_info and not record.exc_text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
        return True
