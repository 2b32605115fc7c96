"""decode + extract: the derived version of a raw body. Used by checks and to re-derive old snapshots."""

from __future__ import annotations

from tracker.decode import decode_body
from tracker.extract import extract
from tracker.specs import EndpointSpec
from tracker.types import DecodedBody, Extraction


def derive(
    endpoint: EndpointSpec, body: bytes, content_type: str, url: str
) -> tuple[DecodedBody, Extraction]:
    """Raises ValueError (undecodable) or ExtractionError (not what the parser expects)."""
    decoded = decode_body(body, content_type, url)
    return decoded, extract(decoded, body, endpoint, url)
