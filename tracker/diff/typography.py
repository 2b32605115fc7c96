"""Typographic equivalence: two texts that differ only by typography say the same thing.

A consolidated legal text re-typeset by the Publications Office writes „ where the earlier version wrote “,
a non-breaking space where there was a space, – where there was -. NFKC folds none of these (it keeps
quotation marks and dashes apart, and most spaces), so without this fold nineteen articles of the AI Act
"change" between two consolidated versions for one quotation mark. Used to compare, never to display.
"""

from __future__ import annotations

import re
import unicodedata

# Quotation marks of every script -> ASCII (" or '): Latin, German/Dutch low-9, guillemets, CJK corners,
# primes used as quotes.
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u301d\u301e\u301f\uff02\u300c\u300d\u300e\u300f"
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2039\u203a\u2032\u0060\u00b4\uff07"
# Hyphens, dashes and minus signs -> "-".
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\u2e3a\u2e3b\ufe58\ufe63\uff0d\u2043"
# Spaces of every width -> " " (NBSP, narrow NBSP, thin, hair, figure, punctuation, en/em, ideographic).
_SPACES = "\u00a0\u202f\u2009\u200a\u2007\u2008\u2002\u2003\u2004\u2005\u2006\u205f\u3000\u1680"
# Invisible characters -> nothing (soft hyphen, zero-width space/joiners, word joiner, BOM).
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"

_TABLE = str.maketrans(
    {
        **dict.fromkeys(map(ord, _DOUBLE_QUOTES), '"'),
        **dict.fromkeys(map(ord, _SINGLE_QUOTES), "'"),
        **dict.fromkeys(map(ord, _DASHES), "-"),
        **dict.fromkeys(map(ord, _SPACES), " "),
        **dict.fromkeys(map(ord, _INVISIBLE), None),
        ord("\u2026"): "...",  # ellipsis
        ord("\u2024"): ".",
        ord("\u2025"): "..",
    }
)
_RUNS_OF_SPACE = re.compile(r"[ \t]+")
_SPACE_AROUND_NEWLINE = re.compile(r" ?\n ?")
# Characters the table folds: a text with none of them skips the translation.
_FOLDED = frozenset(chr(code) for code in _TABLE if isinstance(code, int))


def fold_typography(text: str, *, normalised: bool = False) -> str:
    """The comparison form of a text: NFKC (full-width forms), then every typographic variant folded to
    one spelling, and runs of spaces made one. Line breaks are kept (they delimit units).

    normalised=True: the text is tracker.extract.normalise.normalise_text's output already (NFKC, runs of
    white space collapsed), so only what that leaves is done."""
    folded = text if normalised else unicodedata.normalize("NFKC", text)
    translated = not folded.isascii() and not _FOLDED.isdisjoint(folded)
    if translated:
        folded = folded.translate(_TABLE)
    if translated or not normalised:  # a folded space may now stand beside another
        folded = _SPACE_AROUND_NEWLINE.sub("\n", _RUNS_OF_SPACE.sub(" ", folded)).strip(" ")
    return folded


def typographic_only(old: str, new: str) -> bool:
    """The texts differ, but only typographically."""
    return old != new and fold_typography(old) == fold_typography(new)


__all__ = ["fold_typography", "typographic_only"]
