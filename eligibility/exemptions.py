"""The patients an exception exempts, read where the grammar left its words for review.

"Total bilirubin ≤ 1.5 x ULN (unless due to Gilbert's syndrome)", "Bilirubin > 1.5 x ULN (except
subjects with documented Gilbert's disease)": the exception names a condition, and a patient without
it is not exempt, which settles the criterion where the review alone could not. "Due to" stays for
review beside the condition: a patient with Gilbert's syndrome may have a raised bilirubin for another
reason.
"""

from __future__ import annotations

import re
from typing import Callable

from .nodes import AllOf, AnyOf, Between, Compare, Finding, Node, Not, Review

_EXEMPTION = re.compile(
    r"\(?\s*(?:unless|except(?:\s+(?:for|in|if))?|excluding|with\s+the\s+exception\s+of|other\s+than)?\s*"
    r"(?:(?:in\s+)?(?:patients?|subjects?|participants?|those|cases?)\s+(?:with|who\s+have|of|affected\s+by)\s+"
    r"|(?:the\s+)?(?:patient|subject)\s+has\s+)?"
    r"(?P<cause>(?:(?:it\s+is|(?:the\s+)?(?:bilirubin\s+)?(?:elevation|rise|increase)\s+is)\s+)?(?:considered\s+)?(?:known\s+to\s+be\s+)?"
    r"(?:due\s+to|secondary\s+to|attributable\s+to|attributed\s+to|related\s+to|associated\s+with|caused\s+by)\s+)?"
    r"(?:an?\s+)?(?:(?:documented|known|confirmed|diagnosed|previously\s+documented)\s+)?(?:(?:history|diagnosis)\s+of\s+)?"
    r"(?P<what>[^()]+?)(?:\s+(?:is\s+present|present))?\s*\)?\s*\.?\s*", re.I)

# more than a name: "congenital bilirubinaemia, such as Gilbert syndrome, direct bilirubin ≤ 1.5 x ULN"
_SAYS_MORE = re.compile(r"[\d<>≤≥=,;:]|\b(?:such\s+as|e\.?g|i\.?e|including|in\s+which|who|which|that|if|then|provided|when|where)\b", re.I)

CompilePart = Callable[[str, str], "tuple[Node, tuple[str, ...]]"]
Shift = Callable[[Node, int], Node]


def with_exemptions_read(rule: Node, kind: str, compile_part: CompilePart, shift: Shift) -> Node:
    """`rule` with each exception left for review that names findings only read as those findings."""
    def visit(node: Node) -> Node:
        # only after measurements: "History of malignancy (except basal cell carcinoma)" carves a class, and
        # "malignancy and no basal cell carcinoma" would spare a patient with both; "no more than 3 prior
        # chemotherapies (excluding TKIs)" says what is not counted, not whom the count spares
        if not isinstance(node, (AnyOf, AllOf)) or not node.items or not _measured_only(node.items[0]):
            return node
        if kind == "inclusion" and isinstance(node, AnyOf) and len(node.items) == 2 and isinstance(node.items[1], Review):
            read = _exemption(node.items[1], compile_part, shift)
            return node if read is None else AnyOf((node.items[0], read), span=node.span)
        if (kind == "exclusion" and isinstance(node, AllOf) and len(node.items) == 2 and isinstance(node.items[1], Not)
                and isinstance(node.items[1].item, Review)):
            read = _exemption(node.items[1].item, compile_part, shift)
            return node if read is None else AllOf((node.items[0], Not(read, span=node.items[1].span)), span=node.span)
        return node

    return visit(rule)


def _exemption(review: Review, compile_part: CompilePart, shift: Shift) -> Node | None:
    if review.reason != "not_understood" or review.hints or review.span is None:
        return None
    match = _EXEMPTION.fullmatch(review.text)
    if not match or not match.group("what").strip() or _SAYS_MORE.search(match.group("what")):
        return None
    what, _ = compile_part(match.group("what"), "inclusion")
    if not _findings_only(what):
        return None
    start = review.span[0] + match.start("what")
    what = shift(what, -start)
    if not match.group("cause"):
        return what
    cause = match.group("cause").strip()
    cause_start = review.span[0] + match.start("cause")
    return AllOf((what, Review(cause, "causation", span=(cause_start, cause_start + len(cause)))), span=review.span)


def _measured_only(node: Node) -> bool:
    """Thresholds on analytes the lexicon knows, joined by "and" / "or"."""
    if isinstance(node, (Compare, Between)):
        return not node.variable.startswith("text:")
    return isinstance(node, (AllOf, AnyOf)) and all(_measured_only(item) for item in node.items)


def _findings_only(node: Node) -> bool:
    if isinstance(node, Finding):
        return node.window is None
    return isinstance(node, AnyOf) and all(_findings_only(item) for item in node.items)
