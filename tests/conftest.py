import json
from pathlib import Path

import pytest

TESTS = Path(__file__).parent
ROOT = TESTS.parent
SHARED = ROOT.parent / "shared"
SEED = SHARED / "seeds" / "000_a767c7054482da09.txt"
SEED_NO_CRITERIA = SHARED / "seeds" / "003_71a82e5b2aeca8f3.txt"
DATA = SHARED / "data"


def fixture_lines(name: str, fields: int):
    """The cases of a fixture file: non-blank, non-comment lines split on ' | '."""
    cases = []
    for number, line in enumerate((TESTS / "fixtures" / name).read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = [p.strip() for p in line.split(" | ")]
        assert len(parts) == fields, f"{name}:{number}: expected {fields} fields, got {len(parts)}"
        cases.append(pytest.param(*parts, id=f"{name}:{number}"))
    return cases


def needs(path: Path):
    return pytest.mark.skipif(not path.exists(), reason=f"{path} is not present (../shared beside the checkout)")


def load_json(text: str):
    return json.loads(text)
