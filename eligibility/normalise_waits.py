"""A longer wait for some exposures, said inside the list of what the wait is since.

"At least 4 weeks since prior chemotherapy (6 weeks for nitrosoureas or mitomycin C), radiotherapy,
or surgery": the bracket belongs to the item before it, but the grammar reads such a bracket only
where the list ends, and inside it parts the list. The drugs it names are instances of that item, so
the bracket is moved to the end of the list, where it reads as the longer wait it is.
"""

from __future__ import annotations

import re

_LINKS = frozenset({",", "or", "and", "and/or"})
_OPENING = re.compile(r"(?:>=? |≥ |at least )?\d+(?:\.\d+)? (?:hours?|days?|weeks?|months?|years?) (?:for|if|in) ")
_SINCE_WORDS = 8
_CLAUSE_ENDS = frozenset({";", ".", "(", ")", ":"})
_NUMBER = re.compile(r"\d")
_CLAUSE_WORDS = frozenset({"is", "are", "was", "were", "be", "been", "has", "have", "had", "must", "should", "will", "there", "who", "which",
                           "that", "patients", "patient", "subjects", "participants", "demonstrated", "evidence"})


def wait_after_its_list(lexemes: list) -> list:
    words = [lexeme.g for lexeme in lexemes]
    for opening in range(1, len(words) - 4):
        if words[opening] != "(" or not words[opening - 1].startswith("@"):
            continue
        if "since" not in words[max(0, opening - _SINCE_WORDS):opening]:
            continue
        closing = next((k for k in range(opening + 1, min(opening + 30, len(words))) if words[k] in ("(", ")")), None)
        if closing is None or words[closing] != ")" or not _OPENING.match(" ".join(words[opening + 1:closing]) + " "):
            continue
        # the rest of the list: up to the end of the clause, or a recovery said after it
        run = closing + 1
        while run < len(words) and words[run] not in _CLAUSE_ENDS and not (
                words[run] in ("and", "with") and words[run + 1:run + 2] and words[run + 1].startswith("recover")):
            run += 1
        listed = words[closing + 1:run]
        if (not listed or listed[0] not in _LINKS or len(listed) < 2 or any(_NUMBER.match(w) for w in listed)
                or _CLAUSE_WORDS.intersection(listed)):  # "... and there is continued evidence of progression"
            return lexemes
        return lexemes[:opening] + lexemes[closing + 1:run] + lexemes[opening:closing + 1] + lexemes[run:]
    return lexemes
