"""Properties that must hold for any input (hypothesis)."""

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import eligibility
from eligibility.errors import EligibilityError

CLINICAL_ALPHABET = st.sampled_from(list("abcdefghijklmnopqrstuvwxyz ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.,;:()[]<>=≤≥×^/*-+%µ\\\n\t'\"") + [
    "ULN", " or ", " and ", " with ", "×10^9/L", " mg/dL", "PLT", "ALT", " ≥ ", " < ", "within ", " weeks", "history of ",
    "Inclusion Criteria:\n", "Exclusion Criteria:\n", "* ", "  - ", "1. ", "any of the following:", " except ", "(", ")", "NYHA class ",
])
clinical_text = st.lists(CLINICAL_ALPHABET, max_size=40).map("".join)
FAST = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(st.one_of(clinical_text, st.text(max_size=200)))
def test_arbitrary_text_raises_only_the_library_errors(text):
    try:
        trial = eligibility.compile_trial(text)
    except EligibilityError:
        return
    for criterion in trial.criteria:
        assert criterion.status in ("compiled", "partial", "manual")
        start, end = criterion.span
        assert 0 <= start <= end <= len(text) or criterion.origin == "structured"
        criterion.rule.render()


@FAST
@given(st.dictionaries(st.sampled_from(["platelets", "PLT", "age", "sex", "ECOG", "conditions", "ALT", "cci", "weight", "x"]),
                       st.one_of(st.integers(-5, 10**6), st.floats(allow_nan=True), st.text(max_size=12), st.booleans(), st.none(),
                                 st.lists(st.text(max_size=8), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2)),
                       max_size=6))
def test_arbitrary_patients_raise_only_the_library_errors(patient):
    trial = _trial()
    try:
        result = eligibility.screen(patient, trial)
    except EligibilityError:
        return
    assert result.verdict in ("eligible", "ineligible", "needs_review")
    assert len(result.criteria) == len(trial.criteria)


_CACHE = {}


def _trial():
    if "trial" not in _CACHE:
        _CACHE["trial"] = eligibility.compile_trial(
            "Inclusion Criteria:\n* Platelets ≥ 1.5 × 10^9/L\n* ALT ≤ 2.5 x ULN\n* Age ≥ 18 years\n* ECOG 0-1\n"
            "* Hemoglobin between 9 and 16 g/dL\n* CCI <7500/ul at 60 min, or CCI <4500/ul at 24 hrs\n"
            "Exclusion Criteria:\n* Creatinine > 1.5 mg/dL\n* History of stroke within 6 months\n* Pregnant or breast-feeding")
    return _CACHE["trial"]


# Equivalent spellings of one value: (unit to write, factor from the base value).
EQUIVALENTS = {
    "platelets": [("x10^9/L", 1.0), ("/uL", 1e3), ("/mm3", 1e3), ("K/uL", 1.0), ("cells/uL", 1e3), ("x10^6/mL", 1.0)],
    "hemoglobin": [("g/dL", 1.0), ("g/L", 10.0), ("mg/dL", 1000.0)],
    "creatinine": [("mg/dL", 1.0), ("umol/L", 88.40168)],
}


@FAST
@given(st.sampled_from(sorted(EQUIVALENTS)), st.floats(0.01, 2000, allow_nan=False), st.data())
def test_reexpressing_a_value_never_changes_an_outcome(variable, base, data):
    first = data.draw(st.sampled_from(EQUIVALENTS[variable]))
    second = data.draw(st.sampled_from(EQUIVALENTS[variable]))
    outcomes = []
    for unit, factor in (first, second):
        result = eligibility.screen({variable: f"{base * factor!r} {unit}"}, _trial())
        outcomes.append([r.outcome for r in result.criteria])
    assert outcomes[0] == outcomes[1]


FULL_PATIENT = {
    "platelets": "1.5 x10^9/L", "ALT": {"value": 100, "unit": "U/L", "uln": 40}, "age": 18, "ECOG": 1, "Hb": "9 g/dL",
    "cci": [{"value": 7400, "unit": "/uL", "at": "60 min"}, {"value": 5000, "unit": "/uL", "at": "24 h"}],
    "creatinine": "1.5 mg/dL", "conditions": [{"name": "stroke", "date": "2024-01-01"}], "pregnant": False,
    "breastfeeding": True, "screening_date": "2024-03-01", "sex": "female",
}


@FAST
# not the screening date: without it the reference is today, a different question (a stroke dated 2024-01-01 is
# within 6 months of 2024-03-01, not of today), not less of the same information
@given(st.lists(st.sampled_from(sorted(set(FULL_PATIENT) - {"screening_date"})), unique=True))
def test_removing_values_never_decides_what_was_unknown(removed):
    trial = _trial()
    full = eligibility.screen(FULL_PATIENT, trial)
    partial = eligibility.screen({k: v for k, v in FULL_PATIENT.items() if k not in removed}, trial)
    for before, after in zip(full.criteria, partial.criteria):
        assert after.outcome in (before.outcome, "unknown"), (before.text, before.outcome, after.outcome)
    if full.verdict != "eligible":
        assert partial.verdict != "eligible"


def test_screening_result_is_json_serializable():
    result = eligibility.screen(FULL_PATIENT, _trial())
    assert json.loads(result.to_json())["verdict"] == result.verdict.value
