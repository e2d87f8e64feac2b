"""Pack-years, the unit that names what it counts.

"≥ 10 pack-years of cigarette smoking", "a 10 pack-year smoking history", "> 5 pack-year history of
smoking": the amount comes first and its unit says it is the smoking history, so the lexemes become
"@lab:pack_years ≥ 10 pack - years", as if written "smoking history ≥ 10 pack-years". The words after
the unit that only say again what it counts ("of cigarette smoking", "smoking history") go with it.
"""

from __future__ import annotations

import re
from dataclasses import replace

_NAME = "@lab:pack_years"
_UNITS = (("pack", "-", "years"), ("pack", "-", "year"), ("pack", "years"), ("pack", "year"), ("pack", "-", "yrs"), ("pack", "yrs"))
# what the unit counts, said again after it
_RESTATED = sorted(((*lead, *what) for lead in ((), ("history",), ("smoking", "history"), ("cigarette", "smoking", "history"))
                    for what in ((), ("of", "cigarette", "smoking"), ("of", "tobacco", "smoking"), ("of", "tobacco", "cigarette", "smoking"),
                                 ("of", "smoking"), ("of", "cigarettes"), ("of", "tobacco"), ("of", "tobacco", "use"), ("smoking",)) if lead or what),
                   key=len, reverse=True) + [(_NAME,)]
_NUMBER = re.compile(r"\d+(?:\.\d+)?$")
# "Current or former smokers with ...": whoever has smoked, as every smoking history of some pack-years says
_EVER_SMOKED = re.compile(
    r"(?:^| )(?:(?:current|active)(?: smokers?)? (?:or|/|and/or) (?:former|ex -|previous|past)|(?:former|ex -|previous|past)(?: smokers?)? "
    r"(?:or|/|and/or) (?:current|active))(?: cigarette| tobacco)? smokers? (?:with|who have|having)(?: a)?(?: total| cumulative)?$")
_HISTORY_WORDS = frozenset({"a", "smoking", "pack", "cigarette", "tobacco", "total", "cumulative", "lifetime"})
_BOUND_WORDS = frozenset({"at", "least", "most", "more", "less", "greater", "fewer", "than", "over", "under", "above", "below", "up", "to",
                          "no", "not", "equal", "or", "a", "<", "<=", ">", ">=", "="})


def pack_years_named(lexemes: list) -> list:
    words = [lexeme.g for lexeme in lexemes]
    if "pack" not in words and _NAME not in words:
        return lexemes
    for index, word in enumerate(words):
        if word == _NAME and index and _NUMBER.match(words[index - 1]):
            # "> 5 pack-year history of smoking": the lexicon's name "pack-year history" holds the unit
            lexeme = lexemes[index]
            unit = [replace(lexeme, g="pack", term=None, end=lexeme.start), replace(lexeme, g="-", term=None, end=lexeme.start),
                    replace(lexeme, g="years", term=None)]
            return _named_before_amount(lexemes[:index] + unit + lexemes[index + 1:], index, 3)
        unit = next((u for u in _UNITS if tuple(words[index:index + len(u)]) == u), None)
        if unit and index and _NUMBER.match(words[index - 1]):
            return _named_before_amount(lexemes, index, len(unit))
    return lexemes


def _named_before_amount(lexemes: list, unit_start: int, unit_length: int) -> list:
    words = [lexeme.g for lexeme in lexemes]
    unit_end = unit_start + unit_length
    restated = next((r for r in _RESTATED if tuple(words[unit_end:unit_end + len(r)]) == r), ())
    if restated:  # the unit's last word stretches over them, so that spans still cover the text
        last = replace(lexemes[unit_end - 1], end=lexemes[unit_end + len(restated) - 1].end)
        lexemes = lexemes[:unit_end - 1] + [last] + lexemes[unit_end + len(restated):]
    if _NAME in words[:unit_start]:  # "smoking history of ≥ 10 pack-years": named already
        named = words.index(_NAME)
        return _without_ever_smoked(lexemes, named, named)
    number = unit_start - 1
    if number and words[number - 1] == "a":  # "at least a 10 pack-year history"
        lexemes, words, number = lexemes[:number - 1] + lexemes[number:], words[:number - 1] + words[number:], number - 1
    start = number
    while start > 0 and words[start - 1] in _BOUND_WORDS:
        start -= 1
    name = replace(lexemes[start], g=_NAME, term="pack_years", end=lexemes[start].start)
    history = start - (2 if words[start - 2:start] == ["history", "of"] else 0)
    while history < start and history > 0 and words[history - 1] in _HISTORY_WORDS:  # "a smoking pack history of"
        history -= 1
    if history < start:  # "a history of at least 10 pack-years": the history is what is counted
        name = replace(name, start=lexemes[history].start, end=lexemes[history].start)
    return _without_ever_smoked(lexemes[:history] + [name] + lexemes[start:], history, history)


def _without_ever_smoked(lexemes: list, name: int, end: int) -> list:
    """The words before the name at `name` that say only that the patient has smoked, dropped."""
    words = [lexeme.g for lexeme in lexemes[:end]]
    said = _EVER_SMOKED.search(" ".join(words))
    if not said:
        return lexemes
    first = len(" ".join(words)[:said.start()].split())
    moved = replace(lexemes[name], start=lexemes[first].start, end=lexemes[first].start) if lexemes[name].start == lexemes[name].end else lexemes[name]
    return lexemes[:first] + [moved] + lexemes[name + 1:]
