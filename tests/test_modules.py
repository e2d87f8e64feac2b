"""Module-level names are defined once: a second definition silently replaces the first for every
caller, which has twice turned a pattern into another one of the same name."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "eligibility"


def _top_level_names(tree: ast.Module) -> list[tuple[str, int]]:
    names = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.append((node.name, node.lineno))
        elif isinstance(node, ast.Assign):
            names.extend((target.id, node.lineno) for target in node.targets if isinstance(target, ast.Name))
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
            names.append((node.target.id, node.lineno))
    return names


@pytest.mark.parametrize("module", sorted(PACKAGE.glob("*.py")), ids=lambda path: path.name)
def test_each_module_level_name_is_defined_once(module):
    seen: dict[str, int] = {}
    twice = []
    for name, line in _top_level_names(ast.parse(module.read_text(encoding="utf-8"))):
        if name in seen and name != "__all__":
            twice.append(f"{name} (lines {seen[name]} and {line})")
        seen.setdefault(name, line)
    assert not twice, f"{module.name} defines twice: {', '.join(twice)}"
