"""A wait counted in half-lives of what was taken, beside a wait in days or alone.

"Treatment with an investigational drug within 8 weeks or within 5 half-lives (if known), whichever is
longer", "Other biologics: within 5 half-lives (if known) or 16 weeks prior to baseline visit", "any
monoclonal antibody within 5 half-lives of Visit 1". No record gives a drug's half-life, so that wait is
for review; the rest reads as it would without it. Read whole, the criterion went to review, and a
patient never given the drug, or given it years ago, waited with everyone else.

With "whichever is longer" (or nothing said, as either wait excludes) the exposure within the days
excludes, and an earlier one is for review; with "whichever is shorter" an exposure within the days is
for review and an earlier one does not exclude. Not when a wait holds only if the half-life is unknown
("or within 6 months if the half-life is unknown"): which wait applies then depends on the drug.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .brackets import blanked
from .build import all_review
from .exemptions import CompilePart
from .nodes import AllOf, AnyOf, Compare, Finding, Node, Review

_HALF_LIFE = (r"\d+(?:\.\d+)?\s*(?:x\s*|times\s+)?(?:the\s+)?(?:(?:drug'?s?|elimination|effective|plasma|terminal"
              r"|pharmacokinetic(?:\s*/\s*pharmacodynamic)?|pk(?:\s*/\s*pd)?)\s+)?(?:periods?\s+of\s+)?half[\s-]?li(?:ves|fe)"
              r"(?:\s*\(\s*t\s*(?:½|1/2)\s*\))?")
_OF_WHAT = (r"(?:\s+of\s+(?:the\s+|that\s+|its\s+|each\s+)?(?:drug|drugs|agent|agents|compound|product|medication|therapy"
            r"|investigational\s+(?:drug|product|agent)|study\s+drug)(?:'s)?)?")
_IF_KNOWN = r"(?:\s*\(\s*if\s+known\s*\)|,?\s+if\s+known)?"
_WHICHEVER = re.compile(
    r"\s*,?\s*\(?\s*(?:whichever|depending\s+on\s+what)\s+(?:period\s+|time\s+)?(?:is|was)\s+(?:the\s+)?"
    r"(?P<which>longer|longest|greater|shorter|shortest|less|lesser)(?:\s+of\s+the\s+two)?\s*\)?\s*,?", re.I)
_SHORTER = frozenset({"shorter", "shortest", "less", "lesser"})
# "within 30 days or within 5 half-lives": the second wait
_SECOND = re.compile(rf"\s*,?\s*\(?\s*or\s+(?:within\s+)?(?:a\s+period\s+(?:of\s+)?)?(?:approximately\s+)?{_HALF_LIFE}{_OF_WHAT}{_IF_KNOWN}"
                     r"(?:\s*\))?", re.I)
# "within 5 half-lives or 16 weeks": the first
_FIRST = re.compile(rf"(?<=within\s){_HALF_LIFE}{_OF_WHAT}{_IF_KNOWN}\s*,?\s*or\s+(?:within\s+)?", re.I)
# "within 5 half-lives of Visit 1": the only wait, with what it counts from
_ALONE = re.compile(rf"\bwithin\s+(?:the\s+(?:last|past|previous)\s+)?{_HALF_LIFE}{_OF_WHAT}{_IF_KNOWN}"
                    r"(?:\s+(?:of|prior\s+to|before|from)\s+[^,;.()]+)?", re.I)
_WORD = re.compile(r"half[\s-]?li(?:ves|fe)", re.I)
_UNKNOWN = re.compile(r"\b(?:unknown|not\s+known)\b", re.I)
_EXPOSURES = frozenset({"drug", "procedure", "any"})


def half_lives_wait(clean: str, kind: str, compile_part: CompilePart) -> tuple[Node, tuple[str, ...]] | None:
    if not _WORD.search(clean) or _UNKNOWN.search(clean):
        return None
    waits = [*_SECOND.finditer(clean), *_FIRST.finditer(clean)]
    alone = not waits
    if alone:
        waits = list(_ALONE.finditer(clean))
    whichever = list(_WHICHEVER.finditer(clean))
    if len(waits) != 1 or len(whichever) > 1 or len(_WORD.findall(clean)) != 1:
        return None
    wait = waits[0]
    rule, problems = compile_part(blanked(clean, [wait.span()] + [m.span() for m in whichever]), kind)
    if all_review(rule):
        return None
    said = re.sub(r"^[\s,(]*(?:or\s+)?|[\s,]*(?:or\s*)?$", "", wait.group(0))
    if said.count(")") > said.count("("):
        said = said[:said.rindex(")")].rstrip(" ,")
    start = clean.index(said, wait.start())
    note = Review(said, "not_understood", span=(start, start + len(said)))
    shorter = bool(whichever) and whichever[0].group("which").lower() in _SHORTER
    exposures = [n for n in rule.walk() if isinstance(n, Finding) and n.category in _EXPOSURES and bool(n.window) != alone and n.span]
    if not exposures:
        return None
    # "biologics within 90 days or any investigational treatment 30 days prior (or within 5 half-lives ...)":
    # the half-lives are of the exposures said with the wait beside them
    nearest = min(exposures, key=lambda n: max(n.span[0] - wait.end(), wait.start() - n.span[1], 0))
    waited = {id(n) for n in exposures if n.window == nearest.window}

    def with_wait(node: Node) -> Node:
        if id(node) in waited:
            if alone:  # "Treatment with an investigational drug within 5 half-lives": taken then, perhaps stopped since
                return AllOf((replace(node, status="history" if node.status in ("", "current") else node.status), note), span=node.span)
            if shorter:
                return AllOf((node, note), span=node.span)
            return AnyOf((node, AllOf((replace(node, window=None, status=node.status or "history"), note), span=node.span)), span=node.span)
        return node.with_children(with_wait)

    return with_wait(rule), problems


def no_count_of_half_lives(node: Node, clean: str) -> Node:
    """"within 30 days or within 5 half-lives of the investigational drug": a wait, never a count of
    half-lives a record could give (see half_lives.py); what was read as one is for review."""
    if isinstance(node, Compare) and node.variable.startswith("text:half live") and node.span:
        return Review(clean[node.span[0]:node.span[1]], "not_understood", span=node.span)
    return node.with_children(lambda child: no_count_of_half_lives(child, clean))
