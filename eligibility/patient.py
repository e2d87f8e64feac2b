"""The patient record: a plain dict read into measurements, facts and dated records.

Keys are canonical names or the names and abbreviations criteria use ("PLT", "ANC", "Hb",
"CrCl"), in any case. A key that is missing is unknown; a list that is given is complete. A value
that cannot be read is a PatientDataError naming its key; screening keeps going without it.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from dataclasses import dataclass, field
from typing import Any

import pint

from .errors import PatientDataError, UnitError
from .fhir import is_fhir, patient_from_fhir
from .lexicon import Analyte, get_lexicon, text_key
from .nodes import ROMAN_VALUES, TREATMENT_TOXICITY, display_unit
from .units import convert, parse_quantity_text, quantity

_SPECIAL = {
    "age": "age", "birth date": "birth_date", "birthdate": "birth_date", "date of birth": "birth_date", "dob": "birth_date",
    "sex": "sex", "gender": "sex",
    "pregnant": "pregnant", "pregnancy": "pregnant", "breastfeeding": "breastfeeding", "breast feeding": "breastfeeding",
    "breast-feeding": "breastfeeding", "lactating": "breastfeeding", "healthy volunteer": "healthy_volunteer",
    "postmenopausal": "postmenopausal", "post-menopausal": "postmenopausal", "menopausal": "postmenopausal",
    "smoker": "smoker", "smokes": "smoker", "current smoker": "smoker", "smoking": "smoker", "tobacco use": "smoker",
    "planning pregnancy": "planning_pregnancy", "pregnancy planned": "planning_pregnancy", "plans pregnancy": "planning_pregnancy",
    "childbearing potential": "childbearing_potential", "child bearing potential": "childbearing_potential", "wocbp": "childbearing_potential",
    "informed consent": "informed_consent", "consent": "informed_consent", "consented": "informed_consent",
    "willing to comply": "willing_to_comply", "compliance": "willing_to_comply", "complies": "willing_to_comply",
    "able to swallow": "able_to_swallow", "can swallow": "able_to_swallow", "swallows": "able_to_swallow",
    "uses contraception": "uses_contraception", "contraception": "uses_contraception", "birth control": "uses_contraception",
    "conditions": "condition", "diagnoses": "condition", "diseases": "condition", "problems": "condition", "history": "condition",
    "medications": "drug", "drugs": "drug", "meds": "drug", "treatments": "drug",
    "procedures": "procedure", "therapies": "procedure", "interventions": "procedure", "trials": "procedure",
    "allergies": "allergy", "allergy": "allergy",
    "screening date": "screening_date", "reference date": "screening_date", "date": "screening_date",
    "id": "id", "name": "id", "patient id": "id",
}
_UNNAMED = Analyte("value", "value", (), "dimensionless", "lab")  # a variable outside the lexicon
_SEX = {"male": "male", "m": "male", "man": "male", "female": "female", "f": "female", "woman": "female"}
_TRUE = {"yes", "y", "true", "positive", "present", "1"}
_FALSE = {"no", "n", "false", "negative", "absent", "0", "none"}


@dataclass(frozen=True)
class Measurement:
    key: str
    text: str  # the value as the patient record gave it
    quantity: pint.Quantity | None = None
    multiple: tuple[float, str] | None = None  # (2.5, "ULN") when the record gives a multiple
    uln: pint.Quantity | None = None
    lln: pint.Quantity | None = None
    at: pint.Quantity | None = None
    date: dt.date | None = None
    # "<5 mg/L", ">90 mL/min/1.73m2": the record gives a bound, not the value; the quantity is that bound
    bound: str = ""


@dataclass(frozen=True)
class Record:
    """A condition, medication, procedure or allergy from one of the patient's lists."""

    key: str
    name: str
    concepts: frozenset[str]  # the named concept and all it is a kind of
    start: dt.date | None = None
    end: dt.date | None = None
    status: str = ""
    reasons: frozenset[str] = frozenset()
    grade: int | None = None  # severity (CTCAE or tumour grade)
    term: str | None = None  # the concept its name names as a whole ("leukemia"), not one found inside it
    possible: frozenset[str] = frozenset()  # classes some count it in and others not (Concept.may_count_as)
    dose: pint.Quantity | None = None  # a medication's dose ("20 mg/day")
    dose_text: str = ""
    # terms named inside a name beside the one it is read as, or in a name the lexicons do not read as a whole
    # ("Metastatic breast cancer to bone", "Esophageal varices, bleeding"): it may be one of them
    mentioned: frozenset[str] = frozenset()


@dataclass
class Patient:
    measurements: dict[str, list[Measurement]] = field(default_factory=dict)
    sex: str | None = None
    flags: dict[str, bool] = field(default_factory=dict)
    records: dict[str, list[Record] | None] = field(default_factory=lambda: {"condition": None, "drug": None, "procedure": None, "allergy": None})
    screening_date: dt.date = field(default_factory=dt.date.today)
    screening_date_given: bool = False
    identifier: str = ""
    errors: list[PatientDataError] = field(default_factory=list)
    ignored_keys: list[str] = field(default_factory=list)

    @classmethod
    def from_dict(cls, data: dict[str, Any], strict: bool = False) -> "Patient":
        if not isinstance(data, dict):
            raise PatientDataError("<patient>", f"a patient is a dict of values, not {type(data).__name__}")
        if is_fhir(data):  # a FHIR R4 Bundle or Patient resource: read into the same dict first
            data = patient_from_fhir(data)
        patient = cls()
        reader = _Reader(patient, strict)
        # The reference date first: records given as "6 weeks ago" are dated from it.
        for key, value in data.items():
            if _canonical_key(key) == "screening_date":
                reader.guard(key, lambda: reader.read_screening_date(key, value))
        for key, value in data.items():
            if _canonical_key(key) != "screening_date":
                reader.guard(key, lambda k=key, v=value: reader.read(k, v))
        reader.derive()
        return patient


def _canonical_key(key: str) -> str:
    text = re.sub(r"[_\s]+", " ", str(key)).strip().lower()
    return _SPECIAL.get(text, "")


class _Reader:
    def __init__(self, patient: Patient, strict: bool):
        self.patient = patient
        self.strict = strict
        self.lexicon = get_lexicon()
        self.birth_date: dt.date | None = None

    def guard(self, key: str, action) -> None:
        try:
            action()
        except PatientDataError as error:
            self.report(error)

    def report(self, error: PatientDataError) -> None:
        """Raise in strict mode; otherwise keep the error and carry on without the value."""
        if self.strict:
            raise error
        self.patient.errors.append(error)

    # -- dispatch ------------------------------------------------------------------------------
    def read(self, key: str, value: Any) -> None:
        if not isinstance(key, str):
            raise PatientDataError(str(key), "keys must be strings")
        special = _canonical_key(key)
        if special == "id":
            self.patient.identifier = str(value)
        elif special == "birth_date":
            self.birth_date = parse_date(value, key, self.patient.screening_date)
        elif special == "sex":
            self.read_sex(key, value)
        elif special in ("pregnant", "breastfeeding", "postmenopausal", "planning_pregnancy", "healthy_volunteer", "childbearing_potential", "informed_consent", "willing_to_comply",
                         "uses_contraception", "smoker", "able_to_swallow"):
            smoking = _SMOKING_STATUS.get(value.strip().lower()) if special == "smoker" and isinstance(value, str) else None
            self.patient.flags[special] = smoking if smoking is not None else parse_bool(value, key)
        elif special in ("condition", "drug", "procedure", "allergy"):
            self.read_records(key, special, value)
        else:
            variable = self.variable_of(key)
            if variable is None:
                if _is_quantity_like(value):  # a variable outside the lexicon, matched by its name
                    self.read_measurements(key, "text:" + text_key(key.replace("_", " ")), value)
                else:
                    self.patient.ignored_keys.append(key)
                return
            self.read_measurements(key, variable, value)

    def variable_of(self, key: str) -> str | None:
        name = re.sub(r"[_]+", " ", key).strip()
        if name.lower() in self.lexicon.analytes:
            return name.lower()
        if name.replace(" ", "_").lower() in self.lexicon.analytes:
            return name.replace(" ", "_").lower()
        return self.lexicon.find_term(name, ("@lab:",))

    def read_screening_date(self, key: str, value: Any) -> None:
        self.patient.screening_date = parse_date(value, key, dt.date.today())
        self.patient.screening_date_given = True

    def read_sex(self, key: str, value: Any) -> None:
        if isinstance(value, str) and value.strip().lower() in ("other", "unknown", "not stated", "undisclosed"):
            return  # as FHIR's "other" and "unknown": no sex the criteria can use, and no error
        if not isinstance(value, str) or value.strip().lower() not in _SEX:
            raise PatientDataError(key, f"sex must be 'male' or 'female' (or M/F), not {value!r}")
        self.patient.sex = _SEX[value.strip().lower()]

    # -- measurements --------------------------------------------------------------------------
    def read_measurements(self, key: str, variable: str, value: Any) -> None:
        values = value if isinstance(value, list) else [value]
        found = []
        for index, item in enumerate(values):
            where = f"{key}[{index}]" if isinstance(value, list) else key
            found.append(self.measurement(where, variable, item))
        self.patient.measurements.setdefault(variable, []).extend(found)

    def measurement(self, key: str, variable: str, value: Any) -> Measurement:
        analyte = self.lexicon.analytes.get(variable) or _UNNAMED
        if isinstance(value, dict):
            allowed = {"value", "unit", "uln", "lln", "at", "date", "time"}
            unknown = set(value) - allowed
            if unknown:
                raise PatientDataError(key, f"unknown fields {sorted(unknown)}; allowed are {sorted(allowed)}")
            if "value" not in value:
                raise PatientDataError(key, "a measurement mapping needs a 'value'")
            raw = value["value"]
            if "unit" in value and value["unit"] not in (None, ""):
                if not isinstance(value["unit"], str):
                    raise PatientDataError(key, f"unit must be a string, not {type(value['unit']).__name__}")
                raw = f"{raw} {value['unit']}"
            base = self.measurement(key, variable, raw)
            reference_unit = _unit_text(base)
            return Measurement(
                key, str(raw), base.quantity, base.multiple, bound=base.bound,
                uln=self.limit(f"{key}.uln", value.get("uln"), reference_unit),
                lln=self.limit(f"{key}.lln", value.get("lln"), reference_unit),
                at=self.duration(f"{key}.at", value.get("at")) if value.get("at") is not None else None,
                date=parse_date(value.get("date") or value.get("time"), f"{key}.date", self.patient.screening_date) if (value.get("date") or value.get("time")) else None,
            )
        if isinstance(value, bool):
            raise PatientDataError(key, f"{analyte.name} needs a number, not a yes/no value")
        if isinstance(value, (int, float)):
            if not math.isfinite(value):
                raise PatientDataError(key, f"{analyte.name} needs a finite number, not {value!r}")
            _plausible_bare(key, analyte, float(value))
            return Measurement(key, repr(value), quantity(float(value), analyte.unit))
        if isinstance(value, str):
            text = value.strip()
            multiple = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(?:x|×|\*|times)?\s*(ULN|LLN)", text, re.I)
            if multiple:
                return Measurement(key, text, multiple=(float(multiple.group(1)), multiple.group(2).upper()))
            if text.lower() in ROMAN_VALUES and analyte.kind == "score":
                return Measurement(key, text, quantity(float(ROMAN_VALUES[text.lower()]), analyte.unit))
            graded = _DIPSTICK_GRADE.fullmatch(text) if analyte.id.endswith("_dipstick") else None
            if graded:  # "2+", "trace", "negative": a test strip's grade, trace between negative and 1+
                grade = graded.group(1)
                return Measurement(key, text, quantity(float(grade) if grade else _DIPSTICK_WORDS[text.lower()], analyte.unit))
            compound = _YEARS_AND_MONTHS.fullmatch(text)
            if compound:  # "17 years 11 months": 17.9 years, not 17 years times 11 months
                return Measurement(key, text, quantity(int(compound.group(1)) + int(compound.group(2)) / 12, "year"))
            censored = _CENSORED.match(text)
            bound = _BOUND_SIGNS.get(censored.group(1), censored.group(1)) if censored else ""
            try:
                number, unit = parse_quantity_text(text[censored.end():] if censored else text, analyte.unit_words)
            except UnitError as error:
                raise PatientDataError(key, str(error)) from None
            if not unit:  # "53" is as bare as 53
                _plausible_bare(key, analyte, number)
            return Measurement(key, text, quantity(number, unit or analyte.unit), bound=bound)
        raise PatientDataError(key, f"cannot read {type(value).__name__} {value!r} as {analyte.name}")

    def limit(self, key: str, value: Any, unit: str) -> pint.Quantity | None:
        if value is None:
            return None
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            if not unit:
                raise PatientDataError(key, "a bare number needs the value's unit to be known")
            number, limit_unit = float(value), unit
        elif isinstance(value, str):
            try:
                number, parsed_unit = parse_quantity_text(value)
            except UnitError as error:
                raise PatientDataError(key, str(error)) from None
            limit_unit = parsed_unit or unit
        else:
            raise PatientDataError(key, f"a reference limit is a number or a string with a unit, not {type(value).__name__}")
        if not number > 0:  # a multiple of a limit of 0 (or of none) says nothing: "2.5 x ULN" of 0 is no bound
            raise PatientDataError(key, f"a reference limit must be above 0, not {value!r}")
        return quantity(number, limit_unit)

    def duration(self, key: str, value: Any) -> pint.Quantity:
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return quantity(float(value), "min")
        try:
            number, unit = parse_quantity_text(str(value))
            q = quantity(number, unit)
            q.to("min")
            return q
        except Exception:
            raise PatientDataError(key, f"timepoint {value!r} is not a duration such as '60 min' or '24 h'") from None

    # -- records -------------------------------------------------------------------------------
    def read_records(self, key: str, category: str, value: Any) -> None:
        if not isinstance(value, list):
            raise PatientDataError(key, f"{key} must be a list of names or mappings, not {type(value).__name__}")
        records = []
        for index, item in enumerate(value):
            named = item.get("name") if isinstance(item, dict) else item
            if isinstance(named, str) and _NOTHING_RECORDED.fullmatch(named.strip(" .")):
                continue  # "NKDA", "None": the list is given, and empty
            records.append(self.record(f"{key}[{index}]", category, item))
        existing = self.patient.records.get(category) or []
        self.patient.records[category] = existing + records

    def record(self, key: str, category: str, item: Any) -> Record:
        if isinstance(item, str):
            name, fields = item, {}
        elif isinstance(item, dict):
            allowed = {"name", "date", "start", "end", "status", "reason", "indication", "code", "grade", "dose"}
            unknown = set(item) - allowed
            if unknown:
                raise PatientDataError(key, f"unknown fields {sorted(unknown)}; allowed are {sorted(allowed)}")
            if not isinstance(item.get("name"), str):
                raise PatientDataError(key, "a record mapping needs a 'name' string")
            name, fields = item["name"], item
        else:
            raise PatientDataError(key, f"a record is a name or a mapping, not {type(item).__name__}")
        # "Chronic hepatitis C genotype 1a", "HCV GT1b": the genotype qualifies the infection the name ends in
        # "Breast cancer, stage IIIA": so does a stage the disease it follows
        named = STAGE_IN_NAME.sub(" ", GENOTYPE_IN_NAME.sub(" ", name)).strip(" ,;") or name
        named = _LEADING_AMOUNT.sub("", named) or named  # "24 HR Donepezil ...", "NDA020800 0.3 ML Epinephrine ..."
        named = _MALIGNANT_NEOPLASM_OF.sub(r"\1 cancer", named)  # SNOMED's "Malignant neoplasm of breast"
        detail = _DETAIL.search(named)
        term = self.lexicon.find_term(name) or self._term_before_detail(named, detail)
        core = named[:detail.start()].strip() if detail and detail.start() else named  # the name before its dose or detail
        concept = (term or (self.lexicon.find_term(named) if named != name else None)
                   or self._term_after_qualifiers(core) or self._head_term(core)
                   or self._head_term(_AMOUNT_IN_NAME.sub(" ", named).strip()))  # "Body mass index 30+ - obesity"
        concepts, possible, mentioned = frozenset({"text:" + text_key(name)}), frozenset(), frozenset()
        if concept:
            concepts |= self.lexicon.ancestors(concept)
            possible = self.lexicon.possible_classes(concept)
        # "Esophageal varices, bleeding": the varices, and a bleeding the detail names (which it may be)
        # what a name says the patient is without ("Pneumonia without sepsis") is not mentioned as had
        said = _SALT_AFTER_A_WORD.sub(" ", _AMOUNT_IN_NAME.sub(" ", re.sub(r"\bwithout\b.*$", "", name, flags=re.I)))
        mentioned = frozenset(self.lexicon.terms_in(said)) - concepts
        reference = self.patient.screening_date
        date = parse_date(fields["date"], f"{key}.date", reference) if fields.get("date") else None
        start = parse_date(fields["start"], f"{key}.start", reference) if fields.get("start") else date
        end = parse_date(fields["end"], f"{key}.end", reference) if fields.get("end") else (date if category in ("procedure",) else None)
        if category == "drug" and date and not fields.get("start") and not fields.get("end"):
            end = date  # a single dated administration
        reasons = frozenset()
        reason = fields.get("reason") or fields.get("indication")
        if reason:
            reason_id = self.lexicon.find_term(str(reason))
            reasons = self.lexicon.ancestors(reason_id) if reason_id else frozenset({"text:" + text_key(str(reason))})
            cause = self.lexicon.concepts.get(reason_id) if reason_id else None
            if category == "condition" and cause is not None and cause.category in ("drug", "procedure"):
                concepts |= {TREATMENT_TOXICITY}  # "neuropathy" with reason "oxaliplatin": a toxicity of that treatment
        status = str(fields.get("status") or "").strip().lower()
        if not status and _IN_REMISSION.search(name):  # "Breast cancer in remission": in partial remission is still there
            status = "remission"
        dose = self._dose(f"{key}.dose", fields["dose"]) if fields.get("dose") is not None else None
        return Record(key, name, concepts, start, end, status, reasons, self._grade(key, fields.get("grade")), term, possible,
                      dose, str(fields.get("dose") or ""), mentioned)

    @staticmethod
    def _dose(key: str, value: Any) -> pint.Quantity:
        """"20 mg/day", "5 mg": an amount with its unit; a bare number says nothing of mg or g."""
        if not isinstance(value, str):
            raise PatientDataError(key, f"a dose is a string with its unit such as '20 mg/day', not {type(value).__name__}")
        try:
            number, unit = parse_quantity_text(value)
        except UnitError as error:
            raise PatientDataError(key, f"{error}; a dose is written like '20 mg/day'") from None
        if not unit or unit == "dimensionless":
            raise PatientDataError(key, f"dose {value!r} needs its unit, such as '20 mg/day'")
        return quantity(number, unit)

    @staticmethod
    def _grade(key: str, value: Any) -> int | None:
        if value is None:
            return None
        text = str(value).strip().lower().removeprefix("grade").strip()
        if text in ROMAN_VALUES:
            return ROMAN_VALUES[text]
        if not re.fullmatch(r"[0-5]", text):
            raise PatientDataError(f"{key}.grade", f"a grade is a whole number from 0 to 5 (or I-V), not {value!r}")
        return int(text)

    def _term_before_detail(self, name: str, detail: re.Match | None) -> str | None:
        """'Hypertension, uncontrolled', 'Breast cancer (metastatic)': the term the name opens with, its `detail`
        after a comma, a bracket, a dash or "with"; not when the detail says it was not had ('Hepatitis B, vaccinated')."""
        head = name[:detail.start()].strip() if detail else name
        # what a "with" adds is had with it ("Concussion with no loss of consciousness" is a concussion)
        said = head if detail and detail.group(1).strip() in ("with", "without") else name
        if not head or _NOT_HAD.search(said) or detail and _NEGATIVE_DETAIL.fullmatch(name[detail.end():].strip(" )]")):
            return None
        unsalted = _SALT.sub("", head).strip() or head
        if not detail and unsalted == head:
            return None
        return self.lexicon.find_term(unsalted) or self._head_term(unsalted)

    def _head_term(self, name: str) -> str | None:
        """'craniospinal radiotherapy' is a radiotherapy: the longest known term ending the name.

        Only a final term counts ("anti-cancer therapy" is no cancer): English names are head-final. Not
        after words that say the patient never had it ("Family history of breast cancer").
        """
        if _NOT_HAD.search(name):
            return None
        words = name.split()
        for start in range(1, len(words)):
            found = self.lexicon.find_term(" ".join(words[start:]))
            if found:
                return found
        return None

    def _term_after_qualifiers(self, name: str) -> str | None:
        """'hemolytic PNH clone', 'uncontrolled infection': the term once its qualifiers are set aside."""
        words = name.split()
        qualifiers = set(self.lexicon.phrases["qualifiers"])
        i = 0
        while i < len(words) - 1 and (words[i].lower() in qualifiers or " ".join(words[i:i + 2]).lower() in qualifiers):
            i += 2 if " ".join(words[i:i + 2]).lower() in qualifiers else 1
        return self.lexicon.find_term(" ".join(words[i:])) if i else None

    def derive(self) -> None:
        """Age from birth date, BMI from weight and height, calcium corrected for albumin."""
        patient = self.patient
        self._corrected_calcium()
        if self.birth_date and "age" not in patient.measurements:
            years = years_between(self.birth_date, patient.screening_date)
            patient.measurements["age"] = [Measurement("birth_date", f"born {self.birth_date.isoformat()}", quantity(years, "year"))]
        if "bmi" not in patient.measurements and patient.measurements.get("weight") and patient.measurements.get("height"):
            weight = patient.measurements["weight"][-1]
            height = patient.measurements["height"][-1]
            weight, height = (None, None) if weight.bound or height.bound else (weight.quantity, height.quantity)
            if weight is not None and height is not None:
                try:
                    bmi = (weight / height**2).to("kg/m**2")
                    patient.measurements["bmi"] = [Measurement("weight,height", f"{weight:~} and {height:~}", bmi)]
                except pint.DimensionalityError:
                    self.report(PatientDataError("height", "weight and height units do not give a BMI"))

    def _corrected_calcium(self) -> None:
        """Payne's correction, Ca + 0.8 x (4 - albumin) in mg/dL and g/dL, from the latest calcium and
        albumin when they were drawn the same day (or neither is dated): a low albumin lowers the total
        calcium that a corrected threshold means to bound."""
        patient = self.patient
        calcium, albumin = (patient.measurements.get(key) for key in ("calcium", "albumin"))
        if "corrected_calcium" in patient.measurements or not calcium or not albumin:
            return
        calcium, albumin = calcium[-1], albumin[-1]
        if calcium.quantity is None or albumin.quantity is None or calcium.date != albumin.date or calcium.bound or albumin.bound:
            return
        analytes = self.lexicon.analytes
        try:
            total = convert(calcium.quantity, "mg/dL", analytes["calcium"].molar_mass, analytes["calcium"].valence).magnitude
            grams = convert(albumin.quantity, "g/dL", analytes["albumin"].molar_mass).magnitude
        except (UnitError, pint.DimensionalityError):
            return
        corrected = quantity(total + 0.8 * (4.0 - grams), "mg/dL")
        text = f"{calcium.text} with albumin {albumin.text}: {total:g} + 0.8 x (4 - {grams:g}) mg/dL"
        patient.measurements["corrected_calcium"] = [Measurement("calcium,albumin", text, corrected, date=calcium.date)]


def _plausible_bare(key: str, analyte: Analyte, value: float) -> None:
    """A bare number is read in the variable's usual unit, unless it is implausible there and plausible in
    another ("hemoglobin": 95 is 95 g/L, not g/dL; "platelets": 150000 is per µL): then the unit is asked for."""
    usual = [(low, high) for unit, low, high in analyte.bare_units if unit == analyte.unit]
    if not usual or any(low <= value <= high for low, high in usual):
        return
    others = [unit for unit, low, high in analyte.bare_units if unit != analyte.unit and low <= value <= high]
    if others:
        raise PatientDataError(key, f"{value:g} without a unit is no plausible {analyte.name} in {_shown(analyte.unit)}; "
                                    f"give its unit (perhaps {' or '.join(_shown(u) for u in others)})")


def _shown(unit: str) -> str:
    return display_unit(unit).strip().replace("uL", "µL")


_YEARS_AND_MONTHS = re.compile(r"(\d+)\s*(?:years?|yrs?|y)\s*,?\s*(?:and\s+)?(\d+)\s*(?:months?|mos?|m)", re.I)
# "<5 mg/L", "> 90", "≥ 60": a value reported only as beyond a limit of the assay
_CENSORED = re.compile(r"\s*(<=|>=|[<>≤≥])\s*(?=[\d.])")
_BOUND_SIGNS = {"≤": "<=", "≥": ">="}
_DIPSTICK_WORDS = {"negative": 0.0, "neg": 0.0, "nil": 0.0, "trace": 0.5}
_DIPSTICK_GRADE = re.compile(r"([0-4])\s*\+|negative|neg|nil|trace", re.I)


def _unit_text(measurement: Measurement) -> str:
    if measurement.quantity is None:
        return ""
    return str(measurement.quantity.units)


def _is_quantity_like(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float)):
        return True
    if isinstance(value, str):
        return bool(re.match(r"\s*[-+]?\d", value))
    if isinstance(value, dict):
        return "value" in value
    return isinstance(value, list) and bool(value) and all(_is_quantity_like(v) for v in value)


# a smoking status as records word it: whether the patient smokes now
_SMOKING_STATUS = {"current": True, "current smoker": True, "current every day smoker": True, "every day": True, "daily": True,
                   "some days": True, "current some day smoker": True, "smoker": True, "former": False, "former smoker": False,
                   "ex-smoker": False, "ex smoker": False, "quit": False, "never": False, "never smoker": False, "non-smoker": False,
                   "nonsmoker": False, "non smoker": False}


def parse_bool(value: Any, key: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise PatientDataError(key, f"expected yes/no (true/false), not {value!r}")


_AGO = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(day|week|month|year)s?\s+ago\s*$", re.I)


def parse_date(value: Any, key: str, reference: dt.date) -> dt.date:
    """ISO dates (2024-05-01, 2024-05, 2024) or 'N weeks ago' counted back from `reference`."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        text = value.strip()
        ago = _AGO.match(text)
        if ago:
            return shift(reference, -float(ago.group(1)), ago.group(2).lower())
        for pattern, fmt in ((r"\d{4}-\d{2}-\d{2}", "%Y-%m-%d"), (r"\d{4}-\d{2}", "%Y-%m"), (r"\d{4}", "%Y")):
            if re.fullmatch(pattern, text):
                try:
                    return dt.datetime.strptime(text, fmt).date()
                except ValueError:
                    break
        text10 = text[:10]
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text10) and len(text) > 10 and text[10] in "T ":
            try:
                return dt.date.fromisoformat(text10)
            except ValueError:
                pass
    raise PatientDataError(key, f"cannot read {value!r} as a date; use YYYY-MM-DD or 'N weeks ago'")


def shift(day: dt.date, amount: float, unit: str) -> dt.date:
    """`day` moved by `amount` days, weeks, months or years (calendar months, not 30 days)."""
    if unit.startswith("day"):
        return day + dt.timedelta(days=amount)
    if unit.startswith("week"):
        return day + dt.timedelta(weeks=amount)
    months = amount * (12 if unit.startswith("year") else 1)
    if not float(months).is_integer():
        return day + dt.timedelta(days=months * 30.4375)
    months = int(months)
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def years_between(born: dt.date, on: dt.date) -> float:
    """Completed years of age on `on`, as clinicians count them."""
    years = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return float(years)


# a virus's genotype in a record's name, with what sets it off ("hepatitis C, genotype 1a", "HCV (GT1b)")
GENOTYPE_IN_NAME = re.compile(r"[\s,;(-]*\b(?:genotype|gt)\s*-?\s*([1-6])\s*([a-e])?\b\)?", re.I)
# an entry that says the list holds nothing: "No known drug allergies", "NKDA", "None"
_NOTHING_RECORDED = re.compile(r"none(?: known| reported)?|nil|nkda|nka|no known (?:drug )?allerg(?:y|ies)|no (?:drug )?allergies"
                               r"|no (?:current )?medications?|no (?:significant )?(?:past )?medical history|no prior (?:surgeries|procedures)", re.I)
# what follows a record's name: "Hypertension, uncontrolled", "Breast cancer (metastatic)", "Asthma - moderate",
# "Metformin 500 mg tablet", "fluorouracil cream"
_DETAIL = re.compile(r"\s*([,;(\[]|\s-\s|\swith(?:out)?(?=\s)|\s(?:due to|secondary to|caused by|induced by|in (?:complete |partial )?remission)\b|\s(?=\d[\d.,/]*\s*(?:mg|mcg|µg|ug|g|ml|units?|iu|%|day)\b)"
                     r"|\s(?=(?:tablets?|capsules?|cream|ointment|gel|lotion|injection|infusion|solution|suspension|inhaler|patch|oral|iv"
                     r"|intravenous|subcutaneous|syrup|drops|eye drops|nasal spray)\b))\s*", re.I)
# the salt a drug's name ends in ("Warfarin Sodium", "Penicillin V Potassium", "Verapamil Hydrochloride"): no drug
# of its own, and no electrolyte the patient takes
_ELECTROLYTE_SALTS = r"sodium|potassium|calcium|magnesium"
_SALT = re.compile(rf"(?:\s+(?:{_ELECTROLYTE_SALTS}|hydrochloride|hcl|hydrobromide|acetate|sulfate|sulphate|maleate"
                   r"|mesylate|besylate|citrate|tartrate|succinate|phosphate|bromide|fumarate|dihydrate|monohydrate|trihydrate"
                   r"|hyclate|disodium|dipotassium))+\s*$", re.I)
_MALIGNANT_NEOPLASM_OF = re.compile(r"^\s*(?:primary\s+)?malignant\s+(?:neoplasm|tumou?r)\s+of\s+(?:the\s+)?([\w\s-]+?)(?=\s*(?:[,;(\[]|$))", re.I)
_IN_REMISSION = re.compile(r"\bin\s+(?:complete\s+)?remission\b", re.I)
_LEADING_AMOUNT = re.compile(r"^(?:NDA\d+\s+)?(?:\d[\d.,/]*\s*(?:ml|mg|hr|h|actuat)\s+)+", re.I)
_SALT_AFTER_A_WORD = re.compile(rf"(?<=[a-z])\s+(?:{_ELECTROLYTE_SALTS})\b", re.I)
# an amount in a drug's name ("10 MG", "0.12/0.015 MG per 24HR", "5 MG/ML"): no magnesium, no heart rate
_AMOUNT_IN_NAME = re.compile(r"\b\d[\d.,/]*\s*(?:mg|mcg|µg|ug|g|ml|l|units?|iu|meq|mmol|%|hr|h|actuat)\b"
                             r"(?:\s*(?:/|per)\s*\d*\s*(?:ml|l|actuat|hr|h|day|mg))*", re.I)
# a name about a disease the patient may not have: a relative's, an exposure, a screening, a vaccine, a suspicion
_NOT_HAD = re.compile(r"\b(?:family|mother|father|sibling|relatives?|exposures?|exposed|contacts?|screening|screened|"
                      r"vaccin\w*|immuni[sz]\w*|suspect\w*|suspicion|possible|probable|rule[sd]? out|r/o|risks?|"
                      r"prophyla\w*|denies|denied|excluded|absent|absence|fear)\b"
                      # "No diabetes", "Free of cancer"; not "Diabetes without complication", "Hypertension (no medication)"
                      r"|^\s*(?:no|not|without|free|non)\b", re.I)
# "Hepatitis B, negative", "HIV (tested negative)": a test that found none
_NEGATIVE_DETAIL = re.compile(r"(?:test(?:ed)?\s+)?(?:negative|neg\.?|absent|none|not present|ruled out)", re.I)
# "stage IIIB", "stage 4", "(Stage IVa)": a cancer's stage group, its number and the letter of its substage
STAGE_IN_NAME = re.compile(r"[\s,;(-]*\bstage\s*(i{1,3}|iv|[0-4])\s*([a-c])?\b\)?", re.I)
