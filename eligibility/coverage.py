"""How much of a corpus of real criteria compiles, and what is left over.

Reads CT.gov JSON / XML records, CSVs with a criteria column (one trial a row), Chia .txt files
(one criterion a line, inclusion or exclusion by the file name) and folders of them.
"""

from __future__ import annotations

import csv
import re
import resource
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

from .compiler import Criterion, compile_criterion, compile_trial
from .criteria import _BULLET
from .errors import EligibilityError
from .nodes import Amount, Between, Compare, Finding, OneOf, Review

# A number compared to something: the lines whose comparison must compile.
_NUMERIC_COMPARISON = re.compile(
    r"(?:[<>≤≥]=?|=>|=<|\b(?:at least|at most|greater than|less than|more than|no more than|no less than|"
    r"not more than|not less than|not exceeding|exceeding|above|below|up to|over|under|between|minimum|maximum)\b)"
    r"\s*(?:or equal to\s*)?[-+]?\d", re.I)


@dataclass
class CoverageReport:
    trials: int = 0
    lines: int = 0
    compiled: int = 0
    partial: int = 0
    manual: int = 0
    errors: int = 0
    numeric_lines: int = 0
    numeric_compiled: int = 0
    seconds: float = 0.0
    peak_rss_mib: float = 0.0
    uncompiled: Counter = field(default_factory=Counter)
    uncompiled_starts: Counter = field(default_factory=Counter)
    units_read: Counter = field(default_factory=Counter)  # unit of each compiled threshold, as the rule holds it
    unit_problems: Counter = field(default_factory=Counter)  # units not read, or not fitting their analyte
    numeric_missed: list[str] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)
    top: int = 25

    @property
    def computable_share(self) -> float:
        return (self.compiled + self.partial) / self.lines if self.lines else 0.0

    @property
    def lines_per_second(self) -> float:
        return self.lines / self.seconds if self.seconds else 0.0

    def to_dict(self) -> dict:
        return {
            "trials": self.trials, "lines": self.lines, "compiled": self.compiled, "partial": self.partial,
            "manual": self.manual, "errors": self.errors,
            "computable_share": round(self.computable_share, 4),
            "numeric_comparison_lines": self.numeric_lines, "numeric_comparisons_compiled": self.numeric_compiled,
            "seconds": round(self.seconds, 2), "lines_per_second": round(self.lines_per_second, 1),
            "peak_rss_mib": round(self.peak_rss_mib, 1),
            "top_uncompiled_phrases": self.uncompiled.most_common(self.top),
            "top_uncompiled_openings": self.uncompiled_starts.most_common(self.top),
            "numeric_missed_samples": self.numeric_missed[: self.top],
            "units_read": self.units_read.most_common(),
            "unit_problems": self.unit_problems.most_common(),
            "error_samples": self.error_samples[:10],
        }

    def render(self) -> str:
        pct = lambda n: f"{100 * n / self.lines:.1f}%" if self.lines else "-"
        rows = [
            f"trials              {self.trials}",
            f"criterion lines     {self.lines}",
            f"fully compiled      {self.compiled} ({pct(self.compiled)})",
            f"partly compiled     {self.partial} ({pct(self.partial)})",
            f"manual review only  {self.manual} ({pct(self.manual)})",
            f"errors              {self.errors}",
            f"numeric comparisons {self.numeric_compiled} of {self.numeric_lines} lines compiled",
            f"speed               {self.lines_per_second:.0f} lines/s ({self.seconds:.1f} s), peak RSS {self.peak_rss_mib:.0f} MiB",
            "",
            "most frequent phrases left for review:",
            *[f"  {count:6d}  {phrase}" for phrase, count in self.uncompiled.most_common(self.top)],
            "",
            "most frequent openings of uncompiled text:",
            *[f"  {count:6d}  {phrase}" for phrase, count in self.uncompiled_starts.most_common(self.top)],
        ]
        rows += ["", f"units read: {len(self.units_read)} distinct, in {sum(self.units_read.values())} thresholds; most frequent:",
                 "  " + ", ".join(f"{unit} ({count})" for unit, count in self.units_read.most_common(self.top)),
                 "", f"unit problems: {sum(self.unit_problems.values())} ({len(self.unit_problems)} distinct); most frequent:",
                 *[f"  {count:6d}  {problem}" for problem, count in self.unit_problems.most_common(self.top)]]
        if self.numeric_missed:
            rows += ["", "numeric comparisons not compiled (samples):", *[f"  {t}" for t in self.numeric_missed[: self.top]]]
        return "\n".join(rows)


def measure_coverage(paths: list[Path], limit: int = 0, top: int = 25) -> CoverageReport:
    report = CoverageReport(top=top)
    start = time.perf_counter()
    for trial_criteria in _read_corpus(paths, report):
        report.trials += 1
        for criterion in trial_criteria:
            _count(criterion, report)
        if limit and report.trials >= limit:
            break
    report.seconds = time.perf_counter() - start
    report.peak_rss_mib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return report


def _count(criterion: Criterion, report: CoverageReport) -> None:
    if criterion.origin != "criteria":
        return
    if criterion.children:
        for child in criterion.children:
            _count(child, report)
    report.lines += 1
    status = criterion.status
    setattr(report, status, getattr(report, status) + 1)
    for problem in criterion.diagnostics:
        if _UNIT_PROBLEM.search(problem):
            report.unit_problems[_shape(problem.splitlines()[0])] += 1
    for node in criterion.rule.walk():
        for amount in _amounts(node):
            if amount.unit and not amount.is_limit_multiple:
                report.units_read[amount.unit] += 1
        if isinstance(node, Review) and node.reason in ("not_understood", "unit_error"):
            report.uncompiled[_shape(node.text)] += 1
            report.uncompiled_starts[" ".join(_shape(node.text).split()[:3])] += 1
    if not criterion.children and _NUMERIC_COMPARISON.search(criterion.text):
        report.numeric_lines += 1
        # a finding's period, how long it lasted or its grade is a compiled comparison too
        if any(isinstance(n, (Compare, Between, OneOf)) or (isinstance(n, Finding) and (n.window or n.duration or n.grade))
               for n in criterion.rule.walk()):
            report.numeric_compiled += 1
        elif len(report.numeric_missed) < 200:
            report.numeric_missed.append(criterion.text[:160])


_UNIT_PROBLEM = re.compile(r"unknown unit|cannot read unit|does not fit|cannot convert|unit .* cannot", re.I)


def _amounts(node) -> list[Amount]:
    if isinstance(node, Compare):
        return [node.threshold]
    if isinstance(node, Between):
        return [node.low, node.high]
    return []


def _shape(text: str) -> str:
    """Text with numbers folded, so that phrases differing only in numbers count together."""
    text = re.sub(r"\d+(?:[.,]\d+)*", "#", text.lower())
    return " ".join(text.split())[:80]


def _read_corpus(paths: list[Path], report: CoverageReport) -> Iterator[list[Criterion]]:
    for path in paths:
        files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for file in files:
            suffix = file.suffix.lower()
            if suffix == ".csv":
                yield from _read_csv(file, report)
            elif suffix in (".json", ".xml"):
                yield _safe(lambda: list(compile_trial(file).criteria), file, report)
            elif suffix == ".txt" and re.search(r"_(inc|exc)\.txt$", file.name):
                yield _read_chia(file, report)


def _read_csv(file: Path, report: CoverageReport) -> Iterator[list[Criterion]]:
    csv.field_size_limit(1 << 30)
    with file.open(newline="", encoding="utf-8") as handle:
        for row_number, row in enumerate(csv.DictReader(handle), 2):
            text = row.get("criteria") or row.get("eligibility_criteria") or row.get("eligibilityCriteria") or ""
            yield _safe(lambda: list(compile_trial(text).criteria) if text.strip() else [], f"{file}:{row_number}", report)


def _read_chia(file: Path, report: CoverageReport) -> list[Criterion]:
    kind = "inclusion" if file.name.endswith("_inc.txt") else "exclusion"
    criteria = []
    position = 0
    for index, line in enumerate(file.read_text(encoding="utf-8").splitlines(keepends=True)):
        bullet = _BULLET.match(line.strip())  # Chia keeps "1." and "a." in its lines
        text = bullet.group("body").strip() if bullet and bullet.group("body").strip() else line.strip()
        if text:
            rule, problems = _safe(lambda: compile_criterion(text, kind), f"{file}:{index + 1}", report) or (Review(text), [])
            start = position + line.index(text)
            criteria.append(Criterion(index, kind, text, (start, start + len(text)), rule, diagnostics=tuple(problems)))
        position += len(line)
    return criteria


def _safe(action, where, report: CoverageReport):
    try:
        return action()
    except EligibilityError as error:
        report.errors += 1
        report.error_samples.append(f"{where}: {error}")
        return []
    except Exception as error:  # a crash is exactly what coverage must find and count
        report.errors += 1
        report.error_samples.append(f"{where}: {type(error).__name__}: {error}")
        return []
