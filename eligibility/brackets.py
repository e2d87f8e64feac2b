"""A bracket the grammar could not read, kept for review beside what it qualifies; so are the eyes a finding is in.

"Recent history (within 30 days preceding the first dose of study drug) of gastrointestinal bleeding",
"Uncontrolled systemic hypertension (SBP > 180 mmHg; or DBP > 100 mmHg) at visit 1", "daily aspirin
(>325 mg/day)": read whole, the criterion went to review for its bracket alone. A bracket narrows or
restates what it follows, so the words it qualifies, read without it, hold whenever the whole does: the
criterion is those words and the bracket for review (a patient without them is settled; one with them
is for review). Not a bracket that offers an alternative ("(or creatinine clearance > 60 mL/min)"),
which would widen it, nor one the words before do not end at.
"""

from __future__ import annotations

import re
from dataclasses import fields, replace

from .build import all_review
from .exemptions import CompilePart
from .nodes import AllOf, Between, Compare, Flag, Node, Not, Review, Sex

_BRACKET = re.compile(r"\(([^()]{1,160})\)")
# any bracketed span, round or square
BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_PERIOD = re.compile(r"\d+(?:\.\d+)?\s*-?\s*(?:hours?|hrs?|days?|weeks?|wks?|months?|years?|yrs?)\b", re.I)
_BOUNDING_WHEN = re.compile(r"\s*(?:within|in\s+the\s+(?:last|past|previous|preceding)|during\s+the|<|≤|<=|less\s+than|up\s+to)", re.I)
_FOR_SOME = re.compile(r"\b(?:for|in|if|when|unless)\s+(?:the\s+)?(?:patients?|subjects?|participants?|those|women|men|females?|males?|children|cases?)\b|\bif\b|\bunless\b", re.I)
# "19 to 70 (inclusive) years old at Visit 1 (Screening)": what a range or a visit already says
_SAID_AGAIN = re.compile(r"inclusive(?:ly)?|incl\.?|both\s+inclusive|screening|baseline|randomi[sz]ation|enrol(?:l)?ment"
                         r"|(?:day|week|visit|v)\s*-?\d+", re.I)
_ACRONYM = re.compile(r"[A-Za-z][A-Za-z0-9+/-]{1,11}")
# where in the eyes, which a record may not say
_EYE = re.compile(r"\b(?:in|of|affecting)\s+(?:the\s+(?:study|fellow|non-?study|treated|target|untreated|contralateral|same)\s+eye"
                  r"|both\s+eyes|either\s+eye|any\s+eye|one\s+or\s+both\s+eyes|one\s+or\s+either\s+eye|at\s+least\s+one\s+eye)\b", re.I)
# a bracket naming what else would do, or whom the rest binds: read as an "and", it would refuse those
_WIDENING = re.compile(r"\s*(?:or|and/or|alternatively|otherwise|unless|if|when|for\s+(?:patients|subjects|participants|those|women|men|children)"
                       r"|in\s+(?:patients|subjects|participants|those|women|men|children)|only\s+if|including|such\s+as|e\.?\s?g|i\.?\s?e|note)\b", re.I)


def brackets_for_review(clean: str, kind: str, compile_part: CompilePart) -> tuple[Node, tuple[str, ...]] | None:
    brackets = [m for m in _BRACKET.finditer(clean) if clean[:m.start()].strip()]
    if len(brackets) > 3 or any(_widens(m.group(1)) for m in brackets):
        return None
    # (start, end, the words, whether they narrow what precedes them or only restate it)
    asides = [(m.start(), m.end(), m.group(1).strip(), not _restates(m.group(1).strip())) for m in brackets]
    # "inflammation in either eye" is no inflammation anywhere: where, for review
    asides += [(m.start(), m.end(), m.group(0).strip(), True) for m in _EYE.finditer(clean) if clean[:m.start()].strip()]
    if not asides:
        return None
    rule, problems = compile_part(blanked(clean, [(start, end) for start, end, _, _ in asides]), kind)
    if all_review(rule):
        return None
    for aside_start, aside_end, said, narrows in sorted(asides):
        if not narrows:
            continue  # "glucagon-like peptide-1 (GLP-1) receptor agonists": the same thing said again
        start = clean.index(said, aside_start)
        note = Review(said, "not_understood", span=(start, start + len(said)))
        before = len(clean[:aside_start].rstrip())
        if any(isinstance(n, Review) and n.span and n.span[0] < aside_start and n.span[1] >= aside_end for n in rule.walk()):
            continue  # "early relapse (within 12 months) after treatment": inside words for review already
        unread = _unread_before(rule, before)
        if unread is not None:  # "daily aspirin (>325 mg/day), anticoagulants, ...": the words it qualifies are for review already
            rule = _with_note(rule, unread, replace(unread, text=clean[unread.span[0]:aside_end], span=(unread.span[0], aside_end)))
            continue
        qualified = _qualified(rule, before, aside_end)
        if qualified is None or isinstance(qualified, (Compare, Between)) and re.search(r"\d", said):
            return None  # "Platelets ≥ 100,000/mm3 (75,000/mm3 ...)": a bound beside a bound may be another for some
        rule = _with_note(rule, qualified, AllOf((qualified, note), span=qualified.span))
    return rule, problems


def _restates(said: str) -> bool:
    """"(GLP-1)" after its name, "(inclusive)" after a range, "(Screening)" after a visit: nothing more said."""
    return bool(_ACRONYM.fullmatch(said)) and sum(c.isupper() for c in said) >= 2 or bool(_SAID_AGAIN.fullmatch(said))


def blanked(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with `spans` turned to spaces, so that every other span stays where it was."""
    for start, end in spans:
        text = text[:start] + " " * (end - start) + text[end:]
    return text


def as_written(node: Node, clean: str) -> Node:
    """A tree read from a copy of `clean` with words blanked: what it left for review, as written, and
    the words it kept (a measurement's context) without the blanks."""
    if isinstance(node, Review) and node.span and "  " in node.text:
        return replace(node, text=clean[node.span[0]:node.span[1]])
    unblanked = {f.name: re.sub(r"\s{2,}", " ", value) for f in fields(node)
               if isinstance(value := getattr(node, f.name), str) and "  " in value}
    return replace(node, **unblanked).with_children(lambda child: as_written(child, clean))


def _widens(said: str) -> bool:
    """A bracket offering an alternative, another bound for some patients ("(≥ 75,000/µL for patients with
    marrow involvement)"), or a period of its own for some ("(6 weeks for nitrosoureas or mitomycin C)"), against
    the one outside it; not one bounding when ("(within 30 days preceding ...)")."""
    if _WIDENING.match(said) or _FOR_SOME.search(said):
        return True
    return bool(_PERIOD.search(said)) and not _BOUNDING_WHEN.match(said)


def _unread_before(rule: Node, before: int) -> Review | None:
    return next((n for n in rule.walk() if isinstance(n, Review) and n.span and n.span[1] == before), None)


def _qualified(rule: Node, before: int, after: int) -> Node | None:
    """The smallest node ending where the words before the bracket end, or reaching across it; never
    one holding a denial, whose "and" with the bracket would refuse what the bracket spares."""
    fits = [n for n in rule.walk() if n.span and not isinstance(n, Review) and n.span[0] < before
            and (n.span[1] == before or n.span[1] >= after) and not any(isinstance(m, Not) for m in n.walk())]
    return min(fits, key=lambda n: n.span[1] - n.span[0], default=None)


def _with_note(node: Node, qualified: Node, noted: Node) -> Node:
    if node is qualified:
        return noted
    return node.with_children(lambda child: _with_note(child, qualified, noted))


# words opening a clause that narrows what precedes it: "... that requires systemic treatment", "... as
# confirmed by biopsy", "... due to any cause"
_NARROWING = re.compile(
    r"[\s,]+(?=(?:that|which|from\s+which|who|whose|requiring|as\s+(?:assessed|determined|defined|documented|confirmed|measured|evidenced|judged|"
    r"diagnosed|shown|indicated|demonstrated)|according\s+to|confirmed\s+by|documented\s+by|diagnosed\s+by|defined\s+by|per|based\s+on"
    r"|due\s+to|caused\s+by|associated\s+with|resulting\s+in|leading\s+to|in\s+the\s+opinion\s+of|at\s+the\s+discretion|despite)\b)", re.I)
# a clause that could admit more than the words before it: it is no narrowing
_ADMITTING = re.compile(r"\b(?:or|unless|except|excluding|other\s+than|if|may|allowed|permitted|eligible|acceptable|otherwise)\b", re.I)


def tail_for_review(clean: str, kind: str, compile_part: CompilePart) -> tuple[Node, tuple[str, ...]] | None:
    """"Active infection that requires systemic therapy at study entry": read whole, the criterion went to
    review for its clause alone. The clause narrows all the words before it ("stroke or high-risk TIA as
    defined here and randomisation within 24 hours": both), which hold whenever the whole does: those
    words, and the clause for review; under "No ...", what is denied. Not after the persons a requirement
    binds ("Women of childbearing potential who have a negative pregnancy test"), nor an admitting clause."""
    for opening in reversed(list(_NARROWING.finditer(clean))):
        start = opening.end()
        if len(clean[:opening.start()].split()) < 2:
            continue
        said = clean[start:].strip(" .;,")
        before = clean[:opening.start()]
        if not said or _ADMITTING.search(said) or before.count("(") != before.count(")"):
            continue  # "... (i.e., blood pressure > 150/100 mm Hg despite ...)": a bracket open across the clause
        rule, problems = compile_part(before, kind)
        if all_review(rule) or any(isinstance(n, (Flag, Sex)) or isinstance(n, Compare) and n.variable == "age" for n in rule.walk()):
            continue
        note = Review(said, "not_understood", span=(start, start + len(said)))
        denied = rule.item if isinstance(rule, Not) else rule
        if any(isinstance(n, Not) for n in denied.walk()):
            continue
        narrowed = AllOf((denied, note), span=denied.span)
        return (Not(narrowed, span=rule.span) if isinstance(rule, Not) else narrowed), problems
    return None
