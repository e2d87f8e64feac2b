"""The thresholds table of a trial."""

from conftest import ROOT

import eligibility
from eligibility.units import quantity


def test_seed_thresholds():
    rows = eligibility.thresholds(ROOT / "examples" / "NCT05832216.json")
    table = {(r.variable, r.op, r.value, r.unit, r.timepoint) for r in rows}
    assert ("platelets", "<", 10.0, "1e9 / L", "") in table
    assert ("platelets", "<", 20.0, "1e9 / L", "") in table
    assert ("cci", "<", 7500.0, "1 / µL", "60 min") in table
    assert ("cci", "<", 4500.0, "1 / µL", "24 h") in table
    assert ("alt", ">", 2.0, "ULN", "") in table and ("ast", ">", 2.0, "ULN", "") in table
    assert ("fasting_glucose", ">", 8.8, "mmol / L", "") in table
    assert ("age", ">=", 12.0, "year", "") in table
    assert ("ecog", "<=", 2.0, "dimensionless", "") in table
    assert ("nyha", "in", 3.0, "", "") in table
    windows = {(r.variable, r.value, r.unit) for r in rows if r.op == "within"}
    assert ("anti_cd20_antibody", 2.0, "month") in windows
    for row in rows:
        if row.unit and row.unit not in ("ULN", "LLN") and " .. " not in row.unit:
            quantity(1.0, row.unit)  # every unit is one pint parses
        assert row.kind in ("inclusion", "exclusion") and row.text


def test_negated_comparisons_are_marked():
    rows = eligibility.thresholds("Inclusion Criteria:\n* No ALT > 3 x ULN")
    assert rows[0].negated and rows[0].op == ">"


def test_durations_grades_and_doses_are_rows_of_their_finding():
    rows = eligibility.thresholds("Inclusion Criteria:\n* Type 2 diabetes for at least 1 year\n* Grade 3-4 neutropenia\n"
                                  "* Prednisone > 10 mg/day\n* Corticosteroids (≤ 4 mg/day dexamethasone or equivalent)")
    table = {(r.variable, r.op, r.value, r.high, r.unit, r.window) for r in rows}
    assert ("dexamethasone_equivalent", "<=", 4.0, None, "mg / day", "dose") in table
    assert ("type2_diabetes", ">=", 1.0, None, "year", "duration") in table
    assert ("neutropenia", "between", 3.0, 4.0, "", "grade") in table
    assert ("prednisone", ">", 10.0, None, "mg / day", "dose") in table


def test_thresholds_read_inside_a_criterion_left_for_review_are_marked():
    source = ("Exclusion Criteria:\n* Males aged 18-40 years as confirmed by a birth certificate in good health, QTc over 450 msec "
              "and risk factors for torsades")
    trial = eligibility.compile_trial(source)
    assert trial.criteria[0].status == "manual"  # the rule stays a review; the reading is a hint
    rows = eligibility.thresholds(trial)
    assert [(r.variable, r.op, r.value, r.unit, r.text, r.in_review) for r in rows] == [
        ("age", "between", 18.0, "year", "aged 18-40 years", True), ("qtc", ">", 450.0, "ms", "QTc over 450 msec", True)]
    result = eligibility.screen({"id": "p", "qtc": {"value": 500, "unit": "ms"}}, trial)
    assert result.criteria[0].outcome == "unknown"


def test_a_reading_in_review_drops_words_before_the_analyte_and_yields_to_a_rule():
    rows = eligibility.thresholds("Exclusion Criteria:\n* Systolic blood pressure <100 mmHg or basal heart rate <60/min")
    table = {(r.variable, r.op, r.value, r.text, r.in_review) for r in rows}
    assert ("sbp", "<", 100.0, "Systolic blood pressure <100 mmHg", False) in table
    assert ("heart_rate", "<", 60.0, "heart rate <60/min", True) in table
    assert len(rows) == 2


def test_an_age_read_apart_from_its_sentence_must_be_the_patients():
    rows = eligibility.thresholds("Inclusion Criteria:\n* Target ulcer area between 0.5 and 5 sqcm, and more than 4 weeks old.\n"
                                  "* Pregnant, with a gestational age under 37 full weeks as per ultrasound scan showing one fetus")
    assert [(r.variable, r.op, r.value, r.unit, r.in_review) for r in rows] == [
        ("text:target ulcer area", "between", 0.5, "cm ** 2", False), ("gestational_age", "<", 37.0, "week", False)]


def test_an_exception_left_to_review_for_its_scope_adds_no_second_row():
    rows = eligibility.thresholds("Exclusion Criteria:\n* Any condition other than coronary artery disease with a life expectancy <12 months")
    assert [(r.variable, r.op, r.value) for r in rows].count(("life_expectancy", "<", 12.0)) == 1


def test_an_age_named_in_words_no_cut_sets_apart_is_read_in_review_and_not_someone_elses():
    rows = eligibility.thresholds("Inclusion Criteria:\n* Adults residing in the United States aged 18 years or older proficient in "
                                  "understanding and reading the English language\n* Liver transplant from a deceased donor aged 70 "
                                  "years or older with qqq")
    assert [(r.criterion, r.variable, r.op, r.value, r.in_review) for r in rows] == [(0, "age", ">=", 18.0, True)]


def test_how_old_a_thing_is_is_no_age_of_the_patient():
    rows = eligibility.thresholds("Exclusion Criteria:\n* Ulcers older than 1 year.\n* Archival biopsy older than 6 months\n"
                                  "* Patients older than 80 years")
    assert [(r.criterion, r.variable, r.op, r.value) for r in rows] == [(2, "age", ">", 80.0)]
