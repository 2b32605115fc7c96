"""Helpers for the tests of the built-in sources: run a body through an endpoint's real declaration."""

from __future__ import annotations

from pathlib import Path

from sources import builtin_sources
from tracker.config import Config
from tracker.extract.derive import derive
from tracker.relevance.classifier import RelevanceClassifier
from tracker.relevance.judge import Judge
from tracker.specs import EndpointSpec, SourceSpec
from tracker.types import DocumentExtraction, ItemsExtraction, Relevance

_CLASSIFIER = RelevanceClassifier()


def spec(source_id: str) -> SourceSpec:
    return next(s for s in builtin_sources() if s.id == source_id)


def endpoint(key: str) -> EndpointSpec:
    source_id, _, endpoint_id = key.partition("/")
    return spec(source_id).endpoint(endpoint_id)


def items(key: str, path: Path, content_type: str, url: str | None = None) -> ItemsExtraction:
    """The items `key` ("cn_cac/wxfb") finds in a file, through decode + extract as a check runs them."""
    ep = endpoint(key)
    _, extraction = derive(ep, path.read_bytes(), content_type, url or ep.url)
    assert isinstance(extraction, ItemsExtraction)
    return extraction


def document(key: str, path: Path, content_type: str, url: str | None = None) -> DocumentExtraction:
    ep = endpoint(key)
    _, extraction = derive(ep, path.read_bytes(), content_type, url or ep.url)
    assert isinstance(extraction, DocumentExtraction)
    return extraction


def judged(key: str, extraction: ItemsExtraction) -> dict[str, tuple[Relevance, str]]:
    """stable_id -> (relevance, doc_type) as the pipeline's relevance stage decides them (default config)."""
    source_id = key.partition("/")[0]
    judge = Judge(Config(), _CLASSIFIER, spec(source_id), endpoint(key))
    return {item.stable_id: judge(item) for item in extraction.items}
