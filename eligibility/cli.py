"""Command line: compile a trial, screen patients, measure coverage over a corpus."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .errors import EligibilityError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="eligibility", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    compile_cmd = commands.add_parser("compile", help="compile a trial and print its rule trees")
    compile_cmd.add_argument("trial", help="CT.gov JSON/XML record, trial page text or criteria text (a path)")
    compile_cmd.add_argument("--json", action="store_true", help="print the compiled trial as JSON")

    screen_cmd = commands.add_parser("screen", help="screen patients (JSON files) against a trial")
    screen_cmd.add_argument("trial")
    screen_cmd.add_argument("patients", nargs="+", help="patient JSON files (a dict, or a list of dicts)")
    screen_cmd.add_argument("--json", action="store_true", help="print results as JSON lines")
    screen_cmd.add_argument("--strict", action="store_true", help="stop at the first unreadable patient value")

    coverage_cmd = commands.add_parser("coverage", help="compile a corpus and report how much of it compiles")
    coverage_cmd.add_argument("paths", nargs="+", help="CT.gov JSON/XML records, CSVs with a criteria column, Chia .txt files, folders")
    coverage_cmd.add_argument("--limit", type=int, default=0, help="at most this many trials")
    coverage_cmd.add_argument("--top", type=int, default=25, help="how many uncompiled phrases to list")
    coverage_cmd.add_argument("--json", action="store_true")

    args = parser.parse_args(argv)
    try:
        return {"compile": _compile, "screen": _screen, "coverage": _coverage}[args.command](args)
    except EligibilityError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2


def _compile(args) -> int:
    from .compiler import compile_trial

    trial = compile_trial(Path(args.trial))
    print(trial.to_json(indent=2) if args.json else trial.render())
    for problem in trial.problems:
        print(f"problem: {problem}", file=sys.stderr)
    return 0


def _screen(args) -> int:
    from .compiler import compile_trial
    from .errors import PatientDataError
    from .screening import screen

    trial = compile_trial(Path(args.trial))
    first = True
    for path in args.patients:
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            raise PatientDataError(path, f"cannot read patient file: {error}") from None
        for patient in data if isinstance(data, list) else [data]:
            if isinstance(patient, dict):
                patient.setdefault("id", Path(path).stem)
            result = screen(patient, trial, strict=args.strict)
            if args.json:
                print(result.to_json())
            else:
                print(("" if first else "\n") + result.report())
            first = False
    return 0


def _coverage(args) -> int:
    from .coverage import measure_coverage

    report = measure_coverage([Path(p) for p in args.paths], limit=args.limit, top=args.top)
    print(json.dumps(report.to_dict(), indent=2) if args.json else report.render())
    return 0 if report.errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
