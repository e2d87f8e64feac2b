"""FHIR R4 Bundles read as patients: measurements by LOINC, dated lists, and what stays unknown."""

import json

import pytest
from conftest import DATA, SEED, needs

import eligibility
from eligibility.errors import PatientDataError
from eligibility.fhir import patient_from_fhir
from eligibility.patient import Patient


def _loinc(code: str, display: str) -> dict:
    return {"coding": [{"system": "http://loinc.org", "code": code, "display": display}], "text": display}


BUNDLE = {
    "resourceType": "Bundle",
    "type": "collection",
    "entry": [
        {"resource": {"resourceType": "Patient", "id": "p1", "gender": "female", "birthDate": "1980-05-02"}},
        {"resource": {"resourceType": "Observation", "code": _loinc("777-3", "Platelets [#/volume] in Blood"),
                      "effectiveDateTime": "2024-02-20T09:00:00Z",
                      "valueQuantity": {"value": 85, "unit": "10*3/uL", "system": "http://unitsofmeasure.org", "code": "10*3/uL"},
                      "referenceRange": [{"low": {"value": 150, "code": "10*3/uL"}, "high": {"value": 400, "code": "10*3/uL"}}]}},
        {"resource": {"resourceType": "Observation", "code": _loinc("85354-9", "Blood pressure panel"),
                      "effectiveDateTime": "2024-02-20",
                      "component": [
                          {"code": _loinc("8480-6", "Systolic blood pressure"), "valueQuantity": {"value": 150, "code": "mm[Hg]"}},
                          {"code": _loinc("8462-4", "Diastolic blood pressure"), "valueQuantity": {"value": 85, "code": "mm[Hg]"}}]}},
        {"resource": {"resourceType": "Observation", "code": {"text": "Pain severity"},
                      "valueQuantity": {"value": 3, "code": "{score}"}}},
        {"resource": {"resourceType": "Observation", "code": _loinc("2160-0", "Creatinine"),
                      "valueQuantity": {"value": 0.5, "comparator": "<", "code": "mg/dL"}}},
        {"resource": {"resourceType": "Condition", "code": {"coding": [{"display": "Essential hypertension (disorder)"}]},
                      "onsetDateTime": "2015-01-10"}},
        {"resource": {"resourceType": "Condition", "code": {"text": "Pneumonia (disorder)"}, "onsetDateTime": "2023-11-02",
                      "clinicalStatus": {"coding": [{"code": "resolved"}]}}},
        {"resource": {"resourceType": "Procedure", "code": {"text": "Platelet transfusion"}, "performedDateTime": "2024-02-25"}},
    ],
}


def test_a_bundle_reads_into_the_patient_dict():
    record = patient_from_fhir(BUNDLE)
    assert record["sex"] == "female" and record["birth_date"] == "1980-05-02" and record["id"] == "p1"
    assert record["platelets"] == [{"value": 85, "unit": "10*3/uL", "date": "2024-02-20", "uln": "400 10*3/uL", "lln": "150 10*3/uL"}]
    assert record["sbp"][0]["unit"] == "mmHg" and record["dbp"][0]["value"] == 85
    assert record["Pain severity"] == [{"value": 3}]  # an annotation is no unit
    assert record["conditions"][0] == {"name": "Essential hypertension", "start": "2015-01-10"}
    assert record["conditions"][1]["status"] == "resolved"
    assert "medications" not in record  # no medication resource: unknown, not none
    assert record["creatinine"] == [{"value": "<0.5", "unit": "mg/dL"}]  # a bound, which the screening weighs as one
    trial = eligibility.compile_trial("Inclusion Criteria:\n* Creatinine <= 1.5 mg/dL\n* Creatinine >= 0.3 mg/dL")
    assert [row.outcome.value for row in eligibility.screen(BUNDLE, trial).criteria[:2]] == ["met", "unknown"]


def test_screening_a_bundle():
    trial = eligibility.compile_trial(
        "Inclusion Criteria:\n* Platelets < 100 x 10^9/L\n* Female, aged 18 to 65\nExclusion Criteria:\n"
        "* Current pneumonia\n* Prior anticoagulant therapy\n")
    result = eligibility.screen(dict(BUNDLE, entry=BUNDLE["entry"]), trial)
    outcomes = [c.outcome.value for c in result.criteria]
    assert outcomes[:3] == ["met", "met", "not_met"]  # a resolved pneumonia is not current
    assert outcomes[3] == "unknown"  # the bundle holds no medications
    assert result.verdict.value == "needs_review"


def test_a_lone_patient_resource_and_a_bundle_of_two_patients():
    assert Patient.from_dict({"resourceType": "Patient", "gender": "male", "birthDate": "1970-01-01"}).sex == "male"
    two = {"resourceType": "Bundle", "entry": [{"resource": {"resourceType": "Patient"}}] * 2}
    with pytest.raises(PatientDataError, match="2 Patient resources"):
        patient_from_fhir(two)


@needs(DATA / "synthea-r4")
@needs(SEED)
def test_synthea_bundles_screen_with_age_sex_and_labs():
    trial = eligibility.compile_trial(SEED.read_text(encoding="utf-8"))
    bundles = sorted((DATA / "synthea-r4").glob("*.json"))
    assert bundles
    for path in bundles:
        patient = Patient.from_dict(json.loads(path.read_text(encoding="utf-8")))
        assert patient.sex in ("male", "female") and "age" in patient.measurements, path.name
        assert patient.records["condition"] is not None, path.name
        assert eligibility.screen(json.loads(path.read_text(encoding="utf-8")), trial).criteria


def _smoking(date: str, code: str, display: str) -> dict:
    return {"resource": {"resourceType": "Observation", "code": _loinc("72166-2", "Tobacco smoking status"), "effectiveDateTime": date,
                         "valueCodeableConcept": {"coding": [{"system": "http://snomed.info/sct", "code": code, "display": display}]}}}


def test_smoking_status_is_the_latest_one_recorded():
    bundle = {"resourceType": "Bundle", "entry": [
        {"resource": {"resourceType": "Patient", "gender": "male", "birthDate": "1970-01-01"}},
        _smoking("2019-03-01", "449868002", "Current every day smoker"),
        _smoking("2023-06-01", "8517006", "Former smoker"),
        _smoking("2021-01-01", "428041000124106", "Current some day smoker"),
    ]}
    assert patient_from_fhir(bundle)["smoker"] is False
    bundle["entry"].append(_smoking("2024-01-01", "266927001", "Unknown if ever smoked"))  # says nothing
    assert patient_from_fhir(bundle)["smoker"] is False
    bundle["entry"].append(_smoking("2024-02-01", "77176002", "Smoker, current status unknown"))
    assert patient_from_fhir(bundle)["smoker"] is True


def test_no_smoking_status_leaves_smoking_unknown():
    assert "smoker" not in patient_from_fhir(BUNDLE)


def _medication(name: str, dosage: dict | None) -> dict:
    resource = {"resourceType": "MedicationStatement", "status": "active", "medicationCodeableConcept": {"text": name},
                "effectivePeriod": {"start": "2024-01-05"}}
    if dosage is not None:
        resource["dosage"] = [dosage]
    return {"resource": resource}


def test_a_medication_dose_a_day_from_its_dosage():
    twice_daily = {"timing": {"repeat": {"frequency": 2, "period": 1, "periodUnit": "d"}},
                   "doseAndRate": [{"doseQuantity": {"value": 7.5, "unit": "mg", "code": "mg"}}]}
    one_tablet = {"timing": {"repeat": {"frequency": 1, "period": 1, "periodUnit": "d"}}, "doseAndRate": [{"doseQuantity": {"value": 1}}]}
    bundle = {"resourceType": "Bundle", "entry": [
        _medication("prednisone", twice_daily), _medication("metformin", one_tablet),
        _medication("ibuprofen", {**twice_daily, "asNeededBoolean": True})]}
    medications = patient_from_fhir(bundle)["medications"]
    assert medications[0]["dose"] == "15 mg/day"
    assert "dose" not in medications[1] and "dose" not in medications[2]  # a tablet is no mass; as needed is no daily dose
    trial = eligibility.compile_trial("Exclusion Criteria:\n* Prednisone > 10 mg/day")
    result = eligibility.screen(bundle, trial)
    assert result.criteria[0].outcome.value == "met"


def test_a_cancer_stage_from_the_condition_stage_summary():
    condition = {"resourceType": "Condition", "code": {"text": "Non-small cell lung cancer (disorder)"},
                 "stage": [{"summary": {"coding": [{"display": "IVB"}]}}]}
    record = patient_from_fhir({"resourceType": "Bundle", "entry": [{"resource": condition}]})
    assert record["conditions"][0]["name"] == "Non-small cell lung cancer, stage IVB"
    trial = eligibility.compile_trial("Inclusion Criteria:\n* Patients with stage IV NSCLC\n* Patients with stage IIIB NSCLC")
    outcomes = [row.outcome.value for row in eligibility.screen(record, trial).criteria[:2]]
    assert outcomes == ["met", "not_met"]


def test_an_ifcc_hba1c_is_read_on_its_own_scale():
    bundle = {"resourceType": "Bundle", "type": "collection", "entry": [
        {"resource": {"resourceType": "Patient", "id": "p2", "gender": "male", "birthDate": "1970-01-01"}},
        {"resource": {"resourceType": "Observation", "code": _loinc("59261-8", "Hemoglobin A1c/Hemoglobin.total in Blood by IFCC protocol"),
                      "valueQuantity": {"value": 64, "unit": "mmol/mol", "system": "http://unitsofmeasure.org", "code": "mmol/mol"}}}]}
    trial = eligibility.compile_trial("Inclusion Criteria:\n* HbA1c < 7%")
    row = eligibility.screen(bundle, trial).criteria[0]
    assert row.outcome.value == "not_met" and "(= 8%)" in row.explanation  # 64 mmol/mol is 8.0 %, not 6.4 %


def test_a_procedure_is_over_when_performed():
    """Synthea's procedures carry a period; one that is not in progress ended when it was performed, never
    lasting into every window after it ("Major surgery within 4 weeks" and a bypass in 2016)."""
    bundle = {"resourceType": "Bundle", "entry": [
        {"resource": {"resourceType": "Patient", "gender": "male", "birthDate": "1950-01-01"}},
        {"resource": {"resourceType": "Procedure", "code": {"text": "Coronary artery bypass grafting"}, "status": "completed",
                      "performedPeriod": {"start": "2016-12-10T02:39:21+00:00", "end": "2016-12-10T02:54:21+00:00"}}},
        {"resource": {"resourceType": "Procedure", "code": {"text": "Hemodialysis"}, "status": "in-progress",
                      "performedPeriod": {"start": "2016-12-10"}}}]}
    record = patient_from_fhir(bundle)
    assert record["procedures"][0] == {"name": "Coronary artery bypass grafting", "start": "2016-12-10", "end": "2016-12-10"}
    assert "end" not in record["procedures"][1]
    trial = eligibility.compile_trial("Exclusion Criteria:\n* Major surgery within 4 weeks before randomization")
    assert eligibility.screen(bundle, trial).criteria[0].outcome.value == "not_met"
