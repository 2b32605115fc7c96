"""A page an item leads to (its detail page, a followed API answer): fetched and judged like any answer,
then read; a page that cannot be had is logged and skipped, never an error of the list."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from tracker.extract.decode import decode_body
from tracker.pipeline.classify_response import classify_response
from tracker.types import DecodedBody, ExtractionError, FetchRequest, ResponseStatus

if TYPE_CHECKING:
    from tracker.net.fetch import Fetcher

T = TypeVar("T")


async def fetch_and_read(
    fetcher: Fetcher,
    request: FetchRequest,
    read: Callable[[DecodedBody, str], T],
    what: str,
    logger: logging.Logger,
) -> T | None:
    """A page an item leads to (its detail page, a followed API answer): fetched, judged like any answer,
    decoded and read by `read(decoded, final_url)`; None, logged as "`what` URL not used: why", when it
    cannot be had."""
    result = await fetcher.fetch(request)
    verdict = classify_response(result, last_good_size=None, shrink_ratio=0)
    if verdict.status is not ResponseStatus.OK:
        logger.info("%s %s not used: %s", what, request.url, verdict.reason)
        return None
    try:
        decoded = decode_body(result.body, result.headers.get("content-type", ""), result.final_url)
        return read(decoded, result.final_url)
    except (ExtractionError, ValueError) as exc:
        logger.info("%s %s not used: %s", what, request.url, exc)
        return None
