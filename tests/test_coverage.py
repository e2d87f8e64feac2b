"""The coverage report over a small corpus written here."""

import csv

from eligibility.cli import main
from eligibility.coverage import measure_coverage


def test_coverage_counts_csv_and_chia_lines(tmp_path):
    with (tmp_path / "trials.csv").open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["nctid", "criteria"])
        writer.writeheader()
        writer.writerow({"nctid": "NCT1", "criteria": "Inclusion Criteria:\n- Platelets >= 100 x 10^9/L\n- Willing to sign consent\nExclusion Criteria:\n- Pregnancy"})
    (tmp_path / "NCT2_exc.txt").write_text("ALT > 3 x ULN\nfrobnication of the widget\n", encoding="utf-8")
    report = measure_coverage([tmp_path], top=5)
    assert report.trials == 2 and report.lines == 5 and report.errors == 0
    assert report.compiled == 4 and report.manual == 1  # consent is a flag the record can answer
    assert report.numeric_lines == 2 and report.numeric_compiled == 2
    assert report.uncompiled.most_common(1)[0][0] == "frobnication of the widget"
    text = report.render()
    assert "criterion lines     5" in text and "frobnication" in text


def test_coverage_command(tmp_path, capsys):
    (tmp_path / "NCT3_inc.txt").write_text("ECOG 0-1\n", encoding="utf-8")
    assert main(["coverage", str(tmp_path), "--json"]) == 0
    assert '"compiled": 1' in capsys.readouterr().out


def test_coverage_reports_units_read_and_units_that_do_not_fit(tmp_path):
    (tmp_path / "NCT4_inc.txt").write_text("Hemoglobin >= 9 g/dL\nBMI < 35 kg/m\nALT < 100 IU/L\n", encoding="utf-8")
    report = measure_coverage([tmp_path])
    assert report.units_read["g / dL"] == 1 and report.units_read["IU / L"] == 1
    [(problem, count)] = report.unit_problems.items()
    assert "'kg / m' does not fit body mass index" in problem and count == 1
    assert "unit problems: 1" in report.render()
