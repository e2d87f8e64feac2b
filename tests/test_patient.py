"""Reading patient dicts: forms of values, aliases, derived values, errors naming the key."""

import datetime as dt

import pytest

import eligibility
from eligibility.errors import PatientDataError
from eligibility.patient import Patient


def test_aliases_are_case_insensitive():
    patient = Patient.from_dict({"PLT": 100, "platelet count": "120 x10^9/L", "anc": 2, "Hb": "10 g/dL", "CrCl": 80,
                                 "eGFR": 70, "ECOG": 1, "KPS": 90, "LVEF": "55%", "QTcF": 430, "INR": 1.1, "HbA1c": 7})
    assert set(patient.measurements) == {"platelets", "anc", "hemoglobin", "crcl", "egfr", "ecog", "karnofsky", "lvef", "qtc", "inr", "hba1c"}
    assert len(patient.measurements["platelets"]) == 2


def test_bare_numbers_use_the_usual_unit():
    patient = Patient.from_dict({"platelets": 150, "creatinine": 1.1})
    assert f"{patient.measurements['platelets'][0].quantity.to('1/uL').magnitude:.0f}" == "150000"
    assert str(patient.measurements["creatinine"][0].quantity.units) == "milligram / deciliter"


def test_age_from_birth_date_and_bmi_from_weight_and_height():
    patient = Patient.from_dict({"birth_date": "2000-03-02", "screening_date": "2024-03-01", "weight": "80 kg", "height": "2 m"})
    assert patient.measurements["age"][0].quantity.magnitude == 23
    assert patient.measurements["bmi"][0].quantity.magnitude == pytest.approx(20.0)


def test_records_with_dates_and_relative_dates():
    patient = Patient.from_dict({"screening_date": "2024-03-01", "medications": [{"name": "Rituxan", "date": "6 weeks ago"}, "eltrombopag"]})
    rituximab, eltrombopag = patient.records["drug"]
    assert rituximab.start == dt.date(2024, 1, 19) and "anti_cd20_antibody" in rituximab.concepts
    assert "tpo_ra" in eltrombopag.concepts and eltrombopag.start is None


@pytest.mark.parametrize("data, key, message", [
    ({"platelets": "lots"}, "platelets", "not a quantity"),
    ({"platelets": "100 furlongs"}, "platelets", "unknown unit"),
    ({"platelets": True}, "platelets", "needs a number"),
    ({"sex": "x"}, "sex", "sex must be"),
    ({"pregnant": "maybe"}, "pregnant", "yes/no"),
    ({"conditions": "diabetes"}, "conditions", "must be a list"),
    ({"medications": [{"name": "warfarin", "start": "last year"}]}, "medications[0].start", "cannot read 'last year' as a date"),
    ({"cci": [{"value": 10, "at": "soon"}]}, "cci[0].at", "not a duration"),
    ({"alt": {"value": 10, "unit": "U/L", "ULN": 40}}, "alt", "unknown fields"),
    ({"screening_date": "tomorrow"}, "screening_date", "as a date"),
    ({"medications": [{"name": "prednisone", "dose": 20}]}, "medications[0].dose", "a dose is a string with its unit"),
    ({"medications": [{"name": "prednisone", "dose": "20"}]}, "medications[0].dose", "needs its unit"),
    ({"medications": [{"name": "prednisone", "dose": "plenty"}]}, "medications[0].dose", "not a quantity"),
    # a test strip's grades belong to the strip, not to any score: "negative" is no ECOG grade
    ({"ECOG": "negative"}, "ECOG", "not a quantity|unknown unit"),
    ({"ECOG": "2+"}, "ECOG", "unknown unit"),
    # a bare number plausible only in another unit: 95 g/L, 50000/µL, 100.5 °F are not read in the usual unit
    ({"hemoglobin": 95}, "hemoglobin", r"95 without a unit is no plausible hemoglobin in g/dL; give its unit \(perhaps g/L\)"),
    ({"platelets": 50000}, "platelets", "perhaps /µL"),
    ({"temperature": 100.5}, "temperature", "perhaps °F"),
    ({"hemoglobin": "95"}, "hemoglobin", "perhaps g/L"),  # a number in a string is as bare
    ({"hba1c": 53}, "hba1c", "perhaps mmol/mol"),  # an IFCC value, which read as 53 % would fail any bound
    ({"hemoglobin": "9,5,0 g/dL"}, "hemoglobin", "neither thousands nor a decimal comma"),
    ({"age": float("nan")}, "age", "needs a finite number"),
    ({"platelets": float("inf")}, "platelets", "needs a finite number"),
    # a limit of 0 makes every multiple of it 0: "ALT ≤ 2.5 x ULN" would divide by it
    ({"alt": {"value": 40, "unit": "U/L", "uln": 0}}, "alt.uln", "must be above 0"),
    ({"alt": {"value": 40, "unit": "U/L", "uln": "-5 U/L"}}, "alt.uln", "must be above 0"),
])
def test_bad_values_name_their_key(data, key, message):
    with pytest.raises(PatientDataError, match=message) as error:
        Patient.from_dict(data, strict=True)
    assert error.value.key == key


def test_a_bad_value_loses_nothing_else():
    trial = eligibility.compile_trial("Inclusion Criteria:\n* Platelets ≥ 100 x10^9/L\n* ECOG ≤ 1")
    result = eligibility.screen({"platelets": "many", "ECOG": 0}, trial)
    outcomes = [r.outcome.value for r in result.criteria]
    assert outcomes == ["unknown", "met"]
    assert any("patient['platelets']" in p for p in result.problems)


def test_not_a_dict():
    with pytest.raises(PatientDataError, match="a patient is a dict"):
        Patient.from_dict(["platelets", 100])


def test_unknown_keys_are_reported_not_fatal():
    trial = eligibility.compile_trial("Inclusion Criteria:\n* ECOG ≤ 1")
    result = eligibility.screen({"ECOG": 0, "favourite_colour": "blue"}, trial)
    assert result.ignored_keys == ("favourite_colour",)


def test_reviewer_confirmation_settles_only_unknowns():
    trial = eligibility.compile_trial("Inclusion Criteria:\n* Written informed consent\n* ECOG ≤ 1")
    result = eligibility.screen({"ECOG": 3, "reviewed": {"0": "met", "1": "met"}}, trial)
    assert [r.outcome.value for r in result.criteria] == ["met", "not_met"]
    assert "confirmed met by a reviewer" in result.criteria[0].explanation
