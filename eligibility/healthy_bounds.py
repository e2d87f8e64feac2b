"""A bound on a lab that every healthy value meets: "Platelet count > 100,000/mm^3", "Bilirubin < 1.5 mg/dL",
"ALT ≤ 2.5 x ULN". Among inclusions it is the usual safety requirement; filed among exclusions, read as written it
would exclude every patient with normal blood counts and organ function, so it is a requirement misfiled, for the
reviewer. A range's two sides ("Triglycerides < 150 or > 400 mg/dL", "ALT or AST > 3 x ULN and < 5 x ULN") exclude
on purpose and are left alone."""

from __future__ import annotations

import pint

from .errors import UnitError
from .lexicon import get_lexicon
from .nodes import AllOf, AnyOf, Compare, Node, Not
from .units import convert_for


def bound_every_healthy_value_meets(rule: Node) -> Compare | None:
    """The first comparison, asserted (not denied) and not one side of a range, that the analyte's whole usual
    range meets (analytes.json "normal")."""
    for node, sided in _asserted_compares(rule, False):
        if not sided and _met_across_the_normal_range(node):
            return node
    return None


def _asserted_compares(node: Node, sided: bool):
    if isinstance(node, Not):
        return
    if isinstance(node, Compare):
        yield node, sided
        return
    if isinstance(node, (AnyOf, AllOf)):  # "< 150 or > 400", "> 3 x ULN and < 5 x ULN": a range's sides
        compared = [n.variable for item in node.items for n in item.walk() if isinstance(n, Compare)]
        for item in node.items:
            yield from _asserted_compares(item, sided or isinstance(item, Compare) and compared.count(item.variable) > 1)
        return
    for child in node.children():
        yield from _asserted_compares(child, sided)


def _met_across_the_normal_range(node: Compare) -> bool:
    analyte = get_lexicon().analytes.get(node.variable)
    if analyte is None or analyte.normal is None or node.threshold is None or node.conditional:
        return False
    low, high = analyte.normal
    threshold = node.threshold
    if threshold.is_limit_multiple:
        if threshold.unit != "ULN" or not analyte.upper_limit_reported:
            return False
        low, high, value = 0.0, 1.0, threshold.value
    elif not threshold.unit:
        return False
    else:
        try:
            value = convert_for(analyte, threshold.quantity(), analyte.unit).magnitude
        except (UnitError, pint.DimensionalityError, ValueError):
            return False
    return {"<": high < value, "<=": high <= value, ">": low > value, ">=": low >= value}.get(node.op, False)
