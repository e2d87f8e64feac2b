"""Compile time per trial and screening time per patient for the seed trial NCT05832216.

Run: .venv/bin/python benchmarks/bench_seed.py [--repeat N]
Prints one JSON object. Cold figures include loading spaCy, pint and the lexicons once.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    sys.path.insert(0, str(ROOT))  # the checkout this script stands in, as the other benchmarks do
    start = time.perf_counter()
    import eligibility
    from eligibility.compiler import compile_criterion

    trial_path = ROOT / "examples" / "NCT05832216.json"
    trial = eligibility.compile_trial(trial_path)
    cold_compile = time.perf_counter() - start

    patients = [json.loads(p.read_text()) for p in sorted((ROOT / "examples" / "patients").glob("*.json"))]
    start = time.perf_counter()
    eligibility.screen(patients[0], trial)
    cold_screen = time.perf_counter() - start

    compile_times = []
    for _ in range(args.repeat):
        compile_criterion.cache_clear()  # measure compiling, not the cache
        start = time.perf_counter()
        eligibility.compile_trial(trial_path)
        compile_times.append(time.perf_counter() - start)

    screen_times = []
    for _ in range(args.repeat):
        for patient in patients:
            start = time.perf_counter()
            eligibility.screen(patient, trial)
            screen_times.append(time.perf_counter() - start)

    tracemalloc.start()
    eligibility.compile_trial(trial_path)
    for patient in patients:
        eligibility.screen(patient, trial)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    criteria = sum(1 for c in trial.criteria if c.origin == "criteria")
    print(json.dumps({
        "trial": trial.nct_id,
        "criteria": criteria,
        "cold_start_and_compile_s": round(cold_compile, 3),
        "cold_first_screen_s": round(cold_screen, 3),
        "compile_per_trial_ms_median": round(1000 * statistics.median(compile_times), 2),
        "compile_per_criterion_ms_median": round(1000 * statistics.median(compile_times) / criteria, 3),
        "screen_per_patient_ms_median": round(1000 * statistics.median(screen_times), 3),
        "screen_per_patient_ms_p95": round(1000 * sorted(screen_times)[int(0.95 * len(screen_times))], 3),
        "peak_traced_memory_kib_warm": round(peak / 1024),
        "python": sys.version.split()[0],
    }, indent=2))


if __name__ == "__main__":
    main()
