"""Examples in brackets between a term and the period that bounds it, or the rest of its list.

"Use of anticoagulants (e.g., warfarin) within 7 days", "Treatment with thiazolidinediones (such as
pioglitazone) in the last 6 months": the grammar reads a bracket of examples only where the phrase
ends, and the period after it would be left unread; before more items ("Current use of anticoagulants
(e.g., warfarin) or antiplatelet agents") it parts them from what the opening says of all. The examples
are instances of the term before them, which the rule names already, so they are dropped and the period
or the list reads with the term. Not when the bracket holds a number or a sign ("(e.g., creatinine > 2
mg/dL)" is a case of its own), nor when an example is one the lexicons do not file under the term
("Arterial thrombosis (e.g., stroke) in the past year"): then the bracket moves to the end of the phrase,
where the builder keeps it beside the term for review.
"""

from __future__ import annotations

import re

from .lexicon import get_lexicon
from .normalise_measures import SIGNS

_OPENING = re.compile(r"(?:e\.?g|eg|such as|including|for example|for instance)(?: |$)")
# "(e.g., G-CSF) ≤ 2 weeks prior to ...": a sign opens the period too
_SIGNS = SIGNS - {"="}
_PERIOD_WORDS = frozenset({"within", "in", "during", "over", "for", "before", "prior", "preceding", "since"}) | _SIGNS
_TIME_UNIT = re.compile(r"(?:hours?|hrs?|days?|weeks?|wks?|months?|mos?|years?|yrs?)$")
_NUMBER_OR_SIGN = re.compile(r"\d|[<>=≤≥]")
_LIST_LINKS = frozenset({",", "or", "and", "and/or"})
_END_MARKS = frozenset({".", ";", ",", ":"})
_TAIL_STOPS = _LIST_LINKS | {";", ":", "(", ")", "except", "excluding", "unless", "other", "but", "if", "with", "without", "including"}


def examples_before_a_period(lexemes: list) -> list:
    words = [lexeme.g for lexeme in lexemes]
    for opening in range(1, len(words) - 3):
        if words[opening] not in ("(", ",") or not words[opening - 1].startswith("@"):
            continue
        closing = _closing(words, opening)
        if closing is None or closing + 1 >= len(words):
            continue
        inside = words[opening + 1:closing]
        if not _OPENING.match(" ".join(inside)) or any(_NUMBER_OR_SIGN.search(w) for w in inside):
            continue
        after = words[closing + 1:closing + 8]
        if words[opening] == "(" and _outside_the_term(words[opening - 1], inside):
            # "Arterial thrombosis (e.g., stroke or TIA) in the past year": the examples say more than the lexicons
            # know of the term, so they stay, moved to the end of the phrase where the grammar reads them
            rest = lexemes[closing + 1:]
            end = len(rest)
            while end and rest[end - 1].g in _END_MARKS:
                end -= 1
            if any(lexeme.g in _TAIL_STOPS for lexeme in rest[:end]):  # more than one phrase: where they belong is unsure
                continue
            return lexemes[:opening] + rest[:end] + lexemes[opening:closing + 1] + rest[end:]
        if after[0] in _LIST_LINKS and len(after) > 1 and after[1] not in _LIST_LINKS:
            # "Current use of anticoagulants (e.g., warfarin) or antiplatelet agents": the list goes on, and
            # the bracket would part it from what its opening says of every item
            return lexemes[:opening] + examples_before_a_period(lexemes[closing + 1:])
        if words[opening] == "(" and after[0] not in _LIST_LINKS | _END_MARKS | {"(", ")"}:
            # "Arterial thrombosis (e.g., stroke or TIA) in the past year", "Skin lesions (e.g., rash) in the back
            # region", "any sulfonylurea (e.g., glimepiride) medication": what follows the bracket says more of the
            # term, which the grammar reads only where the bracket ends the phrase
            return lexemes[:opening] + examples_before_a_period(lexemes[closing + 1:])
        timed = any(_TIME_UNIT.match(w) and i > 0 and after[i - 1][:1].isdigit() for i, w in enumerate(after))
        if after[0] not in _PERIOD_WORDS or not (after[0] in ("before", "prior") or timed):
            continue
        if after[0] in _SIGNS and not {"prior", "before"}.intersection(after):  # "< 7 days" alone may be how long
            continue
        return lexemes[:opening] + examples_before_a_period(lexemes[closing + 1:])
    return lexemes


def _outside_the_term(term: str, inside: list[str]) -> bool:
    """Whether an example names a known concept the lexicons do not file under the term before it."""
    concept = term.split(":", 1)[1] if ":" in term else ""
    return any(get_lexicon().outside(word.split(":", 1)[1], (concept,)) for word in inside if word.startswith("@") and ":" in word)


def _closing(words: list, opening: int) -> int | None:
    """Where examples opened at `opening` end: the bracket's close, or for examples set off by commas
    ("Use of corticosteroids, including dexamethasone, within 28 days") the comma before the period."""
    if words[opening] == "(":
        closing = next((k for k in range(opening + 1, min(opening + 30, len(words))) if words[k] in ("(", ")")), None)
        return closing if closing is not None and words[closing] == ")" else None
    if not _OPENING.match(" ".join(words[opening + 1:opening + 4])):
        return None
    for k in range(opening + 2, min(opening + 30, len(words) - 1)):
        if words[k] in ("(", ")", ";", ":") or words[k] == "." and words[k - 1] not in ("e.g", "eg"):
            return None
        if words[k] == "," and words[k + 1] in _PERIOD_WORDS:
            return k
    return None
