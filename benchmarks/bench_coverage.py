"""Coverage and speed over the whole HINT corpus (3,686 trials), single process.

Run: .venv/bin/python benchmarks/bench_coverage.py [--limit N] [--out coverage.json]
Reads ../shared/data/hint-criteria/*.csv; prints the coverage table; skips when it is absent.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "data" / "hint-criteria"


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    if not CORPUS.exists():
        print(f"skipped: {CORPUS} is not present")
        return 0
    sys.path.insert(0, str(ROOT))
    from eligibility.coverage import measure_coverage

    report = measure_coverage(sorted(CORPUS.glob("*.csv")), limit=args.limit, top=args.top)
    print(report.render())
    if args.out:
        args.out.write_text(json.dumps(report.to_dict(), indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
