"""Lexeme passes over drug doses: an amount a day said in words, and a dose counted in another
drug's units ("> 10 mg/day prednisone or equivalent"), each rewritten into the one form the grammar
reads as a drug's dose: "@drug:prednisone > 10 mg / day"."""

from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import Lexeme, get_lexicon
from .normalise_measures import NUMBER_START

_DOSE_MASSES = frozenset({"mg", "milligram", "milligrams", "g", "gram", "grams", "µg", "mcg", "microgram", "micrograms", "units", "iu"})


def amount_a_day(lexemes: list) -> list:
    """"Aspirin > 100 mg daily", "10 mg a day": an amount a day, read as the unit "mg / day" it is."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(1, len(words) - 1):
        after = words[index + 1:index + 3]
        said = 1 if after[:1] == ["daily"] else 2 if after in (["a", "day"], ["each", "day"], ["every", "day"]) else 0
        if said and words[index] in _DOSE_MASSES and NUMBER_START.match(words[index - 1]):
            first, last = lexemes[index + 1], lexemes[index + said]
            per_day = [Lexeme("/", first.start, first.start), Lexeme("day", first.start, last.end)]
            return lexemes[:index + 1] + per_day + amount_a_day(lexemes[index + 1 + said:])
    return lexemes


# the words a dose "in prednisone equivalents" is written with, besides its bound, number and unit
_EQUIVALENT_FILLERS = frozenset("of the equivalent equivalents or its an a dose doses dosage dosing daily to in at on basis oral orally "
                                "other alternative another ( ) per / day d mg milligram milligrams".split())
_EQUIVALENT_WORDS = frozenset({"equivalent", "equivalents"})
_COMPARATOR_WORDS = frozenset("< <= > >= greater more less higher lower than exceeding exceed excess not no does up at least most "
                              "above below over under equal".split())
# the bound, said before the number, as the sign the grammar reads
_BOUND_BEFORE = [(re.compile(pattern), sign) for pattern, sign in (
    (r"(?:>=|(?:equal|equivalent) to or (?:greater|more|higher) than|greater than or equal to|equal to or greater than|more than or equal to|at least)$", ">="),
    (r"(?:<=|(?:equal|equivalent) to or (?:less|lower) than|less than or equal to|equal to or less than|up to|at most|no more than|not more than|no greater than|not greater than"
     r"|not exceeding|not to exceed|(?:does )?not exceed)$", "<="),
    (r"(?:>|greater than|more than|higher than|exceeding|in excess|above|over)$", ">"),
    (r"(?:<|less than|lower than|below|under)$", "<"),
)]
_FILLERS_BEFORE_A_NUMBER = frozenset("the equivalent equivalents of dose doses dosage dosing daily a an at its oral in".split())
_BOUND_AFTER = {"or more": ">=", "or greater": ">=", "or higher": ">=", "or above": ">=", "or less": "<=", "or lower": "<=", "or below": "<="}


@lru_cache(maxsize=1)
def _equivalent_terms() -> tuple[frozenset[str], frozenset[str]]:
    """The drugs a dose may be counted in, and the classes they range over, as the lexemes that name them."""
    lexicon = get_lexicon()
    references = frozenset(f"@drug:{drug}" for drug in lexicon.equipotent_mg)
    classes = frozenset(f"@drug:{ancestor}" for drug_class in lexicon.equivalent_class.values() for ancestor in lexicon.ancestors(drug_class))
    return references, classes


def dose_in_equivalents(lexemes: list) -> list:
    """"Corticosteroids (> 10 mg/day prednisone or equivalent)", "greater than the equivalent of 10 mg per day
    of prednisone", "prednisone equivalent ≤ 10 mg/day": a daily dose counted in a reference drug's units,
    rewritten "@drug:prednisone_equivalent > 10 mg / day", the class it names (a corticosteroid) taken in.
    Only where the words around say nothing else: one bound, one number, milligrams a day."""
    references, classes = _equivalent_terms()
    words = [lexeme.g for lexeme in lexemes]
    allowed = _EQUIVALENT_FILLERS | _COMPARATOR_WORDS | references | classes
    for anchor, word in enumerate(words):
        if word not in references:
            continue
        first = last = anchor
        while first > 0 and (words[first - 1] in allowed or NUMBER_START.match(words[first - 1])):
            first -= 1
        while last + 1 < len(words) and (words[last + 1] in allowed or NUMBER_START.match(words[last + 1])):
            last += 1
        span = _balanced(words, first, last)
        if span is None:
            continue
        first, last = span
        bound = _bound_of(words[first:last + 1], references, classes, word)
        if bound is None:
            continue
        sign, number = bound
        start, end = lexemes[first].start, lexemes[last].end
        drug = word.split(":", 1)[1]
        dose = [Lexeme(f"@drug:{drug}_equivalent", start, end), Lexeme(sign, start, end), Lexeme(number, start, end),
                Lexeme("mg", start, end), Lexeme("/", start, end), Lexeme("day", start, end)]
        return lexemes[:first] + dose + dose_in_equivalents(lexemes[last + 1:])
    return lexemes


def _balanced(words: list[str], first: int, last: int) -> tuple[int, int] | None:
    """The span without the connectives at its ends and the brackets it opens or closes unmatched."""
    while True:
        if first <= last and words[last] in ("or", "of", "to", "in", "at", "the", "a", "an", "(", "/", "per", "dose", "doses"):
            last -= 1
        elif first <= last and words[first] in ("or", ")", "/", "of", "at", "in", "on", "to", "the", "a", "an"):
            first += 1
        elif first <= last and words[first] == "(" and _closing(words, first, last) is None:
            first += 1
        elif first <= last and words[last] == ")" and _opening(words, first, last) is None:
            last -= 1
        else:
            break
    inside = words[first:last + 1]
    depth = 0
    for word in inside:
        depth += word == "("
        depth -= word == ")"
        if depth < 0:
            return None
    return (first, last) if depth == 0 and inside else None


def _closing(words: list[str], opening: int, last: int) -> int | None:
    depth = 0
    for index in range(opening, last + 1):
        depth += words[index] == "("
        depth -= words[index] == ")"
        if depth == 0:
            return index
    return None


def _opening(words: list[str], first: int, closing: int) -> int | None:
    depth = 0
    for index in range(closing, first - 1, -1):
        depth += words[index] == ")"
        depth -= words[index] == "("
        if depth == 0:
            return index
    return None


def _bound_of(span: list[str], references: frozenset[str], classes: frozenset[str], reference: str) -> tuple[str, str] | None:
    """The sign and the number of a dose in equivalents, when the span says exactly one of each, in
    milligrams a day, with "equivalent" and no other drug."""
    numbers = [i for i, w in enumerate(span) if NUMBER_START.match(w)]
    if (len(numbers) != 1 or not _EQUIVALENT_WORDS & set(span) or any(w in references and w != reference for w in span)
            or numbers[0] + 1 >= len(span) or span[numbers[0] + 1] not in ("mg", "milligram", "milligrams")):
        return None
    number = numbers[0]
    after = span[number + 2:]
    if not ({"day", "d", "daily"} & set(span)) or {"day", "d"} & set(span) and not ({"/", "per", "daily"} & set(span)):
        return None
    before = " ".join(w for w in span[:number] if w not in references and w not in classes)
    sign = next((sign for pattern, sign in _BOUND_BEFORE for found in [_last_bound(pattern, before)] if found), None)
    if sign is None:
        said_after = " ".join(after)
        sign = next((sign for phrase, sign in _BOUND_AFTER.items() if re.search(rf"(?:^| ){phrase}(?: |$)", said_after)), None)
    if sign is None or sum(w in ("<", "<=", ">", ">=") for w in span) > 1:
        return None
    return sign, span[number]


def _last_bound(pattern: re.Pattern, before: str) -> bool:
    """Whether the words before the number end in the bound, fillers aside: "greater than the equivalent of"."""
    words = before.split()
    while words and words[-1] in _FILLERS_BEFORE_A_NUMBER:
        words.pop()
    return bool(pattern.search(" ".join(words)))
