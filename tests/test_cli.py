"""The command line, as a site coordinator runs it."""

import json

from conftest import ROOT

from eligibility.cli import main

TRIAL = str(ROOT / "examples" / "NCT05832216.json")


def test_screen_prints_a_report(capsys):
    assert main(["screen", TRIAL, str(ROOT / "examples" / "patients" / "eligible.json")]) == 0
    out = capsys.readouterr().out
    assert "eligible-adult vs NCT05832216: ELIGIBLE" in out


def test_screen_json_lines(capsys):
    patients = sorted(str(p) for p in (ROOT / "examples" / "patients").glob("*.json"))
    assert main(["screen", "--json", TRIAL, *patients]) == 0
    lines = [json.loads(l) for l in capsys.readouterr().out.splitlines()]
    assert {l["verdict"] for l in lines} == {"eligible", "ineligible", "needs_review"}


def test_compile_prints_trees(capsys):
    assert main(["compile", TRIAL]) == 0
    assert "nyha in {III, IV}" in capsys.readouterr().out


def test_errors_are_reported_not_raised(tmp_path, capsys):
    bad = tmp_path / "bad.json"
    bad.write_text("{oops")
    assert main(["compile", str(bad)]) == 2
    assert "invalid JSON" in capsys.readouterr().err
