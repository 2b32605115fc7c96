"""The lawyer's note (tracker.diff.legal_note) said in Korean, for the Korean digest.

The note is stored in English on the change: the summary line as its headline, the unit lines (after
any "Consolidates: …" lines, tracker.store.apply_document) as its summary. This module reads back
exactly the grammar legal_note.py writes and says it in Korean: "1 article amended (4), 1 inserted (4a),
0 deleted; Annex III amended" -> "조문 1개 개정(4), 1개 신설(4a), 0개 삭제; 부속서 III 개정". Only
our own phrases are translated; unit numbers and quoted words stay as they are, and so do the documents'
own labels except the English "Article 4" / "Annex III" / "Recital 12" ("제4조", "부속서 III", "전문
제12항"). A line outside the grammar comes back unchanged, never half translated.

Words: 조문 = article, 부속서 = annex, 전문 … 항 = recital, 단위 = unit; 개정 = amended, 신설 = inserted
(a unit), 삭제 = deleted, 삽입 = inserted (words inside a unit), 변경 = changed.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tracker.diff.legal_note import SNIPPET_MAX, WORD_CONTEXT

_UNIT_OPS = {"amended": "개정", "inserted": "신설", "deleted": "삭제"}
_WORD_OPS = {"deleted": "삭제", "inserted": "삽입"}
_ORDER = ("amended", "inserted", "deleted")


def _agrees(count: str, noun: str, singular: str) -> bool:
    """legal_note writes the singular for exactly one; anything else is not its sentence."""
    return (noun == singular) == (int(count) == 1)


# -- the summary line ----------------------------------------------------------------------------

_LIST = r"(?: \((?P<{0}>[^()]+)\))?"
_ARTICLES = re.compile(
    r"(?P<amended>\d+) (?P<noun>articles?) amended" + _LIST.format("amended_list") + ", "
    r"(?P<inserted>\d+) inserted" + _LIST.format("inserted_list") + ", "
    r"(?P<deleted>\d+) deleted" + _LIST.format("deleted_list")
)
_NUM = r"[^\s,;()]+"
_NUMBERS = rf"{_NUM}(?:(?:, {_NUM})* and {_NUM})?"  # "III", "I and II", "I, II and III"
_VERB = r"amended|inserted|deleted"
_ANNEXES = re.compile(
    rf"(?P<noun>Annexes|Annex) (?P<n1>{_NUMBERS}) (?P<v1>{_VERB})"
    rf"(?:, (?P<n2>{_NUMBERS}) (?P<v2>{_VERB}))?(?:, (?P<n3>{_NUMBERS}) (?P<v3>{_VERB}))?"
)
_RECITALS = r"(?P<recitals>\d+) (?P<recital_noun>recitals?) changed"
_OTHERS = r"(?P<others>\d+) other (?P<other_noun>units?) changed"
_OTHER = re.compile(rf"(?:{_RECITALS})?(?P<comma>, )?(?:{_OTHERS})?")
_TYPOGRAPHY = re.compile(r"typography only: (?P<n>\d+) (?P<noun>units?)(?: \((?P<named>[^()]+)\))?")
_NAMED = re.compile(r"(?P<noun>Articles?|Annexes|Annex) (?P<numbers>[^;]+)")
_TYPOGRAPHY_LEAD = "typography only: "


def _listed(numbers: str | None) -> str:
    return f"({numbers})" if numbers else ""


def _articles_ko(m: re.Match[str]) -> str | None:
    if not _agrees(m["amended"], m["noun"], "article"):
        return None
    for op in _ORDER:  # legal_note lists the numbers exactly when there are some
        if (int(m[op]) > 0) != bool(m[f"{op}_list"]):
            return None
    return (
        f"조문 {m['amended']}개 개정{_listed(m['amended_list'])}, "
        f"{m['inserted']}개 신설{_listed(m['inserted_list'])}, "
        f"{m['deleted']}개 삭제{_listed(m['deleted_list'])}"
    )


def _and_ko(numbers: str) -> str:
    head, sep, last = numbers.rpartition(" and ")
    return f"{head} 및 {last}" if sep else numbers


def _annexes_ko(m: re.Match[str]) -> str | None:
    groups = [(m[f"n{i}"], m[f"v{i}"]) for i in (1, 2, 3) if m[f"v{i}"]]
    ranks = [_ORDER.index(verb) for _, verb in groups]
    if ranks != sorted(set(ranks)):  # amended, inserted, deleted: each once, in that order
        return None
    single = " and " not in groups[0][0]
    if (m["noun"] == "Annex") != single:
        return None
    return "부속서 " + ", ".join(f"{_and_ko(numbers)} {_UNIT_OPS[verb]}" for numbers, verb in groups)


def _other_ko(m: re.Match[str]) -> str | None:
    if not (m["recitals"] or m["others"]) or bool(m["comma"]) != bool(m["recitals"] and m["others"]):
        return None
    bits = []
    if m["recitals"]:
        if not _agrees(m["recitals"], m["recital_noun"], "recital"):
            return None
        bits.append(f"전문 {m['recitals']}개 항 변경")
    if m["others"]:
        if not _agrees(m["others"], m["other_noun"], "unit"):
            return None
        bits.append(f"기타 단위 {m['others']}개 변경")
    return ", ".join(bits)


def _typography_ko(m: re.Match[str]) -> str | None:
    if not _agrees(m["n"], m["noun"], "unit"):
        return None
    named, kinds = [], []
    for part in m["named"].split("; ") if m["named"] else []:
        found = _NAMED.fullmatch(part)
        if found is None:
            return None
        kind = "조문" if found["noun"].startswith("Article") else "부속서"
        kinds.append(kind)
        named.append(f"{kind} {found['numbers']}")
    if kinds not in ([], ["조문"], ["부속서"], ["조문", "부속서"]):
        return None
    return f"표기만 바뀐 단위 {m['n']}개" + (f"({'; '.join(named)})" if named else "")


_PARTS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str | None]], ...] = (
    (_ARTICLES, _articles_ko),
    (_ANNEXES, _annexes_ko),
    (_OTHER, _other_ko),
)


def summary_ko(line: str) -> str | None:
    """A note's summary line in Korean, or None when `line` is not one (any other headline)."""
    if line == "no substantive change":
        return "실질적 변경 없음"
    parts: list[str] = []
    if line.startswith(_TYPOGRAPHY_LEAD):
        typography = line
    else:  # the typography clause comes last and is the only one with "; " inside
        head, sep, rest = line.partition("; " + _TYPOGRAPHY_LEAD)
        parts, typography = head.split("; "), (_TYPOGRAPHY_LEAD + rest if sep else "")
    out: list[str] = []
    kinds = iter(_PARTS)  # articles, annexes, other units: each at most once, in this order
    for part in parts:
        said = next((say(m) for pattern, say in kinds if (m := pattern.fullmatch(part))), None)
        if said is None:
            return None
        out.append(said)
    if typography:
        found = _TYPOGRAPHY.fullmatch(typography)
        said = _typography_ko(found) if found is not None else None
        if said is None:
            return None
        out.append(said)
    return "; ".join(out) or None


def is_summary_line(line: str) -> bool:
    """Whether `line` is a note's summary line (tracker.diff.legal_note.summary_line)."""
    return summary_ko(line) is not None


def summary_line_ko(line: str) -> str:
    """A note's summary line in Korean; any other line unchanged."""
    said = summary_ko(line)
    return line if said is None else said


# -- the unit lines ------------------------------------------------------------------------------

# A token as legal_note.changed_words cuts them (maximal, so a word is never split in two), and a run of
# up to WORD_CONTEXT of them: the context shown before and after a change.
_TOKEN = r"(?:(?>\w+(?:[-'’]\w+)*)|[^\w\s])"
_CONTEXT = rf"{_TOKEN}(?:\s*{_TOKEN}){{0,{WORD_CONTEXT - 1}}}"
_QUOTED = rf".{{1,{SNIPPET_MAX}}}?"
# The removed words end at the first "” → “": one way to read them, so a line full of quotation marks
# cannot make the match try every way (a removal that itself holds "” → “" leaves the line in English).
_REMOVED = rf"(?:(?!” → “).){{1,{SNIPPET_MAX}}}"


def _snippet(i: int) -> str:
    core = rf"(?:“{_REMOVED}” → “{_QUOTED}”|(?P<op{i}>deleted|inserted) “{_QUOTED}”)"
    return rf"(?:(?:… )?{_CONTEXT} )?{core}(?: ?{_CONTEXT}(?: …)?)?"


_WORDS = re.compile(rf"{_snippet(1)}(?:; {_snippet(2)}(?:; {_snippet(3)})?)?", re.DOTALL)
_UNIT = re.compile(
    r"(?P<label>[^\n]*?) "
    r"(?:amended: (?P<words>.+)|inserted: (?P<text>[^\n]*)|deleted \(was: (?P<was>[^\n]*)\))",
    re.DOTALL,
)
_MORE = re.compile(r"… and (?P<n>\d+) more (?P<noun>units?): the full list and diff are in the thread")
_CONSOLIDATES = "Consolidates: "  # tracker.store.apply_document: the acts a new consolidation takes in
_HEAD = re.compile(r"[^\n]*? (?:amended: |inserted: |deleted \(was: )|… and \d+ more units?: |Consolidates: ")
_LABELS = (
    (re.compile(r"(?i:Article) (\d+[a-z]*)"), "제{}조"),
    (re.compile(r"(?i:Annex) ([IVXLCDM]+[a-z]*|\d+[a-z]*)"), "부속서 {}"),
    (re.compile(r"Recital (\d+)"), "전문 제{}항"),
)


def _label_ko(label: str) -> str:
    """English unit labels in Korean ("Article 4a" -> "제4a조"); a document's own label as it is."""
    for pattern, korean in _LABELS:
        found = pattern.fullmatch(label)
        if found is not None:
            return korean.format(found.group(1))
    return label


def _words_ko(words: str) -> str | None:
    """legal_note.changed_words's snippets, their "deleted"/"inserted" markers in Korean."""
    if words == "wording changed":
        return "문구 변경"
    found = _WORDS.fullmatch(words)
    if found is None:
        return None
    out, at = [], 0
    for i in (1, 2, 3):
        if found.group(f"op{i}"):
            start, end = found.span(f"op{i}")
            out += [words[at:start], _WORD_OPS[found.group(f"op{i}")]]
            at = end
    return "".join([*out, words[at:]])


def _unit_ko(line: str) -> str | None:
    if line.startswith(_CONSOLIDATES) and "\n" not in line:
        return "새로 반영된 개정 법령: " + line.removeprefix(_CONSOLIDATES)
    more = _MORE.fullmatch(line)
    if more is not None:
        if not _agrees(more["n"], more["noun"], "unit"):
            return None
        return f"… 외 {more['n']}개 단위: 전체 목록과 비교 내용은 스레드에 있습니다"
    found = _UNIT.fullmatch(line)
    if found is None:
        return None
    label = _label_ko(found["label"])
    if found["text"] is not None:
        return f"{label} 신설: {found['text']}"
    if found["was"] is not None:
        return f"{label} 삭제(종전: {found['was']})"
    words = _words_ko(found["words"])
    return None if words is None else f"{label} 개정: {words}"


def unit_line_ko(line: str) -> str:
    """One unit line (tracker.diff.legal_note.unit_lines) in Korean; any other line unchanged."""
    said = _unit_ko(line)
    return line if said is None else said


def note_text_ko(text: str) -> str:
    """A stored note's unit lines (Change.summary of a legal text) in Korean, line by line.

    A unit line can run over several lines: the words around a change keep the text's line breaks."""
    groups: list[str] = []
    for line in text.split("\n"):
        if groups and _continues(groups[-1], line):
            groups[-1] += "\n" + line
        else:
            groups.append(line)
    return "\n".join(unit_line_ko(group) for group in groups)


def _continues(group: str, line: str) -> bool:
    """Whether `line` is more of the amended unit's words in `group` rather than a line of its own: it
    completes the words, or they are unfinished and it does not open a unit line of its own."""
    found = _UNIT.fullmatch(group)
    if found is None or found["words"] is None:
        return False  # only the words of an amended unit keep line breaks
    if _unit_ko(f"{group}\n{line}") is not None:
        return not (_HEAD.match(line) and _unit_ko(group) is not None)
    return _unit_ko(group) is None and not _HEAD.match(line)


__all__ = ["is_summary_line", "note_text_ko", "summary_ko", "summary_line_ko", "unit_line_ko"]
