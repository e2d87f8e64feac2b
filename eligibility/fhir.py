"""A FHIR R4 Bundle (or a lone Patient resource) read into the plain patient dict `screen` takes.

Patient gives the birth date and sex; Observations with a quantity give measurements, named by
their LOINC code where the analyte lexicon lists it and by their display text otherwise, with the
reference range as ULN / LLN; Conditions, medication resources, Procedures and AllergyIntolerances
give the dated lists (a medication with its dose a day where its dosage says it in milligrams). A
list is given only when the bundle holds at least one resource of its kind:
a bundle without MedicationRequests says nothing about medications, and they stay unknown.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import PatientDataError
from .lexicon import get_lexicon

_SNOMED_TAG = re.compile(r"\s*\((?:disorder|finding|situation|procedure|regime/therapy|morphologic abnormality|event)\)\s*$", re.I)
_MEDICATION_TYPES = ("MedicationRequest", "MedicationStatement", "MedicationAdministration")
_ENDED = {"stopped", "completed", "cancelled", "entered-in-error", "inactive", "resolved", "remission"}


def is_fhir(data: Any) -> bool:
    return isinstance(data, dict) and data.get("resourceType") in ("Bundle", "Patient")


def patient_from_fhir(data: dict[str, Any]) -> dict[str, Any]:
    """The patient dict of a Bundle of one patient's resources, or of a Patient resource alone."""
    if data.get("resourceType") == "Patient":
        resources = [data]
    else:
        entries = data.get("entry")
        if not isinstance(entries, list):
            raise PatientDataError("entry", "a FHIR Bundle needs an 'entry' list")
        resources = [e.get("resource") for e in entries if isinstance(e, dict) and isinstance(e.get("resource"), dict)]
    patients = [r for r in resources if r.get("resourceType") == "Patient"]
    if len(patients) > 1:
        raise PatientDataError("entry", f"the Bundle holds {len(patients)} Patient resources; screen one patient at a time")
    record: dict[str, Any] = {}
    if patients:
        _read_patient(patients[0], record)
    kinds = {r.get("resourceType") for r in resources}
    lists = {"conditions": "Condition", "procedures": "Procedure", "allergies": "AllergyIntolerance"}
    for key, kind in lists.items():
        if kind in kinds:
            record[key] = []
    if kinds.intersection(_MEDICATION_TYPES):
        record["medications"] = []
    codes = {code: analyte.id for analyte in get_lexicon().analytes.values() for code, _ in analyte.loinc}
    smoking_date = ""
    for resource in resources:
        kind = resource.get("resourceType")
        if kind == "Observation":
            smokes = _smoking_status(resource)
            if smokes is not None and smokes[0] >= smoking_date:
                smoking_date, record["smoker"] = smokes
            for name, measurement in _observations(resource, codes):
                record.setdefault(name, []).append(measurement)
        elif kind == "Condition":
            ended = resource.get("abatementDateTime")
            _append_named(record["conditions"], _with_stage(_concept_text(resource.get("code")), resource), resource.get("onsetDateTime"), ended,
                          "" if ended else _ended_status(resource.get("clinicalStatus")))
        elif kind in _MEDICATION_TYPES:
            period = resource.get("effectivePeriod") or {}
            start = resource.get("authoredOn") or resource.get("effectiveDateTime") or period.get("start")
            end = period.get("end") or (start if resource.get("status") in _ENDED else None)
            _append_named(record["medications"], _concept_text(resource.get("medicationCodeableConcept")), start, end,
                          dose=_daily_dose(resource))
        elif kind == "Procedure":
            # done on a day, or over a period that ended: no longer going on, unless its status says so
            period = resource.get("performedPeriod") or {}
            start = resource.get("performedDateTime") or period.get("start")
            end = period.get("end") or (None if resource.get("status") in ("in-progress", "on-hold") else start)
            _append_named(record["procedures"], _concept_text(resource.get("code")), start, end)
        elif kind == "AllergyIntolerance":
            _append_named(record["allergies"], _concept_text(resource.get("code")), resource.get("onsetDateTime"), None)
    return record


_SMOKING_STATUS_LOINC = "72166-2"
# SNOMED CT smoking statuses: whether the patient smokes now ("former" and "never" both say no; "unknown if
# ever smoked" says nothing)
_SMOKES = {"449868002": True, "428041000124106": True, "77176002": True, "428071000124103": True, "428061000124105": True,
           "65568007": True, "266919005": False, "8517006": False}


def _smoking_status(resource: dict) -> tuple[str, bool] | None:
    """(date, smokes now) of a tobacco smoking status Observation, None for any other or an unknown status."""
    codings = (resource.get("code") or {}).get("coding") or []
    if not any(c.get("code") == _SMOKING_STATUS_LOINC and "loinc" in str(c.get("system", "")) for c in codings if isinstance(c, dict)):
        return None
    value = resource.get("valueCodeableConcept") or {}
    smokes = next((_SMOKES[c.get("code")] for c in value.get("coding") or [] if isinstance(c, dict) and c.get("code") in _SMOKES), None)
    if smokes is None:
        return None
    return _day(resource.get("effectiveDateTime") or (resource.get("effectivePeriod") or {}).get("start")) or "", smokes


def _read_patient(resource: dict, record: dict) -> None:
    if resource.get("id"):
        record["id"] = str(resource["id"])
    if resource.get("birthDate"):
        record["birth_date"] = str(resource["birthDate"])[:10]
    if resource.get("gender") in ("male", "female"):  # "other" / "unknown": no sex the criteria can use
        record["sex"] = resource["gender"]


def _observations(resource: dict, codes: dict[str, str]):
    """(name, measurement) of an Observation and of each component with a quantity ("blood pressure")."""
    date = _day(resource.get("effectiveDateTime") or (resource.get("effectivePeriod") or {}).get("start"))
    for part in [resource, *(resource.get("component") or [])]:
        quantity = part.get("valueQuantity")
        if not isinstance(quantity, dict) or not isinstance(quantity.get("value"), (int, float)) or isinstance(quantity.get("value"), bool):
            continue
        comparator = quantity.get("comparator") or ""
        if comparator not in ("", "<", "<=", ">", ">="):  # "ad": no bound a threshold can be weighed against
            continue
        name = _observation_name(part.get("code"), codes)
        if not name:
            continue
        # "< 5": a bound, not the value; the screening weighs every value beyond it
        measurement: dict[str, Any] = {"value": f"{comparator}{quantity['value']}" if comparator else quantity["value"]}
        unit = _ucum_text(quantity.get("code") or quantity.get("unit"))
        if unit:
            measurement["unit"] = unit
        if date:
            measurement["date"] = date
        ranges = part.get("referenceRange") or resource.get("referenceRange") or []
        if ranges and isinstance(ranges[0], dict):
            for bound, key in (("high", "uln"), ("low", "lln")):
                limit = ranges[0].get(bound)
                if isinstance(limit, dict) and isinstance(limit.get("value"), (int, float)):
                    measurement[key] = f"{limit['value']} {_ucum_text(limit.get('code') or limit.get('unit'))}".strip()
        yield name, measurement


# UCUM's bracketed and customary atoms, spelled as the unit reader spells them
_UCUM_ATOMS = {"[Hg]": "Hg", "[in_i]": "in", "[lb_av]": "lb", "[degF]": "degF", "Cel": "degC", "[iU]": "IU", "[IU]": "IU"}


def _ucum_text(unit: Any) -> str:
    """A UCUM code as unit text: annotations ("{score}", "{cells}") say nothing of the unit."""
    if not isinstance(unit, str):
        return ""
    text = re.sub(r"\{[^}]*\}", "", unit).strip()
    for atom, spelled in _UCUM_ATOMS.items():
        text = text.replace(atom, spelled)
    return "" if text in ("", "1") else text


def _observation_name(code: Any, codes: dict[str, str]) -> str:
    for coding in (code or {}).get("coding") or []:
        if "loinc" in str(coding.get("system", "")) and coding.get("code") in codes:
            return codes[coding["code"]]
    return _concept_text(code)


def _concept_text(concept: Any) -> str:
    if not isinstance(concept, dict):
        return ""
    text = concept.get("text") or next((c.get("display") for c in concept.get("coding") or [] if c.get("display")), "")
    return _SNOMED_TAG.sub("", str(text)).strip()


def _with_stage(name: str, condition: dict) -> str:
    """"Breast cancer, stage IIIA": a cancer's stage group from Condition.stage, which the criteria ask of it."""
    stages = condition.get("stage")
    summary = _concept_text(stages[0].get("summary")) if isinstance(stages, list) and stages and isinstance(stages[0], dict) else ""
    if not summary or not name or "stage" in name.lower():
        return name
    return f"{name}, {summary if 'stage' in summary.lower() else 'stage ' + summary}"


def _ended_status(status: Any) -> str:
    """"resolved" for a condition that ended on a day the resource does not give."""
    codes = {c.get("code") for c in (status or {}).get("coding") or [] if isinstance(c, dict)}
    return "resolved" if codes & _ENDED else ""


_PERIOD_DAYS = {"h": 1 / 24, "d": 1, "wk": 7, "mo": 30.4375, "a": 365.25}


def _daily_dose(resource: dict) -> str:
    """A medication's dose a day ("10 mg/day"), when its dosage gives an amount in a unit of mass and how
    often it is taken; "1 tablet" says nothing of milligrams, and an as-needed dose is no daily dose."""
    dosages = resource.get("dosageInstruction") or resource.get("dosage") or []
    dosages = dosages if isinstance(dosages, list) else [dosages]
    if len(dosages) != 1 or not isinstance(dosages[0], dict) or dosages[0].get("asNeededBoolean"):
        return ""
    rates = dosages[0].get("doseAndRate") or []
    dose = (rates[0].get("doseQuantity") or {}) if rates and isinstance(rates[0], dict) else {}
    unit = str(dose.get("code") or dose.get("unit") or "")
    repeat = (dosages[0].get("timing") or {}).get("repeat") or {}
    frequency, period, period_unit = repeat.get("frequency", 1), repeat.get("period"), repeat.get("periodUnit")
    if (not isinstance(dose.get("value"), (int, float)) or not re.fullmatch(r"(?:m|u|µ|n)?g", unit)
            or not isinstance(period, (int, float)) or period <= 0 or period_unit not in _PERIOD_DAYS):
        return ""
    daily = dose["value"] * frequency / (period * _PERIOD_DAYS[period_unit])
    return f"{daily:g} {unit}/day"


def _append_named(records: list, name: str, start: Any, end: Any, status: str = "", dose: str = "") -> None:
    if not name:
        return
    entry: dict[str, Any] = {"name": name}
    if dose:
        entry["dose"] = dose
    if _day(start):
        entry["start"] = _day(start)
    if _day(end):
        entry["end"] = _day(end)
    if status:
        entry["status"] = status
    records.append(entry)


def _day(value: Any) -> str | None:
    return str(value)[:10] if isinstance(value, str) and re.match(r"\d{4}-\d{2}-\d{2}", value) else None
