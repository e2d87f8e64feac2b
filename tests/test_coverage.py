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
    assert report.compiled == 3 and report.manual == 2
    assert report.numeric_lines == 2 and report.numeric_compiled == 2
    assert report.uncompiled.most_common(1)[0][0] == "frobnication of the widget"
    text = report.render()
    assert "criterion lines     5" in text and "frobnication" in text


def test_coverage_command(tmp_path, capsys):
    (tmp_path / "NCT3_inc.txt").write_text("ECOG 0-1\n", encoding="utf-8")
    assert main(["coverage", str(tmp_path), "--json"]) == 0
    assert '"compiled": 1' in capsys.readouterr().out
