"""Whole-criterion statements of a yes/no fact about the patient that no measurement settles:
"Signed written informed consent", "Willing and able to comply with study procedures", "Women of
childbearing potential must use effective contraception".

Read by vocabulary, not by the grammar: such a criterion is recognised only when every word of it
belongs to the statement's small vocabulary, so a criterion that also asks for anything else
("... and ECOG 0-1") is never mistaken for one. The patient's record answers it with a flag
(`informed_consent`, `willing_to_comply`, `able_to_swallow`, `uses_contraception`); without one the answer is unknown.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import Lexeme, get_lexicon
from .nodes import AllOf, AnyOf, Flag, Node, Not, Sex

_PUNCTUATION = frozenset(",;:.()[]-/'\"")
_NUMBER = re.compile(r"\d+(?:\.\d+)?$")


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[frozenset[str], frozenset[str], dict[str, frozenset[str]]]:
    statements = get_lexicon().phrases["administrative_statements"]
    triggers = {flag: frozenset(words) for flag, words in statements["triggers"].items()}
    words = frozenset(statements["words"]) | frozenset(statements["negations"]) | frozenset().union(*triggers.values())
    return words, frozenset(statements["negations"]), triggers


def statement(lexemes: list[Lexeme], span: tuple[int, int]) -> Node | None:
    """The flag rule of a consent, compliance or contraception statement, else None."""
    return administrative_statement(lexemes, span) or contraception_statement(lexemes, span)


def _words(lexemes: list[Lexeme]) -> list[str]:
    return [lexeme.g for lexeme in lexemes if lexeme.g not in _PUNCTUATION]


def _bracketed(lexemes: list[Lexeme]) -> set[str]:
    """The words inside brackets: "Adequate contraception (no hormonal methods)" denies a kind, not the statement."""
    depth, inside = 0, set()
    for lexeme in lexemes:
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(lexeme.g, 0)
        if depth > 0:
            inside.add(lexeme.g)
    return inside


def administrative_statement(lexemes: list[Lexeme], span: tuple[int, int]) -> Node | None:
    """The flag rule a criterion made only of a statement's words stands for, else None."""
    words, negations, triggers = _vocabulary()
    norms = _words(lexemes)
    if not norms or any(norm not in words for norm in norms):
        return None
    flags = [Flag(flag, span=span) for flag, trigger in triggers.items() if trigger.intersection(norms)]
    if not flags or negations.intersection(_bracketed(lexemes)):
        return None
    rule = flags[0] if len(flags) == 1 else AllOf(tuple(flags), span=span)
    # "Unable or unwilling to provide informed consent or to comply": not able to do all of it
    return Not(rule, span=span) if negations.intersection(norms) else rule


@lru_cache(maxsize=1)
def _contraception_vocabulary() -> dict:
    phrases = get_lexicon().phrases["contraception_statement"]
    return {key: frozenset(value) for key, value in phrases.items() if not key.startswith("_")}


def contraception_statement(lexemes: list[Lexeme], span: tuple[int, int]) -> Node | None:
    """"Women of childbearing potential must agree to use adequate contraception during the study":
    the flag `uses_contraception`, required of those the sentence names (women of childbearing
    potential, or men) and of everyone when it names both or neither; None unless every word of the
    criterion is the statement's (a pregnancy test, a definition of menopause, a condition with "if"
    are not)."""
    vocabulary = _contraception_vocabulary()
    norms = _words(lexemes)
    triggers = vocabulary["triggers"].intersection(norms)
    if not triggers or (triggers == {"birth"} and "control" not in norms):  # "from birth to 21 years" is an age
        return None
    if any(norm not in vocabulary["words"] and not _NUMBER.match(norm) for norm in norms):
        return None
    if vocabulary["negations"].intersection(_bracketed(lexemes)):
        return None
    flag: Node = Flag("uses_contraception", span=span)
    women, men = vocabulary["women"].intersection(norms), vocabulary["men"].intersection(norms)
    condition: Node | None = None
    if women and not men:
        condition = (Flag("childbearing_potential", span=span) if vocabulary["childbearing"].intersection(norms)
                     else Sex(("female",), span=span))
    elif men and not women:
        condition = Sex(("male",), span=span)
    if vocabulary["negations"].intersection(norms):  # "WOCBP unwilling to use contraception": those who will not
        refusal = Not(flag, span=span)
        return AllOf((condition, refusal), span=span) if condition else refusal
    return AnyOf((Not(condition, span=span), flag), span=span) if condition else flag
