"""A blood donation's volume, which no record says, kept for review beside the donation.

"Donation of blood in excess of 500 mL within 56 days prior to dosing", "Donation or loss of 400 mL or more of
blood", "Blood donation (1 unit or more)": the volume is blanked, the rest read as it would be without it, and
each donation (or blood loss) said with the volume is that exposure AND the volume for review: a patient who
gave none settles it. What each donation names is read in normalise (`_donations_listed`).
"""

from __future__ import annotations

import re

from .brackets import as_written, blanked
from .exemptions import CompilePart
from .nodes import AllOf, Finding, Node, Review
from .normalise import DONATION_CONCEPTS

_VOLUME = (r"(?:(?:more|greater)\s+than\s*(?:\(\s*>\s*\)\s*)?|in\s+excess\s+of\s+|over\s+|above\s+|exceeding\s+|at\s+least\s+"
           r"|approximately\s+|about\s+|[>≥]=?\s*)?\d[\d,.]*\s*(?:-\s*\d[\d,.]*\s*|or\s+more\s+)?(?:ml|mls|milliliters?|millilitres?|cc|units?|pints?)\b"
           r"(?:\s*\((?:ml|milliliters?|millilitres?)\))?(?:\s+or\s+(?:more|greater))?")
# "Donation or loss of 400 mL or more of blood", "Donation of greater than 100 mL of either whole blood or plasma"
_VOLUME_OF_BLOOD = re.compile(rf"{_VOLUME}\s+of\s+(?:either\s+)?(?=(?:whole\s+)?(?:blood|plasma)\b)", re.I)
# "Blood donation of more than 200 mL", "Donation of blood in excess of 500 mL", "Blood donation (1 unit or more)"
_VOLUME_AFTER = re.compile(rf"(?<=blood|donor|ation|nated|lasma|ducts| loss|\(MBL\))(?:\s*\(\s*{_VOLUME}\s*\)|\s+(?:of\s+)?{_VOLUME}(?:\s*\(\s*{_VOLUME}\s*\))?)", re.I)
_BLOOD_LOST = re.compile(r"\bblood\s+loss|\bloss\s+of\s+blood|\blost\b", re.I)
_OF_BEFORE_A_VOLUME = re.compile(r"^(?:\(\s*)?of\s+|\s+of(?:\s+either)?\s*$", re.I)


def donated_volume(clean: str, kind: str, compile_part: CompilePart) -> tuple[Node, tuple[str, ...]] | None:
    """"Donation of blood in excess of 500 mL within 56 days prior to dosing": how much was given, which
    no record says; the donation with its volume for review (a patient who gave none settles it)."""
    if "donat" not in clean.lower() and not _BLOOD_LOST.search(clean):
        return None
    of_blood = list(_VOLUME_OF_BLOOD.finditer(clean))
    volumes = of_blood + [m for m in _VOLUME_AFTER.finditer(clean) if not any(m.start() < o.end() and o.start() < m.end() for o in of_blood)]
    if not volumes:
        return None
    rule, problems = compile_part(blanked(clean, [volume.span() for volume in volumes]), kind)
    given = [n for n in rule.walk() if isinstance(n, Finding) and n.concept in DONATION_CONCEPTS | {"blood_loss"} and n.span]
    if not given:
        return None
    first = min(volumes, key=lambda m: m.start())
    # "Plasma donation within one month or any blood donation exceeding 500 mL during the 3 months": the
    # volume is of the donations said with it, over the same period
    nearest = min(given, key=lambda n: max(n.span[0] - first.end(), first.start() - n.span[1], 0))
    measured = {id(n) for n in given if n.window == nearest.window}
    said = _OF_BEFORE_A_VOLUME.sub("", clean[first.start():first.end()].strip())
    if said.startswith("(") and said.endswith(")"):
        said = said[1:-1].strip()
    start = clean.index(said, first.start())
    how_much = Review(said, "not_understood", span=(start, start + len(said)))

    def with_volume(node: Node) -> Node:
        # "Donation or loss of 400 mL or more of blood": a loss said with it has the volume too
        if id(node) in measured:
            return AllOf((node, how_much), span=node.span)
        return node.with_children(with_volume)

    return as_written(with_volume(rule), clean), problems
