"""Thresholds read inside a criterion the grammar could not read whole.

"Hemochromatosis, iron overload, defined as TSAT > 45%" does not parse as one sentence, yet its
threshold does: the text is cut at its sentences, semicolons, commas, brackets and connectives,
coarsest first, and each piece holding a number is compiled alone. The pieces that yield a
comparison become hints on the criterion's Review: shown to the reviewer and listed by
`thresholds()` as read in review, never evaluated, since a piece read apart from its sentence may
be a condition, an exception or an example of it.
"""

from __future__ import annotations

import re
from typing import Callable

from .nodes import Between, Compare, Node, OneOf, Review

# coarsest cut first; a piece not understood is cut again at the next level
_CUTS = [re.compile(pattern, re.I) for pattern in (
    r"(?<=[a-z0-9%)\]])\.\s+(?=[A-Z(])",
    r"\s*;\s*",
    r",\s+",
    r"\s*[()\[\]]\s*",
    r"\s+(?:and/or|and|or|with|despite|but|unless|except|if|when|while|in patients|for patients|as (?:determined|defined|measured) by)\s+",
    # a relative clause or participle after what it qualifies: "adults between the ages of 18-60 who are fluent in English"
    r"\s+(?:who|which|whose|that|having|requiring|weighing|admitted|attending|undergoing|receiving|scheduled|willing|able)\s+",
)]
# words that open a piece without belonging to what it measures: "defined as TSAT > 45%"
_OPENING = re.compile(r"(?:(?:defined|characterized|documented|confirmed|evidenced)\s+(?:as|by)|i\.?\s?e\.?|e\.?\s?g\.?|such\s+as"
                      r"|including|especially|namely|both|either|only|or|and|with)\s*[:,]?\s+", re.I)
# a piece worth compiling: a number compared, or a range or list of them ("18-40 years", "ECOG 0, 1 or 2")
COMPARED_NUMBER = re.compile(
    r"(?:[<>≤≥＜＞]|=>|=<|\b(?:least|most|greater|less|more|fewer|exceed\w*|above|below|up to|over|under|between|minimum|maximum"
    r"|higher|lower|older|younger|within|normal|ULN|LLN)\b).{0,40}?\d|\d\s*(?:[-–]|to|or|and)\s*\d|\d\s*(?:[x×*]|times)\s", re.I)
_MOST_PIECES = 16  # a paragraph is cut no further than this many pieces

CompilePart = Callable[[str, str], "tuple[Node, tuple[str, ...]]"]


def readings_in(text: str, kind: str, compile_part: CompilePart) -> list[tuple[int, Node]]:
    """The rules of the pieces of `text` that compile to a comparison, each with where its piece
    starts in `text` (the rule's spans are the piece's own)."""
    found: list[tuple[int, Node]] = []
    _read_pieces(text, 0, 0, kind, compile_part, found, [0])
    return found


def _read_pieces(text: str, offset: int, level: int, kind: str, compile_part: CompilePart,
                 found: list[tuple[int, Node]], tried: list[int]) -> None:
    pieces, level = _cut(text, level)
    for start, piece in pieces:
        if not COMPARED_NUMBER.search(piece) or tried[0] >= _MOST_PIECES:
            continue
        tried[0] += 1
        opening = _OPENING.match(piece)
        lead = opening.end() if opening else 0
        body = piece[lead:].rstrip(" .,;:")
        rule, _ = compile_part(body, kind)
        if any(isinstance(node, (Compare, Between, OneOf)) for node in rule.walk()):
            found.append((offset + start + lead, rule))
        elif all(isinstance(node, Review) for node in rule.walk() if not node.children()):
            _read_pieces(piece, offset + start, level + 1, kind, compile_part, found, tried)


def _cut(text: str, level: int) -> tuple[list[tuple[int, str]], int]:
    """The pieces of `text` at the first level from `level` that cuts it, with their offsets."""
    for index in range(level, len(_CUTS)):
        pieces, start = [], 0
        for match in _CUTS[index].finditer(text):
            pieces.append((start, text[start:match.start()]))
            start = match.end()
        if not pieces:
            continue
        pieces.append((start, text[start:]))
        return [(s, p) for s, p in pieces if p.strip()], index + 1
    return [], len(_CUTS)

