"""Passes over the tagged lexemes of a criterion that make its measurements plain before the grammar
reads them: an analyte named twice or in parts, a bound bracketed or set before its name, a second
bound for some patients, a scale's classes as points."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

import pint

from .errors import UnitError
from .lexicon import Lexeme, get_lexicon
from .resources import data_json
from .tokens import tokenize
from .units import compatible, quantity, same_value, unit_from_tokens

SIGNS = frozenset({"<", ">", "<=", ">=", "="})
# a bound's opening before its number, as a regex over lexeme words: "> 21 units", "more than 10 cigarettes"
BOUND_OPENING = r"(?:>|>=|<|<=|more than|greater than|over|exceeding|in excess of|at least|less than|up to)"
NUMBER_START = re.compile(r"\d|10\^")


def words_matched(lexemes: list, pattern: re.Pattern, at_word_start: bool = True) -> tuple[re.Match, int, int] | None:
    """The first match of `pattern` over the lexemes' words joined by spaces, with the indices of its first
    word and of the word after its last; None when there is none, or (with `at_word_start`) when it
    starts inside a word."""
    text = " ".join(lexeme.g for lexeme in lexemes)
    found = pattern.search(text)
    if not found or at_word_start and found.start() and text[found.start() - 1] != " ":
        return None
    first = len(text[:found.start()].split())
    return found, first, first + len(found.group(0).split())


def pairs_joined(lexemes: list, joined_name) -> list:
    """The lexemes with each pair that `joined_name(first, second, before)` names (else None) made one
    lexeme of that name; `before` is what is kept so far."""
    out = []
    index = 0
    while index < len(lexemes):
        name = joined_name(lexemes[index], lexemes[index + 1], out) if index + 1 < len(lexemes) else None
        if name is not None:
            out.append(Lexeme(name, lexemes[index].start, lexemes[index + 1].end))
            index += 2
            continue
        out.append(lexemes[index])
        index += 1
    return out
DURATION_WORDS = frozenset({"days", "day", "weeks", "week", "wks", "wk", "months", "month", "mo", "mos", "years", "year", "yrs", "yr"})
GROUP_WORDS = frozenset({"those", "patients", "subjects", "participants", "individuals"})


@lru_cache(maxsize=1)
def _ratios() -> dict[tuple[str, str], str]:
    """Analytes named as one over another ("FEV1/FVC"), by the ids of the two."""
    lexicon = get_lexicon()
    ratios = {}
    for analyte in lexicon.analytes.values():
        for name in analyte.names:
            top, slash, bottom = name.partition("/")
            parts = [lexicon.tag(tokenize(side)) for side in (top, bottom)] if slash else []
            # not "PT/INR" or "SBP/DBP", names of one of the two
            if (parts and all(len(side) == 1 and side[0].g.startswith("@lab:") for side in parts)
                    and analyte.id not in (parts[0][0].term, parts[1][0].term)):
                ratios[(parts[0][0].term, parts[1][0].term)] = analyte.id
    return ratios


def transaminases_named(lexemes: list) -> list:
    """"Transaminases ≤ 2.5 x ULN", "transaminases or bilirubin > 2 x ULN": AST and ALT, which the word
    names together, read as "AST/ALT"; not where no threshold follows ("elevated transaminases")."""
    words = [lexeme.g for lexeme in lexemes]
    for index, word in enumerate(words):
        if word not in ("transaminases", "transaminase"):
            continue
        after = words[index + 1:index + 3]
        if after[:1] and (after[0] in _BOUND_SIGNS or after[0] in ("less", "greater", "no", "not", "within")
                          or after[0] in ("or", "and", "and/or") and after[1:] and after[1].startswith("@lab:")):
            start = index - (index > 0 and words[index - 1] in ("liver", "hepatic", "serum", "plasma"))  # "liver transaminases"
            here = replace(lexemes[index], start=lexemes[start].start)
            both = [replace(here, g="@lab:ast", term="ast"), replace(here, g="/", term=None), replace(here, g="@lab:alt", term="alt")]
            return transaminases_named(lexemes[:start] + both + lexemes[index + 1:])
    return lexemes


def ratio_named_in_parts(lexemes: list) -> list:
    """"FEV1/forced vital capacity (FVC) < 70%": a ratio whose second analyte is spelled out, one term."""
    if "/" not in [lexeme.g for lexeme in lexemes]:
        return lexemes
    merged: list = []
    for lexeme in lexemes:
        if (len(merged) >= 2 and lexeme.term and merged[-1].g == "/" and merged[-2].term
                and (merged[-2].term, lexeme.term) in _ratios()):
            ratio = _ratios()[(merged[-2].term, lexeme.term)]
            merged[-2:] = [Lexeme(f"@lab:{ratio}", merged[-2].start, lexeme.end, ratio)]
            continue
        merged.append(lexeme)
    return merged


@lru_cache(maxsize=4096)  # tried at every bracket after a word; the words repeat across criteria
def _says_the_same_unit(name: tuple[str, ...], abbreviation: tuple[str, ...]) -> bool:
    try:
        named, abbreviated = unit_from_tokens(name), unit_from_tokens(abbreviation)
        return bool(named and abbreviated) and same_value(quantity(1.0, named).to(abbreviated).magnitude, 1.0)
    except (UnitError, pint.PintError, ValueError, TypeError, AttributeError):
        return False


@lru_cache(maxsize=4096)
def _unit_of_the_analyte(lab: str, unit: tuple[str, ...]) -> bool:
    analyte = get_lexicon().analytes.get(lab.removeprefix("@lab:"))
    try:
        written = unit_from_tokens(unit)
        return bool(analyte and analyte.unit and written) and compatible(written, analyte.unit, analyte.molar_mass, analyte.valence)
    except (UnitError, pint.PintError, ValueError, TypeError, AttributeError):
        return False


def unit_abbreviated_again(lexemes: list) -> list:
    """"> 5.5 millimole (mmol)/liter (L)", "≥ 26.5 micromoles [μmol]/L": a unit's abbreviation in brackets
    after its name says it again, in the middle of a unit the grammar reads whole without it. "Weight
    (kg) > 100": the unit an analyte is measured in, said after its name, for the bare number after it."""
    words = [lexeme.g for lexeme in lexemes]
    if "(" not in words:
        return lexemes
    for index in range(1, len(words) - 2):
        if words[index] != "(" or not words[index - 1][:1].isalpha() and not words[index - 1].startswith("@lab:"):
            continue
        closing = next((j for j in range(index + 1, min(index + 5, len(words))) if words[j] == ")"), None)
        if not closing or closing == index + 1:
            continue
        inside = tuple(words[index + 1:closing])
        if words[index - 1].startswith("@lab:") and _unit_of_the_analyte(words[index - 1], inside):
            # the bare number after it takes the unit: "Creatinine (µmol/L) < 150" is 150 µmol/L
            end = _bare_bound_end(words, closing + 1)
            if end is None:  # "Weight (kg) > 100 kg": the unit said again after the number
                return lexemes[:index] + lexemes[closing + 1:]
            return lexemes[:index] + lexemes[closing + 1:end] + lexemes[index + 1:closing] + lexemes[end:]
        # "milliseconds (msec)", "grams per deciliter (g/dL)": the name may be of one word or three
        if not words[index - 1].startswith("@lab:") and any(
                _says_the_same_unit(tuple(words[index - length:index]), inside)
                for length in ((1, 3) if index >= 3 and words[index - 2] == "per" else (1,))):
            return unit_abbreviated_again(lexemes[:index] + lexemes[closing + 1:])
    return lexemes


_BARE_BOUND_ENDS = frozenset({",", ";", ".", ")", "and", "or", "and/or", "at", "in", "for", "within", "on", "during"})


def _bare_bound_end(words: list[str], start: int) -> int | None:
    """Where a bound with no unit that starts at `start` ends ("< 1.5", "18 - 65", "≥ 100"); None when
    it is not one."""
    index = start + (start < len(words) and words[start] == ":")
    while index < len(words) and (words[index] in SIGNS or words[index] in ("than", "less", "more", "greater", "or", "equal", "to")):
        index += 1
    if index >= len(words) or not NUMBER_START.match(words[index]):
        return None
    index += 1
    if index + 1 < len(words) and words[index] in ("-", "to") and NUMBER_START.match(words[index + 1]):
        index += 2
    return index if index == len(words) or words[index] in _BARE_BOUND_ENDS else None


_SCALE_WORDS = frozenset({"class", "grade", "stage", "score", "status", "classification"})


def sign_before_scale(lexemes: list) -> list:
    """"Heart failure > NYHA class II": a sign written before the scale it bounds, read after it."""
    out = list(lexemes)
    analytes = get_lexicon().analytes
    for index in range(len(out) - 2):
        sign, scale = out[index], out[index + 1]
        if sign.g not in SIGNS or not scale.g.startswith("@lab:") or analytes[scale.g[5:]].kind != "score":
            continue
        after = index + 2
        while after < len(out) and out[after].g in _SCALE_WORDS:
            after += 1
        if after < len(out) and re.fullmatch(r"\d+(?:\.\d+)?|i{1,3}|iv|v", out[after].g):
            out[index:after] = out[index + 1:after] + [sign]
    return out


_NAMED_AGAIN_WORDS = frozenset({"must", "should", "be", "is", "of", ":", "by", "per", "according", "to", "using", "(", "-"})


def analyte_named_twice(lexemes: list) -> list:
    """"Performance status must be ECOG 0-1": the analyte named in general, then by its own name."""
    words = [lexeme.g for lexeme in lexemes]
    for index, word in enumerate(words[:3]):
        if not word.startswith("@lab:"):
            continue
        following = index + 1
        while following < len(words) and words[following] in _NAMED_AGAIN_WORDS:
            following += 1
        if following > index + 1 and following < len(words) and words[following] == word:
            return lexemes[:index] + lexemes[following:]
    return lexemes


def same_analyte_restated(lexemes: list) -> list:
    """"AST (AST; formerly SGOT)", "ALT (ALT/SGPT)": one analyte named again by its other names, which
    the lexicon reads as the same term; read once, as "AST"."""
    words = [lexeme.g for lexeme in lexemes]
    for index, word in enumerate(words):
        if not word.startswith("@lab:"):
            continue
        following = index + 1
        while following < len(words) and words[following] in _RESTATING_WORDS:
            following += 1
        if following == index + 1 or following >= len(words) or words[following] != word:
            continue
        between = words[index + 1:following]
        if not _RESTATING_MARKS.intersection(between):  # "age 18 or older, or age of consent": two mentions
            continue
        end = following + 1
        opened = between.count("(") - between.count(")")
        while opened > 0 and end < len(words) and words[end] == ")":
            end, opened = end + 1, opened - 1
        if opened != 0:
            continue
        return same_analyte_restated(lexemes[:index + 1] + lexemes[end:])
    return lexemes


_RESTATING_MARKS = frozenset({"(", "/", "formerly", "also", "known", "i.e.", "ie"})
_RESTATING_WORDS = frozenset({"(", ")", ";", "/", ",", "or", "formerly", "also", "called", "known", "as", "i.e.", "ie"})
_CONDITION_OPENERS = frozenset({"patients", "subjects", "participants", "those", "case", "cases", "the"})


def without_complement_condition(lexemes: list) -> list:
    """"ALT <= 2.5 x ULN for subjects without liver metastases and <= 5 x ULN for subjects with liver
    metastases": the first bound's condition is the other's negation, read as the "ALT <= 2.5 x ULN or
    <= 5 x ULN for subjects with liver metastases" the grammar knows."""
    words = [lexeme.g for lexeme in lexemes]
    if "without" not in words or "with" not in words:
        return lexemes
    without = words.index("without")
    start = without - 1 - (words[without - 1] in _CONDITION_OPENERS)
    if start < 1 or words[start] not in ("for", "in") or not any(w in SIGNS for w in words[:start]):
        return lexemes
    joint = next((k for k in range(without + 2, len(words) - 1) if words[k] in ("and", "or", ",", ";")
                  and words[k + 1] in SIGNS), None)
    if joint is None:
        return lexemes
    named = words[without + 1:joint]
    with_at = next((k for k in range(joint + 2, len(words)) if words[k] == "with" and words[k + 1:k + 1 + len(named)] == named
                    and words[k - 1 - (words[k - 1] in _CONDITION_OPENERS)] in ("for", "in")), None)
    if with_at is None or with_at + 1 + len(named) < len(words) - (words[-1] == "."):
        return lexemes  # the other condition must be the same words, and end the criterion
    joined = replace(lexemes[joint], g="or")
    return lexemes[:start] + [joined] + lexemes[joint + 1:]


_BOUND_SIGNS = {"<": "upper", "<=": "upper", ">": "lower", ">=": "lower"}
_NAMED_AGAIN_FILLER = frozenset({"and", "or", "/", ",", "(", ")", "count", "counts", "level", "levels", "value", "values", "of"})


def usual_bound_named_for_the_rest(lexemes: list) -> list:
    """"AST > 2.5 x ULN if no liver metastases (> 5 x ULN in patients with liver metastases)": the usual
    bound said to be for the patients without what the other bound names, which the other bound's
    condition already says; read without the "if no" ("if without ... and =< 5 x ULN if ...")."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(1, len(words) - 4):
        opener = next((len(o) for o in _WITHOUT_OPENERS if tuple(words[index:index + len(o)]) == o), 0)
        if not opener or not words[index + opener].startswith("@cond:"):
            continue
        if words[index - 1] not in ("uln", "lln") and not any(w in _BOUND_SIGNS for w in words[max(0, index - 6):index]):
            return lexemes
        condition, after = words[index + opener], words[index + opener + 1:]
        after = after[1:] if after[:2] in ([",", "or"], [",", "and"]) else after
        # the other bound next, and the same condition in its words
        if after[:1] not in (["("], ["and"], ["or"], [","]) or not any(w in _BOUND_SIGNS for w in after[1:3]) or condition not in after:
            return lexemes
        return lexemes[:index] + lexemes[index + opener + 1:]
    return lexemes


def condition_before_its_bound(lexemes: list) -> list:
    """"AST ≤ 2.5 x ULN; if liver metastases, AST ≤ 5 x ULN", "...; for patients with liver metastases,
    bilirubin must be ≤ 5 x ULN": a second bound for some patients, the analytes said again after their
    condition, read as the bracketed "(if liver metastases, ≤ 5 x ULN)" the grammar knows; read as it
    stands, the bound became part of the condition."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(1, len(words) - 4):
        if words[index] not in (";", ",", ".") or not (words[index + 1] == "if" or words[index + 1] in ("for", "in")
                                                       and words[index + 2] in _CONDITION_OPENERS):
            continue
        labs = {w for w in words[:index] if w.startswith("@lab:")}
        comma = next((k for k in range(index + 2, len(words)) if words[k] == ","), None)
        if not labs or comma is None or any(w in _BOUND_SIGNS or w[:1].isdigit() or w in (";", "(", ")") for w in words[index + 2:comma]):
            return lexemes
        sign = next((k for k in range(comma + 1, len(words)) if words[k] in _BOUND_SIGNS), None)
        again = words[comma + 1:sign] if sign else []
        end = len(words) - (words[-1] in (".", ";"))
        if (not again or {w for w in again if w.startswith("@lab:")} != labs
                or not all(w.startswith("@lab:") or w in _NAMED_AGAIN_FILLER or w in _REQUIRING_WORDS for w in again)
                or sign + 1 >= end or not words[sign + 1][:1].isdigit() or any(w in (";", "(", ")", "if") for w in words[sign:end])):
            return lexemes
        # in the order written, the analytes said again dropped: "AST ≤ 2.5 x ULN (if liver metastases, ≤ 5 x ULN)"
        opening = replace(lexemes[index], g="(")
        closing = replace(lexemes[end - 1], g=")", start=lexemes[end - 1].end)
        return lexemes[:index] + [opening] + lexemes[index + 1:comma + 1] + lexemes[sign:end] + [closing] + lexemes[end:]
    return lexemes


_REQUIRING_WORDS = frozenset({"must", "should", "be", "is", "are"})
_WITHOUT_OPENERS = (("if", "no"), ("if", "without"), ("in", "absence", "of"), ("in", "the", "absence", "of"))


def alternative_bound_bracketed(lexemes: list) -> list:
    """"AST ≤ 3 x ULN or ≤ 5 x ULN if liver metastases": a second bound for some patients, read as
    the bracketed "AST ≤ 3 x ULN (≤ 5 x ULN if liver metastases)" the grammar knows."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(1, len(words) - 3):
        if words[index] == "or" and words[index + 1].startswith("@lab:"):
            # "AST and ALT <= 2.5 x ULN, OR AST and ALT <= 5 x ULN if liver metastases": the analytes said again
            sign = next((k for k in range(index + 1, len(words)) if words[k] in SIGNS), None)
            again = words[index + 1:sign] if sign else []
            if (again and all(w.startswith("@lab:") or w in _NAMED_AGAIN_FILLER for w in again)
                    and {w for w in again if w.startswith("@lab:")} == {w for w in words[:index] if w.startswith("@lab:")}):
                shortened = lexemes[:index + 1] + lexemes[sign:]
                bracketed = alternative_bound_bracketed(shortened)
                return lexemes if bracketed is shortened else bracketed
        if words[index] in (";", ",") and words[index + 1] == "(" and words[index + 2] in _BOUND_SIGNS:
            # "AST ≤ 2.5 x ULN; (≤ 5 x ULN if hepatic metastasis is present)": the bracket goes with the bound
            return alternative_bound_bracketed(lexemes[:index] + lexemes[index + 1:])
        if words[index] not in ("or", "and", "&", ";") or words[index + 1] not in _BOUND_SIGNS or not words[index + 2][:1].isdigit():
            continue
        last_lab = max((k for k in range(index) if words[k].startswith("@lab:")), default=None)
        first_sign = next((w for w in words[last_lab:index] if w in _BOUND_SIGNS), None) if last_lab is not None else None
        # the same way ("ALP > 2.5 x ULN, or > 5 x ULN in ..."); "Age < 18 or > 65 ..." bounds a range
        if (first_sign is None or _BOUND_SIGNS[first_sign] != _BOUND_SIGNS[words[index + 1]]
                or words[index - 1] == "(" or any(w in (";", "(", ")") for w in words[index + 1:])):
            return lexemes
        # "≤ 12 g/dL if female or ≤ 13.5 g/dL if male": each sex's bound, which the grammar reads as such
        condition = next((j for j in range(index + 3, len(words)) if words[j] == "if" and words[j + 1:j + 2] != ["a"]
                          and not SEX_WORDS.intersection(words[j + 1:j + 2])
                          or words[j] in ("in", "for") and j + 1 < len(words) and words[j + 1] in _CONDITION_OPENERS), None)
        if condition is None or any(w in ("or", "and/or", "(", ")") for w in words[index + 1:condition]):
            return lexemes
        start = index - (words[index - 1] in (",", ";"))  # "QTcF < 450 msec; or < 480 msec if ...": one alternative
        end = len(words) - (words[-1] == ".")
        opening = replace(lexemes[index], g="(", start=lexemes[start].start)
        closing = replace(lexemes[end - 1], g=")", start=lexemes[end - 1].end)
        return lexemes[:start] + [opening] + lexemes[index + 1:end] + [closing] + lexemes[end:]
    return lexemes


_MALE_WORDS = frozenset(data_json("phrases.json")["male"])
SEX_WORDS = _MALE_WORDS | frozenset(data_json("phrases.json")["female"])


def sex_bound_bracketed(lexemes: list) -> list:
    """"QTc < 500 msec for men (470 msec for women)", "Hb >= 12 g/dL (men) and >= 11 g/dL (women)": each
    sex's bound, read as the "QTc < 500 msec for men or < 470 msec for women" the grammar knows; a bound
    that gives no sign takes the first one's."""
    words = [lexeme.g for lexeme in lexemes]
    if "(" not in words or not SEX_WORDS.intersection(words):
        return lexemes
    sign = next((w for w in words if w in SIGNS), None)
    if sign is None:
        return lexemes
    for index in range(1, len(words) - 2):  # "HDL (< 40 mg/dL for men ...)": the bracket may follow the first word
        if words[index] != "(":
            continue
        closing = next((j for j in range(index + 1, len(words)) if words[j] in ("(", ")")), None)
        # "Prolonged QTc (> 450 msec for males and > 470 msec for females)": the bounds of each sex in one bracket
        if (words[index + 1] in SIGNS and closing is not None and words[closing] == ")" and words[closing - 1] in SEX_WORDS
                and words[index - 1].startswith("@lab:") and sum(w in SEX_WORDS for w in words[index:closing]) == 2):
            return lexemes[:index] + lexemes[index + 1:closing] + lexemes[closing + 1:]
        # "(males)", "(male patients)"
        named = 1 + (words[index + 2] in GROUP_WORDS and words[index + 1] in ("male", "female"))
        if (words[index + 1] in SEX_WORDS and index + named + 1 < len(words) and words[index + named + 1] == ")"
                and any(w[:1].isdigit() for w in words[max(0, index - 5):index])):
            said = replace(lexemes[index], g="for", end=lexemes[index].start)
            return sex_bound_bracketed(lexemes[:index] + [said] + lexemes[index + 1:index + named + 1] + lexemes[index + named + 2:])
        if index >= 2 and words[index - 1] in SEX_WORDS and words[index - 2] in ("for", "in"):
            if (closing is None or words[closing] != ")" or words[closing - 1] not in SEX_WORDS
                    or not any(w[:1].isdigit() for w in words[index + 1:closing])):
                return lexemes
            opened = [replace(lexemes[index], g="or", end=lexemes[index].start)]
            if words[index + 1][:1].isdigit():
                opened.append(replace(lexemes[index], g=sign, start=lexemes[index].end))
            return lexemes[:index] + opened + lexemes[index + 1:closing] + lexemes[closing + 1:]
    return lexemes


def sex_before_bound(lexemes: list) -> list:
    """"Creatinine: Male > 1.3 mg/dL, Female > 1.2 mg/dL": each sex named before its bound, read as the
    "Creatinine > 1.3 mg/dL for males, > 1.2 mg/dL for females" the grammar knows."""
    words = [lexeme.g for lexeme in lexemes]
    named = [k for k, w in enumerate(words) if w in SEX_WORDS and k + 1 < len(words)
             and (words[k + 1] in SIGNS or words[k + 1] == ":" and k + 2 < len(words) and words[k + 2] in SIGNS)]
    if len(named) != 2 or {words[k] in _MALE_WORDS for k in named} != {True, False}:
        return lexemes
    if not any(w.startswith("@lab:") for w in words[:named[0]]) or any(w.startswith("@lab:") for w in words[named[0]:]):
        return lexemes
    out = list(lexemes[:named[0]])
    for index, start in enumerate(named):
        sign = start + 1 + (words[start + 1] == ":")
        end = named[index + 1] if index + 1 < len(named) else len(words)
        while end > sign and words[end - 1] in (",", ";", "and", "or", "."):
            end -= 1
        bound = lexemes[sign:end]
        if not bound or any(w in SEX_WORDS or w in ("(", ")") for w in words[sign:end]):
            return lexemes
        said = [replace(lexemes[start], g="for", end=lexemes[start].start), lexemes[start]]
        joint = lexemes[end:named[index + 1]] if index + 1 < len(named) else lexemes[end:]
        out += bound + said + joint
    return out


def corrected_calcium_named(lexemes: list) -> list:
    """"Corrected (adjusted for serum albumin) serum calcium", "Serum calcium (corrected for albumin)": the
    corrected calcium, which a bracket parts from its name; read as calcium, a total calcium would answer it."""
    words = [lexeme.g for lexeme in lexemes]
    for index, word in enumerate(words):
        if word != "@lab:calcium":
            continue
        if index >= 3 and words[index - 1] == ")" and "(" in words[:index - 1]:
            opened = len(words[:index - 1]) - 1 - words[:index - 1][::-1].index("(")
            if opened >= 1 and words[opened - 1] == "corrected":
                start, end = opened - 1, index + 1
                break
        closing = next((j for j in range(index + 2, min(len(words), index + 7)) if words[j] == ")"), None)
        if index + 1 < len(words) and words[index + 1] == "(" and closing and "corrected" in words[index + 2:closing]:
            start, end = index, closing + 1
            break
    else:
        return lexemes
    name = replace(lexemes[start], g="@lab:corrected_calcium", term="corrected_calcium", end=lexemes[end - 1].end)
    return lexemes[:start] + [name] + lexemes[end:]


def sex_after_bound(lexemes: list) -> list:
    """"QTc > 470 males, > 480 females": each sex named right after its bound, read as the "> 470 for
    males, > 480 for females" the grammar knows; only where both sexes are named so, after one measure."""
    words = [lexeme.g for lexeme in lexemes]
    named = [k for k, w in enumerate(words) if w in SEX_WORDS and k > 1 and words[k - 1] not in ("for", "in", "if", "a", "is", "(", "and", "or")
             and (k + 1 == len(words) or words[k + 1] not in SIGNS and words[k + 1] != ":")  # "men ≤ 83": the sex before its bound
             and any(words[j] in SIGNS and words[j + 1][:1].isdigit() for j in range(max(0, k - 6), k - 1))]
    if len(named) != 2 or {words[k] in _MALE_WORDS for k in named} != {True, False}:
        return lexemes
    if not any(w.startswith("@lab:") for w in words[:named[0]]):
        return lexemes
    out, last = [], 0
    for k in named:
        out += lexemes[last:k] + [replace(lexemes[k], g="for", end=lexemes[k].start)]
        last = k
    return out + lexemes[last:]


_TEST_WORDS = frozenset({"-", "test", "tests", "testing", "pcr", "rt", "rt-pcr", "serology", "serologies", "antibody", "antibodies",
                         "antigen", "screen", "screening", "result", "results", "status", "naat", "rapid", "swab"})


def negative_infection(lexemes: list) -> list:
    """"HIV negative", "HCV-negative": an infection the patient tests negative for, read as "negative for
    HIV"; only infections, as "ER negative" or "EGFR negative" say nothing of a finding."""
    lexicon = get_lexicon()
    words = [lexeme.g for lexeme in lexemes]
    for index, word in enumerate(words):
        if not word.startswith("@cond:") or "infection" not in lexicon.ancestors(word[6:]) | lexicon.possible_classes(word[6:]):
            continue
        tested = index + 1
        while tested < len(words) and words[tested] in _TEST_WORDS:
            tested += 1
        if index > 0 and words[index - 1] == "negative" and (tested > index + 1 or tested == len(words)):
            # "Negative HIV test", "Negative SARS-CoV-2 PCR test at screening": negative for the infection
            named = lexemes[index]
            return (lexemes[:index] + [replace(named, g="for", end=named.start)] + [replace(named, end=lexemes[tested - 1].end)]
                    + lexemes[tested:])
        after = tested + (tested < len(words) and words[tested] == "-")
        if after >= len(words) or words[after] not in ("negative", "seronegative"):
            continue
        if after + 1 < len(words) and words[after + 1] in ("for", "to"):
            continue  # "HIV negative for 6 months" is a duration; "negative to" names another test
        named = lexemes[index]
        said = [replace(lexemes[after], g="negative", start=named.start, end=named.start),
                replace(lexemes[after], g="for", start=named.start, end=named.start)]
        return lexemes[:index] + said + [replace(named, end=lexemes[after].end)] + lexemes[after + 1:]
    return lexemes


COMPARATOR_OPENINGS = frozenset({*SIGNS, "less", "more", "greater", "lower", "higher", "above", "below", "under", "over",
                                  "at", "no", "not", "exceeding", "fewer"})


_SYMBOL = re.compile(r"[a-z]{1,3}\+?")


def measure_of_condition(lexemes: list) -> list:
    """"Anemia (< 9 g/dL)", "Hypertriglyceridaemia (> 3 mmol/l)": a threshold in brackets after a
    condition that a value defines, read as that value's ("hemoglobin < 9 g/dL"); so is one right
    after it ("Bradycardia < 50 bpm", "Tachycardia above 100 bpm"), bracketed where it ends."""
    concepts = get_lexicon().concepts
    for index in range(len(lexemes) - 2):
        word = lexemes[index].g
        concept = concepts.get(word[6:]) if word.startswith("@cond:") else None
        if concept is None or not concept.measured_by:
            continue
        if lexemes[index + 1].g == "(" and lexemes[index + 2].g in COMPARATOR_OPENINGS:
            sign = lexemes[index + 2]
            name = Lexeme(f"@lab:{concept.measured_by}", sign.start, sign.start, concept.measured_by)
            return lexemes[:index + 2] + [name] + lexemes[index + 2:]
        if (lexemes[index + 1].g == "(" and index + 3 < len(lexemes) and _SYMBOL.fullmatch(lexemes[index + 2].g)
                and lexemes[index + 3].g in COMPARATOR_OPENINGS):
            # "Hyperkalemia (K >/= 5.0)": the value's symbol, which alone would be too short a name to trust
            named = replace(lexemes[index + 2], g=f"@lab:{concept.measured_by}", term=concept.measured_by)
            return lexemes[:index + 2] + [named] + lexemes[index + 3:]
        if _threshold_end(lexemes, index + 1) is not None:
            # the value named by its condition, so that what follows the threshold ("within the past 3
            # days") still reads with it
            named = replace(lexemes[index], g=f"@lab:{concept.measured_by}", term=concept.measured_by)
            return lexemes[:index] + [named] + lexemes[index + 1:]
    return lexemes


_THRESHOLD_WORDS = frozenset({"than", "or", "equal", "to", "least", "most", "more", "less", "greater", "lower", "higher", "above",
                              "below", "under", "over", "exceeding", "of", "a"})
_THRESHOLD_STOPS = frozenset({",", ";", ".", ":", "and", "or", "and/or", "(", ")", "[", "]", "at", "on", "in", "for", "by", "during",
                              "despite", "with", "without", "requiring", "that", "which", "who", "unless", "except", "if", "within",
                              "while", "when", "after", "before", "prior", "since", "due", "as"})
_COUNTED_WORDS = re.compile(r"(?:years?|yrs?|months?|mos?|weeks?|wks?|days?|hours?|hrs?|h|minutes?|grades?|episodes?|occasions?)$")


def _threshold_end(lexemes: list, start: int) -> int | None:
    """Where a threshold that starts at `start` ("< 50 bpm", "above 100 beats per minute") ends; None
    when no number follows its comparator, or the number counts time, grades or episodes."""
    if start + 1 < len(lexemes) and lexemes[start].g == "of":  # "Bradycardia of less than 50 beats per minute"
        start += 1
    if start >= len(lexemes) or lexemes[start].g not in COMPARATOR_OPENINGS or lexemes[start].g in ("no", "not"):
        return None
    index = start + 1
    while index < len(lexemes) and lexemes[index].g in _THRESHOLD_WORDS and not lexemes[index].g[0].isdigit():
        index += 1
    if index >= len(lexemes) or not NUMBER_START.match(lexemes[index].g) or index - start > 4:
        return None
    index += 1
    following = [lexeme.g for lexeme in lexemes[index:index + 2]]
    if following and (_COUNTED_WORDS.match(following[0])
                      # "> 2 times per week" counts; "> 1.5 x ULN", "< 100 x 10^9/L" measure
                      or following[0] in ("x", "times") and not (following[1:] and re.match(r"uln|upper|the|10\^|\d", following[1]))):
        return None
    while index < len(lexemes) and lexemes[index].g not in _THRESHOLD_STOPS:
        index += 1
    return index


_CLASS_WORDS = frozenset({"class", "classes", "classification", "grade", "score", "stage", "status", "of", "category"})


def score_classes_as_points(lexemes: list) -> list:
    """"Child-Pugh class B or C", "class B and C": lettered classes of a score, read as the points they stand for
    (">= 7"); classes that are not one run of points ("A or C") are left as written."""
    analytes = get_lexicon().analytes
    words = [lexeme.g for lexeme in lexemes]
    for index, word in enumerate(words):
        analyte = analytes.get(word[5:]) if word.startswith("@lab:") else None
        if analyte is None or not analyte.classes:
            continue
        points = {letter: (low, high) for letter, low, high in analyte.classes}
        first = index + 1
        while first < len(words) and words[first] in _CLASS_WORDS:
            first += 1
        letters, last = [], first
        while last < len(words) and words[last] in points:
            letters.append(words[last])
            if last + 2 < len(words) and words[last + 1] in (",", "or", "and", "and/or", "-", "to") and words[last + 2] in points:
                last += 2
            else:
                last += 1
        order = [letter for letter, _, _ in analyte.classes]
        spots = sorted(order.index(letter) for letter in set(letters))
        if not letters or spots != list(range(spots[0], spots[-1] + 1)) or len(spots) == len(order):
            continue
        low, high = points[order[spots[0]]][0], points[order[spots[-1]]][1]
        lowest, highest = analyte.classes[0][1], analyte.classes[-1][2]
        written = (f">= {low:g}" if high == highest else f"<= {high:g}" if low == lowest else f"{low:g} - {high:g}")
        while last < len(words) and words[last] in _CLASS_WORDS - {"of"}:  # "B or C classification"
            last += 1
        read = replace(lexemes[first], g=written, end=lexemes[last - 1].end)
        return lexemes[:index + 1] + [read] + lexemes[last:]
    return lexemes


_WEEK_WORDS = frozenset({"weeks", "week", "wks", "wk"})
_BOUND_WORDS = frozenset({"to", "-", "and", "between", "than", "less", "more", "greater", "fewer", "at", "least", "most", "or", "no", "not",
                          "equal", "under", "over", "above", "below", "up", "from", "of", "in", *_WEEK_WORDS, *SIGNS})


# names read after their amount: each word naming one, its analyte and the units the amount may take
_NAMED_AFTER_AMOUNT = {
    **dict.fromkeys(("gestation", "gestational", "@lab:gestational_age"), ("gestational_age", _WEEK_WORDS)),
    "@lab:life_expectancy": ("life_expectancy", DURATION_WORDS),
}


def named_after_amount(lexemes: list) -> list:
    """"< 37 weeks of gestation", "30 to 32 weeks' gestation", "Greater than 12 weeks life expectancy":
    a quantity named by the words after its amount, read as if named before it."""
    words = [lexeme.g for lexeme in lexemes]
    for index, word in enumerate(words):
        named = _NAMED_AFTER_AMOUNT.get(word)
        if named is None:
            continue
        analyte, units = named
        amount_unit = index - 1 - (index > 1 and words[index - 1] in ("of", "'", "’"))
        if amount_unit < 1 or words[amount_unit] not in units or not words[amount_unit - 1][:1].isdigit():
            continue
        start = amount_unit - 1
        while start > 0 and (words[start - 1][:1].isdigit() or words[start - 1] in _BOUND_WORDS):
            start -= 1
        while words[start] in ("of", "in"):  # "infants of 30 weeks' gestation": the number's own words only
            start += 1
        end = index + 1 + (word == "gestational" and index + 1 < len(words) and words[index + 1] == "age")
        name = replace(lexemes[index], g=f"@lab:{analyte}", term=analyte, start=lexemes[start].start, end=lexemes[start].start)
        # the unit stretches over the words read in front, so that spans still cover them
        unit_read = replace(lexemes[amount_unit], end=lexemes[end - 1].end)
        return lexemes[:start] + [name] + lexemes[start:amount_unit] + [unit_read] + lexemes[end:]
    return lexemes


# "better" and "worse" acuity, as the bounds on the decimal acuity they are (a larger decimal sees better)
_ACUITY_BOUNDS = {("better", "than"): ("greater", "than"), ("worse", "than"): ("less", "than"),
                  ("or", "better"): ("or", "greater"), ("or", "worse"): ("or", "less")}


def snellen_as_decimal(lexemes: list) -> list:
    """"Best corrected visual acuity of 20/200 or better": a Snellen fraction (20/x, or metric 6/x) as the
    decimal acuity it stands for (20/200 = 0.1), and "better" / "worse" as the bounds they are."""
    words = [lexeme.g for lexeme in lexemes]
    if "@lab:visual_acuity" not in words:
        return lexemes
    read = []
    index = 0
    while index < len(lexemes):
        word = words[index]
        denominator = words[index + 2] if index + 2 < len(words) and words[index + 1] == "/" else ""
        if word in ("20", "6") and denominator.isdigit() and int(word) <= int(denominator) * 4:
            first, last = lexemes[index], lexemes[index + 2]
            read.append(Lexeme(f"{int(word) / int(denominator):.12g}", first.start, last.end))  # exact at the boundary
            index += 3
            continue
        bound = _ACUITY_BOUNDS.get(tuple(words[index:index + 2]))
        if bound:
            first, last = lexemes[index], lexemes[index + 1]
            read += [Lexeme(bound[0], first.start, first.end), Lexeme(bound[1], last.start, last.end)]
            index += 2
            continue
        read.append(lexemes[index])
        index += 1
    for index in range(len(read) - 2):  # "20/40 to 20/320": the better acuity first, a range that runs down
        low, high = read[index].g, read[index + 2].g
        if (read[index + 1].g in ("to", "-", "and", "through") and _DECIMAL.fullmatch(low) and _DECIMAL.fullmatch(high)
                and float(low) > float(high)):
            read[index], read[index + 2] = replace(read[index], g=high), replace(read[index + 2], g=low)
    return read


_DECIMAL = re.compile(r"\d*\.?\d+")


_TEMPERATURE_SCALES = frozenset({"c", "f"})


def _same_temperature(first: str, scale: str, second: str) -> bool:
    """Whether `first` in `scale` and `second` in the other scale are one temperature (to 0.3 °C, as rounded)."""
    try:
        first_value, second_value = float(first), float(second)
    except ValueError:
        return False
    celsius, other = (first_value, second_value) if scale == "c" else (second_value, first_value)
    return abs((other - 32) * 5 / 9 - celsius) <= 0.3


def temperature_in_both_scales(lexemes: list) -> list:
    """"Oral temperature > 100.4F/38C": one temperature in the two scales, the second read as the
    restatement "(38 °C)" the grammar drops."""
    words = [lexeme.g for lexeme in lexemes]
    if "/" not in words or not _TEMPERATURE_SCALES.intersection(words):
        return lexemes
    for index, word in enumerate(words):
        if word != "/" or index < 2 or index + 2 >= len(words):
            continue
        before = index - 1 - (words[index - 2] == "°")
        after = index + 2 + (words[index + 2] == "°")
        if (words[index - 1] in _TEMPERATURE_SCALES and before >= 1 and _same_temperature(words[before - 1], words[index - 1], words[index + 1])
                and after < len(words) and words[after] in _TEMPERATURE_SCALES and words[after] != words[index - 1]):
            opened = replace(lexemes[index], g="(")
            closed = replace(lexemes[after], g=")", start=lexemes[after].end, end=lexemes[after].end)
            return temperature_in_both_scales(lexemes[:index] + [opened] + lexemes[index + 1:after + 1] + [closed] + lexemes[after + 1:])
    return lexemes
