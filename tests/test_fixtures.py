"""Fixture-driven cases: one line, one criterion, one patient, one expected outcome."""

import json

from conftest import fixture_lines

import eligibility


def _screen_one(kind: str, criterion: str, patient: dict):
    """`kind` is inclusion or exclusion, alone in its trial, or "exclusion in a cancer trial" (a COVID-19
    trial), after an inclusion naming the disease the trial studies."""
    kind, _, context = kind.partition(" in a ")
    heading = "Inclusion Criteria:" if kind == "inclusion" else "Exclusion Criteria:"
    studied = {"cancer trial": "Histologically confirmed breast cancer", "COVID-19 trial": "Confirmed SARS-CoV-2 infection"}.get(context)
    study = f"Inclusion Criteria:\n* {studied}\n" if studied else ""
    trial = eligibility.compile_trial(f"{study}{heading}\n* {criterion}")
    result = eligibility.screen(patient, trial, strict=True)
    return [r for r in result.criteria if r.origin == "criteria" and r.text == criterion][0]


def test_screening_fixture(kind, criterion, patient, expected):
    row = _screen_one(kind, criterion, json.loads(patient))
    assert row.outcome.value == expected, f"{row.rule}\n{row.explanation}"
    assert row.explanation


def test_render_fixture(criterion, rendered):
    rule, problems = eligibility.compile_criterion(criterion, "inclusion")
    assert rule.render() == rendered


def pytest_generate_tests(metafunc):  # pragma: no cover - collection
    pass


test_screening_fixture = __import__("pytest").mark.parametrize(
    "kind, criterion, patient, expected", fixture_lines("screening.txt", 4))(test_screening_fixture)
test_render_fixture = __import__("pytest").mark.parametrize(
    "criterion, rendered", fixture_lines("render.txt", 2))(test_render_fixture)
