"""screen(patient, trial): an outcome per criterion and a verdict for the trial."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from .compiler import Criterion, Trial, compile_trial
from .errors import PatientDataError
from .evaluate import Answer, Evaluator, Evidence
from .patient import Patient


class Outcome(str, Enum):
    """Whether a criterion's condition holds, whatever its kind."""

    MET = "met"
    NOT_MET = "not_met"
    UNKNOWN = "unknown"

    def __str__(self) -> str:
        return self.value


class Verdict(str, Enum):
    ELIGIBLE = "eligible"
    INELIGIBLE = "ineligible"
    NEEDS_REVIEW = "needs_review"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class CriterionResult:
    index: int
    kind: str
    text: str
    span: tuple[int, int]
    outcome: Outcome
    explanation: str
    evidence: tuple[Evidence, ...] = ()
    to_confirm: tuple[str, ...] = ()
    status: str = "compiled"
    rule: str = ""
    origin: str = "criteria"

    @property
    def decides_against(self) -> bool:
        return (self.kind == "inclusion" and self.outcome is Outcome.NOT_MET) or (
            self.kind == "exclusion" and self.outcome is Outcome.MET)

    @property
    def in_favour(self) -> bool:
        return (self.kind == "inclusion" and self.outcome is Outcome.MET) or (
            self.kind == "exclusion" and self.outcome is Outcome.NOT_MET)

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index, "kind": self.kind, "text": self.text, "span": list(self.span),
            "outcome": self.outcome.value, "explanation": self.explanation,
            "evidence": [e.to_dict() for e in self.evidence], "to_confirm": list(self.to_confirm),
            "status": self.status, "rule": self.rule, "origin": self.origin,
        }


@dataclass(frozen=True)
class ScreeningResult:
    verdict: Verdict
    criteria: tuple[CriterionResult, ...]
    trial_id: str = ""
    patient_id: str = ""
    reasons: tuple[str, ...] = ()  # why the verdict is what it is
    to_confirm: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()  # patient values that could not be read, trial problems
    reference_date: str = ""
    ignored_keys: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict.value, "trial_id": self.trial_id, "patient_id": self.patient_id,
            "reasons": list(self.reasons), "to_confirm": list(self.to_confirm), "problems": list(self.problems),
            "reference_date": self.reference_date, "ignored_keys": list(self.ignored_keys),
            "criteria": [c.to_dict() for c in self.criteria],
        }

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    def report(self) -> str:
        from .report import render_report

        return render_report(self)


def screen(patient: dict | Patient, trial: Any, strict: bool = False, reviewed: dict | None = None) -> ScreeningResult:
    """Screen `patient` (a dict) against `trial` (a compiled Trial or anything compile_trial reads).

    With strict=True a patient value that cannot be read raises PatientDataError; otherwise it is
    listed in `problems` and the criteria that need it come out unknown.

    `reviewed` (or the patient's "reviewed" key) maps a criterion index to the outcome a person
    has confirmed ("met" / "not_met"); it settles only criteria the rules leave unknown.
    """
    compiled = trial if isinstance(trial, Trial) else compile_trial(trial)
    if isinstance(patient, dict) and "reviewed" in patient:
        reviewed = {**patient["reviewed"], **(reviewed or {})} if isinstance(patient["reviewed"], dict) else reviewed
        patient = {k: v for k, v in patient.items() if k != "reviewed"}
    record = patient if isinstance(patient, Patient) else Patient.from_dict(patient, strict=strict)
    evaluator = Evaluator(record, studies=frozenset(compiled.studies))
    confirmations = _confirmations(reviewed or {}, record)
    results = tuple(_apply_review(_screen_criterion(evaluator, c), confirmations) for c in compiled.criteria)
    problems = [str(e) for e in record.errors] + list(compiled.problems)
    if not record.screening_date_given:
        problems.append(f"no screening_date given: time windows are counted back from today ({record.screening_date.isoformat()})")
    verdict, reasons, confirm = _verdict(results, compiled)
    return ScreeningResult(
        verdict, results, compiled.nct_id, record.identifier, tuple(reasons), tuple(confirm), tuple(problems),
        record.screening_date.isoformat(), tuple(record.ignored_keys),
    )


def _screen_criterion(evaluator: Evaluator, criterion: Criterion) -> CriterionResult:
    answer: Answer = evaluator.evaluate(criterion.rule)
    outcome = {True: Outcome.MET, False: Outcome.NOT_MET, None: Outcome.UNKNOWN}[answer.value]
    return CriterionResult(
        criterion.index, criterion.kind, criterion.text, criterion.span, outcome, answer.reason,
        answer.evidence, answer.to_confirm if outcome is Outcome.UNKNOWN else (), criterion.status,
        criterion.rule.render(), criterion.origin,
    )


def _confirmations(reviewed: dict, record: Patient) -> dict[int, Outcome]:
    out = {}
    for key, value in reviewed.items():
        try:
            out[int(key)] = Outcome(str(value).strip().lower().replace(" ", "_"))
        except ValueError:
            error = PatientDataError(f"reviewed[{key!r}]", f"expected a criterion index and 'met' or 'not_met', not {value!r}")
            record.errors.append(error)
    return out


def _apply_review(result: CriterionResult, confirmations: dict[int, Outcome]) -> CriterionResult:
    confirmed = confirmations.get(result.index)
    if confirmed is None or result.outcome is not Outcome.UNKNOWN or confirmed is Outcome.UNKNOWN:
        return result
    return CriterionResult(
        result.index, result.kind, result.text, result.span, confirmed,
        f"confirmed {confirmed.value} by a reviewer (rules said: {result.explanation})",
        result.evidence, (), result.status, result.rule, result.origin,
    )


def _verdict(results: tuple[CriterionResult, ...], trial: Trial) -> tuple[Verdict, list[str], list[str]]:
    if not trial.has_criteria:
        return Verdict.NEEDS_REVIEW, list(trial.problems) or ["the trial has no eligibility criteria to screen against"], []
    against = [r for r in results if r.decides_against]
    if against:
        reasons = [f"{r.kind} criterion {r.index} {'not met' if r.kind == 'inclusion' else 'met'}: {r.text} ({r.explanation})" for r in against]
        return Verdict.INELIGIBLE, reasons, []
    open_ = [r for r in results if not r.in_favour]
    if not open_:
        return Verdict.ELIGIBLE, ["every criterion is decided in the patient's favour"], []
    reasons = [f"{r.kind} criterion {r.index} unknown: {r.text} ({r.explanation})" for r in open_]
    confirm = list(dict.fromkeys(item for r in open_ for item in (r.to_confirm or (r.text,))))
    return Verdict.NEEDS_REVIEW, reasons, confirm
