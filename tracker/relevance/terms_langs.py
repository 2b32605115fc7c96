"""Relevance terms for French, Italian, Dutch, German, Spanish and Japanese, AI products by name, and the
assembled `RELEVANCE_TERMS` that relevance/classifier.py matches (issue 19: the data-protection authorities,
the Cabinet Office and the PPC publish in their own languages).

Same conventions as tracker/relevance/terms.py: Latin terms are bounded by letters, phrases ignore case,
acronyms and product names do not. A word that is also a common word in some language is either
restricted to its language (`langs`) or matched only with what makes it unambiguous: "Claude" is a first
name (a CNIL commissioner is called Claude), "Gemini" a constellation, "Llama" an animal, "Copilot" a
pilot's seat, "Mistral" a wind, "Sora" the Japanese for sky; "Grok" and "Clearview" are matched only
capitalised (so the verb "grok" opening a title would count: no regulator title seen does that).
Every list was checked against the real titles of tests/fixtures/relevance/languages.jsonl.
"""

from __future__ import annotations

from tracker.relevance.terms import CORE_TERMS, A, C, E, O, R, Term, Z, _many

_NAMES = r"[A-ZÄÖÜ][a-zäöüß]+"  # a capitalised German word: the start of a compound noun

PRODUCT_TERMS: tuple[Term, ...] = (
    # AI products and companies by name. Regulators name the service, not the technology: "ICO announces
    # investigation into Grok", "il Garante privacy blocca DeepSeek", "AP geeft Clearview miljoenenboete".
    A("DeepSeek", 1.0, r"DeepSeek|Deepseek|DEEPSEEK", cs=True),
    A("Grok", 1.0, cs=True),
    A("Clearview AI", 1.0, r"Clearview(?:\s*AI|\.ai)?|CLEARVIEW(?:\s+AI)?", cs=True),
    A("Replika", 1.0, cs=True),
    A("Midjourney", 1.0),
    A("Stable Diffusion", 1.0),
    A("DALL-E", 1.0, r"DALL[\s\-·]?E", cs=True),
    A("PimEyes", 1.0),
    A("Anthropic", 1.0, cs=True),
    A(
        "Gemini",
        1.0,
        r"(?:Google|Google['’]s|Bard)\s+Gemini|Gemini\s+(?:AI|app|Advanced|Nano|Pro|Ultra|Flash|Live)",
        cs=True,
    ),
    A("Copilot", 1.0, r"(?:Microsoft|GitHub|Bing|Windows|M365|Microsoft\s+365)\s+Copilot", cs=True),
    A("Claude", 1.0, r"Claude\s+(?:AI|Opus|Sonnet|Haiku|Code|[0-9])|Anthropic['’]s\s+Claude", cs=True),
    A("Llama", 1.0, r"LLaMA|Llama\s+[0-9]|Meta['’]s\s+Llama", cs=True),
    A("Mistral AI", 1.0, r"Mistral\s+AI", cs=True),
    A("Sora", 1.0, r"Sora\s+(?:di|de|von|van|by)\s+OpenAI|OpenAI['’]s\s+Sora", cs=True),
    A("Character.AI", 1.0, r"Character\.?AI", cs=True),
)

AI_TERMS: tuple[Term, ...] = (
    # French, Spanish, Italian, Portuguese, German, Dutch. The short acronyms only in their language.
    A("intelligence artificielle", 1.0, r"intelligences?\s+artificielles?"),
    A("inteligencia artificial", 1.0, r"intelig[eê]ncia\s+artificial"),
    A("intelligenza artificiale", 1.0),
    A("IA", 1.0, r"IAs?", cs=True, langs="fr es it pt"),
    A("IA générative", 1.5, r"IA\s+(?i:g[ée]n[ée]rative?s?)", cs=True, langs="fr es it pt"),
    A("künstliche Intelligenz", 1.0, r"künstliche[nrs]?\s+Intelligenz"),
    A("KI", 1.0, langs="de"),
    A("artificiële intelligentie", 1.0, r"(?:artificiële|kunstmatige)\s+intelligentie"),
    A("reconnaissance faciale", 1.0, r"reconnaissances?\s+faciales?"),
    A("riconoscimento facciale", 1.0),
    A("Gesichtserkennung", 1.0),
    A("gezichtsherkenning", 1.0),
    A("emotieherkenning", 1.0),
    A("apprentissage automatique", 1.0),
    A("apprendimento automatico", 1.0),
    A("maschinelles Lernen", 1.0, r"maschinelle[sn]?\s+Lernen"),
    A("Sprachmodell", 1.0, r"Sprachmodell(?:e|en|s)?"),
    A("taalmodel", 1.0, r"taalmodel(?:len)?"),
    A("modèle de langage", 1.0, r"modèles?\s+de\s+langage"),
    A("agent conversationnel", 1.0, r"agents?\s+conversationnels?"),
    A("hypertrucage", 1.0, r"hypertrucages?"),
    # Algorithms alone are weak evidence, as in English.
    A("algorithme", 0.5, r"algorithmes?|algorithmiques?", langs="fr"),
    A("algoritmo", 0.5, r"algoritm[oi]", langs="it es pt"),
    A("algoritme", 0.5, r"algoritmen?|algoritmes", langs="nl"),
    A("Algorithmus", 0.5, r"Algorithm(?:us|en)", langs="de"),
    # Japanese (人工知能 is written as in Chinese; "AI" next to kana or kanji counts, as in 生成AI)
    A("人工知能", 1.0),
    *_many(
        A,
        "生成AI:1.5 機械学習:1.0 深層学習:1.0 大規模言語モデル:1.5 顔認証:1.0 顔認識:1.0 "
        "ディープフェイク:1.0 チャットボット:1.0 アルゴリズム:0.5",
    ),
)

RULE_TERMS: tuple[Term, ...] = (
    # French
    R("règlement", 1.0, r"r[èe]glements?"),
    R("loi", 1.0, r"lois?"),
    R("projet de loi", 1.5, r"(?:projet|proposition)s?\s+de\s+loi"),
    R("décret", 1.0, r"d[ée]crets?"),
    R("lignes directrices", 1.5),
    R("recommandation", 1.0, r"recommandations?"),
    R("fiches pratiques", 1.0, r"fiches?\s+pratiques?"),
    R("référentiel", 1.0, r"r[ée]f[ée]rentiels?"),
    R("plan d'action", 1.5, r"plans?\s+d['’]action"),
    # German; compounds such as "Innovationsförderungsgesetz" end in the instrument's name.
    R("Verordnung", 1.0, r"Verordnung(?:en)?"),
    R("Gesetz", 1.0, r"Gesetz(?:es|e|entwurf)?"),
    R("compound Gesetz", 1.0, _NAMES + r"gesetz(?:es|e)?", cs=True, langs="de"),
    R("Referentenentwurf", 1.5, r"(?:Referenten|Regierungs)entw[uü]rfe?"),
    R("Richtlinie", 1.0, r"Richtlinien?"),
    R("Leitlinien", 1.5, r"Leitlinien|Leitfaden"),
    R("Konsultation", 1.0),
    R("Orientierungshilfe", 1.5, r"Orientierungshilfen?|Handreichung(?:en)?"),
    R("Verhaltenskodex", 1.5),
    R("Positionspapier", 1.0, r"Positionspapiere?|Entschließung(?:en)?|Beschl[uü]ss?e?"),
    R("Empfehlung", 1.0, r"Empfehlung(?:en)?"),
    R("Aktionsplan", 1.5, r"Aktionspl[aä]ne?"),
    # Dutch
    R("verordening", 1.0, r"verordening(?:en)?"),
    R("richtlijn", 1.0, r"richtlijn(?:en)?"),
    R("richtsnoeren", 1.5),
    R("wet", 1.0, r"wet(?:geving|ten)?", langs="nl"),
    R("wetsvoorstel", 1.5, r"wetsvoorstel(?:len)?"),
    R("regels", 1.0, r"regels?", langs="nl"),
    R("eisen", 0.5, langs="nl"),
    R("beleidsregels", 1.5, r"beleidsregels?"),
    R("actieplan", 1.5, r"actieplan(?:nen)?"),
    # Italian and Spanish
    R("reglamento", 1.0, r"reg[oa]?lamento"),
    R("legge", 1.0, r"legg[ei]"),
    R("disegno di legge", 1.5, r"disegn[oi]\s+di\s+legge|DDL|ddl"),
    R("decreto", 1.0, r"decret[oi]"),
    R("linee guida", 1.5),
    R("regole", 1.0, r"regol[ae]", langs="it"),
    R("Gazzetta Ufficiale", 1.0),
    R("codice di condotta", 1.5, r"codic[ei]\s+di\s+condotta"),
    R("piano d'azione", 1.5, r"pian[oi]\s+d['’]azione"),
    # Japanese (法律 and 法 are shared with Chinese)
    *_many(
        R,
        "行動計画:1.5 基本計画:1.5 大統領令:2.0 閣議決定:1.5 ガイドライン:1.5 指針:1.0 考え方:1.0 "
        "公布:1.5 施行:1.0 法律案:1.5 法案:1.0 政令:1.5 省令:1.0 告示:1.0 規則:1.0 原則:0.75 "
        "素案:1.0 骨子:0.5 意見募集:1.0 パブリックコメント:1.0 中間とりまとめ:0.5",
    ),
)

ENFORCEMENT_TERMS: tuple[Term, ...] = (
    # French; the CNIL's sanctions are decided by its "formation restreinte"
    E("amende", 1.5, r"amendes?"),
    E("mise en demeure", 1.5, r"m(?:ise|ises|is|et|ettant)\s+en\s+demeure"),
    E("formation restreinte", 1.5),
    E("injonction", 1.0, r"injonctions?|astreintes?"),
    E("rappel à l'ordre", 1.0, r"rappels?\s+à\s+l['’]ordre"),
    # German
    E("Bußgeld", 1.5, r"Bußgeld(?:er)?|Geldbußen?"),
    E("rechtswidrig", 1.0, r"rechtswidrig(?:e[nrsm]?)?"),
    E("Anordnung", 1.0, r"Anordnung(?:en)?|Verwarnung(?:en)?|Beanstandung(?:en)?|Sperrung(?:en)?"),
    E("Untersagung", 1.5, r"Untersagung(?:en)?|untersagt"),
    E("Prüfverfahren", 1.0, r"Prüfverfahren|Verfahren\s+gegen|Aufsichtsverfahren"),
    # Dutch; fines are compounded ("miljoenenboete", "recordboete")
    E("boete", 1.5, r"[a-z]*boetes?|beboet(?:e|en)?"),
    E("last onder dwangsom", 1.5, r"last(?:en)?\s+onder\s+dwangsom|dwangsom(?:men)?"),
    E("onderzoek", 1.0, r"onderzoek(?:en)?", langs="nl"),
    E("handhaving", 1.0, r"handhaving|sancties?|berisping"),
    # Italian
    E("provvedimento", 1.0, r"provvediment[oi]"),
    E("sanzione", 1.5, r"sanzion(?:e|i|a|ata|ato|ano)"),
    E("multa", 1.5, r"mult[ae]|irrog(?:a|ato|ata)"),
    E("blocca", 1.5, r"blocc(?:a|ano|o|ato|ata)"),
    E("stop", 1.0, langs="it"),
    E("istruttoria", 1.5, r"istruttori[ae]"),
    E("ordinanza ingiunzione", 1.5, r"ordinanz[ae]\s+ingiunzion[ei]|ingiunzion[ei]"),
    E("contesta", 1.0, r"contest(?:a|ano|azion[ei])", langs="it"),
    E("ammonimento", 1.0, r"ammoniment[oi]|avvertiment[oi]"),
    E("chiede conto", 1.0, r"chied(?:e|ono)\s+(?:conto|informazioni|chiarimenti)"),
    # Japanese: the PPC's 注意喚起 and 行政指導, and its "administrative response" to a named company
    *_many(E, "注意喚起:1.5 行政指導:1.5 勧告:1.0 行政上の対応:1.5 指導:1.0 報告徴収:1.5 立入検査:1.5"),
    # Also Chinese words or parts of them ("这是正确的"): Japanese only.
    E("命令", 1.5, langs="ja"),
    E("是正", 1.0, langs="ja"),
)

OTHER_TERMS: tuple[Term, ...] = (
    O("discours", 1.5),
    O("rapport", 0.75),
    O("rapport annuel", 1.5, r"rapports?\s+(?:annuels?|d['’]activité)"),
    O("colloque", 1.0, r"colloques?|webinaires?"),
    O("entretien", 1.0, r"entretiens?|intervista|audizione"),
    O("relazione annuale", 1.5),
    O("Konferenz", 1.0),
    O("Bericht", 0.75),
    O("Tätigkeitsbericht", 1.5, r"Tätigkeitsberichte?|Jahresberichte?"),
    O("jaarverslag", 1.5, r"jaarverslag(?:en)?"),
    O("rapportage", 0.75, langs="nl"),
    # A call for input asks questions before any text exists: like a request for information, not a rule.
    O("oproep tot input", 3.0, r"(?:oproep\s+(?:tot|voor)\s+)?input\s+(?:op|gevraagd)", langs="nl"),
    O("appel à contributions", 3.0, r"appels?\s+à\s+contributions?"),
    *_many(O, "記者会見:1.0 答弁書:2.0 講演:1.5 シンポジウム:1.0 年次報告:1.5 報告書:0.75"),
)

COMPETITION_TERMS: tuple[Term, ...] = (
    # Not "fusion" or "Fusion": nuclear fusion is also in the news.
    C("fusione", 1.0, r"fusion[ei]|fusies?|rachats?|overnames?|Übernahmen?|Fusionskontrolle"),
    C("acquisizione", 1.0, r"acquisizion[ei]"),
    C("concurrence", 1.0, r"concurrence|concorrenza|Wettbewerbsrecht|mededinging"),
    C("合併", 1.0, r"合併|買収|独占禁止法"),
)

NEUTRAL_TERMS: tuple[Term, ...] = (
    # Phrases whose words would otherwise count: a law firm is not a law (法律), a notepad not a ban.
    Z("法律事務所"),
    Z("blocco note", r"blocc(?:o|hi)[\s\-]?note"),
)

LANGUAGE_TERMS: tuple[Term, ...] = (
    *PRODUCT_TERMS,
    *AI_TERMS,
    *RULE_TERMS,
    *ENFORCEMENT_TERMS,
    *OTHER_TERMS,
    *COMPETITION_TERMS,
    *NEUTRAL_TERMS,
)

RELEVANCE_TERMS: tuple[Term, ...] = CORE_TERMS + LANGUAGE_TERMS
