"""The digest's own wording in Korean and English: headings, dates, jurisdiction and document-type names.

Only words we write ourselves live here; titles, summaries and article labels come from the sources and
are shown as they are. The op words of a document diff headline ("Article 5 changed, Article 112a added")
are ours too (tracker.types.DocumentDiff.headline writes them), so they are translated here, and so is a
legal text's note (tracker.diff.legal_note, read back by tracker.diff.legal_note_ko).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from tracker.alerts.render import DOC_TYPE_LABELS
from tracker.diff.acts import MONTHS
from tracker.diff.legal_note_ko import is_summary_line, note_text_ko, summary_ko

Lang = Literal["ko", "en"]
LANGUAGES: tuple[Lang, ...] = ("ko", "en")

# Digest order of the jurisdictions; anything else is grouped under OTHER.
JURISDICTION_ORDER = ("EU", "US", "CN", "UN", "KR", "UK", "JP", "INT")
OTHER = "OTHER"

_JURISDICTIONS: dict[str, dict[str, str]] = {
    "ko": {
        "EU": "유럽연합(EU)",
        "US": "미국",
        "CN": "중국",
        "UN": "유엔",
        "KR": "한국",
        "UK": "영국",
        "JP": "일본",
        "INT": "국제기구",
        OTHER: "기타",
    },
    "en": {
        "EU": "European Union (EU)",
        "US": "United States",
        "CN": "China",
        "UN": "United Nations",
        "KR": "Korea",
        "UK": "United Kingdom",
        "JP": "Japan",
        "INT": "International organisations",
        OTHER: "Others",
    },
}
_DOC_TYPES: dict[str, dict[str, str]] = {
    "ko": {
        "law": "법률·규정",
        "proposal": "법안·초안",
        "consultation": "의견수렴",
        "guidance": "지침·가이드라인",
        "enforcement": "집행·제재",
        "report": "보고서·권고",
        "news": "소식",
    },
    "en": DOC_TYPE_LABELS,
}
# A change's kind in words: the digest's entries, the web view's badges and filters.
KIND_NAMES: dict[str, dict[str, str]] = {
    "ko": {
        "new_item": "신규",
        "changed_item": "갱신",
        "removed_item": "목록에서 빠짐",
        "document_changed": "개정",
    },
    "en": {
        "new_item": "New",
        "changed_item": "Updated",
        "removed_item": "No longer listed",
        "document_changed": "Amended",
    },
}
_OPS: dict[str, dict[str, str]] = {
    "ko": {"added": "신설", "changed": "변경", "removed": "삭제"},
    "en": {"added": "added", "changed": "changed", "removed": "removed"},
}
_ITEM_UPDATES: dict[str, dict[str, str]] = {
    "ko": {"title": "제목 변경", "content": "내용 변경"},
    "en": {"title": "title changed", "content": "content changed"},
}
# fmt: off
_MONTHS_EN = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)
# fmt: on

_WORDS: dict[str, dict[str, str]] = {
    "ko": {
        "section": "「법/규제」",
        "title": "AI 규제 동향",
        "what_changed": "변경 사항",
        "summary": "요약",
        "title_translation": "제목 번역",
        "generated": "(자동 생성)",
        "source": "원문",
        "also": "함께 게재",
        "more": "외 {n}건",
        "thread_note": "항목별 내용은 이 메시지의 스레드에 있습니다.",
        "continued": "(계속)",
        "glance": "한눈에 보기",
        "col_jurisdiction": "지역",
        "col_rules": "법령·규칙",
        "col_enforcement": "집행·제재",
        "col_other": "지침·기타",
        "total": "합계",
        "read": "원문 보기",
        "see_changes": "변경 내용 보기",
        "kicker": "AI 규제 동향 브리핑",
        "footer": "각 규제기관의 공식 페이지에서 자동으로 수집한 내용입니다. "
        "제목과 인용문은 원문 그대로이며, (자동 생성) 표시가 있는 문장은 기계가 작성했습니다.",
    },
    "en": {
        "section": "Law & regulation",
        "title": "AI regulation digest",
        "what_changed": "What changed",
        "summary": "Summary",
        "title_translation": "Title translation",
        "generated": "(machine-generated)",
        "source": "Source",
        "also": "Also published by",
        "more": "and {n} more",
        "thread_note": "The entries are in this message's thread.",
        "continued": "(continued)",
        "glance": "At a glance",
        "col_jurisdiction": "Jurisdiction",
        "col_rules": "Rules",
        "col_enforcement": "Enforcement",
        "col_other": "Guidance & other",
        "total": "Total",
        "read": "Read",
        "see_changes": "See what changed",
        "kicker": "AI regulation roundup",
        "footer": "Collected automatically from the regulators' official pages. Titles and quotations are "
        "the regulators' own; sentences marked (machine-generated) were written by a machine.",
    },
}


def word(key: str, lang: Lang) -> str:
    return _WORDS[lang][key]


def format_date(day: date, lang: Lang) -> str:
    """`2026년 11월 28일` / `28 November 2026`."""
    if lang == "ko":
        return f"{day.year}년 {day.month}월 {day.day}일"
    return f"{day.day} {_MONTHS_EN[day.month - 1]} {day.year}"


def format_period(first: date, last: date, lang: Lang) -> str:
    """Both days inclusive; the year is said once when both days share it."""
    if first == last:
        return format_date(first, lang)
    if lang == "ko":
        end = format_date(last, lang)
        if first.year == last.year:
            end = end.split(" ", 1)[1]
        return f"{format_date(first, lang)} ~ {end}"
    start = format_date(first, lang)
    if first.year == last.year:
        start = start.rsplit(" ", 1)[0]
    return f"{start} – {format_date(last, lang)}"


def jurisdiction_group(code: str) -> str:
    """The digest group of a jurisdiction code: one of JURISDICTION_ORDER, or OTHER."""
    code = (code or "").strip().upper()
    return code if code in JURISDICTION_ORDER else OTHER


def jurisdiction_name(group: str, lang: Lang) -> str:
    return _JURISDICTIONS[lang].get(group, _JURISDICTIONS[lang][OTHER])


def doc_type_name(doc_type: str, lang: Lang) -> str:
    return _DOC_TYPES[lang].get(doc_type, doc_type)


def kind_name(kind: str, lang: Lang) -> str:
    return KIND_NAMES[lang].get(kind, kind)


def heading(first: date, last: date, lang: Lang) -> str:
    """The digest's title: the newsletter section it fills, and the period."""
    join = " " if lang == "ko" else ": "  # 「법/규제」 AI 규제 동향 / Law & regulation: AI regulation digest
    return f"{word('section', lang)}{join}{word('title', lang)} ({format_period(first, last, lang)})"


def opening_line(counts: list[tuple[str, int]], lang: Lang) -> str:
    """'이번 기간 AI 규제 소식 5건: 유럽연합(EU) 2건, 미국 1건 …' from (group, count) in digest order."""
    total = sum(n for _, n in counts)
    if lang == "ko":
        parts = ", ".join(f"{jurisdiction_name(g, lang)} {n}건" for g, n in counts)
        return f"이번 기간 AI 규제 소식 {total}건: {parts}."
    parts = ", ".join(f"{jurisdiction_name(g, lang)} {n}" for g, n in counts)
    noun = "update" if total == 1 else "updates"
    return f"{total} AI regulation {noun} this period: {parts}."


def empty_line(first: date, last: date, lang: Lang) -> str:
    """The whole digest of a fortnight without relevant items: one line."""
    period = format_period(first, last, lang)
    if lang == "ko":
        return f"{word('section', lang)} {period}: 이번 기간에는 새로운 AI 규제 소식이 없습니다."
    return f"{word('section', lang)}, {period}: no new AI regulation items this period."


_HEADLINE_PART = re.compile(r"^(?P<label>.+) (?P<op>added|changed|removed)$")
_MORE_PART = re.compile(r"^and (?P<n>\d+) more$")
_OP_PREFIX = re.compile(r"^(?P<label>[^\n:]{1,80}) (?P<op>added|changed|removed): ", re.MULTILINE)


def headline_parts(headline: str) -> list[str]:
    return [p.strip() for p in (headline or "").split(", ") if p.strip()]


def translate_headline(parts: list[str], lang: Lang) -> str:
    """['Article 5 changed', 'and 3 more'] -> 'Article 5 변경, 외 3건' (labels kept as written); a legal
    text's note whole ('1 article amended (4), …' -> '조문 1개 개정(4), …', tracker.diff.legal_note_ko)."""
    out = []
    notes = 0
    for part in parts:
        more = _MORE_PART.match(part)
        op = _HEADLINE_PART.match(part)
        korean = summary_ko(part)  # before the op words: a note can end in "changed"
        if korean is not None:
            notes += 1
            out.append(korean if lang == "ko" else part)
        elif more:
            out.append(word("more", lang).format(n=more.group("n")))
        elif op:
            out.append(f"{op.group('label')} {_OPS[lang][op.group('op')]}")
        else:
            out.append(part)
    # Notes of successive versions, oldest first: each is a sentence with commas of its own.
    return (" → " if notes == len(out) > 1 else ", ").join(out)


def item_update(headline: str, lang: Lang) -> str:
    """A changed list entry's headline ("title" / "content", from tracker.diff.core) in words."""
    return _ITEM_UPDATES[lang].get(headline.strip(), headline.strip())


def translate_op_prefixes(text: str, lang: Lang) -> str:
    """'Article 5 changed: …' lines of a document change summary -> 'Article 5 (변경): …'."""
    return _OP_PREFIX.sub(lambda m: f"{m.group('label')} ({_OPS[lang][m.group('op')]}): ", text)


def translate_note(headline: str, summary: str, lang: Lang) -> str:
    """A legal text's unit lines (its headline is a lawyer's note) in Korean for "ko"; else unchanged."""
    if lang == "ko" and is_summary_line(headline):
        return note_text_ko(summary)
    return summary


# tracker.diff.acts.act_header: "AI Act (Reg. 2024/1689): consolidated version of 27 July 2026" is ours.
_ACT_HEADER = re.compile(
    r"(?P<act>.+ \([^()]+\)): (?P<kind>consolidated version|text) of (?P<day>\d{1,2}) (?P<month>[A-Z][a-z]+) "
    r"(?P<year>\d{4})"
)


def translate_act_header(title: str, lang: Lang) -> str:
    """A legal text's header in the digest's language ('…: consolidated version of 27 July 2026' ->
    '…: 2026년 7월 27일 통합본'); any other title as it is."""
    found = _ACT_HEADER.fullmatch(title)
    if lang != "ko" or found is None or found["month"] not in MONTHS:
        return title
    day = f"{found['year']}년 {MONTHS.index(found['month']) + 1}월 {int(found['day'])}일"
    return f"{found['act']}: {day} {'통합본' if found['kind'] == 'consolidated version' else '본문'}"
