"""Whole-criterion statements of a yes/no fact about the patient that no measurement settles:
"Signed written informed consent", "Willing and able to comply with study procedures".

Read by vocabulary, not by the grammar: such a criterion is recognised only when every word of it
belongs to the statement's small vocabulary, so a criterion that also asks for anything else
("... and ECOG 0-1") is never mistaken for one. The patient's record answers it with a flag
(`informed_consent`, `willing_to_comply`); without one the answer is unknown.
"""

from __future__ import annotations

from functools import lru_cache

from .lexicon import Lexeme, get_lexicon
from .nodes import AllOf, Flag, Node, Not

_PUNCTUATION = frozenset(",;:.()[]-/'\"")


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[frozenset[str], frozenset[str], dict[str, frozenset[str]]]:
    statements = get_lexicon().phrases["administrative_statements"]
    triggers = {flag: frozenset(words) for flag, words in statements["triggers"].items()}
    words = frozenset(statements["words"]) | frozenset(statements["negations"]) | frozenset().union(*triggers.values())
    return words, frozenset(statements["negations"]), triggers


def administrative_statement(lexemes: list[Lexeme], span: tuple[int, int]) -> Node | None:
    """The flag rule a criterion made only of a statement's words stands for, else None."""
    words, negations, triggers = _vocabulary()
    norms = [lexeme.g for lexeme in lexemes if lexeme.g not in _PUNCTUATION]
    if not norms or any(norm not in words for norm in norms):
        return None
    flags = [Flag(flag, span=span) for flag, trigger in triggers.items() if trigger.intersection(norms)]
    if not flags:
        return None
    rule = flags[0] if len(flags) == 1 else AllOf(tuple(flags), span=span)
    # "Unable or unwilling to provide informed consent or to comply": not able to do all of it
    return Not(rule, span=span) if negations.intersection(norms) else rule
