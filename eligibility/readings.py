"""Thresholds read inside a criterion the grammar could not read whole.

"Hemochromatosis, iron overload, defined as TSAT > 45%" does not parse as one sentence, yet its
threshold does: the text is cut at its sentences, semicolons, commas, brackets and connectives,
coarsest first, and each piece holding a number is compiled alone (failing that, after each of
its first words). The pieces that yield a comparison are listed by `thresholds()` as read in
review, on demand, never evaluated: a piece read apart from its sentence may be a condition, an
exception or an example of it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Callable

from .lexicon import get_lexicon
from .nodes import Between, Compare, Node, OneOf, Review

# coarsest cut first; a piece not understood is cut again at the next level
_CUTS = [re.compile(pattern, re.I) for pattern in (
    r"(?<=[a-z0-9%)\]])\.\s+(?=[A-Z(])",
    r"\s*;\s*",
    r",\s+",
    r"\s*[()\[\]]\s*",
    r"\s+(?:and/or|and|or|with|despite|but|unless|except|if|when|while|in patients|for patients|as (?:determined|defined|measured) by)\s+",
    # a relative clause or participle after what it qualifies: "adults between the ages of 18-60 who are fluent in English"
    r"\s+(?:who|which|whose|that|having|requiring|weighing|admitted|attending|undergoing|receiving|scheduled|willing|able)\s+",
)]
# words that open a piece without belonging to what it measures: "defined as TSAT > 45%"
_OPENING = re.compile(r"(?:(?:defined|characterized|documented|confirmed|evidenced)\s+(?:as|by)|i\.?\s?e\.?|e\.?\s?g\.?|such\s+as"
                      r"|including|especially|namely|both|either|only|or|and|with)\s*[:,]?\s+", re.I)
# a piece worth compiling: a number compared, or a range or list of them ("18-40 years", "ECOG 0, 1 or 2")
COMPARED_NUMBER = re.compile(
    r"(?:[<>≤≥＜＞]|=>|=<|\b(?:least|most|greater|less|more|fewer|exceed\w*|above|below|up to|over|under|between|minimum|maximum"
    r"|higher|lower|older|younger|within|normal|ULN|LLN)\b).{0,40}?\d|\d\s*(?:[-–]|to|or|and)\s*\d|\d\s*(?:[x×*]|times)\s", re.I)
_MOST_PIECES = 16  # a paragraph is cut no further than this many pieces
_MOST_LEADING_WORDS = 4
_AGE_NAMED = re.compile(r"\b(?:ages?|aged|years?\s+old|yrs?\s+old|years?\s+of\s+age|older|younger)\b", re.I)
_WORD = re.compile(r"\S+")
_AGE_PHRASE = re.compile(
    r"\b(?:(?:aged?|ages)\s+(?:of\s+)?(?:between\s+)?)?(?:(?:[<>≤≥]=?|=>|=<)\s*|(?:(?:greater|more|older|less|younger)\s+(?:than\s+)?(?:or\s+equal\s+to\s+)?)"
    r"|(?:at\s+least|over|under|above|below)\s+)?\d+(?:\.\d+)?(?:\s*(?:-|–|to|and)\s*\d+)?\s*(?:years?|yrs?)(?:\s+(?:of\s+age|old))?"
    r"(?:\s+(?:or|and)\s+(?:older|over|above|more|greater))?", re.I)
_PERSONS = (r"(?:patients?|subjects?|participants?|adults?|children|child|men|women|males?|females?|persons?|people|individuals?"
            r"|volunteers?|boys?|girls?|infants?|adolescents?|neonates?|newborns?)")
# whose age a piece's bare years are: the persons it opens with, or those just before it
_PERSONS_FIRST = re.compile(rf"{_PERSONS}\b", re.I)
_PERSONS_BEFORE = re.compile(rf"\b(?:{_PERSONS}|recipients?|donors?)\W*$", re.I)

CompilePart = Callable[[str, str], "tuple[Node, tuple[str, ...]]"]


def readings_in(text: str, kind: str, compile_part: CompilePart) -> list[tuple[int, Node]]:
    """The rules of the pieces of `text` that compile to a comparison, each with where its piece
    starts in `text` (the rule's spans are the piece's own)."""
    found: list[tuple[int, Node]] = []
    reader = _Reader(kind, compile_part, found)
    if not reader.read_pieces(text, 0, 0):
        reader.read_after_leading_words(text.rstrip(" .,;:"), 0)
    if not any(getattr(node, "variable", "") == "age" for _, rule in found for node in rule.walk()):
        # "Adults residing in the United States aged 18 years or older proficient in English": an age
        # named in words no cut sets apart
        for said in _ages_named(text):
            before = text[max(0, said.start() - 60):said.start()]
            if _ANOTHER_PERSON.search(before) or _a_things_age(before, said.group(0)):
                continue
            if reader.read(said.group(0), said.start(), False):
                break
    return found


# "a deceased donor aged 70 years or older", "whose parents are aged 18": someone else's age
_ANOTHER_PERSON = re.compile(r"\b(?:donors?|parents?|mothers?|fathers?|partners?|spouses?|relatives?|siblings?|sisters?|brothers?|husbands?"
                            r"|wi(?:fe|ves)|caregivers?|guardians?|offspring|fetus|foetus)\b", re.I)


def _a_things_age(before: str, said: str) -> bool:
    """"Ulcers older than 1 year", "a biopsy older than 6 months": how old a thing is, not the patient."""
    words = before.lower().split()
    return bool(words) and re.match(r"(?:older|younger)\b", said, re.I) is not None and words[-1].strip(",;:()") in _ageless_things()


@lru_cache(maxsize=1)
def _ageless_things() -> frozenset[str]:
    return frozenset(get_lexicon().phrases["ageless_things"])


def says_an_age(text: str) -> bool:
    """Whether the text names an age in numbers ("aged 18 years or older")."""
    return next(_ages_named(text), None) is not None


def _ages_named(text: str):
    """The phrases of the text that give an age in numbers and name it as an age."""
    return (said for said in _AGE_PHRASE.finditer(text) if _AGE_NAMED.search(said.group(0)))


class _Reader:
    def __init__(self, kind: str, compile_part: CompilePart, found: list[tuple[int, Node]]):
        self.kind, self.compile_part, self.found, self.tried = kind, compile_part, found, 0

    def read_pieces(self, text: str, offset: int, level: int) -> bool:
        """Read the pieces of one cut of `text`; False when no level cuts it."""
        pieces, level = _cut(text, level)
        for start, piece in pieces:
            if not COMPARED_NUMBER.search(piece) or self.tried >= _MOST_PIECES:
                continue
            opening = _OPENING.match(piece)
            lead = opening.end() if opening else 0
            body = piece[lead:].rstrip(" .,;:")
            # "recent (less than 3 years)": bare years in a piece after anything but the persons are no age
            ageless = bool(text[:start].strip()) and not _PERSONS_BEFORE.search(text[:start]) and not _PERSONS_FIRST.match(body)
            if self.read(body, offset + start + lead, ageless) is None and not self.read_pieces(piece, offset + start, level + 1):
                self.read_after_leading_words(body, offset + start + lead)
        return bool(pieces)

    def read(self, body: str, offset: int, words_dropped: bool) -> bool | None:
        """True when `body` compiles to a comparison, False when to something else, None when to nothing."""
        self.tried += 1
        rule, _ = self.compile_part(body, self.kind)
        compared = [node for node in rule.walk() if isinstance(node, (Compare, Between, OneOf))]
        if any(node.variable == "age" and not _patients_age(node, body, words_dropped) for node in compared):
            return False
        if compared:
            self.found.append((offset, rule))
            return True
        return None if all(isinstance(node, Review) for node in rule.walk() if not node.children()) else False

    def read_after_leading_words(self, body: str, offset: int) -> None:
        """"basal heart rate <60/min": the words before the analyte's name, one at a time."""
        for word in list(_WORD.finditer(body))[1:_MOST_LEADING_WORDS + 1]:
            rest = body[word.start():]
            if not COMPARED_NUMBER.search(rest) or self.tried >= _MOST_PIECES:
                return
            if _a_things_age(body[:word.start()], rest):
                return
            if self.read(rest, offset + word.start(), True) is not None:
                return


def _cut(text: str, level: int) -> tuple[list[tuple[int, str]], int]:
    """The pieces of `text` at the first level from `level` that cuts it, with their offsets."""
    for index in range(level, len(_CUTS)):
        pieces, start = [], 0
        for match in _CUTS[index].finditer(text):
            pieces.append((start, text[start:match.start()]))
            start = match.end()
        if not pieces:
            continue
        pieces.append((start, text[start:]))
        return [(s, p) for s, p in pieces if p.strip()], index + 1
    return [], len(_CUTS)


def _patients_age(node: Node, body: str, words_dropped: bool) -> bool:
    """"Ulcer more than 4 weeks old", "Gestational age < 37 weeks": read apart from the words before
    it, an age may be something else's; in years, and named as one, it is the patient's."""
    in_years = all(amount is None or amount.unit == "year" for amount in (getattr(node, "threshold", None), getattr(node, "low", None),
                                                                           getattr(node, "high", None)))
    named = _AGE_NAMED.search(body) is not None
    return in_years and named if words_dropped else in_years or named
