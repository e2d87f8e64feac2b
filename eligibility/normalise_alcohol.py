"""How much alcohol a patient drinks, said in the many ways criteria say it.

"Alcohol consumption > 21 units/week", "an average weekly intake of >14 drinks", "consumes >2 alcoholic
drinks per day", "average weekly alcohol intake of greater than 21 units": the words that name the
drinking, with a bound in alcohol's units after them, are the intake; a weekly or daily intake gives
the bound its period; "alcoholic drinks" and "alcoholic beverages" are drinks; "(1 drink = 150 mL of
wine ...)" says what a drink is, which the unit says already. Without a bound ("use of alcohol within
48 hours") the words stay an exposure.
"""

from __future__ import annotations

import re

from .lexicon import Lexeme
from .normalise_measures import BOUND_OPENING, pairs_joined, words_matched

_AMOUNT_UNITS = frozenset({"units", "unit", "drinks", "drink", "g", "grams", "gram"})
_SIGN = BOUND_OPENING
_BOUND = rf"(?:{_SIGN} )?\d+(?:\.\d+)? (?:units?|drinks?|g|grams?)(?: |$)"
_AVERAGE = r"(?:(?:an|the) )?(?:(?:average|mean|usual|regular) )?"
_INTAKE = re.compile(
    rf"(?:{_AVERAGE}(?:(weekly|daily) )?(?:alcohol|ethanol|@lab:alcohol_intake)(?: (?:consumption|intake|use|drinking|ingestion))?"
    rf"|{_AVERAGE}(?:(weekly|daily) )?(?:consumption|intake|use|ingestion) of (?:alcohol|ethanol)"
    # "Regular alcohol consumption defined as an average weekly intake of >14 drinks": alcohol said before
    rf"|{_AVERAGE}(weekly|daily) (?:intake|consumption)"
    # "consumes >14 alcoholic beverages/week": the drinking said by its verb
    rf"|(?:(?:routinely|regularly|habitually) )?(?:consumes|consuming|consumption of|drinks|drinking|intake of)(?= {_SIGN} \d\S* drinks? ))"
    rf"(?= (?:(?:of|averaging|on average|of on average) )?{_BOUND})")
# "Consumes more than 25 g of alcohol per day", "more than 60 g of ethanol per day": the amount first,
# then the substance, then its period
_AMOUNT_OF_ALCOHOL = re.compile(
    rf"(?:(?:(?:routinely|regularly|habitually) )?(?:consumes|consuming|consumption of|drinks|drinking|intake of|use of) )?"
    rf"({_SIGN} \d+(?:\.\d+)? (?:units?|drinks?|g|grams?)) (?:of )?(?:pure )?(?:alcohol|ethanol)(?= (?:per|a|/|each|every)(?: |$))")
_FILLER = frozenset({"averaging", "on", "average"})
_OTHER_DRINKS = frozenset({"caffeine", "caffeinated", "coffee", "tea", "cola", "soda", "sugar", "sugary", "sweetened", "energy", "water"})
_AFTER_THE_UNIT = frozenset({"/", "per", "a", "each", "daily", "weekly", "every"})
_DRINK_NAMES = {("alcoholic", "drinks"): "drinks", ("alcoholic", "drink"): "drink", ("alcoholic", "beverages"): "drinks",
                ("alcoholic", "beverage"): "drink", ("alcohol", "drinks"): "drinks", ("standard", "drinks"): "drinks",
                ("standard", "drink"): "drink"}
_DRINK_DEFINED = re.compile(r"\( (?:1|one) (?:standard )?(?:drink|unit|glass) (?:=|is|equals|corresponds|of alcohol is)(?: (?:[^()]|\( [^()]* \))*)? \)")


def alcohol_amounts(lexemes: list) -> list:
    words = [lexeme.g for lexeme in lexemes]
    # "An average weekly intake of >14 drinks for males": drinks counted by the week or day are alcohol's
    if not {"alcohol", "ethanol", "alcoholic", "@lab:alcohol_intake"} & set(words) and not (
            {"weekly", "daily"} & set(words) and {"drinks", "drink"} & set(words) and not _OTHER_DRINKS & set(words)):
        return lexemes
    named = _intakes(_drinks_named(_without_drink_defined(lexemes)))
    return named if any(lexeme.g == "@lab:alcohol_intake" for lexeme in named) else _amount_of_alcohol(named)


def _amount_of_alcohol(lexemes: list) -> list:
    """"more than 25 g of alcohol per day": the intake named before its bound, as "alcohol intake > 25 g per day"."""
    matched = words_matched(lexemes, _AMOUNT_OF_ALCOHOL)
    if matched is None:
        return lexemes
    found, first, last = matched
    bound_start = first + len(found.string[found.start():found.start(1)].split())
    bound_end = bound_start + len(found.group(1).split())
    named = lexemes[last - 1]
    intake = Lexeme("@lab:alcohol_intake", named.start, named.end, "alcohol_intake")
    rest = lexemes[last:]
    if rest and rest[0].g == "a":  # "40 g alcohol a day"
        rest = [Lexeme("per", rest[0].start, rest[0].end), *rest[1:]]
    return lexemes[:first] + [intake] + lexemes[bound_start:bound_end] + rest


def _without_drink_defined(lexemes: list) -> list:
    matched = words_matched(lexemes, _DRINK_DEFINED, at_word_start=False)
    if matched is None:
        return lexemes
    _, first, last = matched
    return lexemes[:first] + lexemes[last:]


def _drinks_named(lexemes: list) -> list:
    """"2 alcoholic drinks", "14 alcoholic beverages": the drinks a bound counts, after its number."""
    return pairs_joined(lexemes, lambda first, second, before: _DRINK_NAMES.get((first.g, second.g))
                        if before and before[-1].g[:1].isdigit() else None)


def _intakes(lexemes: list) -> list:
    matched = words_matched(lexemes, _INTAKE, at_word_start=False)
    if matched is None:
        return lexemes
    found, first, last = matched
    intake = Lexeme("@lab:alcohol_intake", lexemes[first].start, lexemes[last - 1].end, "alcohol_intake")
    rest = list(lexemes[last:])
    while rest and rest[0].g in _FILLER:  # "alcohol consumption averaging >7 drinks/week"
        rest = rest[1:]
    rest_words = [lexeme.g for lexeme in rest]
    period = next((group for group in found.groups() if group), None)
    if period:
        rest = _per_period(rest, "week" if period == "weekly" else "day")
        rest_words = [lexeme.g for lexeme in rest]
    for index in range(len(rest_words) - 2):  # "40 g of alcohol per day": the substance said already
        if (rest_words[index] in _AMOUNT_UNITS and rest_words[index + 1] == "of" and rest_words[index + 2] in ("alcohol", "ethanol")
                and rest_words[index + 3:index + 4] in (["per"], ["/"], ["a"], ["daily"], ["weekly"])):
            rest = rest[:index + 1] + rest[index + 3:]
            break
    return lexemes[:first] + [intake] + _intakes(rest)



def _per_period(lexemes: list, period: str) -> list:
    """"average weekly alcohol intake of greater than 21 units if male or 14 units if female": each bound
    of the clause in the period the name gives it."""
    out = []
    for index, lexeme in enumerate(lexemes):
        if lexeme.g in (";", "."):
            return out + lexemes[index:]
        out.append(lexeme)
        after = lexemes[index + 1].g if index + 1 < len(lexemes) else ""
        if lexeme.g in _AMOUNT_UNITS and index and lexemes[index - 1].g[:1].isdigit() and after not in _AFTER_THE_UNIT:
            out += [Lexeme("/", lexeme.end, lexeme.end), Lexeme(period, lexeme.end, lexeme.end)]
    return out
