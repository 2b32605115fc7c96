"""The relevance stage: is an item about AI, and is it a rule, an enforcement action or something else?

Pure Python, no model: weighted term lists (tracker/relevance/terms.py for English, Chinese and Korean;
tracker/relevance/terms_langs.py for French, Italian, Dutch, German, Japanese and AI products by name)
matched by a matcher precompiled once per language (tracker/relevance/matcher.py). How a verdict is reached,
so an operator can predict and tune it:

1. **AI score.** Every AI term found adds its weight, times 2 in the title and times 1 in the summary
   (a summary term repeated adds half its weight again per repeat, at most twice). Negative terms
   (`[relevance].negative_terms`, `extra_terms.not_ai`) subtract 2 in the title and 1 in the summary,
   and also hide any AI term inside them. Competition words (merger, acquisition, antitrust, …) subtract
   only when the title has no AI term: a merger release whose body mentions AI in passing is not AI.
   `Relevance.score` is this AI score, rounded to two decimals.
2. **AI or not.** The item is about AI when the score is above zero and at least
   `[relevance].threshold` (default 1.0). So one strong AI term in the title (score 2) is enough, and so
   is one strong AI term in the summary alone (score 1), while a weak one ("algorithm", 算法) needs
   company. Example: the CAC consultation on the minors' online-safety rules names "AI services that may
   affect minors' cognition" only in article 5 of the draft: with that article as summary it scores 1.0
   and is `ai_rule`, below any AI-titled rule (生成式人工智能服务管理暂行办法 scores 3.0). Raise the
   threshold above 1.0 to keep only items with AI in the title or AI named repeatedly in the summary.
3. **Which kind.** Rule, enforcement and other ("speech", "summit", "report", 开幕, 출범) evidence is
   counted with the title times 2 and the summary times 0.5: a title says what an item is, a body
   mentions everything. A `doc_type` given by the source adds 2 to rule (law, proposal, consultation,
   guidance) or enforcement. Enforcement wins when it reaches 1.0 and is at least the rule evidence;
   otherwise rule wins when it reaches 1.0; either loses to stronger "other" evidence; with none of
   them the item is `ai_other`.
4. **Metadata first.** Before the words, the source's own metadata (`meta`, tracker/relevance/meta.py)
   may name the kind: a Federal Register executive order or proposed rule is a rule, a Federal Register
   notice of a meeting is other, an FTC 6(b) inquiry is enforcement, a CAC item under 政策法规 and a
   law.go.kr 법률 are rules. Metadata never makes an item AI; it decides the kind of an AI item, and
   `matched` names it ("doc_type=Presidential Document/Executive Order").

Terms: Latin-script terms match whole words, phrases ignore case, acronyms ("AI", "LLM", "GPAI") do not,
so "said", "aid", "Air", "AIDS" and "Rite Aid" are not AI. Chinese and Korean terms match as substrings
(no word boundaries); "AI" next to Hangul or Han ("AI기본법", "AI技术") counts. The short acronyms of
other languages ("IA", "KI") count only when the language is fr/es/it/pt or de, or unknown.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

from tracker.config import RelevanceSection
from tracker.relevance.doctype_terms import DOC_TYPE_PRECEDENCE, DOC_TYPE_TERMS, DocTerm
from tracker.relevance.matcher import TermMatcher
from tracker.relevance.meta import SourceMeta, is_regulator_type, meta_kind
from tracker.relevance.terms import Term, literal_pattern
from tracker.relevance.terms_langs import RELEVANCE_TERMS
from tracker.types import DocType, Relevance, RelevanceLabel

TITLE_WEIGHT = 2.0
SUMMARY_WEIGHT = 1.0  # for AI and negative evidence
SUMMARY_KIND_WEIGHT = 0.5  # for rule / enforcement / other evidence
REPEAT_BONUS = 0.5  # per extra summary occurrence of an AI term, at most MAX_REPEATS
MAX_REPEATS = 2
KIND_MINIMUM = 1.0  # rule or enforcement evidence needed to name the kind
# On a source that declares its items about AI (an AI body's page), "other" is the source's own word for
# them: a kind needs a full term in the title ("basic plan", "order", "ban"), not a hint ("policy").
DECLARED_KIND_MINIMUM = 2.0
DOC_TYPE_HINT = 2.0
DOC_TYPE_MINIMUM = 1.0  # weight of doc-type wording (title or summary, unscaled)
MAX_TEXT = 50_000  # characters of a summary that are read (a CAC page can carry a whole draft law)
EXTRA_TERM_WEIGHT = 1.0

_RULE_DOC_TYPES = {DocType.LAW, DocType.PROPOSAL, DocType.CONSULTATION, DocType.GUIDANCE}
_LANGUAGE_OF_JURISDICTION = {"US": "en", "UN": "en", "CN": "zh", "KR": "ko"}


def language_key(language: str | None, jurisdiction: str | None = None) -> str | None:
    """'zh-CN' -> 'zh'; no language -> the jurisdiction's usual one; None when still unknown."""
    if language:
        return language.strip().lower().replace("_", "-").split("-")[0] or None
    if jurisdiction:
        return _LANGUAGE_OF_JURISDICTION.get(jurisdiction.strip().upper())
    return None


def _applies(langs: frozenset[str] | None, language: str | None) -> bool:
    return langs is None or language is None or language in langs


def _normalise(text: str, limit: int = MAX_TEXT) -> str:
    # NFKC folds full-width "ＡＩ" and compatibility forms into what the patterns expect.
    return unicodedata.normalize("NFKC", text[:limit])


@dataclass
class _Evidence:
    ai: float = 0.0
    negative: float = 0.0
    competition: float = 0.0
    ai_in_title: bool = False
    kinds: dict[str, float] = field(default_factory=lambda: {"rule": 0.0, "enforcement": 0.0, "other": 0.0})
    # name -> contribution, per kind of evidence, to report what decided the label
    named: dict[str, dict[str, float]] = field(default_factory=dict)

    def note(self, kind: str, name: str, value: float) -> None:
        if value:
            contributions = self.named.setdefault(kind, {})
            contributions[name] = contributions.get(name, 0) + value

    def top(self, kind: str) -> list[str]:
        """The names, largest contribution first; ties in the order they were first noted (a stable sort,
        as Counter.most_common)."""
        contributions = self.named.get(kind, {})
        return sorted(contributions, key=contributions.__getitem__, reverse=True)


class RelevanceClassifier:
    """Labels an item ai_rule / ai_enforcement / ai_other / not_ai from its title and summary."""

    def __init__(self, settings: RelevanceSection | None = None) -> None:
        self.settings = settings or RelevanceSection()
        self._terms: tuple[Term, ...] = RELEVANCE_TERMS + _user_terms(self.settings)
        self._matchers: dict[str | None, TermMatcher[Term]] = {}

    def _matcher(self, language: str | None) -> TermMatcher[Term]:
        # The instance's own dict first: looking up the shared cache hashes every term (~50 µs).
        matcher = self._matchers.get(language)
        if matcher is None:
            matcher = _shared_matcher(self._terms, language)
            self._matchers[language] = matcher
        return matcher

    def classify(
        self,
        title: str,
        summary: str = "",
        *,
        language: str | None = None,
        jurisdiction: str | None = None,
        doc_type: DocType | None = None,
        meta: SourceMeta | None = None,
        assume_ai: bool = False,
    ) -> Relevance:
        """assume_ai: the source says the item is about AI (an AI body's page): the words and the metadata
        decide only the kind, rule / enforcement / other, never not_ai."""
        matcher = self._matcher(language_key(language, jurisdiction))
        evidence = _Evidence()
        for text, in_title in ((title, True), (summary, False)):
            if not text:
                continue
            for index, count in matcher.counts(_normalise(text)).items():
                _add(evidence, matcher.terms[index], count, in_title)

        score = evidence.ai - evidence.negative
        if not evidence.ai_in_title:
            score -= evidence.competition
        score = round(max(score, 0.0), 2)
        negatives = [f"-{name}" for name in evidence.top("negative")]
        if not assume_ai and (score <= 0 or score < self.settings.threshold):
            return Relevance(RelevanceLabel.NOT_AI, score, tuple(evidence.top("ai") + negatives))
        if assume_ai:
            score, negatives = 1.0, []

        named = meta_kind(meta, _normalise(title))
        if named is not None:
            label = KIND_LABELS[named.kind]
            terms = evidence.top(named.kind)
            matched = [*evidence.top("ai"), named.evidence, *terms, *negatives]
            return Relevance(label, score, tuple(dict.fromkeys(matched)))
        kinds = dict(evidence.kinds)
        if doc_type in _RULE_DOC_TYPES:
            kinds["rule"] += DOC_TYPE_HINT
            evidence.note("rule", f"doc_type={doc_type}", DOC_TYPE_HINT)
        elif doc_type is DocType.ENFORCEMENT:
            kinds["enforcement"] += DOC_TYPE_HINT
            evidence.note("enforcement", f"doc_type={doc_type}", DOC_TYPE_HINT)
        label, kind = _decide(kinds, DECLARED_KIND_MINIMUM if assume_ai else KIND_MINIMUM)
        matched = evidence.top("ai") + (evidence.top(kind) if kind else []) + negatives
        return Relevance(label, score, tuple(dict.fromkeys(matched)))


def _add(evidence: _Evidence, term: Term, count: int, in_title: bool) -> None:
    if in_title:
        ai_factor = kind_factor = TITLE_WEIGHT
    else:
        ai_factor = SUMMARY_WEIGHT * (1 + REPEAT_BONUS * min(count - 1, MAX_REPEATS))
        kind_factor = SUMMARY_KIND_WEIGHT
    if term.ai:
        evidence.ai += term.ai * ai_factor
        evidence.ai_in_title |= in_title
        evidence.note("ai", term.name, term.ai * ai_factor)
    if term.negative:
        value = term.negative * (TITLE_WEIGHT if in_title else SUMMARY_WEIGHT)
        evidence.negative += value
        evidence.note("negative", term.name, value)
    if term.competition:
        evidence.competition += term.competition * ai_factor
    for kind in ("rule", "enforcement", "other"):
        weight = getattr(term, kind)
        if weight:
            evidence.kinds[kind] += weight * kind_factor
            evidence.note(kind, term.name, weight * kind_factor)


KIND_LABELS = {
    "rule": RelevanceLabel.AI_RULE,
    "enforcement": RelevanceLabel.AI_ENFORCEMENT,
    "other": RelevanceLabel.AI_OTHER,
}


def _decide(kinds: dict[str, float], minimum: float = KIND_MINIMUM) -> tuple[RelevanceLabel, str | None]:
    rule, enforcement, other = kinds["rule"], kinds["enforcement"], kinds["other"]
    if enforcement >= minimum and enforcement >= rule and enforcement >= other:
        return RelevanceLabel.AI_ENFORCEMENT, "enforcement"
    if rule >= minimum and rule >= other:
        return RelevanceLabel.AI_RULE, "rule"
    return RelevanceLabel.AI_OTHER, "other" if other else None


@dataclass(frozen=True)
class _TermWeights:
    """What a phrase of the user's is evidence of: a Term's weights (the others stay 0)."""

    ai: float = 0.0
    rule: float = 0.0
    enforcement: float = 0.0
    negative: float = 0.0


_LABEL_WEIGHTS = {
    RelevanceLabel.AI_RULE: _TermWeights(ai=EXTRA_TERM_WEIGHT, rule=EXTRA_TERM_WEIGHT),
    RelevanceLabel.AI_ENFORCEMENT: _TermWeights(ai=EXTRA_TERM_WEIGHT, enforcement=EXTRA_TERM_WEIGHT),
    RelevanceLabel.AI_OTHER: _TermWeights(ai=EXTRA_TERM_WEIGHT),
    RelevanceLabel.NOT_AI: _TermWeights(negative=EXTRA_TERM_WEIGHT),
}


def _user_terms(settings: RelevanceSection) -> tuple[Term, ...]:
    """`extra_terms` (label -> phrases) and `negative_terms` as literal terms.

    A phrase under ai_rule / ai_enforcement is AI evidence and evidence of that kind (weight 1 each);
    under ai_other it is AI evidence only; under not_ai it is the same as a negative term.
    """
    terms: list[Term] = []
    for label_name, phrases in settings.extra_terms.items():
        try:
            label = RelevanceLabel(label_name)
        except ValueError:
            known = ", ".join(label.value for label in RelevanceLabel)
            raise ValueError(
                f"relevance.extra_terms: unknown label {label_name!r}; use one of {known}"
            ) from None
        terms += [_user_term(p, _LABEL_WEIGHTS[label]) for p in phrases if p.strip()]
    negative = _LABEL_WEIGHTS[RelevanceLabel.NOT_AI]
    terms += [_user_term(p, negative) for p in settings.negative_terms if p.strip()]
    return tuple(terms)


def _user_term(phrase: str, weights: _TermWeights) -> Term:
    phrase = unicodedata.normalize("NFKC", phrase).strip()
    return Term(
        phrase,
        literal_pattern(phrase),
        ai=weights.ai,
        rule=weights.rule,
        enforcement=weights.enforcement,
        negative=weights.negative,
    )


@lru_cache(maxsize=64)
def _shared_matcher(terms: tuple[Term, ...], language: str | None) -> TermMatcher[Term]:
    """One matcher per term set and language in the process (it is read-only once built): compiling the
    ~270 patterns costs ~18 ms, which every check cycle's new classifier paid again per language."""
    return TermMatcher([t for t in terms if _applies(t.langs, language)])


@lru_cache(maxsize=16)
def _doc_type_matcher(language: str | None) -> TermMatcher[DocTerm]:
    return TermMatcher([t for t in DOC_TYPE_TERMS if _applies(t.langs, language)])


def guess_doc_type(
    title: str, summary: str = "", default: DocType = DocType.NEWS, language: str | None = None
) -> DocType:
    """Law, proposal, consultation, guidance, enforcement, report or news, from the wording.

    The title decides when it has any doc-type wording (a title says what an item is; a body mentions
    everything); the summary only when the title has none. Consultation and proposal wording wins
    outright (a consultation on guidelines is a consultation; 征求意见稿 is a consultation); otherwise the
    kind with the most weight wins, ties in the order consultation, proposal, enforcement, guidance,
    law, report, news. Below 1.0 of weight the answer is `default`.
    """
    matcher = _doc_type_matcher(language_key(language))
    for text in (title, summary):
        scores = _doc_type_scores(matcher, text)
        for early in (DocType.CONSULTATION, DocType.PROPOSAL):
            if scores[early] >= DOC_TYPE_MINIMUM and scores[early] >= max(
                scores[DocType.CONSULTATION], scores[DocType.PROPOSAL]
            ):
                return early
        best = max(DOC_TYPE_PRECEDENCE, key=lambda kind: scores[kind])  # first of equals = precedence
        if scores[best] >= DOC_TYPE_MINIMUM:
            return best
    return default


def _doc_type_scores(matcher: TermMatcher[DocTerm], text: str) -> dict[DocType, float]:
    scores: dict[DocType, float] = dict.fromkeys(DOC_TYPE_PRECEDENCE, 0.0)
    if text:
        for index in matcher.counts(_normalise(text)):
            term = matcher.terms[index]
            if term.doc_type is not None:
                scores[term.doc_type] += term.weight
    return scores


def classify_jsonl(lines: Iterable[str], classifier: RelevanceClassifier) -> Iterator[str]:
    """For `tracker classify`: one JSON object per line in, the same object out with "label", "score",
    "matched", "evidence" and "document_type" added.

    Input keys: "title" (required), "summary", "language", "jurisdiction" (optional), and the metadata a
    source passes (optional): "doc_type" (one of tracker.types.DocType, or the regulator's own type such
    as "Proposed Rule", "Notice", "Presidential Document/Executive Order", "법률"), "url", "agency",
    "source", "section". "evidence" says what decided the label: metadata as "doc_type=…", "url=…",
    "section=…", words as "term:<name>". Blank lines are skipped. A line that is not a JSON object with a
    string title does not stop the run: it comes out as {"line": <1-based number>, "error": <why>}, and
    the caller decides the exit status (the CLI should fail if any error object was written).
    """
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
            if not isinstance(item, dict):
                raise ValueError(f"expected a JSON object, got {type(item).__name__}")
            title, summary = _text(item, "title", required=True), _text(item, "summary")
            language = _text(item, "language") or None
            hint, regulator_type = _doc_type(item.get("doc_type"))
            meta = SourceMeta(
                doc_type=regulator_type,
                **{key: _text(item, key) for key in ("url", "agency", "source", "section")},
            )
            relevance = classifier.classify(
                title,
                summary,
                language=language,
                jurisdiction=_text(item, "jurisdiction") or None,
                doc_type=hint,
                meta=meta,
            )
        except ValueError as exc:  # json.JSONDecodeError is a ValueError
            yield json.dumps({"line": number, "error": str(exc)}, ensure_ascii=False)
            continue
        named = meta_kind(meta, _normalise(title)) if relevance.is_ai else None
        guessed = hint or guess_doc_type(title, summary, language=language)
        document_type = named.doc_type if named and named.doc_type else guessed
        out = {**item, "label": relevance.label.value, "score": relevance.score}
        out["matched"] = list(relevance.matched)
        out["evidence"] = [_evidence(name) for name in relevance.matched]
        out["document_type"] = document_type.value
        yield json.dumps(out, ensure_ascii=False)


def _evidence(name: str) -> str:
    # Metadata evidence is already "key=value"; the rest are term names.
    return name if "=" in name or name == "declared by the source" else f"term:{name}"


def _text(item: dict[str, object], key: str, required: bool = False) -> str:
    value = item.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str):
        raise ValueError(f'"{key}" must be a string' + ("" if value is not None else " and is missing"))
    return value


def _doc_type(value: object) -> tuple[DocType | None, str]:
    """A DocType value is a hint; a regulator's own type is metadata ("" when absent)."""
    if value is None:
        return None, ""
    if isinstance(value, str):
        if value in DocType.__members__.values():
            return DocType(value), ""
        if is_regulator_type(value):
            return None, value.strip()
    known = ", ".join(d.value for d in DocType)
    raise ValueError(
        f'"doc_type" must be one of {known} or a regulator\'s type such as "Proposed Rule", '
        f'"Presidential Document/Executive Order", "Notice", "법률"; not {value!r}'
    )
