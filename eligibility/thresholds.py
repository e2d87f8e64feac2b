"""thresholds(trial): every numeric comparison of a trial as one flat record.

What coordinators and data teams want to see of a trial at a glance, and how extraction is scored.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .compiler import Criterion, Trial, compile_trial, readings_in_review
from .nodes import Between, Compare, Finding, Node, OneOf, Review

_OPS = {"<": "<", "<=": "<=", ">": ">", ">=": ">=", "=": "==", "!=": "!="}


@dataclass(frozen=True)
class Threshold:
    criterion: int  # index into trial.criteria
    kind: str  # inclusion / exclusion
    variable: str
    op: str  # <, <=, >, >=, ==, !=, between, in
    value: float | None
    high: float | None
    unit: str  # a string pint parses, "ULN" / "LLN" for multiples of a reference limit, or ""
    timepoint: str
    window: str
    text: str  # the source span of the comparison
    negated: bool = False  # the comparison stands under a NOT
    # read inside a criterion left for review: shown to the reviewer, never evaluated
    in_review: bool = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def thresholds(trial: Any) -> list[Threshold]:
    compiled = trial if isinstance(trial, Trial) else compile_trial(trial)
    rows: list[Threshold] = []
    for criterion in compiled.criteria:
        rows.extend(criterion_thresholds(criterion))
    return rows


def criterion_thresholds(criterion: Criterion) -> list[Threshold]:
    rows: list[Threshold] = []
    _collect(criterion, criterion.index, rows)
    # "Karnofsky/Lansky score 50 or greater" is one threshold; so is "Hb < 11.5 g/dL for females" read
    # once for women and once for a patient of unknown sex; a reading in review that restates a rule's is the rule's
    first: dict[tuple, Threshold] = {}
    for row in rows:
        key = (row.criterion, row.kind, row.variable, row.op, row.value, row.high, row.unit, row.timepoint, row.window, row.negated)
        if key not in first or first[key].in_review and not row.in_review:
            first[key] = row
    return list(first.values())


def _collect(criterion: Criterion, index: int, rows: list[Threshold]) -> None:
    if criterion.children:
        for child in criterion.children:
            _collect(child, index, rows)
        return
    _walk(criterion.rule, criterion, index, False, rows)


def _walk(node: Node, criterion: Criterion, index: int, negated: bool, rows: list[Threshold], in_review: bool = False) -> None:
    if node.kind == "not":
        _walk(node.item, criterion, index, not negated, rows, in_review)
        return
    if isinstance(node, Review):
        written = node.span is None and node.text == criterion.text or node.span and criterion.text[node.span[0]:node.span[1]] == node.text
        for hint in node.hints or (readings_in_review(node, criterion.kind) if written else ()):
            _walk(hint, criterion, index, negated, rows, True)
        return
    text = criterion.text[node.span[0]:node.span[1]] if node.span else criterion.text
    if in_review and (getattr(node, "variable", "") or getattr(node, "concept", "")).startswith("text:"):
        return  # a name the lexicons do not know, read apart from its sentence: too loose to list
    if isinstance(node, Compare):
        rows.append(Threshold(index, criterion.kind, node.variable, _OPS[node.op], node.threshold.value, None,
                              node.threshold.unit, _render(node.timepoint), "", text, negated, in_review))
    elif isinstance(node, Between):
        rows.append(Threshold(index, criterion.kind, node.variable, "between", node.low.value, node.high.value,
                              node.low.unit if node.low.unit == node.high.unit else f"{node.low.unit} .. {node.high.unit}",
                              _render(node.timepoint), "", text, negated, in_review))
    elif isinstance(node, OneOf):
        rows.append(Threshold(index, criterion.kind, node.variable, "in", min(node.values), max(node.values), "", "", "", text, negated, in_review))
    elif isinstance(node, Finding) and node.window is not None:
        rows.append(Threshold(index, criterion.kind, node.concept, "within", node.window.amount.value, None,
                              node.window.amount.unit, "", node.window.render(), text, negated, in_review))
    if isinstance(node, Finding) and node.duration:  # how long it has lasted: "for at least 6 months"
        op, amount = node.duration
        rows.append(Threshold(index, criterion.kind, node.concept, op, amount.value, None, amount.unit, "",
                              "duration", text, negated, in_review))
    if isinstance(node, Finding) and node.grade:  # "Grade ≥ 2 neuropathy": a bound on the finding's grade
        op, low, *high = node.grade
        rows.append(Threshold(index, criterion.kind, node.concept, _OPS.get(op, op), low, high[0] if high else None, "", "",
                              "grade", text, negated, in_review))
    if isinstance(node, Finding) and node.dose:  # "Prednisone > 10 mg/day": a bound on the drug's dose
        op, amount = node.dose
        # "> 10 mg/day prednisone or equivalent": the dose of any of the class, counted in prednisone
        variable = f"{node.dose_equivalent}_equivalent" if node.dose_equivalent else node.concept
        rows.append(Threshold(index, criterion.kind, variable, _OPS[op], amount.value, None, amount.unit, "",
                              "dose", text, negated, in_review))
    for child in node.children():
        _walk(child, criterion, index, negated, rows, in_review)


def _render(amount) -> str:
    return amount.render() if amount is not None else ""
