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
        run = closing + 1
        while run < len(words) and (words[run] in _LINKS or words[run].startswith("@")):
            run += 1
        while run > closing + 1 and not words[run - 1].startswith("@"):
            run -= 1
        listed = words[closing + 1:run]
        if not listed or listed[0] not in _LINKS or not any(w.startswith("@") for w in listed):
            return lexemes
        return lexemes[:opening] + lexemes[closing + 1:run] + lexemes[opening:closing + 1] + lexemes[run:]
    return lexemes
