"""Doc-type vocabulary for `guess_doc_type` (relevance/classifier.py): law, proposal, consultation, guidance,
enforcement, report or news, in the same languages as the relevance terms.

The Federal Register `type` field and similar regulator-given types are mapped by the sources; these
terms are for titles and summaries that carry no type.
"""

from __future__ import annotations

from dataclasses import dataclass

from tracker.relevance.terms import KO_LAW, ZH_LAW, bounded, is_acronym, literal_pattern
from tracker.types import DocType


@dataclass(frozen=True, slots=True)
class DocTerm:
    name: str
    pattern: str
    doc_type: DocType | None  # None = consumes its span without evidence (e.g. "in order to")
    weight: float
    langs: frozenset[str] | None = None


def _d(
    doc_type: DocType | None, name: str, w: float, rx: str | None = None, langs: str | None = None
) -> DocTerm:
    cs = is_acronym(name)
    pattern = literal_pattern(name, cs) if rx is None else bounded(rx, name, cs)
    return DocTerm(name, pattern, doc_type, w, frozenset(langs.split()) if langs else None)


_C, _P, _E, _G, _L, _R, _N = (
    DocType.CONSULTATION,
    DocType.PROPOSAL,
    DocType.ENFORCEMENT,
    DocType.GUIDANCE,
    DocType.LAW,
    DocType.REPORT,
    DocType.NEWS,
)

DOC_TYPE_TERMS: tuple[DocTerm, ...] = (
    _d(_C, "consultation", 3, r"consultations?"),
    _d(_C, "call for evidence", 3),
    _d(_C, "request for comment", 3, r"requests?\s+for\s+comments?"),
    _d(_C, "request for information", 3, r"requests?\s+for\s+information"),
    _d(_C, "RFI", 3),
    _d(_C, "public comment", 2, r"public\s+comments?"),
    _d(_C, "seeks comment", 2, r"seeks?\s+(?:public\s+)?comments?"),
    _d(_C, "comment period", 2),
    _d(_C, "征求意见", 3, r"征求[^。]{0,60}?意见"),  # 关于征求《…》意见的通知 as well as 征求意见稿
    _d(_C, "意见稿", 3),
    _d(_C, "입법예고", 3),
    _d(_C, "행정예고", 3),
    _d(_C, "의견수렴", 2),
    _d(_C, "Konsultation", 3),
    _d(_C, "consultazione", 3, r"consultazion[ei]\s+pubblic[ah]e?|consultatie|appels?\s+à\s+contributions?"),
    _d(_C, "意見募集", 3, r"意見募集|パブリックコメント|意見公募"),
    _d(_P, "proposed rule", 3, r"proposed\s+rules?"),
    _d(_P, "NPRM", 3),
    _d(_P, "proposal", 2, r"proposals?|proposition\s+de|Vorschlag|voorstel"),
    _d(_P, "proposes", 1.5, r"propos(?:e|es|ed)"),
    _d(_P, "draft", 1.5, r"drafts?|projet\s+de|Entwurf"),
    _d(_P, "草案", 2),
    _d(_P, "제정안", 2),
    _d(_P, "개정안", 2),
    _d(_P, "법률안", 2),
    _d(_P, "法律案", 2, r"法律案|法案"),
    _d(_P, "Referentenentwurf", 2, r"(?:Referenten|Regierungs|Gesetz)entw[uü]rfe?|wetsvoorstel(?:len)?"),
    _d(_P, "disegno di legge", 2, r"disegn[oi]\s+di\s+legge|(?:projet|proposition)s?\s+de\s+loi"),
    _d(_P, "素案", 1.5, r"素案|骨子"),
    _d(_E, "complaint", 2, r"complaints?"),
    _d(_E, "settlement", 2, r"settlements?|settle[sd]?"),
    _d(_E, "consent order", 3, r"consent\s+orders?"),
    _d(_E, "order", 1, r"orders?"),
    _d(_E, "ban", 1.5, r"ban(?:s|ned|ning)?"),
    _d(_E, "penalty", 2, r"penalt(?:y|ies)"),
    _d(_E, "fine", 2, r"fine[sd]?"),
    _d(_E, "lawsuit", 2, r"lawsuits?|su(?:e|es|ed|ing)"),
    _d(_E, "charges", 1.5, r"charge[sd]?"),
    _d(_E, "crackdown", 2, r"crack(?:s|ing)?[\s\-]?down"),
    _d(_E, "deceptive", 1.5, r"decepti(?:ve|on)|deceiv(?:e|es|ed|ing)"),
    _d(_E, "enforcement action", 3, r"enforcement\s+actions?"),
    _d(_E, "6(b)", 3, r"6\s*\(b\)"),
    _d(_E, "launches inquiry", 2, r"(?:launch(?:es|ed|ing)?|open(?:s|ed)?)\s+(?:an?\s+)?(?:inquiry|probe)"),
    _d(_E, "action against", 2, r"action\s+against"),
    _d(_E, "proceedings against", 2, r"proceedings\s+against|infringement\s+proceedings?"),
    _d(_E, "refund", 1.5, r"refunds?"),
    _d(_E, "pay", 1.0, r"pay"),
    _d(_E, "amende", 2, r"amendes?|sanctions?|Bußgeld(?:er)?|Geldbußen?|[a-z]*boetes?|beboet(?:e|en)?"),
    _d(_E, "mise en demeure", 2, r"m(?:ise|ises|is|et|ettant)\s+en\s+demeure|formation\s+restreinte"),
    _d(_E, "sanzione", 2, r"sanzion(?:e|i|a|ata|ato)|ordinanz[ae]\s+ingiunzion[ei]|blocc[ao]|istruttori[ae]"),
    _d(_E, "Anordnung", 2, r"Anordnung(?:en)?|Verwarnung(?:en)?|Untersagung(?:en)?|dwangsom(?:men)?"),
    # The PPC's alerts, administrative guidance and its "administrative response" to a named company
    _d(_E, "注意喚起", 2, r"注意喚起|行政指導|行政上の対応|勧告|報告徴収|立入検査"),
    _d(_E, "处罚", 2, r"处罚|罚款|约谈|查处|专项行动|整治|下架|关停|立案"),
    _d(_E, "과징금", 2, r"과징금|과태료|시정명령|시정권고|제재|처분|고발"),
    _d(_G, "guidelines", 3, r"guidelines?|guidance|lignes\s+directrices|Leitlinien|Leitfaden|richtsnoeren"),
    _d(_G, "Orientierungshilfe", 3, r"Orientierungshilfen?|Handreichung(?:en)?"),
    _d(_G, "code of practice", 3, r"codes?\s+of\s+(?:practice|conduct)|Verhaltenskodex"),
    _d(_G, "recommendation", 2, r"recommendations?|recommandations?|Empfehlung(?:en)?"),
    _d(_G, "FAQ", 2),
    _d(_G, "Q&A", 2, r"Q\s*&\s*A"),
    _d(_G, "best practices", 1.5, r"best\s+practices?"),
    _d(_G, "framework", 1.0, r"frameworks?"),
    _d(_G, "standard", 1.5, r"standards?"),
    _d(_G, "指南", 3, r"指南|指引|实践指南"),
    _d(_G, "标准", 1.5),
    _d(_G, "框架", 1.5),
    _d(_G, "가이드라인", 3, r"가이드라인|지침|안내서|해설서"),
    _d(_L, "final rule", 3, r"(?:interim\s+)?final\s+rules?"),
    _d(_L, "regulation", 2, r"regulations?|r[èe]glements?|Verordnung(?:en)?|verordening(?:en)?"),
    _d(_L, "executive order", 3, r"executive\s+orders?|行政令|행정명령|大統領令"),
    _d(_L, "memorandum", 2, r"memorand(?:um|a)"),
    _d(_G, "action plan", 2, r"action\s+plans?|plans?\s+d['’]action|Aktionspl[aä]ne?|actieplan"),
    _d(_G, "行动计划", 2, r"行动计划|행동계획|行動計画"),
    _d(_G, "ガイドライン", 3, r"ガイドライン|指針"),
    _d(_G, "基本計画", 2, r"基本計画|linee\s+guida|richtsnoeren|fiches?\s+pratiques?"),
    _d(_L, "Act", 1.5, r"Acts?|ACTS?"),
    _d(_L, "directive", 2, r"directives?|Richtlinien?|richtlijn(?:en)?"),
    _d(_L, "law", 1.5, r"laws?|lois?|Gesetz(?:es|e)?|d[ée]crets?"),
    _d(_L, "wet", 1.5, langs="nl"),
    _d(_L, "rule", 1.5, r"rules?"),
    _d(_L, "entry into force", 2, r"(?:entry|enters?|entered)\s+into\s+force"),
    _d(_L, "Official Journal", 2),
    _d(_L, "resolution", 1.0, r"resolutions?"),
    _d(_L, "办法", 2, r"办法|规定|条例|法律|法规"),
    _d(_L, "法", 1.5, ZH_LAW),
    _d(_L, "施行", 1.0),
    _d(_L, "公布", 2, r"公布|閣議決定|政令|省令"),
    _d(_L, "legge", 1.5, r"legg[ei]|decret[oi]|Gazzetta\s+Ufficiale"),
    _d(_L, "기본법", 2, r"기본법|법률|시행령|시행규칙|고시"),
    _d(_L, "법", 1.5, KO_LAW),
    _d(_R, "report", 2, r"reports?|rapports?|Bericht|報告|报告|보고서"),
    _d(_R, "final report", 3, r"(?:final|annual|interim)\s+reports?"),
    _d(_R, "study", 1.5, r"stud(?:y|ies)|[ée]tudes?|Studie"),
    _d(_R, "white paper", 2, r"white\s+papers?|白皮书|백서"),
    # Somebody speaking is news, whatever the speech is about ("video message for the launch of the report").
    _d(_N, "speech", 3.5, r"speech(?:es)?|remarks|video\s+messages?|keynote|discours|Rede"),
    _d(_N, "statement", 2, r"statements?"),
    _d(_N, "conference", 1.5, r"conf[ée]rences?|summits?|workshops?|webinars?|forums?|Konferenz"),
    _d(_N, "大会", 1.5, r"大会|论坛|峰会|开幕|讲话|致辞|座谈会|研讨会"),
    _d(_N, "개최", 1.5, r"개최|출범|간담회|포럼|축사|기조연설|세미나"),
    _d(None, "in order to", 0),
    _d(None, "rule of law", 0),
    _d(None, "law enforcement", 0),
)

# When two kinds score the same, the earlier wins; consultation and proposal also win outright when
# their evidence is in the title ("Commission launches consultation on guidelines …" is a consultation).
DOC_TYPE_PRECEDENCE: tuple[DocType, ...] = (_C, _P, _E, _G, _L, _R, _N)
