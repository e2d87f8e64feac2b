"""Unit conformance against reference data written by others (skipped when ../shared is absent).

* CTCAE grading thresholds give each lab limit in SI and conventional units: converting one into
  the other with the lexicon's molar mass must agree within CTCAE's rounding.
* UCUM's functional conversion cases, for the units the library reads.
* The mass <-> molar equations between LOINC codes (lab-units/UnitEquations), for the analytes
  whose codes the lexicon lists: the library's own conversion must give each equation's factor.
"""

import json
import re
import xml.etree.ElementTree as ElementTree

import pytest
from conftest import DATA, needs

from eligibility.errors import UnitError
from eligibility.lexicon import get_lexicon
from eligibility.units import convert, from_ucum, parse_quantity_text, quantity

CTCAE = DATA / "ctcae-grading"
UCUM = DATA / "ucum" / "UcumFunctionalTests.xml"
EQUATIONS = DATA / "lab-units" / "UnitEquations_20170210-courier.txt"

TERMS = {
    "Anemia": "hemoglobin", "Hemoglobin increased": "hemoglobin", "Hypoglycemia": "glucose", "Hyperglycemia": "glucose",
    "Hypercalcemia": "calcium", "Hypocalcemia": "calcium", "Creatinine increased": "creatinine",
    "Blood bilirubin increased": "bilirubin", "Hyponatremia": "sodium", "Hypernatremia": "sodium",
    "Hypokalemia": "potassium", "Hyperkalemia": "potassium", "Hypomagnesemia": "magnesium", "Hypermagnesemia": "magnesium",
    "Hypophosphatemia": "phosphate", "Cholesterol high": "cholesterol", "Hypertriglyceridemia": "triglycerides",
    "Hypoalbuminemia": "albumin", "Platelet count decreased": "platelets", "Neutrophil count decreased": "anc",
    "White blood cell decreased": "wbc", "Lymphocyte count decreased": "lymphocytes", "Hyperuricemia": "uric_acid",
}
_NUMBER = r"\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?"


def _ctcae_pairs():
    if not CTCAE.exists():
        return []
    pairs = []
    for path in sorted(CTCAE.glob("ncictcae*.json")):
        for record in json.loads(path.read_text()):
            analyte = TERMS.get(record.get("TERM", ""))
            if not analyte:
                continue
            for grade in range(1, 5):
                text = record.get(f"GRADE_{grade}") or ""
                parts = [p.strip() for p in re.sub(r"^[A-Za-z() ]+(?=[<>\d])", "", text).split(";")]
                values = []
                for part in parts:
                    if re.search(r"ULN|LLN|baseline|normal|ionized|symptom", part, re.I):
                        continue  # a limit relative to the patient, or another analyte (ionized calcium)
                    numbers = list(re.finditer(_NUMBER, re.sub(r"10e\d+|10\^\d+", "", part)))
                    unit = re.sub(r"10e(\d+)", r"10^\1", re.sub(rf"^.*?({_NUMBER})(?!.*\d)", "", part, count=1)).strip()
                    if numbers and unit and not re.fullmatch(r"[\d.,\s-]*", unit):
                        values.append((float(numbers[0].group(0).replace(",", "")), unit))
                if len(values) >= 2:
                    pairs.append(pytest.param(analyte, values, id=f"{path.stem}-{record['TERM']}-g{grade}"))
    return pairs


@needs(CTCAE)
@pytest.mark.parametrize("analyte_id, values", _ctcae_pairs())
def test_ctcae_si_and_conventional_limits_agree(analyte_id, values):
    analyte = get_lexicon().analytes[analyte_id]
    (first_value, first_unit), rest = values[0], values[1:]
    number, unit = parse_quantity_text(f"{first_value} {first_unit}")
    for value, unit_text in rest:
        target_number, target_unit = parse_quantity_text(f"{value} {unit_text}")
        converted = convert(quantity(number, unit), target_unit, analyte.molar_mass, analyte.valence)
        # CTCAE prints each limit rounded to its last shown digit
        decimals = len(str(value).split(".")[1]) if "." in str(value) and not str(value).endswith(".0") else 0
        tolerance = max(0.03 * target_number, 0.5 * 10 ** -decimals)
        assert abs(converted.magnitude - target_number) <= tolerance, (first_value, first_unit, value, unit_text, converted)


def _ucum_cases():
    if not UCUM.exists():
        return []
    root = ElementTree.parse(UCUM).getroot()
    return [pytest.param(c.get("value"), c.get("srcUnit"), c.get("dstUnit"), c.get("outcome"), id=c.get("id"))
            for c in root.iter("case") if c.get("srcUnit") and c.get("outcome")]


@needs(UCUM)
@pytest.mark.parametrize("value, source, target, outcome", _ucum_cases())
def test_ucum_functional_conversions(value, source, target, outcome):
    try:
        source_unit, target_unit = from_ucum(source), from_ucum(target)
    except UnitError as error:
        pytest.skip(f"UCUM unit not read by the library: {error}")
    converted = convert(quantity(float(value), source_unit), target_unit)
    decimals = len(outcome.split(".")[1]) if "." in outcome else 0  # the outcome is given to this many places
    # rel 1e-5: pint derives mmHg from mercury's density (133.322387 Pa), UCUM defines 133.3220 Pa
    assert converted.magnitude == pytest.approx(float(outcome), rel=1e-5, abs=0.5 * 10 ** -decimals)


def _loinc_equations():
    """(analyte, code A, unit A, code B, unit B, factor) for each "[A] = [B]*f" between codes of one analyte."""
    if not EQUATIONS.exists():
        return []
    codes = {code: (analyte, unit) for analyte in get_lexicon().analytes.values() for code, unit in analyte.loinc}
    found = []
    for line in EQUATIONS.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"\s*\[([\d-]+)\]\s*=\s*\[([\d-]+)\]\s*([*/])\s*\(?([\d.]+)(?:\s*/\s*([\d.]+))?[)\]]?\s*", line)
        if not match or match.group(1) not in codes or match.group(2) not in codes:
            continue
        left, right, sign, number, divisor = match.groups()
        factor = float(number) / float(divisor or 1)
        factor = factor if sign == "*" else 1 / factor
        (analyte, left_unit), (other, right_unit) = codes[left], codes[right]
        if analyte.id == other.id:
            found.append(pytest.param(analyte.id, left_unit, right_unit, factor, id=f"{left}={right}"))
    return found


@needs(EQUATIONS)
def test_loinc_equations_are_found_for_the_lexicon():
    assert len(_loinc_equations()) >= 15


@pytest.mark.parametrize("analyte_id, left_unit, right_unit, factor", _loinc_equations())
def test_mass_molar_equation(analyte_id, left_unit, right_unit, factor):
    """1 [right unit] in [left unit] is the equation's factor (the equations round to 4 digits)."""
    analyte = get_lexicon().analytes[analyte_id]
    converted = convert(quantity(1.0, from_ucum(right_unit)), from_ucum(left_unit), analyte.molar_mass, analyte.valence)
    assert converted.magnitude == pytest.approx(factor, rel=0.01)


def test_every_loinc_unit_of_the_lexicon_fits_its_analyte():
    """A record coded with one of the lexicon's LOINC codes converts to the analyte's own unit."""
    for analyte in get_lexicon().analytes.values():
        for code, ucum in analyte.loinc:
            unit = from_ucum(ucum)
            converted = convert(quantity(1.0, unit), analyte.unit, analyte.molar_mass, analyte.valence)
            assert converted.magnitude > 0, (analyte.id, code, ucum)
