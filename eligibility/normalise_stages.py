"""A cancer's stage group, said before or after its name, as a qualifier of the cancer.

"Stage IIIB/IV NSCLC", "stage III or IV melanoma", "Stage III-IV melanoma", "Metastatic (stage IV) NSCLC",
"NSCLC stage IIIB or IV", "stage 4 breast cancer": the lexemes become "stage_iiib/iv @cond:nsclc", which the
grammar reads as the cancer at any of those stages (a record's name says which it is; the mark keeps any
other "stage iii" from being read so); a range is the stages it spans. Not "early stage" or "end stage" (no group), a stage of anything but a cancer ("stage 3
CKD"), nor "other than stage IV".
"""

from __future__ import annotations

import re

from .lexicon import Lexeme, get_lexicon
from .nodes import ROMAN

_MARKERS = frozenset({"stage", "stages"})
_JOINERS = frozenset({",", "or", "and", "and/or", "/"})
_RANGE = frozenset({"-", "to", "through"})
_GROUP = re.compile(r"(i{1,3}|iv|[0-4])([a-c])?")
# the stage groups in order, and the numeral each digit stands for
_ORDER = ["0", *(ROMAN[value].lower() for value in range(1, 5))]
_ROMAN = {str(value): numeral for value, numeral in enumerate(_ORDER)}
_OR_HIGHER = [[joiner, word] for joiner in ("or", "and") for word in ("higher", "above", "greater", "more", "beyond")]
_NEGATING = frozenset({"non", "non-", "other", "than", "not", "except", "excluding", "no"})


def stages_as_qualifiers(lexemes: list) -> list:
    if not any(lexeme.g in _MARKERS for lexeme in lexemes):
        return lexemes
    for index, lexeme in enumerate(lexemes):
        if lexeme.g not in _MARKERS or any(before.g in _NEGATING for before in lexemes[max(0, index - 3):index]):
            continue
        read = _stages(lexemes, index + 1)
        if read is None:
            continue
        stages, end = read
        opened = index > 0 and lexemes[index - 1].g == "(" and end < len(lexemes) and lexemes[end].g == ")"
        first, last = (index - 1, end + 1) if opened else (index, end)
        cancer = _cancer_after(lexemes, last)
        if cancer is not None:  # "stage IV (metastatic) breast cancer", "metastatic (stage IV) NSCLC"
            between = [w for w in lexemes[last:cancer] if w.g not in ("(", ")")]
            stage = Lexeme("stage_" + "/".join(stages), lexemes[first].start, lexemes[last - 1].end)
            return [*lexemes[:first], stage, *between, *lexemes[cancer:]]
        if first > 0 and _is_cancer(lexemes[first - 1]) or first > 1 and lexemes[first - 1].g == "," and _is_cancer(lexemes[first - 2]):
            named = first - 1 if _is_cancer(lexemes[first - 1]) else first - 2  # "NSCLC stage IIIB or IV", "Melanoma, stage IIIC"
            stage = Lexeme("stage_" + "/".join(stages), lexemes[named].start, lexemes[named].start)
            cancer_lexeme = Lexeme(lexemes[named].g, lexemes[named].start, lexemes[last - 1].end, lexemes[named].term)
            return [*lexemes[:named], stage, cancer_lexeme, *lexemes[last:]]
    return lexemes


def _stages(lexemes: list, start: int) -> tuple[list[str], int] | None:
    """The stage groups written from `start` ("IIIB/IV", "III or IV", "III-IV", "IIIA, IIIB, or IV") and where they end."""
    stages: list[str] = []
    index = start
    while True:
        group = _group_at(lexemes, index)
        if group is None:
            break
        value, index = group
        if index + 1 < len(lexemes) and lexemes[index].g in _RANGE and _group_at(lexemes, index + 1) is not None:
            high, index = _group_at(lexemes, index + 1)
            spanned = _span(value, high)
            if spanned is None:
                return None
            stages.extend(spanned)
        else:
            stages.append(value)
        joined = index
        while joined < len(lexemes) and lexemes[joined].g in _JOINERS | _MARKERS:
            joined += 1
        if joined == index or _group_at(lexemes, joined) is None:
            break
        index = joined
    if stages and [w.g for w in lexemes[index:index + 2]] in _OR_HIGHER:  # "stage IB or higher": IB to IV
        stages.extend(_span(stages[-1], "iv") or [])
        index += 2
    return (list(dict.fromkeys(stages)), index) if stages else None


def _group_at(lexemes: list, index: int) -> tuple[str, int] | None:
    """"iiib", "4", "iii b" (the letter split off): a stage group and its substage, and the index after it."""
    if index >= len(lexemes):
        return None
    match = _GROUP.fullmatch(lexemes[index].g)
    if match is None:
        return None
    value, end = _ROMAN.get(match.group(1), match.group(1)) + (match.group(2) or ""), index + 1
    if (match.group(2) is None and end < len(lexemes) and re.fullmatch(r"[a-c]", lexemes[end].g)
            and lexemes[end].start == lexemes[index].end):
        value, end = value + lexemes[end].g, end + 1
    return value, end


def _span(low: str, high: str) -> list[str] | None:
    """"iii-iv" is III and IV; "iib-iv" is IIB, IIC, III and IV; "iiia-iiic" is IIIA, IIIB and IIIC."""
    (low_group, low_letter), (high_group, high_letter) = (_GROUP.fullmatch(s).groups() for s in (low, high))
    first, last = _ORDER.index(low_group), _ORDER.index(high_group)
    if last < first or (first == last and not (low_letter and high_letter and low_letter <= high_letter)):
        return None
    if first == last:
        return [low_group + letter for letter in "abc" if low_letter <= letter <= high_letter]
    stages = [low_group + letter for letter in "abc" if letter >= low_letter] if low_letter else [low_group]
    stages += _ORDER[first + 1:last]
    stages += [high_group + letter for letter in "abc" if letter <= high_letter] if high_letter else [high_group]
    return stages


def _cancer_after(lexemes: list, index: int) -> int | None:
    """The index of the cancer the stage is of, past qualifiers and brackets between ("(metastatic)")."""
    qualifiers = get_lexicon().phrases["qualifiers"]
    for at in range(index, min(len(lexemes), index + 5)):
        if _is_cancer(lexemes[at]):
            return at
        if lexemes[at].g not in qualifiers and lexemes[at].g not in ("(", ")"):
            return None
    return None


def _is_cancer(lexeme: Lexeme) -> bool:
    return lexeme.g.startswith("@cond:") and "cancer" in get_lexicon().ancestors(lexeme.g.split(":", 1)[1])
