"""decode + extract: the derived version of a raw body. Used by checks and to re-derive old snapshots."""

from __future__ import annotations

from tracker.extract import extract
from tracker.extract.decode import decode_body
from tracker.specs import EndpointSpec
from tracker.types import DecodedBody, Extraction


def derive(
    endpoint: EndpointSpec,
    body: bytes,
    content_type: str,
    url: str,
    *,
    language: str | None = None,
    previous_encoding: str | None = None,
) -> tuple[DecodedBody, Extraction]:
    """Raises ValueError (undecodable) or ExtractionError (not what the parser expects).

    `language` (the source's) and `previous_encoding` (the endpoint's last good one) settle the charset
    of a body that declares none: see tracker.extract.decode.
    """
    decoded = decode_body(body, content_type, url, language=language, previous_encoding=previous_encoding)
    return decoded, extract(decoded, body, endpoint, url)
