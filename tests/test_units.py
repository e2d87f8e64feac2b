"""The unit registry: spellings, exact boundaries, analyte-aware mass <-> molar conversion."""

import pytest

from eligibility.errors import UnitError
from eligibility.units import compatible, convert, parse_quantity_text, quantity, same_value, unit_from_tokens


@pytest.mark.parametrize("tokens, written, expected", [
    (("x", "10^9", "/", "l"), "x10^9/L", "1e9 / L"),
    (("/", "ul"), "/ul", "1 / µL"),
    (("k", "/", "ul"), "K/uL", "1e3 / µL"),
    (("cells", "/", "mm3"), "cells/mm3", "cells / mm ** 3"),
    (("g", "/", "l"), "G/L", "1e9 / L"),
    (("g", "/", "l"), "g/L", "g / L"),
    (("mg", "/", "dl"), "mg/dL", "mg / dL"),
    (("ml", "/", "min", "/", "1.73", "m2"), "mL/min/1.73 m2", "mL / min / BSA_1_73"),
    (("meq", "/", "l"), "mEq/L", "mEq / L"),
    (("iu", "/", "l"), "IU/L", "IU / L"),
    (("ku", "/", "l"), "kU/L", "kU / L"),  # an IgE in kilo-units (Synthea's FHIR bundles)
])
def test_unit_spellings(tokens, written, expected):
    assert unit_from_tokens(tokens, written) == expected


def test_unknown_unit_is_an_error():
    with pytest.raises(UnitError, match="unknown unit 'furlongs'"):
        unit_from_tokens(("furlongs",))


@pytest.mark.parametrize("a, b", [
    ("7500/uL", "7.5 x10^9/L"),
    ("1500/mm3", "1.5 x10^9/L"),
    ("100,000/mm³", "100 x10^9/L"),
    ("150 K/uL", "150 x10^9/L"),
    ("1 mL/s", "60 mL/min"),
])
def test_equal_at_the_boundary(a, b):
    qa, qb = (quantity(*parse_quantity_text(x)) for x in (a, b))
    assert same_value(convert(qa, str(qb.units)).magnitude, qb.magnitude)


@pytest.mark.parametrize("value, unit, target, molar_mass, expected", [
    (1.0, "mg/dL", "umol/L", 113.12, 88.4017),  # creatinine
    (100.0, "mg/dL", "mmol/L", 180.156, 5.55074),  # glucose
    (1.0, "mg/dL", "umol/L", 584.66, 17.1040),  # bilirubin
    (200.0, "mg/dL", "mmol/L", 386.65, 5.17264),  # cholesterol
    (150.0, "mg/dL", "mmol/L", 885.7, 1.69357),  # triglycerides
    (10.0, "g/dL", "mmol/L", 16114.5, 6.20560),  # haemoglobin (monomer)
])
def test_mass_molar_with_the_analyte_molar_mass(value, unit, target, molar_mass, expected):
    assert convert(quantity(value, unit), target, molar_mass).magnitude == pytest.approx(expected, rel=1e-5)


def test_mass_molar_without_molar_mass_is_refused():
    with pytest.raises(UnitError, match="molar mass"):
        convert(quantity(1.0, "mg/dL"), "umol/L")


def test_equivalents_need_the_valence():
    assert convert(quantity(5.0, "mEq/L"), "mmol/L", 40.078, 2).magnitude == pytest.approx(2.5)
    assert convert(quantity(4.0, "mEq/L"), "mmol/L", 39.098, 1).magnitude == pytest.approx(4.0)


def test_incompatible_dimensions():
    assert not compatible("mg / dL", "1e9 / L")
    assert compatible("mg / dL", "umol / L", 113.12)
    with pytest.raises(UnitError, match="dimensions"):
        convert(quantity(3.0, "kg"), "mL/min")


def test_unit_that_does_not_fit_the_analyte_is_a_compile_time_diagnostic():
    import eligibility

    trial = eligibility.compile_trial("Inclusion Criteria:\n* Platelets ≥ 100 mg/dL")
    criterion = trial.criteria[0]
    assert criterion.rule.render() == "REVIEW[unit_error]('Platelets ≥ 100 mg/dL')"
    (diagnostic,) = criterion.diagnostics
    assert "unit 'mg / dL' does not fit platelet count" in diagnostic
    assert "line 1, column 1" in diagnostic and "\n  Platelets ≥ 100 mg/dL\n  ^" in diagnostic
    result = eligibility.screen({"platelets": 150}, trial)
    assert result.criteria[0].outcome == "unknown" and "unit" in result.criteria[0].explanation


def test_equivalent_doses_convert_by_each_drugs_potency():
    from eligibility.lexicon import get_lexicon
    lexicon = get_lexicon()
    member, factor = lexicon.equivalent_dose_factor("prednisone", {"dexamethasone", "systemic_corticosteroid"})
    assert member == "dexamethasone" and abs(factor * 0.75 - 5) < 1e-9  # 0.75 mg of dexamethasone is 5 mg of prednisone
    assert lexicon.equivalent_dose_factor("prednisone", {"metformin"}) is None
    for drug in lexicon.equipotent_mg:  # every member is of the class its group ranges over
        assert lexicon.equivalent_class[drug] in lexicon.ancestors(drug)


@pytest.mark.parametrize("value, unit, target, expected", [
    (53.0, "mmol/mol", "percent", 7.0),  # the IFCC-NGSP master equation, not a ratio (53 mmol/mol is no 5.3 %)
    (64.0, "mmol/mol", "percent", 8.0),
    (86.0, "mmol/mol", "percent", 10.0),
    (7.0, "percent", "mmol/mol", 53.0),
    (6.5, "percent", "mmol/mol", 48.0),
])
def test_hba1c_scales_by_the_master_equation(value, unit, target, expected):
    from eligibility.lexicon import get_lexicon
    from eligibility.units import convert_for

    assert convert_for(get_lexicon().analytes["hba1c"], quantity(value, unit), target).magnitude == pytest.approx(expected)
