"""law.go.kr Open API XML (lawService.do?target=law&type=XML) -> one block per 조문 (article).

Each <조문단위> with 조문여부=조문 becomes key "jo_<조문번호>[의<조문가지번호>]" ("jo_17의2"), label from
the 조문내용 prefix ("제17조의2"), text = 조문내용 then every 항내용 / 호내용 / 목내용 in order, one per
line. Chapter headings (조문여부=전문) are not articles and are left out; so are 부칙 (addenda).
The amendment notes (<개정 2026.1.20>) are part of the official text and stay.
"""

from __future__ import annotations

import re

from tracker.extract.markup import Element, parse_xml
from tracker.extract.normalise import clean_text
from tracker.types import Block, DecodedBody, DocumentExtraction, ExtractionError

_LABEL = re.compile(r"^\s*(제\s*\d+\s*조(?:\s*의\s*\d+)?)")
_CONTENT_TAGS = frozenset({"조문내용", "항내용", "호내용", "목내용"})


def _child_text(element: Element, tag: str) -> str:
    child = element.find(tag)
    return clean_text("".join(child.itertext())) if child is not None else ""


def _article(unit: Element) -> Block | None:
    number = _child_text(unit, "조문번호")
    if not number:
        return None
    branch = _child_text(unit, "조문가지번호")
    suffix = f"의{branch}" if branch and branch != "0" else ""
    key = f"jo_{number}{suffix}"
    lines = []
    for element in unit.iter():
        if element.tag in _CONTENT_TAGS:
            text = clean_text("".join(element.itertext()))
            if text:
                lines.append(text)
    if not lines:
        return None
    m = _LABEL.match(lines[0])
    label = re.sub(r"\s+", "", m.group(1)) if m else f"제{number}조{suffix}"
    return Block(key=key, label=label, text="\n".join(lines))


def extract_lawgokr(decoded: DecodedBody, raw: bytes) -> DocumentExtraction:
    root = parse_xml(decoded, raw)
    blocks: list[Block] = []
    seen: set[str] = set()
    for unit in root.iter("조문단위"):
        if _child_text(unit, "조문여부") != "조문":
            continue
        block = _article(unit)
        if block is None or block.key in seen:
            continue
        seen.add(block.key)
        blocks.append(block)
    if not blocks:
        raise ExtractionError("no law.go.kr articles found (<조문단위> with 조문여부=조문)")
    info = root.find("기본정보")
    title = _child_text(info, "법령명_한글") if info is not None else ""
    version = None
    if info is not None:
        number, effective = _child_text(info, "공포번호"), _child_text(info, "시행일자")
        if re.fullmatch(r"\d{8}", effective):
            effective = f"{effective[:4]}-{effective[4:6]}-{effective[6:]}"
        version = " ".join(p for p in (f"제{number}호" if number else "", effective) if p) or None
    return DocumentExtraction(blocks=tuple(blocks), title=title, version=version)
