"""A stable dose asked of the patients who take a drug, over a period.

"If currently on methotrexate treatment, a stable dose for at least 8 weeks prior to randomization",
"Patients receiving bisphosphonate therapy or denosumab must have been on a stable dose for at least 4
weeks", "If taking thyroid replacement therapy, has not been on a stable dose for at least 6 weeks"
(an exclusion). Text only: the split names the drugs, whether the stable dose is denied, and the period;
the compiler reads the drugs and the period, and keeps the split only when both read whole. Each drug
binds the patients who take it: one on neither meets the requirement.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import Callable

from .exemptions import CompilePart, Shift
from .nodes import AllOf, AnyOf, Finding, Node, Not

_WHOM = r"(?:(?:the\s+|all\s+|any\s+)?(?:patients?|subjects?|participants?|individuals?|those)\s+(?:who\s+are\s+|that\s+are\s+)?)"
_IF = (r"(?:(?:if|when|where|for|in)\s+(?:(?:a|the)\s+)?(?:(?:patients?|subjects?|participants?|those)\s+"
       r"(?:is\s+|are\s+|who\s+are\s+|that\s+are\s+)?)?)")
_TAKING = (r"(?:(?:currently|already|presently|concurrently)\s+)?(?:being\s+)?"
           r"(?:on|taking|receiving|using|treated\s+with|(?:on\s+|under\s+)?(?:treatment|therapy)\s+(?:with|by))\s+")
_DOSE_NAMED = (r"(?:(?:the\s+|their\s+|its\s+)?(?:doses?|dosages?|dosing(?:\s+regimen)?|regimens?|treatment(?:\s+regimen)?|therapy)"
               r"(?:\s+of\s+(?:it|this|these|that|them|the\s+(?:drug|medication|treatment)s?))?\s+)")
_PERSON = r"(?:(?:the\s+)?(?:patients?|subjects?|participants?|they|he\s+or\s+she|she|he)\s+)"
_MODAL = r"(?P<modal>(?:must|should|need\s+to|will\s+need\s+to|are\s+required\s+to|is\s+required\s+to)\s+)?"
_VERB = r"(?:(?:has|have|is|are)\s+)?(?P<denied>not\s+)?(?:(?:been|be|remain(?:ed)?)\s+)?"
_ON = r"(?:(?:on|at|receiving|taking|using|maintained\s+on|treated\s+with|with)\s+)?(?:a\s+|an\s+)?"
_STABLE = (r"stable(?:\s+(?:dose|doses|dosage|dosages|dosing(?:\s+regimen)?|regimen|treatment(?:\s+regimen)?|therapy))?"
           r"(?:\s+of\s+(?:it|this|these|that|them|the\s+(?:drug|medication|treatment)s?))?(?:\s*\([^()]*\))?")
_STABLE_WHILE_TAKING = re.compile(
    rf"\W*(?:(?P<condition>{_IF})|(?P<whom>{_WHOM}))?{_TAKING}(?P<drug>[^;:]+?)\s*,?\s+(?:then\s+|and\s+)?(?:{_PERSON}|{_DOSE_NAMED})?{_MODAL}{_VERB}{_ON}{_STABLE}"
    r"\s+(?P<period>(?:for|since|over)\s+[^;:,]+?)\s*\.?", re.I)




@dataclass(frozen=True)
class StableDoseSplit:
    drugs: tuple[int, int]
    period: tuple[int, int]
    denied: bool  # "has not been on a stable dose": the patients it names are the ones without one


def stable_dose_split(text: str) -> StableDoseSplit | None:
    match = _STABLE_WHILE_TAKING.fullmatch(text)
    # whom it binds: "if on X", "patients on X must ..."; else it asks for the drug ("Currently receiving X on
    # a stable dose"), unless it denies the stable dose ("On X and not on a stable dose"), which reads the same
    if not match or not (match.group("condition") or match.group("whom") and match.group("modal") or match.group("denied")):
        return None
    return StableDoseSplit(match.span("drug"), match.span("period"), bool(match.group("denied")))


def stable_dose_requirement(text: str, kind: str, compile_part: CompilePart, shift: Shift) -> tuple[Node, tuple[str, ...]] | None:
    """An inclusion's "if on X, a stable dose for N weeks": for each drug, not taking it, or taking it
    at a stable dose for the period. An exclusion's "if on X, not on a stable dose for N weeks": taking
    one, and not at a stable dose for the period. Other pairings say something else ("must be stable"
    among exclusions) and are left to the rest of the compiler."""
    split = stable_dose_split(text)
    if split is None or split.denied != (kind == "exclusion"):
        return None
    start, end = split.drugs
    taken, problems = compile_part(f"on {text[start:end]}", "inclusion")
    drugs = _current_drugs(taken)
    if not drugs:
        return None
    # the period as the grammar reads it after a drug it knows: the drugs' own words may not read there
    period_start, period_end = split.period
    stable, _ = compile_part(f"On a stable dose of metformin {text[period_start:period_end]}", "inclusion")
    if not (isinstance(stable, Finding) and stable.duration and "stable" in stable.qualifiers):
        return None
    whole = (0, len(text))
    each = []
    for drug in (shift(d, 3 - start) for d in drugs):
        steady = replace(drug, qualifiers=(*drug.qualifiers, "stable"), duration=stable.duration, span=whole)
        each.append(AllOf((drug, Not(steady, span=whole)), span=whole) if split.denied
                    else AnyOf((Not(drug, span=drug.span), steady), span=whole))
    rule = each[0] if len(each) == 1 else (AnyOf if split.denied else AllOf)(tuple(each), span=whole)
    return rule, problems


def _current_drugs(node: Node) -> list[Finding]:
    """The drugs "on X or Y" names, each taken now; none when it says anything else."""
    if isinstance(node, Finding):
        # a name outside the lexicons is a drug here: it is what the patient takes
        return [node] if node.category in ("drug", "any") and node.status == "current" and not node.window else []
    if isinstance(node, AnyOf):
        found = [_current_drugs(item) for item in node.items]
        return [drug for drugs in found for drug in drugs] if all(found) else []
    return []
