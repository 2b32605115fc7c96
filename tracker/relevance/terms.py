"""Built-in term lists for the relevance stage (relevance/classifier.py): the term machinery and the English,
Chinese and Korean lists. French, Italian, Dutch, German, Spanish and Japanese, and AI products by name:
tracker/relevance/terms_langs.py.

A term is a name (what `Relevance.matched` shows), a regex fragment and weights per kind of evidence.
Latin terms get letter boundaries (`AI` must not match "SAID", "AIDS", "Air", "Aid"); acronyms are
case-sensitive, phrases are not. CJK terms are plain substrings: Chinese and Korean have no word
boundaries, and "AI" next to Hangul or Han ("AI기본법", "AI技术") still counts because the boundary
only looks for Latin letters and digits.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

# Letters that glue words together in Latin scripts; anything else (space, CJK, punctuation) is a boundary.
LATIN_CHARS = "0-9A-Za-zÀ-ÖØ-öø-ɏ"
_LATIN_CHAR = re.compile(f"[{LATIN_CHARS}]")
_SEPARATORS = re.compile(r"[\s\-‐‑–]+")


@dataclass(frozen=True, slots=True)
class Term:
    name: str
    pattern: str
    ai: float = 0.0
    rule: float = 0.0
    enforcement: float = 0.0
    other: float = 0.0
    negative: float = 0.0  # always lowers the AI score
    competition: float = 0.0  # lowers the AI score only when the title has no AI term
    langs: frozenset[str] | None = None  # None = every language; else only these (or unknown)


def is_acronym(text: str) -> bool:
    """'AI', 'LLM', 'GPAI', 'RFI': short all-capital tokens are matched case-sensitively."""
    return 2 <= len(text) <= 5 and text.isascii() and text.isalnum() and text.isupper()


def literal_pattern(phrase: str, case_sensitive: bool | None = None) -> str:
    """A phrase as a regex: separators loosened, Latin ends bounded, case folded unless an acronym."""
    phrase = phrase.strip()
    if case_sensitive is None:
        case_sensitive = is_acronym(phrase)
    body = r"[\s\-‐‑–]*".join(re.escape(part) for part in _SEPARATORS.split(phrase) if part)
    return bounded(body, phrase, case_sensitive)


def bounded(body: str, name: str, case_sensitive: bool) -> str:
    """Wrap a regex body in Latin-letter boundaries where the name starts/ends with a Latin letter."""
    # Grouped either way, so that the boundaries bind to every alternative of "Acts?|ACTS?".
    body = f"(?:{body})" if case_sensitive else f"(?i:{body})"
    if _LATIN_CHAR.match(name[:1]):
        body = f"(?<![{LATIN_CHARS}]){body}"
    if _LATIN_CHAR.match(name[-1:]):
        body = f"{body}(?![{LATIN_CHARS}])"
    return body


def _t(kind: str, name: str, weight: float, rx: str | None, cs: bool | None, langs: str | None) -> Term:
    case_sensitive = is_acronym(name) if cs is None else cs
    pattern = literal_pattern(name, case_sensitive) if rx is None else bounded(rx, name, case_sensitive)
    return Term(name, pattern, **{kind: weight}, langs=frozenset(langs.split()) if langs else None)


def A(name: str, w: float, rx: str | None = None, cs: bool | None = None, langs: str | None = None) -> Term:
    return _t("ai", name, w, rx, cs, langs)


def R(name: str, w: float, rx: str | None = None, cs: bool | None = None, langs: str | None = None) -> Term:
    return _t("rule", name, w, rx, cs, langs)


def E(name: str, w: float, rx: str | None = None, cs: bool | None = None, langs: str | None = None) -> Term:
    return _t("enforcement", name, w, rx, cs, langs)


def O(name: str, w: float, rx: str | None = None, cs: bool | None = None, langs: str | None = None) -> Term:  # noqa: E743
    return _t("other", name, w, rx, cs, langs)


def C(name: str, w: float, rx: str | None = None) -> Term:
    return _t("competition", name, w, rx, None, None)


def Z(name: str, rx: str | None = None) -> Term:
    """A neutral phrase: matched only so that the words inside it ("order" in "in order to") are not."""
    return _t("negative", name, 0.0, rx, None, None)


def _many(factory: Callable[[str, float], Term], spec: str) -> tuple[Term, ...]:
    """'办法:1.5 规定:1.5' -> one literal term per entry (CJK lists, where no regex is needed)."""
    return tuple(factory(name, float(weight)) for name, weight in (e.split(":") for e in spec.split()))


# Chinese "法" and Korean "법" alone are laws only where they end a name: 《网络安全法》, 反网络暴力法（…）,
# 전기통신사업법 시행령. Elsewhere they are method (方法, 방법), illegal (违法, 불법) or court (법원).
ZH_LAW = r"(?<![方办算依违合非执司手语])法(?=[》」』）)（(\s，。、：:；;“”\"]|$)"
KO_LAW = r"(?<![방불편문용어요수비마위합탈적기사화필])법(?![원인무정치학조칙적])"

AI_TERMS: tuple[Term, ...] = (
    # English
    A("artificial intelligence", 1.0, r"artificial[\s\-]+intelligence"),
    A("AI", 1.0, r"AIs?", cs=True),
    A("A.I.", 1.0, r"A\.I\.", cs=True),
    A("AI-generated", 1.5, r"AI[\s\-‐]?(?i:generated)", cs=True),
    A("AI-powered", 1.0, r"AI[\s\-‐]?(?i:powered|enabled|driven|based)", cs=True),
    A("generative AI", 1.5, r"(?i:generative)[\s\-]+(?:AI|(?i:artificial\s+intelligence))", cs=True),
    A("general-purpose AI", 1.5, r"(?i:general[\s\-‐]?purpose)[\s\-]+AI", cs=True),
    A("GPAI", 1.5),
    A("machine learning", 1.0, r"machine[\s\-]+learning"),
    A("large language model", 1.5, r"large[\s\-]+language[\s\-]+models?"),
    A("LLM", 1.0, r"LLMs?", cs=True),
    A("chatbot", 1.0, r"chat[\s\-]?bots?"),
    A("algorithm", 0.5, r"algorithm(?:s|ic)?"),
    A("deepfake", 1.0, r"deep[\s\-]?fakes?"),
    A("foundation model", 1.5, r"foundation[\s\-]+models?"),
    A("automated decision-making", 1.0, r"automated[\s\-]+decision[\s\-]?(?:making|systems?)"),
    A("automated systems", 0.5, r"automated[\s\-]+systems?"),
    A("facial recognition", 1.0, r"(?:facial|face)[\s\-]+recognition"),
    A("neural network", 1.0, r"neural[\s\-]+networks?"),
    A("voice cloning", 1.0, r"voice[\s\-]+clon(?:ing|es?)"),
    A("fine-tuning", 0.5, r"fine[\s\-]?tun(?:ing|ed?)"),
    A("ChatGPT", 1.0),
    A("OpenAI", 1.0),
    # Chinese
    *_many(
        A,
        "人工智能:1.0 生成式人工智能:1.5 深度合成:1.5 算法推荐:1.0 算法:0.5 大模型:1.0 大语言模型:1.5 "
        "生成合成:1.0 智能体:1.0 机器学习:1.0 人脸识别:1.0",
    ),
    # Korean
    A("인공지능", 1.0),
    A("생성형 인공지능", 1.5, r"생성형\s*(?:인공지능|AI)"),
    A("고영향 인공지능", 1.5, r"고영향\s*(?:인공지능|AI)"),
    *_many(A, "알고리즘:0.5 딥페이크:1.0"),
    A("거대언어모델", 1.5, r"(?:거대|대규모|초거대)\s*언어\s*모델"),
    A("머신러닝", 1.0, r"머신\s*러닝|기계\s*학습"),
    A("챗봇", 1.0),
    A("얼굴인식", 1.0, r"얼굴\s*인식"),
)

RULE_TERMS: tuple[Term, ...] = (
    # Names of legal instruments weigh 2: enough on their own even in a summary (times 0.5).
    R("regulation", 1.0, r"regulations?"),
    R("Act", 1.0, r"Acts?|ACTS?", cs=True),  # capitalised: the verb "act" is not a law
    R("directive", 1.0, r"directives?"),
    R("rule", 1.0, r"rules?"),
    R("proposed rule", 2.0, r"proposed\s+rules?"),
    R("final rule", 2.0, r"(?:interim\s+)?final\s+rules?"),
    R("rulemaking", 1.5),
    R("guidelines", 1.0, r"guidelines?"),
    R("guidance", 1.0),
    R("code of practice", 2.0, r"codes?\s+of\s+practice"),
    R("code of conduct", 1.0, r"codes?\s+of\s+conduct"),
    R("standard", 1.0, r"standards?"),
    R("consultation", 1.0, r"consultations?"),
    R("call for evidence", 1.5),
    R("implementing act", 2.0, r"implementing\s+acts?"),
    R("delegated act", 2.0, r"delegated\s+acts?"),
    R("request for comment", 1.5, r"requests?\s+for\s+comments?"),
    R("executive order", 2.0, r"executive\s+orders?"),
    R("memorandum", 1.5, r"memorand(?:um|a)"),
    R("OMB memorandum number", 1.0, r"M-[0-9]{2}-[0-9]{2}", cs=True),
    # National AI plans and strategies: policy instruments that bind the government that adopts them.
    R("action plan", 1.5, r"action\s+plans?"),
    R("master plan", 1.5, r"master\s+plans?"),
    R("strategic plan", 1.0, r"strategic\s+plans?"),
    R("national strategy", 1.0, r"national\s+(?:AI\s+|artificial\s+intelligence\s+)?strateg(?:y|ies)"),
    R("final recommendations", 1.5, r"final\s+recommendations?"),
    R("framework", 1.0, r"frameworks?"),
    R("recommendation", 1.0, r"recommendations?"),
    R("resolution", 1.0, r"resolutions?"),
    R("law", 0.75, r"laws?"),
    R("legislation", 1.0),
    R("proposal", 1.0, r"propos(?:e|es|ed|al|als)"),
    R("draft", 0.75, r"drafts?"),
    R("entry into force", 1.0, r"(?:entry|enters?|entered)\s+into\s+force"),
    R("treaty", 1.0, r"treaty|convention"),
    R("opinion", 0.75, r"opinions?"),
    R("Official Journal", 1.0),
    R("General Assembly", 0.5),  # the UN General Assembly acts by resolution
    R("adopted", 0.5, r"adopt(?:s|ed)?"),
    R("policy", 0.5, r"polic(?:y|ies)"),
    R("requirements", 0.5, r"requirements?"),
    # Chinese
    *_many(R, "办法:1.5 规定:1.5 条例:1.5 法律:1.0 法规:1.0"),
    R("法", 1.0, ZH_LAW),
    *_many(
        R,
        "立法:1.0 征求意见:1.0 征求意见稿:1.5 意见稿:1.5 标准:1.0 国家标准:1.5 指南:1.5 指引:1.0 通知:0.5 "
        "备案:1.5 公告:0.5 框架:1.0 意见:0.5 指导意见:1.0 规范:1.0 要求:0.5 细则:1.0 草案:1.0 政策:0.5 "
        "行动计划:1.5 发展规划:1.5 规划:1.0 行动方案:1.5 实施方案:1.0 行政令:2.0",
    ),
    # Korean
    R("법", 1.0, KO_LAW),
    *_many(
        R,
        "법률:1.0 법안:1.0 법령:1.0 기본법:1.5 시행령:1.5 시행규칙:1.5 고시:1.0 가이드라인:1.5 지침:1.0 "
        "입법예고:1.5 행정예고:1.5 제정안:1.0 개정안:1.0 하위법령:1.5 제정:0.5 표준:1.0 규제:0.75 "
        "안내서:1.0 의견수렴:1.0 행동계획:1.5 기본계획:1.5 종합계획:1.5 마스터플랜:1.5 실행계획:1.5 "
        "추진전략:1.0 국가전략:1.0 행정명령:2.0",
    ),
)

ENFORCEMENT_TERMS: tuple[Term, ...] = (
    E("complaint", 1.0, r"complaints?"),
    E("settlement", 1.0, r"settlements?|settle[sd]?"),
    E("order", 0.75, r"orders?"),
    E("consent order", 1.5, r"consent\s+orders?"),
    E("ban", 1.0, r"ban(?:s|ned|ning)?"),
    E("penalty", 1.0, r"penalt(?:y|ies)"),
    E("civil penalty", 1.5, r"civil\s+penalt(?:y|ies)"),
    E("fine", 1.0, r"fine[sd]?"),
    E("lawsuit", 1.5, r"lawsuits?"),
    E("sues", 1.5, r"su(?:e|es|ed|ing)"),
    E("charges", 0.75, r"charge[sd]?"),
    E("crackdown", 1.5, r"crack(?:s|ing)?[\s\-]?down"),
    E("deceptive", 1.0, r"decepti(?:ve|on)|deceiv(?:e|es|ed|ing)"),
    E("unfair", 0.5),
    E("enforcement", 1.0),
    E("enforcement action", 1.5, r"enforcement\s+actions?"),
    E("refund", 1.0, r"refunds?"),
    E("action against", 1.5, r"(?:takes?|took)\s+action\s+against|action\s+against"),
    E("alleged", 0.75, r"alleg(?:es|ed|ing|ations?)"),
    E("violation", 0.75, r"violat(?:e|es|ed|ing|ions?)"),
    E("prohibits", 0.75, r"prohibits"),
    E("investigation", 1.0, r"investigations?"),
    E("injunction", 1.0, r"injunctions?"),
    E("proceedings against", 1.5, r"proceedings\s+against|infringement\s+proceedings?"),
    E("pay", 0.5, r"pay"),
    E("cease and desist", 1.5),
    E("warning letter", 1.0, r"warning\s+letters?"),
    E("fraud", 1.0, r"fraud(?:ulent)?|scams?"),
    E("schemes", 0.5, r"schemes?"),
    E("sanction", 1.0, r"sanction(?:s|ne|née|ed)?"),
    # FTC 6(b) orders compel named companies to answer: the start of a case, not a news item.
    E("6(b)", 2.0, r"6\s*\(b\)"),
    E("launches inquiry", 1.5, r"(?:launch(?:es|ed|ing)?|open(?:s|ed)?)\s+(?:an?\s+)?(?:inquiry|probe)"),
    E("issues orders", 1.5, r"issues?\s+orders?\s+to"),
    E("market study", 1.0, r"market\s+stud(?:y|ies)"),
    # Data-protection authorities acting together or alone on one AI service.
    E("coordinated enforcement", 1.5, r"coordinated\s+enforcement"),
    E("temporary limitation", 1.5, r"temporary\s+limitation|limitazione\s+provvisoria"),
    *_many(
        E,
        "处罚:1.5 罚款:1.5 约谈:1.5 整治:1.0 查处:1.5 专项行动:1.5 清朗:1.0 下架:1.0 关停:1.0 "
        "违法违规:1.0 执法:1.0 立案:1.0 과징금:1.5 과태료:1.5 제재:1.0 시정명령:1.5 시정권고:1.0 처분:1.0 "
        "고발:1.0 적발:1.0 부과:1.0 개선권고:1.0",
    ),
)

OTHER_TERMS: tuple[Term, ...] = (
    O("speech", 1.5, r"speech(?:es)?"),
    O("remarks", 1.5),
    O("video message", 1.5, r"video\s+messages?"),
    O("statement", 1.0, r"statements?"),
    O("keynote", 1.5),
    O("conference", 1.0, r"conf[ée]rences?"),
    O("summit", 1.0, r"summits?|sommets?"),
    O("workshop", 1.0, r"workshops?"),
    O("webinar", 1.0, r"webinars?"),
    O("forum", 1.0, r"forums?"),
    O("event", 0.5, r"events?"),
    O("hackathon", 1.0),
    O("award", 1.0, r"awards?|prizes?"),
    O("challenge", 1.0, r"challenge"),
    O("funding", 1.0, r"funding|funds?"),
    O("investment", 1.0, r"invest(?:s|ing|ments?)?"),
    O("grant", 0.75, r"grants?"),
    O("initiative", 1.0, r"initiatives?"),
    O("partnership", 1.0, r"partnerships?"),
    O("interview", 1.0, r"interviews?"),
    O("podcast", 1.0),
    O("report", 0.75, r"reports?"),
    O("final report", 1.5),
    O("annual report", 1.5),
    O("study", 0.75, r"stud(?:y|ies)"),
    O("inquiry", 1.0),
    O("roundtable", 1.0),
    O("innovation", 0.5),
    O("startups", 0.5, r"start[\s\-]?ups?"),
    O("Daily News", 1.0),
    O("meeting", 0.5, r"meetings?"),
    O("testifies", 1.0, r"testif(?:y|ies|ied)|testimony"),
    # A request for information asks questions before any text exists: a consultation, not a rule.
    # Weighs more than a plan's name and a consultation hint together (RFI on an AI Action Plan: other).
    O("request for information", 3.0, r"requests?\s+for\s+information"),
    O("RFI", 3.0),
    # "The FTC received more than 1,000 comments": news about a consultation, not the rule itself,
    # whatever instrument it names (so it outweighs the instrument's name).
    O(
        "comments received",
        4.0,
        r"[0-9][0-9,.]*\s+(?:public\s+)?(?:comments?|responses?|submissions?)\s+(?:were\s+|have\s+been\s+)?received"
        r"|receiv(?:es|ed|ing)\s+(?:more\s+than\s+|over\s+|nearly\s+|about\s+)?[0-9][0-9,.]*\s+"
        r"(?:public\s+)?(?:comments?|responses?|submissions?)",
    ),
    O("收到意见", 4.0, r"收到[^。]{0,30}?[0-9][0-9,]*\s*(?:条|份|件)"),
    O("의견 접수", 4.0, r"[0-9][0-9,]*\s*건의?\s*의견|의견\s*[0-9][0-9,]*\s*건"),
    O("briefing", 1.5, r"briefings?"),
    O("proclamation", 1.0, r"proclamations?"),
    *_many(
        O,
        "大会:1.0 论坛:1.0 峰会:1.0 开幕:1.0 讲话:1.5 致辞:1.5 发布会:1.0 会议:0.5 报告:0.75 白皮书:0.75 "
        "投资:1.0 座谈会:1.0 研讨会:1.0 大赛:1.0 개최:1.0 출범:1.0 간담회:1.0 포럼:1.0 회의:0.5 행사:1.0 "
        "축사:1.5 기조연설:1.5 투자:1.0 공모:0.75 보고서:0.75 세미나:1.0 컨퍼런스:1.0 吹风会:1.5 브리핑:1.0",
    ),
)

# Competition vocabulary: an FTC merger release whose body mentions AI in passing is not about AI.
COMPETITION_TERMS: tuple[Term, ...] = (
    C("merger", 1.0, r"(?:pre)?mergers?"),
    C("acquisition", 1.0, r"acquisitions?|acquire[sd]?"),
    C("antitrust", 1.0),
    C("divestiture", 1.0, r"divest(?:s|ed|iture|itures)?"),
    C("noncompete", 1.0, r"non[\s\-]?competes?"),
    C("Hart-Scott-Rodino", 1.0),
    C("monopoly", 1.0, r"monopol(?:y|ies|ize|ization)"),
)

NEUTRAL_TERMS: tuple[Term, ...] = (
    Z("in order to"),
    Z("rule of law"),
    Z("as a rule"),
    Z("law enforcement"),
    Z("fine print"),
)

# English, Chinese and Korean, plus a few shared stems; the other languages add theirs in
# tracker/relevance/terms_langs.py, which also assembles RELEVANCE_TERMS.
CORE_TERMS: tuple[Term, ...] = (
    AI_TERMS + RULE_TERMS + ENFORCEMENT_TERMS + OTHER_TERMS + COMPETITION_TERMS + NEUTRAL_TERMS
)
