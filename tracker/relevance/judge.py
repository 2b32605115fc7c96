"""Relevance stage as the pipeline applies it: endpoint declarations first, then the classifier."""

from __future__ import annotations

from tracker.config import Config
from tracker.relevance.classifier import RelevanceClassifier, guess_doc_type
from tracker.relevance.meta import SourceMeta
from tracker.specs import EndpointSpec, SourceSpec
from tracker.types import DocType, DocumentExtraction, ExtractedItem, Relevance, RelevanceLabel


class Judge:
    """Decides relevance, document type and whether to alert, for one endpoint."""

    def __init__(
        self, config: Config, classifier: RelevanceClassifier, source: SourceSpec, endpoint: EndpointSpec
    ):
        self.config = config
        self.classifier = classifier
        self.source = source
        self.endpoint = endpoint

    def __call__(self, item: ExtractedItem) -> tuple[Relevance, str]:
        doc_type = DocType(
            item.doc_type
            or guess_doc_type(
                item.title, item.summary, default=self.endpoint.doc_type, language=self.source.language
            )
        )
        # Only a type the regulator declared is evidence for relevance; a guessed one is not.
        declared = DocType(item.doc_type) if item.doc_type else self.endpoint.doc_type
        hint = None if declared is DocType.NEWS else declared
        return self.relevance(item.title, item.summary, hint, self._meta(item)), doc_type.value

    def _meta(self, item: ExtractedItem | None = None) -> SourceMeta:
        """What the source says of an item besides its words (tracker/relevance/meta.py reads it)."""
        meta = item.meta if item is not None else {}
        # Federal Register JSON: meta_fields "type" (and "subtype" where the source asks for it).
        regulator_type = "/".join(v for v in (meta.get("type", ""), meta.get("subtype", "")) if v)
        return SourceMeta(
            doc_type=regulator_type,
            url=item.url if item is not None else self.endpoint.url,
            agency=meta.get("agencies.name", ""),
            source=f"{self.source.id}/{self.endpoint.id}",
            section=(self.endpoint.form or {}).get("channelCode", ""),
        )

    def document(self, extraction: DocumentExtraction) -> tuple[Relevance, str]:
        text = " ".join(b.text for b in extraction.blocks[:20])[:4000]
        relevance = self.relevance(extraction.title, text, self.endpoint.doc_type, self._meta())
        return relevance, self.endpoint.doc_type.value

    def relevance(
        self, title: str, summary: str, doc_type: DocType | None, meta: SourceMeta | None = None
    ) -> Relevance:
        mode = self.endpoint.relevance
        if mode == "assume_ai_rule":
            return Relevance(RelevanceLabel.AI_RULE, 1.0, ("declared by the source",))
        # assume_ai_other: about AI by construction (the FTC's AI topic page, the UN AI bodies' pages, the
        # Cabinet Office's AI strategy papers). AI-ness is declared; the kind is still read as for any item
        # (the source's metadata first, then the words), so an AI basic plan or an enforcement action on such
        # a page is not "other". Without kind evidence it stays ai_other.
        declared = mode == "assume_ai_other"
        said = self.classifier.classify(
            title,
            summary,
            language=self.source.language,
            jurisdiction=self.source.jurisdiction,
            doc_type=doc_type,
            meta=meta,
            assume_ai=declared,
        )
        return Relevance(said.label, 1.0, ("declared by the source", *said.matched)) if declared else said

    def should_alert(self, label: str) -> bool:
        policy = self.config.alert_policy(self.source, self.endpoint)
        if policy == "none":
            return False
        return policy == "all" or label != RelevanceLabel.NOT_AI.value
