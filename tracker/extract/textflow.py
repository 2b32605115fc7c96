"""Turning a markup tree into lines of text, the same way for every dialect.

Each dialect only says which elements break a line, which are skipped and which are footnote markers;
the shared rules below then make the OJ XHTML, the consolidated HTML and Formex agree:

- a footnote marker becomes a sentinel, removed together with the space and brackets around it
  ("Council (57);" / "Council<NOTE/>;" -> "Council;");
- a line that is only an enumerator ("1.", "(a)", "a)", "(iv)", "—") is joined to the line after it,
  so "1.   The following" (one <p>) equals <NO.PARAG>1.</NO.PARAG><ALINEA>The following</ALINEA>.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum

from tracker.extract.markup import Element
from tracker.extract.normalise import clean_text

FOOTNOTE = "\x00"

_FOOTNOTE_RE = re.compile(r"\s*\(?\s*\x00\s*\)?")
_ENUMERATOR = re.compile(
    r"^[‘’‚“”„«‹'\"]?(?:"  # an amendment quotes its paragraphs: ‘5.  „5.  «5.
    r"[(\[]?\d{1,3}[a-z]?(?:\.\d{1,3})*[)\]]?\.?"  # 1  1.  (1)  1)  1.1.  12a
    r"|\(?[a-z]{1,2}[).]"  # (a)  a)  a.  (aa)
    r"|\([ivxlcdm]{1,7}\)|[ivxlcdm]{1,7}\)"  # (iv)  iv)
    r"|\(?[A-Z][).]|[IVXLCDM]{1,7}[.)]"  # A.  (B)  IV.
    r"|[—–\-•·▪*]"  # dashes and bullets
    r")$"
)


def _drop_footnote(match: re.Match[str]) -> str:
    # keep one space when the marker sat between two words ("Council (1) and" -> "Council and")
    rest = match.string[match.end() : match.end() + 1]
    before = match.string[match.start() - 1 : match.start()] if match.start() else ""
    return " " if before and rest and (rest.isalnum() or rest in "(‘’‚“”„«‹\"'") else ""


def finish_lines(raw_lines: list[str], scrub: re.Pattern[str] | None = None) -> list[str]:
    """Footnote markers out, whitespace cleaned, empty lines dropped, enumerators joined to their text.

    `scrub` removes dialect noise first (the consolidated text's amendment markers).
    """
    merged: list[str] = []
    pending = ""
    for raw in raw_lines:
        text = scrub.sub("", raw) if scrub is not None else raw
        if FOOTNOTE in text:
            text = _FOOTNOTE_RE.sub(_drop_footnote, text)
        text = clean_text(text)
        if not text:
            continue
        if _ENUMERATOR.match(text):
            pending = f"{pending} {text}" if pending else text
            continue
        merged.append(f"{pending} {text}" if pending else text)
        pending = ""
    if pending:
        merged.append(pending)
    return merged


class LineBuilder:
    """Collects inline text; `br()` ends the current line."""

    __slots__ = ("_current", "_lines")

    def __init__(self) -> None:
        self._lines: list[str] = []
        self._current: list[str] = []

    def text(self, value: str | None) -> None:
        if value:
            self._current.append(value)

    def br(self) -> None:
        if self._current:
            self._lines.append("".join(self._current))
            self._current = []

    def lines(self, scrub: re.Pattern[str] | None = None) -> list[str]:
        self.br()
        return finish_lines(self._lines, scrub)


class Node(Enum):
    BLOCK = "block"  # starts and ends a line
    INLINE = "inline"
    SKIP = "skip"  # the element and its content are dropped (its tail is kept)
    NOTE = "note"  # a footnote marker or body: replaced by the sentinel


Classifier = Callable[[Element], "Node | str"]  # a str replaces the element's content (Formex QUOT.START)


def walk_lxml(element: Element, builder: LineBuilder, classify: Classifier) -> None:
    """Feed an lxml element's text into `builder` (comments and processing instructions are ignored)."""
    kind = classify(element) if isinstance(element.tag, str) else Node.SKIP
    if isinstance(kind, str):
        builder.text(kind)
    elif kind is Node.NOTE:
        builder.text(FOOTNOTE)
    elif kind is not Node.SKIP:
        block = kind is Node.BLOCK
        if block:
            builder.br()
        builder.text(element.text)
        for child in element:
            walk_lxml(child, builder, classify)
            builder.text(child.tail)
        if block:
            builder.br()


def lxml_lines(element: Element, classify: Classifier, scrub: re.Pattern[str] | None = None) -> list[str]:
    builder = LineBuilder()
    walk_lxml(element, builder, classify)
    return builder.lines(scrub)
