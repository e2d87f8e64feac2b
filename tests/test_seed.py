"""The seed trial NCT05832216, as page text and as the example CT.gov record."""

import json

import pytest
from conftest import ROOT, SEED, SEED_NO_CRITERIA, needs

import eligibility

EXAMPLE = ROOT / "examples" / "NCT05832216.json"
PATIENTS = ROOT / "examples" / "patients"


@pytest.fixture(scope="module")
def example_trial():
    return eligibility.compile_trial(EXAMPLE)


def test_example_record_compiles_every_criterion(example_trial):
    from_text = [c for c in example_trial.criteria if c.origin == "criteria"]
    assert len(from_text) == 27  # 6 inclusion, 21 exclusion (one with three sub-items)
    assert sum(c.kind == "inclusion" for c in from_text) == 6
    manual = [c.index for c in from_text if c.status == "manual"]
    assert manual == [26]  # investigator's judgement; consent (5) is a flag the record answers
    assert all(c.status in ("compiled", "partial") for c in from_text if c.index not in manual)
    bleeding = next(c for c in from_text if c.children)
    assert [c.text for c in bleeding.children] == ["Gastrointestinal bleeding", "Respiratory tract hemorrhage", "Central nervous system bleeding"]
    assert bleeding.rule.kind == "any_of"


def test_structured_fields_become_rules(example_trial):
    structured = {c.text: c.rule.render() for c in example_trial.criteria if c.origin == "structured"}
    assert structured == {
        "Minimum age: 12 Years": "age >= 12 year",
        "Sex: ALL": "sex in {male, female}",
        "Accepts healthy volunteers: No": "NOT healthy_volunteer",
    }


def test_spans_point_at_the_criterion_in_the_record(example_trial):
    text = json.loads(EXAMPLE.read_text())["protocolSection"]["eligibilityModule"]["eligibilityCriteria"]
    for criterion in example_trial.criteria:
        if criterion.origin == "criteria":
            start, end = criterion.span
            assert eligibility.criteria_unescape(text[start:end]).strip() == criterion.text


@needs(SEED)
def test_seed_page_matches_the_record(example_trial):
    page = eligibility.compile_trial(SEED.read_text(encoding="utf-8"))
    assert page.nct_id == "NCT05832216"
    assert [c.rule.render() for c in page.criteria] == [c.rule.render() for c in example_trial.criteria]
    text = SEED.read_text(encoding="utf-8")
    for criterion in page.criteria:
        if criterion.origin == "criteria":
            start, end = criterion.span
            assert eligibility.criteria_unescape(text[start:end]).strip() == criterion.text


@needs(SEED_NO_CRITERIA)
def test_page_without_criteria_says_so():
    trial = eligibility.compile_trial(SEED_NO_CRITERIA.read_text(encoding="utf-8"))
    assert not trial.has_criteria
    assert trial.problems and "no eligibility criteria found" in trial.problems[0]
    assert "Inclusion criteria" in trial.problems[0] and "April 10, 2023" in trial.problems[0]
    result = eligibility.screen({"age": 40}, trial)
    assert result.verdict == "needs_review"
    assert "no eligibility criteria found" in result.reasons[0]


@pytest.mark.parametrize("name, verdict", [
    ("eligible", "eligible"),
    ("ineligible_platelets", "ineligible"),
    ("ineligible_diabetes", "ineligible"),
    ("ineligible_recent_rituximab", "ineligible"),
    ("needs_review", "needs_review"),
])
def test_example_patients(example_trial, name, verdict):
    patient = json.loads((PATIENTS / f"{name}.json").read_text())
    result = eligibility.screen(patient, example_trial, strict=True)
    assert result.verdict == verdict, result.report()
    assert result.verdict.value == verdict
    assert len(result.criteria) == len(example_trial.criteria)
    report = result.report()
    assert verdict.replace("_", " ").upper() in report


def test_needs_review_lists_what_to_confirm(example_trial):
    patient = json.loads((PATIENTS / "needs_review.json").read_text())
    result = eligibility.screen(patient, example_trial)
    assert any("corrected count increment" in item for item in result.to_confirm)
    assert any("consent" in item.lower() for item in result.to_confirm)


def test_meeting_every_computable_criterion_still_needs_consent(example_trial):
    patient = json.loads((PATIENTS / "eligible.json").read_text())
    del patient["reviewed"], patient["informed_consent"]
    result = eligibility.screen(patient, example_trial)
    assert result.verdict == "needs_review"
    assert {r.index for r in result.criteria if r.outcome == "unknown"} == {5, 9, 26}
    consent = next(r for r in result.criteria if r.index == 5)
    assert "informed consent is not given" in consent.explanation


def test_a_recorded_refusal_of_consent_makes_the_patient_ineligible(example_trial):
    patient = json.loads((PATIENTS / "eligible.json").read_text())
    patient["informed_consent"] = False
    assert eligibility.screen(patient, example_trial).verdict == "ineligible"


def test_explanations_name_value_conversion_and_threshold(example_trial):
    patient = json.loads((PATIENTS / "eligible.json").read_text())
    result = eligibility.screen(patient, example_trial)
    glucose = next(r for r in result.criteria if r.text.startswith("Poorly controlled diabetes"))
    assert glucose.outcome == "not_met"
    assert "140 mg/dL (= 7.77" in glucose.explanation and "11.1 mmol/L" in glucose.explanation
    bilirubin = next(r for r in result.criteria if r.text.startswith("Abnormal liver function"))
    assert "ULN" in bilirubin.explanation
