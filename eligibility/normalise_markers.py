"""A tumour marker's status written as a sign: "HR+, HER2- breast cancer", "ER-, PR-, HER2- disease".

The lexemes become "hr - positive , her2 - negative", the status words the grammar reads as the tumour's
qualifiers (a record's name says which status it has). Read bare, "HER2-" loses its sign, and a
HER2-positive record would answer for a HER2-negative requirement. Not a suspended hyphen: "EGFR- or HER2
inhibiting drugs" are drugs inhibiting either.
"""

from __future__ import annotations

from dataclasses import replace

from .resources import data_json

_MARKERS = frozenset(name for name in data_json("phrases.json")["tumour_markers"] if " " not in name) | {"her2neu", "pgr"}
_SIGNS = {"+": "positive", "-": "negative"}
# what may follow a signed marker: the end, a mark, or the tumour it qualifies
_AFTER_THE_SIGN = frozenset({",", ";", ")", "(", "/", ".", "metastatic", "advanced", "locally", "early", "recurrent", "invasive",
                             "breast", "disease", "tumor", "tumors", "tumour", "tumours", "cancer", "cancers", "status", "mbc"})
_JOINED = frozenset({"and", "or", "and/or"})


def marker_signs_spelled(lexemes: list) -> list:
    words = [lexeme.g for lexeme in lexemes]
    if not any(_signed_as_one(w) or w in _MARKERS for w in words):
        return lexemes
    out = []
    index = 0
    while index < len(lexemes):
        word = words[index]
        if _signed_as_one(word) and _signed(words, index + 1):  # "hr+": one token
            out += _spelled(lexemes[index], word[:-1], _SIGNS[word[-1]])
            index += 1
        elif word in _MARKERS and index + 1 < len(words) and words[index + 1] in _SIGNS and _signed(words, index + 2):
            out += _spelled(lexemes[index], word, _SIGNS[words[index + 1]], lexemes[index + 1].end)
            index += 2
        else:
            out.append(lexemes[index])
            index += 1
    return out


def _signed_as_one(word: str) -> bool:
    return word[-1:] in _SIGNS and word[:-1] in _MARKERS


def _signed(words: list[str], after: int) -> bool:
    """Whether the sign before `after` is a status, not a suspended hyphen ("EGFR- or HER2 inhibiting")."""
    if after >= len(words) or words[after] in _AFTER_THE_SIGN or words[after].startswith("@cond:"):
        return True
    if words[after] in _JOINED and after + 1 < len(words):  # "ER- and PR- staining", "ER+ and/or PgR+"
        following = words[after + 1]
        return _signed_as_one(following) or following in _MARKERS and after + 2 < len(words) and words[after + 2] in _SIGNS
    return False


def _spelled(lexeme, marker: str, status: str, end: int | None = None) -> list:
    end = lexeme.end if end is None else end
    return [replace(lexeme, g=marker, end=end), replace(lexeme, g="-", start=end, end=end), replace(lexeme, g=status, start=end, end=end)]
