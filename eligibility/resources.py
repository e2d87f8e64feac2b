"""Finds the grammar's data files inside the installed package."""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Any

from .errors import LexiconError


def data_text(name: str) -> str:
    return resources.files("eligibility.grammars").joinpath(name).read_text(encoding="utf-8")


@lru_cache(maxsize=None)
def data_json(name: str, allowed_keys: frozenset[str] | None = None) -> Any:
    """Load a JSON data file; entries of its "entries" list may only use `allowed_keys`."""
    data = json.loads(data_text(name))
    if allowed_keys is not None:
        for index, entry in enumerate(data.get("entries", [])):
            unknown = set(entry) - allowed_keys
            if unknown:
                raise LexiconError(
                    f"{name}: entry {index} ({entry.get('id', '?')!r}) has unknown keys "
                    f"{sorted(unknown)}; allowed keys are {sorted(allowed_keys)}"
                )
    return data
