"""The encodings worth trying, in a fixed order, for a body that declares none.

A detector's best guess changes with the content: the same GB2312 list page read as GB18030 with 20 items
and as Korean cp949 with 21 (issue 14.3) turns every title into a false "changed". So an undeclared body
is decoded with the first candidate that fits it, and the candidates come from facts that do not change
from check to check: the encoding this endpoint's last good body was decoded with, and the source's
declared language (a CAC page is Chinese). The per-language defaults follow the locale table of the HTML
standard ("determining the character encoding", suggested defaults), with the supersets browsers use.
"""

from __future__ import annotations

import codecs
import re

# Language (ISO 639-1, lower case) -> codecs tried in order once valid UTF-8 has been ruled out.
_CJK: dict[str, tuple[str, ...]] = {
    "zh": ("gb18030", "big5hkscs"),  # GB2312 and GBK are subsets of GB18030
    "zh-hant": ("big5hkscs", "gb18030"),  # Taiwan, Hong Kong, Macau
    "ko": ("cp949",),  # Windows-949 (UHC), the superset of EUC-KR that browsers decode EUC-KR with
    # ISO-2022-JP is 7-bit: it never decodes 8-bit bytes, so trying it first cannot steal a Shift_JIS or
    # EUC-JP page, and it is the only one that reads its escape sequences.
    "ja": ("iso2022_jp", "cp932", "euc_jp"),
}
# Languages written in one script -> its Windows code page, the default of browsers in those locales.
_SINGLE_BYTE_TABLE = (
    ("cp1252", "af ca cy da de en es eu fi fo fr ga gd gl id is it ms nb nl nn no oc pt rm sq sv sw wa"),
    ("cp1250", "bs cs hr hu pl ro sk sl"),
    ("cp1251", "be bg kk ky mk mn ru sr tg tt uk"),
    ("cp1253", "el"),
    ("cp1254", "az tr"),
    ("cp1255", "he"),
    ("cp1256", "ar fa ur"),
    ("cp1257", "et lt lv"),
    ("cp874", "th"),
    ("cp1258", "vi"),
)
_SINGLE_BYTE: dict[str, str] = {
    language: codec for codec, languages in _SINGLE_BYTE_TABLE for language in languages.split()
}
_TRADITIONAL_CHINESE_TAGS = {"hant", "tw", "hk", "mo"}
# Names that decode the same family as a candidate: a previous encoding under one of these names belongs
# to the language's family (it was read from a label or by an older version).
_RELATED = {
    "euc_kr": "cp949",
    "shift_jis": "cp932",
    "big5": "big5hkscs",
    "cp950": "big5hkscs",
}
# Read as their supersets, as labels are (tracker.extract.decode.normalise_charset).
_WIDENED = {"gbk": "gb18030", "gb2312": "gb18030", "iso8859-1": "cp1252"}
# Encodings that a body never gets without a BOM or a label: not guessed from memory.
_NEVER_UNDECLARED = ("utf-16", "utf-32", "utf_16", "utf_32")
_PLAUSIBILITY_SAMPLE = 256 * 1024  # characters: enough to judge, cheap on a 25 MB body
_WORD_BREAKS = re.compile(r"""[\s<>"'=/]+""")  # whitespace and markup: what separates words on a page
_IMPLAUSIBLE = 0.5  # charset-normalizer's mess ratio at which a decoding is rejected


def codec_name(label: str) -> str | None:
    """A codec label -> Python's canonical name, or None when Python has no such codec."""
    try:
        return codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None


def language_codecs(language: str | None) -> tuple[str, ...]:
    """The legacy encodings of a language's web pages, most likely first; () when unknown."""
    if not language:
        return ()
    primary, *subtags = language.strip().lower().replace("_", "-").split("-")
    if primary == "zh" and _TRADITIONAL_CHINESE_TAGS.intersection(subtags):
        return _CJK["zh-hant"]
    if primary in _CJK:
        return _CJK[primary]
    return (_SINGLE_BYTE[primary],) if primary in _SINGLE_BYTE else ()


def _family_key(codec: str) -> str:
    return _RELATED.get(codec, codec)


def remembered_codec(previous_encoding: str | None) -> str | None:
    """A stored encoding -> the codec to try again, or None when it is no clue for an undeclared body."""
    previous = codec_name(previous_encoding) if previous_encoding else None
    if previous is None or previous.startswith(_NEVER_UNDECLARED) or previous in ("ascii", "utf-8"):
        return None
    return _WIDENED.get(previous, previous)


def stable_candidates(language: str | None, previous_encoding: str | None) -> list[str]:
    """Codecs to try on an undeclared, non-UTF-8 body, in order.

    The previous encoding goes first when it belongs to the language's family (it settles a choice between
    members that both fit, such as Shift_JIS and EUC-JP) or when the language has no known family. One
    outside the family goes after the language's own codecs: an encoding remembered from an old guess
    (cp949 for a Chinese page) must not outrank what the source is known to publish in.
    """
    family = list(language_codecs(language))
    previous = remembered_codec(previous_encoding)
    if previous is None:
        return family
    in_family = _family_key(previous) in {_family_key(c) for c in family}
    ordered = [previous, *family] if in_family or not family else [*family, previous]
    return list(dict.fromkeys(ordered))


def is_plausible_text(text: str) -> bool:
    """False for text that is plainly the wrong code page (GB18030 bytes read as cp1252, Big5 read as GB).

    charset-normalizer's mess measure, taken on the words that hold non-ASCII characters only: markup
    and English around a few titles would otherwise dilute the mojibake below any threshold. Correct
    decodings of the recorded samples score at most 0.08 this way, CJK list pages read as cp1252 at least
    0.76; two CJK encodings read as each other score 0.1 to 0.3 and are told apart by the order of the
    candidates, not by this test.
    """
    from charset_normalizer.md import mess_ratio

    words = " ".join(w for w in _WORD_BREAKS.split(text[:_PLAUSIBILITY_SAMPLE]) if not w.isascii())
    return not words or mess_ratio(words, _IMPLAUSIBLE) < _IMPLAUSIBLE
