"""Urine protein by dipstick, graded 0 to 4+.

"Proteinuria ≥ 2+", "Urine dipstick for proteinuria < 2+", "urinary protein ≤ 1+ on dipstick": a grade
of the test strip, not an amount. The words that name the protein before the bound become one analyte,
"@lab:urine_protein_dipstick", the "+" of each grade goes, and "on dipstick" after it says nothing more.
An amount ("protein ≤ 1 g by 24-hour urine") keeps its own reading.
"""

from __future__ import annotations

from dataclasses import replace

from .normalise_measures import SIGNS

_NAME = "@lab:urine_protein_dipstick"
_PROTEIN = frozenset({"@cond:proteinuria", "@lab:urine_protein", "protein", "proteinuria", "dipstick"})
_NAME_WORDS = _PROTEIN | frozenset({"urine", "urinary", "urinalysis", "for", "test", "strip", "by", "on", "of", "level"})
_AFTER = (("on", "urine", "dipstick"), ("on", "dipstick"), ("by", "dipstick"), ("by", "urine", "dipstick"), ("on", "urinalysis"))
_GRADES = frozenset({"0", "1", "2", "3", "4"})
_BOUND_WORDS = frozenset({"less", "greater", "more", "than", "or", "equal", "to", "at", "least", "most", "no", "not", "is", "be",
                          "must", "should", "of", "a"})


def dipstick_grades(lexemes: list) -> list:
    words = [lexeme.g for lexeme in lexemes]
    for grade in range(1, len(words) - 1):
        if words[grade] not in _GRADES or words[grade + 1] != "+":
            continue
        bound = grade
        while bound > 0 and (words[bound - 1] in SIGNS or words[bound - 1] in _BOUND_WORDS):
            bound -= 1
        if bound == grade:
            continue
        start = bound
        while start > 0 and words[start - 1] in _NAME_WORDS:
            start -= 1
        named = start == bound and bound > 0 and words[bound - 1] == _NAME
        if not named and not _PROTEIN.intersection(words[start:bound]):
            continue
        while start < bound and words[start] in ("for", "by", "on", "of"):
            start += 1
        name = [] if named else [replace(lexemes[start], g=_NAME, term="urine_protein_dipstick", end=lexemes[bound - 1].end)]
        after_grade = grade + 2
        after = next((a for a in _AFTER if tuple(words[after_grade:after_grade + len(a)]) == a), ())
        value = replace(lexemes[grade], end=lexemes[after_grade + len(after) - 1].end)
        rest = lexemes[after_grade + len(after):]
        return lexemes[:start] + name + lexemes[bound:grade] + [value] + dipstick_grades(rest)
    return lexemes
