"""Formex 4 (the Publications Office's XML for the Official Journal) -> article / recital / annex blocks.

Same keys and the same text as the OJ XHTML of the same act (`legal.py`): ARTICLE[@IDENTIFIER="005"] ->
"art_5", CONSID -> "rct_N", ANNEX -> "anx_<roman>". QUOT.START/QUOT.END carry the quote character as a
hex CODE; NOTE (footnote text) becomes a footnote marker; NO.P / NO.PARAG are their own lines so the
shared enumerator rule joins them to the text that follows, exactly as the XHTML table cells.
"""

from __future__ import annotations

import re

from tracker.extract.markup import Element, parse_xml
from tracker.extract.normalise import clean_text
from tracker.extract.textflow import Classifier, Node, lxml_lines
from tracker.types import Block, DecodedBody, DocumentExtraction, ExtractionError

_BLOCK = frozenset(
    {"P", "ALINEA", "PARAG", "ITEM", "NP", "TXT", "LIST", "NO.P", "NO.PARAG", "STI.ART", "TITLE", "TI", "STI"}
    | {"GR.SEQ", "CONSID", "QUOT.S", "ROW", "CELL", "TBL", "CORPUS", "GR.NOTES", "CONTENTS", "FORMULA"}
)
_SKIP = frozenset({"BIB.INSTANCE", "TI.ART", "NO.SEQ", "PAGE.FIRST", "PAGE.LAST", "NOTE.REF"})
_IDENTIFIER = re.compile(r"^0*(\d+)([a-z]*)", re.IGNORECASE)
_ROMAN_TAIL = re.compile(r"\b([IVXLCDM]+[a-z]?)\s*$")


def _classifier(skip_ids: set[int]) -> Classifier:
    def classify(element: Element) -> Node | str:
        tag = element.tag
        if tag == "NOTE":
            return Node.NOTE
        if tag in ("QUOT.START", "QUOT.END"):
            try:
                return chr(int(element.get("CODE", ""), 16))
            except ValueError:
                return "\u201c" if tag == "QUOT.START" else "\u201d"
        if tag == "FT" and element.get("TYPE") == "NUMBER" and len(element) == 0:
            return _group_digits(element.text or "")
        if tag in _SKIP or id(element) in skip_ids:
            return Node.SKIP
        return Node.BLOCK if tag in _BLOCK else Node.INLINE

    return classify


def _group_digits(number: str) -> str:
    """FT TYPE=NUMBER holds "35000000"; the OJ prints "35 000 000" (groups from five digits up)."""
    digits = number.strip()
    if not digits.isdigit() or len(digits) < 5:
        return number
    head = len(digits) % 3 or 3
    groups = [digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)]
    return "\u00a0".join(groups)


_IMPLIED_MARKS = {"DASH": "\u2014", "NDASH": "\u2013", "BULLET": "\u2022"}


def _print_as_oj(root: Element) -> None:
    """What the OJ prints but Formex only implies: dashes of LIST TYPE="DASH" items, HT TYPE="UC" capitals."""
    for list_el in root.iter("LIST"):
        mark = _IMPLIED_MARKS.get((list_el.get("TYPE") or "").upper())
        if mark is None:
            continue
        for item in list_el.findall("ITEM"):
            if item.find("NP") is None:
                item.text = f"{mark} {item.text or ''}"
    for ht in root.iter("HT"):  # printed in capitals: "REGULATION (EU) 2024/1689 ..."
        if ht.get("TYPE") == "UC" and len(ht) == 0 and ht.text:
            ht.text = ht.text.upper()


def _text(element: Element | None) -> str:
    return clean_text("".join(element.itertext())) if element is not None else ""


def _article_key(article: Element) -> tuple[str, str]:
    identifier = (article.get("IDENTIFIER") or "").strip()
    label = _text(article.find("TI.ART"))
    m = _IDENTIFIER.match(identifier) or re.search(r"(\d+)\s*([a-z]*)\s*$", label, re.IGNORECASE)
    if m is None:
        raise ExtractionError(f"Formex ARTICLE without a usable IDENTIFIER ({identifier!r}, {label!r})")
    number = f"{int(m.group(1))}{m.group(2).lower()}"
    return f"art_{number}", label or f"Article {number}"


def _annex_label(annex: Element, position: int) -> tuple[str, str, Element | None]:
    # TITLE/TI/P[1] is "ANNEX X"; a second P there (Annex X) or STI holds the heading
    ti = annex.find("TITLE/TI")
    first = ti.find("P") if ti is not None else None
    if first is not None:
        ti = first
    label = _text(ti)
    m = _ROMAN_TAIL.search(label)
    suffix = m.group(1) if m else str(position)
    return f"anx_{suffix}", label or f"Annex {suffix}", ti


def extract_formex(decoded: DecodedBody, raw: bytes) -> DocumentExtraction:
    root = parse_xml(decoded, raw)
    acts = [root] if root.tag == "ACT" else root.findall(".//ACT")
    if not acts:
        raise ExtractionError("no Formex <ACT> element")
    act = acts[0]
    _print_as_oj(root)
    blocks: list[Block] = []
    for consid in act.iter("CONSID"):
        number_el = consid.find("NP/NO.P")
        number = _text(number_el).strip("()") or str(len(blocks) + 1)
        lines = lxml_lines(consid, _classifier({id(number_el)} if number_el is not None else set()))
        if lines:
            blocks.append(Block(key=f"rct_{number}", label=f"Recital {number}", text="\n".join(lines)))
    for article in act.iter("ARTICLE"):
        key, label = _article_key(article)
        lines = lxml_lines(article, _classifier(set()))
        if lines:
            blocks.append(Block(key=key, label=label, text="\n".join(lines)))
    if not any(b.key.startswith("art_") for b in blocks):
        raise ExtractionError("no Formex articles found (ARTICLE[@IDENTIFIER])")
    annexes = [root] if root.tag == "ANNEX" else root.findall(".//ANNEX")
    for position, annex in enumerate(annexes, start=1):
        key, label, label_el = _annex_label(annex, position)
        lines = lxml_lines(annex, _classifier({id(label_el)} if label_el is not None else set()))
        if lines:
            blocks.append(Block(key=key, label=label, text="\n".join(lines)))
    title_el = act.find("TITLE/TI")
    title = " ".join(lxml_lines(title_el, _classifier(set()))) if title_el is not None else ""
    version = None
    for date in root.findall(".//BIB.OJ/DATE"):
        iso = date.get("ISO", "")
        if re.fullmatch(r"\d{8}", iso):
            version = f"{iso[:4]}-{iso[4:6]}-{iso[6:]}"
            break
    return DocumentExtraction(blocks=tuple(blocks), title=title, version=version)
