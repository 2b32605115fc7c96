"""What a source's own metadata says about the kind of an item: rule, enforcement or other.

Some of it is known before any word is read (issue 20): the Federal Register gives a document's type
("Presidential Document" with subtype "Executive Order", "Proposed Rule", "Notice"); an FTC release about
a 6(b) order says so in its title or URL; a CAC item listed under 政策法规 (channel A093703*) is a legal
text; law.go.kr serves 법률 and 시행령; the UN advisory body's page carries its final recommendations.

Order of evidence, as tracker/relevance/classifier.py applies it:
1. an endpoint that declares its items (`relevance = "assume_ai_rule"`) decides everything
   (relevance/judge.py);
2. whether an item is about AI is decided by its words only: metadata never makes an item AI
   (an executive order on quantum computing is not an AI rule);
3. for an AI item, metadata that names the kind (below) decides the kind;
4. otherwise title words, then summary words, plus the endpoint's declared doc type as a hint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from tracker.types import DocType

RULE, ENFORCEMENT, OTHER = "rule", "enforcement", "other"

# Federal Register type/subtype -> (kind, doc type); presidential subtypes as the API spells them.
_PRESIDENTIAL = {
    "executive order": (RULE, DocType.LAW),
    "memorandum": (RULE, DocType.LAW),
    "proclamation": (OTHER, DocType.NEWS),  # "National AI Literacy Week" proclaims, it does not rule
}
_FEDREG = {"rule": (RULE, DocType.LAW), "proposed rule": (RULE, DocType.PROPOSAL)}
# A Federal Register notice is a meeting, a filing, a request for comment or guidance: only a meeting is
# certain from the title's own convention ("National Drinking Water Advisory Council; Meeting").
_MEETING = re.compile(r"\b(?:meetings?|sunshine act|public hearings?)\b", re.IGNORECASE)
# law.go.kr 법종구분 (kind of statute): all of them are legal texts.
_KR_LAW_KINDS = ("법률", "대통령령", "총리령", "부령", "시행령", "시행규칙", "조례")
_CAC_POLICY_CHANNEL = "A093703"  # 政策法规 and its sub-channels A09370301 … A09370306
_FTC_6B_TITLE = re.compile(r"6\s*\(b\)|\binquiry\b|\bstud(?:y|ies)\b|\bissues?\s+orders?\b", re.IGNORECASE)
_FTC_6B_URL = re.compile(r"(?<![0-9])6b(?=[-_.]|report|order|stud|$)|inquiry", re.IGNORECASE)
_ADVISORY_FINAL = re.compile(r"final\s+report|recommendations?", re.IGNORECASE)


_FEDREG_KINDS = (
    "rule",
    "proposed rule",
    "notice",
    "presidential document",
    "uncategorized document",
    "correction",
)


def is_regulator_type(value: str) -> bool:
    """Whether `value` is a type read here: a Federal Register type[/subtype] or a Korean law kind."""
    value = value.strip()
    return value.partition("/")[0].strip().lower() in _FEDREG_KINDS or value in _KR_LAW_KINDS


@dataclass(frozen=True, slots=True)
class SourceMeta:
    """What the pipeline knows of an item besides its words. Every field is optional."""

    doc_type: str = ""  # the regulator's own type: "Presidential Document/Executive Order", "Notice", "법률"
    url: str = ""
    agency: str = ""  # "Industry and Security Bureau", "Federal Trade Commission", "个人信息保护委员会"
    source: str = ""  # "<source id>/<endpoint id>" or a source id
    section: str = ""  # the column or channel an item is listed under: CAC "A09370301"

    def __bool__(self) -> bool:
        return any((self.doc_type, self.url, self.agency, self.source, self.section))


@dataclass(frozen=True, slots=True)
class MetaKind:
    kind: str  # rule / enforcement / other
    evidence: str  # what decided it, as Relevance.matched shows it: "doc_type=Proposed Rule"
    doc_type: DocType | None = None


def meta_kind(meta: SourceMeta | None, title: str = "") -> MetaKind | None:
    """The kind the metadata names, or None when it names none. First matching rule wins."""
    # With no metadata at all, only the FTC's own title convention ("FTC Launches Inquiry …") can speak.
    meta = meta or SourceMeta()
    for rule in (_federal_register, _ftc, _cac, _korean_law, _advisory_body):
        found = rule(meta, title)
        if found is not None:
            return found
    return None


def _federal_register(meta: SourceMeta, title: str) -> MetaKind | None:
    kind, _, subtype = meta.doc_type.strip().partition("/")
    kind, subtype = kind.strip().lower(), subtype.strip().lower()
    evidence = f"doc_type={meta.doc_type.strip()}"
    if kind == "presidential document":
        if not subtype:  # the presidential endpoint asks for executive orders and memoranda only
            return MetaKind(RULE, evidence, DocType.LAW)
        found = _PRESIDENTIAL.get(subtype)
        return MetaKind(found[0], evidence, found[1]) if found else None
    if kind in _FEDREG:
        return MetaKind(_FEDREG[kind][0], evidence, _FEDREG[kind][1])
    if kind == "notice" and _MEETING.search(title):
        return MetaKind(OTHER, f"{evidence} (meeting)", DocType.NEWS)
    return None


_FTC_CASES = "/legal-library/browse/cases-proceedings/"


def _is_ftc(meta: SourceMeta, title: str) -> bool:
    host = urlsplit(meta.url).hostname or ""
    return (
        host == "ftc.gov"
        or host.endswith(".ftc.gov")
        or meta.source.startswith("us_ftc")
        or "federal trade commission" in meta.agency.lower()
        or title.startswith("FTC ")
    )


def _ftc(meta: SourceMeta, title: str) -> MetaKind | None:
    """FTC 6(b) orders compel answers from named companies; the studies they feed are the FTC's to act on."""
    if not _is_ftc(meta, title):
        return None
    path = urlsplit(meta.url).path
    if _FTC_6B_URL.search(path.rsplit("/", 1)[-1]):
        return MetaKind(ENFORCEMENT, "url=FTC 6(b)", DocType.ENFORCEMENT)
    if _FTC_6B_TITLE.search(title):
        return MetaKind(ENFORCEMENT, "FTC title=6(b) inquiry or study", DocType.ENFORCEMENT)
    if path.startswith(_FTC_CASES):  # "Workado, LLC, In the Matter of": a case the FTC brought
        return MetaKind(ENFORCEMENT, "url=FTC cases and proceedings", DocType.ENFORCEMENT)
    return None


def _cac(meta: SourceMeta, _title: str) -> MetaKind | None:
    if meta.section.startswith(_CAC_POLICY_CHANNEL):
        return MetaKind(RULE, f"section={meta.section} (政策法规)", DocType.LAW)
    return None


def _korean_law(meta: SourceMeta, _title: str) -> MetaKind | None:
    host = urlsplit(meta.url).hostname or ""
    if meta.doc_type.strip() in _KR_LAW_KINDS:
        return MetaKind(RULE, f"doc_type={meta.doc_type.strip()}", DocType.LAW)
    if host == "law.go.kr" or host.endswith(".law.go.kr"):
        return MetaKind(RULE, "url=law.go.kr", DocType.LAW)
    return None


def _advisory_body(meta: SourceMeta, title: str) -> MetaKind | None:
    """An advisory body's final report is its recommendations: what governments are asked to adopt."""
    where = f"{urlsplit(meta.url).path} {meta.source} {meta.agency}".lower()
    if re.search(r"advisory[\s_\-]+body", where) and _ADVISORY_FINAL.search(title):
        return MetaKind(RULE, "source=advisory body final recommendations", DocType.REPORT)
    return None
