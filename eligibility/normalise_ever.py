"""A time said last that means "ever": "Hemorrhagic stroke at any time in the past", "Received gemcitabine in
the past", "Myocardial infarction previously". The grammar reads a finding's time before it ("History of",
"Prior"); said after it, the words were left over and the line went to review, or were read as part of the
finding's name. They become the history said first, or, where the line already says its time first ("Patients
who have received ..."), they are dropped."""

from __future__ import annotations

from .lexicon import Lexeme, get_lexicon

_EVER_TAILS = (
    ("at", "any", "time", "in", "the", "past"), ("any", "time", "in", "the", "past"), ("at", "any", "point", "in", "the", "past"),
    ("at", "any", "time"), ("in", "the", "past"), ("previously",), ("ever",),
)
# "as described previously": not the finding's time
_NOT_A_TIME_BEFORE = frozenset({"described", "noted", "mentioned", "defined", "specified", "stated", "listed", "as", "occasion"})
_CLOSING_MARKS = frozenset({".", ";", ","})


def ever_said_last(lexemes: list) -> list:
    words = [lexeme.g for lexeme in lexemes]
    end = len(words)
    while end and words[end - 1] in _CLOSING_MARKS:
        end -= 1
    tail = next((t for t in _EVER_TAILS if end > len(t) and tuple(words[end - len(t):end]) == t), None)
    if tail is None or words[end - len(tail) - 1] in _NOT_A_TIME_BEFORE:
        return lexemes
    said = lexemes[end - len(tail)]
    body = lexemes[:end - len(tail)]
    while body and body[-1].g in _CLOSING_MARKS:
        body = body[:-1]
    if _time_said_first(words):
        return body
    if not words[0].startswith(("@cond:", "@proc:", "@drug:")):
        return lexemes  # "Patients with X in the past": whose words a history said first would not read
    return [Lexeme("history", said.start, said.end), Lexeme("of", said.start, said.end), *body]


def _time_said_first(words: list[str]) -> bool:
    """Whether the line opens with a finding's time ("History of", "Prior", "Have received"), perhaps after
    the persons it speaks of or a denial."""
    phrases = get_lexicon().phrases
    opening = " ".join(words[:8])
    statuses = [p for key in ("history", "previous") for p in phrases[key]]
    starts = [opening]
    for lead in ("no ", "patients who have ", "patients who ", "subjects who have ", "participants who have ", "the participant has ",
                 "the patient has ", "the subject has ", "patient has ", "subject has ", "patients ", "subjects "):
        if opening.startswith(lead):
            starts.append(opening[len(lead):])
    return any(start == p or start.startswith(p + " ") for start in starts for p in statuses)
