"""How many cigarettes a patient smokes, said by the smoking and the count.

"Smoking more than 10 cigarettes per day", "Patients who smoke over 5 cigarettes or equivalent tobacco per
day", "Current smoker of > 10 cigarettes/day": the words that name the smoking, with a count of cigarettes
in a period after them, are the analyte `cigarettes_per_day`, as if written "cigarettes per day > 10
cigarettes/day"; "or equivalent" after the count says the same of other tobacco, and is dropped. Without a
count ("Current smoker") the words stay the flag they are.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .lexicon import Lexeme
from .normalise_measures import BOUND_OPENING, words_matched

_NAME = "@lab:cigarettes_per_day"
_SIGN = rf"(?:{BOUND_OPENING}|fewer than|no more than)"
_PERIOD = r"(?:per|/|a|each) (?:day|week)|daily|weekly"
_SMOKING = re.compile(
    rf"(?:(?:current|active|regular|daily|habitual|habitually) )?(?:smok(?:ing|es|e)(?: of)?|smokers? of|consum(?:ing|es|ption of)|uses?|use of"
    rf"|(?:nicotine|tobacco|cigarette) (?:consumption|use))(?: on average)?"
    rf"(?= (?:{_SIGN} )?\d+(?:\.\d+)? cigarettes? (?:or equivalent(?: tobacco)? )?(?:{_PERIOD})(?: |$))")
_EQUIVALENT = (("or", "equivalent", "tobacco"), ("or", "equivalent"))
_EVERY = {"daily": "day", "weekly": "week"}


def cigarettes_named(lexemes: list) -> list:
    words = [lexeme.g for lexeme in lexemes]
    if "cigarettes" not in words and "cigarette" not in words:
        return lexemes
    matched = words_matched(lexemes, _SMOKING)
    if matched is None:
        return lexemes
    _, first, last = matched
    name = Lexeme(_NAME, lexemes[first].start, lexemes[last - 1].end, "cigarettes_per_day")
    rest = list(lexemes[last:])
    rest_words = [lexeme.g for lexeme in rest]
    unit = next(k for k, w in enumerate(rest_words) if w in ("cigarettes", "cigarette"))
    for said in _EQUIVALENT:  # "10 cigarettes or equivalent per day": other tobacco counted alike
        if tuple(rest_words[unit + 1:unit + 1 + len(said)]) == said:
            rest = rest[:unit + 1] + rest[unit + 1 + len(said):]
            break
    after = rest[unit + 1] if unit + 1 < len(rest) else None
    if after is not None and after.g in ("a", "each"):  # "10 cigarettes a day": per day
        rest = rest[:unit + 1] + [replace(after, g="per")] + rest[unit + 2:]
    elif after is not None and after.g in _EVERY:  # "10 cigarettes daily"
        rest = rest[:unit + 1] + [replace(after, g="per", end=after.start), replace(after, g=_EVERY[after.g])] + rest[unit + 2:]
    return lexemes[:first] + [name] + rest
