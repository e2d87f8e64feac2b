"""A virus's genotypes, said after its name or before it, as qualifiers of the infection.

"HCV genotype 1 or 4", "chronic HCV GT1, GT4, or GT6 infection", "Hepatitis C virus (HCV) genotype 1a
or 1b", "Genotype 1 chronic hepatitis C": the lexemes become "genotype 1/4 @cond:hcv", which the
grammar reads as the infection of either genotype (a record's name says which it is). Not "non-1
genotype" or "other than genotype 3", which name the rest.
"""

from __future__ import annotations

import re

from .lexicon import Lexeme

_VIRUSES = frozenset({"@cond:hcv"})
_MARKERS = frozenset({"genotype", "genotypes", "gt", "gts"})
_JOINERS = frozenset({",", "or", "and", "and/or", "/"})
_VALUE = re.compile(r"(?:gt-?)?([1-6])([a-e])?")
_NEGATING = frozenset({"non", "non-", "other", "than", "not", "except", "excluding", "mixed"})


def genotypes_as_qualifiers(lexemes: list) -> list:
    for index, lexeme in enumerate(lexemes):
        if lexeme.g not in _VIRUSES:
            continue
        after = _genotypes(lexemes, index + 1)
        if after is not None:
            values, end = after
            return [*lexemes[:index], *_qualified(values, lexeme, lexeme.start, lexemes[end - 1].end), *lexemes[end:]]
        before = _genotypes_before(lexemes, index)
        if before is not None:
            values, start = before
            return [*lexemes[:start], *_qualified(values, lexeme, lexemes[start].start, lexeme.end), *lexemes[index + 1:]]
    return lexemes


def _genotypes(lexemes: list, start: int) -> tuple[list, int] | None:
    """The genotypes written from `start` ("genotype (GT) 1a or 1b", "GT1, GT4, or GT6") and where they end."""
    index = start
    marked = False
    while index < len(lexemes) and lexemes[index].g in _MARKERS | {"(", ")", "-"}:
        marked = marked or lexemes[index].g in _MARKERS
        index += 1
    values: list[str] = []
    while index < len(lexemes):
        word, end = _value_at(lexemes, index)
        if word is None:
            break
        values.append(word)
        index = end
        joined = index
        while joined < len(lexemes) and lexemes[joined].g in _JOINERS | _MARKERS:
            joined += 1
        if joined == index or _value_at(lexemes, joined)[0] is None:
            break
        index = joined
    marked = marked or start < len(lexemes) and lexemes[start].g.startswith("gt")  # "GT1": the mark in the value
    if not values or not marked or any(lexeme.g in _NEGATING for lexeme in lexemes[max(0, start - 3):start]):
        return None
    return values, index


def _genotypes_before(lexemes: list, virus: int) -> tuple[list, int] | None:
    """"Genotype 1 chronic hepatitis C", "GT1 HCV": the genotypes just before the name."""
    for start in range(max(0, virus - 8), virus):
        if lexemes[start].g in _MARKERS or lexemes[start].g.startswith("gt"):
            found = _genotypes(lexemes, start)
            if found is not None and found[1] == virus:
                return found[0], start
    return None


def _value_at(lexemes: list, index: int) -> tuple[str | None, int]:
    """"1", "1a", "1 a" (a letter split off), "gt1": a genotype's value, and the index after it."""
    if index >= len(lexemes):
        return None, index
    match = _VALUE.fullmatch(lexemes[index].g)
    if match is None:
        return None, index
    word, end = match.group(1) + (match.group(2) or ""), index + 1
    if (match.group(2) is None and end < len(lexemes) and re.fullmatch(r"[a-e]", lexemes[end].g)
            and lexemes[end].start == lexemes[index].end):
        word, end = word + lexemes[end].g, end + 1
    return word, end


def _qualified(values: list[str], virus: Lexeme, start: int, end: int) -> list:
    """"genotype 1/4" then the virus, spanning the words they were read from: one qualifier, so that
    an "or" of genotypes never joins more than the genotypes."""
    return [Lexeme("genotype " + "/".join(values), start, virus.start if virus.start > start else start),
            Lexeme(virus.g, virus.start, end, virus.term)]
