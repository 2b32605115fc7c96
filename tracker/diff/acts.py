"""The acts a legal team names by short name, and how units are numbered across the languages we read.

"VERORDENING (EU) 2024/1689 VAN HET EUROPEES PARLEMENT…" is what the text says; "AI Act (Reg. 2024/1689)"
is what a lawyer writes. Acts are recognised by their CELEX number or their number in the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class Act:
    celex: str  # "32024R1689"; "" for acts outside EUR-Lex
    short: str  # English short name: "AI Act"
    cite: str  # "Reg. 2024/1689"
    # What the title says in the languages we read (lower case), to recognise the act without a CELEX.
    title_marks: tuple[str, ...] = ()


KNOWN_ACTS: tuple[Act, ...] = (
    Act("32024R1689", "AI Act", "Reg. 2024/1689", ("2024/1689",)),
    Act("32016R0679", "GDPR", "Reg. 2016/679", ("2016/679",)),
    Act("32022R2065", "Digital Services Act", "Reg. 2022/2065", ("2022/2065",)),
    Act("32022R1925", "Digital Markets Act", "Reg. 2022/1925", ("2022/1925",)),
    Act("32023R2854", "Data Act", "Reg. 2023/2854", ("2023/2854",)),
    Act("32022R0868", "Data Governance Act", "Reg. 2022/868", ("2022/868",)),
    Act("32026R1744", "Digital omnibus on AI", "Reg. 2026/1744", ("2026/1744",)),
    Act("", "AI Basic Act (Korea)", "법률 (AI 기본법)", ("인공지능 발전과 신뢰 기반 조성 등에 관한 기본법",)),
    Act("", "Generative AI Measures (China)", "CAC 2023", ("生成式人工智能服务管理暂行办法",)),
    Act("", "AI-generated content labelling measures (China)", "CAC 2025", ("人工智能生成合成内容标识办法",)),
)

# A CELEX number: sector digit, year, type, number ("32024R1689"; consolidated "02024R1689-20260727").
_CELEX = re.compile(r"\b[0-9](\d{4}[A-Z]{1,2}\d{4})")
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def find_act(*, title: str = "", url: str = "") -> Act | None:
    """The known act a document is, from a CELEX number in its URL or its number in its title."""
    for match in _CELEX.finditer(url):
        for act in KNOWN_ACTS:
            if act.celex and match.group(1) == act.celex[1:]:  # the base act or any consolidation
                return act
    lowered = title.casefold()
    head = lowered[:300]  # the act's own number comes first; later mentions are other acts
    for act in KNOWN_ACTS:
        if any(mark in head for mark in act.title_marks):
            return act
    return None


def version_date(version: str | None) -> date | None:
    """'2026-07-27', '20260727' or '02024R1689-20260727' -> a date."""
    if not version:
        return None
    digits = re.search(r"(\d{4})-?(\d{2})-?(\d{2})(?!\d)", version)
    if not digits:
        return None
    try:
        return date(int(digits.group(1)), int(digits.group(2)), int(digits.group(3)))
    except ValueError:
        return None


def english_date(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def act_header(*, title: str, url: str, version: str | None, consolidated: bool) -> str | None:
    """'AI Act (Reg. 2024/1689): consolidated version of 27 July 2026', or None for an unknown act."""
    act = find_act(title=title, url=url)
    if act is None:
        return None
    when = version_date(version)
    if when is None:
        return f"{act.short} ({act.cite})"
    kind = "consolidated version" if consolidated else "text"
    return f"{act.short} ({act.cite}): {kind} of {english_date(when)}"


# -- unit numbers --------------------------------------------------------------------------------

_ROMAN = re.compile(r"^[IVXLCDM]+$")
_INSERTED_SUFFIX = {"bis": 2, "ter": 3, "quater": 4, "quinquies": 5, "sexies": 6, "septies": 7}


def unit_number(key: str, label: str) -> str:
    """The number people cite: art_4a -> '4a', anx_XV -> 'XV', jo_17의2 -> '17의2',
    'Artikel 60 bis' -> '60 bis', '第十七条之一' -> '第十七条之一'."""
    _, _, tail = key.partition("_")
    if tail:
        return tail
    words = label.split()
    return words[-1] if words else label


def number_sort_key(number: str) -> tuple[int, str]:
    """Order unit numbers as the act does: 4 < 4a < 5, 60 < 60 bis < 60 ter, 17 < 17의2, I < II < IV."""
    match = re.match(r"^(\d+)\s*(.*)$", number)
    if match:
        suffix = match.group(2).strip().lower()
        rank = _INSERTED_SUFFIX.get(suffix)
        return (int(match.group(1)), f"{rank:02d}" if rank else suffix)
    if _ROMAN.match(number):
        return (_roman_value(number), "")
    return (10**6, number)


def _roman_value(text: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for current, following in zip(text, [*text[1:], ""], strict=True):
        value = values[current]
        total += -value if following and values[following] > value else value
    return total


def compress_numbers(numbers: list[str]) -> str:
    """['105', '106', '107', '110', '4a'] -> '4a, 105–107, 110' (runs of plain integers joined)."""
    ordered = sorted(set(numbers), key=number_sort_key)
    parts: list[str] = []
    run: list[int] = []

    def flush() -> None:
        if run:
            parts.append(f"{run[0]}–{run[-1]}" if len(run) > 2 else ", ".join(map(str, run)))
            run.clear()

    for number in ordered:
        if number.isdigit() and (not run or int(number) == run[-1] + 1):
            run.append(int(number))
            continue
        flush()
        if number.isdigit():
            run.append(int(number))
        else:
            parts.append(number)
    flush()
    return ", ".join(parts)


__all__ = [
    "KNOWN_ACTS",
    "Act",
    "act_header",
    "compress_numbers",
    "english_date",
    "find_act",
    "number_sort_key",
    "unit_number",
    "version_date",
]
