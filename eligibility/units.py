"""The one unit registry, and unit spellings from criteria and patient records.

All quantities in the library come from `registry()`. Conversions between mass and molar (or
equivalent) units need the analyte's molar mass (or valence); they go through pint's
"chemistry" context and our "ionic" context with that fact passed in, never a guessed factor.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import pint

from .errors import UnitError
from importlib import resources

from .resources import data_json


@lru_cache(maxsize=1)
def registry() -> pint.UnitRegistry:
    ureg = pint.UnitRegistry(autoconvert_offset_to_baseunit=True)
    with resources.as_file(resources.files("eligibility.grammars").joinpath("units.txt")) as path:
        ureg.load_definitions(str(path))
    return ureg


@lru_cache(maxsize=1)
def _aliases() -> dict[str, str]:
    return data_json("unit_aliases.json")["aliases"]


@lru_cache(maxsize=4096)
def parsed_unit(expression: str):
    """pint's reading of a unit expression, read once: a corpus repeats a few hundred units, and pint
    parses each anew (a quarter of a simple threshold's compile time went there). Shared: never changed
    in place."""
    return registry().parse_expression(expression)


def quantity(value: float, unit: str) -> pint.Quantity:
    return value * parsed_unit(unit) if unit else registry().Quantity(value, "dimensionless")


SPELLED_UNITS = (("millimeters of mercury", "mmhg"), ("millimetres of mercury", "mmhg"), ("millimeter of mercury", "mmhg"),
                  ("millimeter mercury", "mmhg"), ("mm hg", "mmhg"),
                  ("cm of water", "cmh2o"), ("cm h2o", "cmh2o"), ("cm h20", "cmh2o"), ("square meters", "m2"), ("square metres", "m2"), ("squared meter", "m2"), ("squared metre", "m2"),
                  ("square meter", "m2"), ("square metre", "m2"), ("cubic millimeters", "mm3"), ("cubic millimetres", "mm3"),
                  ("cubic millimeter", "mm3"), ("cubic millimetre", "mm3"), ("cubic mm", "mm3"), ("cu mm", "mm3"),
                  ("mg %", "mg / dl"), ("pack - years", "pkyr"), ("pack - year", "pkyr"), ("pack years", "pkyr"), ("pack year", "pkyr"),
                  ("international units", "iu"), ("international unit", "iu"))
_DEGREES = re.compile(r"(?:°|º|degrees?|deg)\s*([cf])(?:elsius|ahrenheit)?\b")


@lru_cache(maxsize=4096)
def unit_from_tokens(tokens: tuple[str, ...], as_written: str = "") -> str:
    """A pint-parsable unit expression from unit tokens ("x", "10^9", "/", "l" -> "1e+09 / L").

    `as_written` keeps the original case: "G/L" is giga per litre, "g/L" grams per litre.
    """
    if not tokens:
        return ""
    written = " ".join(tokens).replace("per cent", "%")  # "50 per cent"
    written = _DEGREES.sub(lambda m: "deg" + m.group(1), written)  # "38 ° C", "100.4 degrees F"
    for spelled, unit in SPELLED_UNITS:
        written = written.replace(spelled, unit)
    tokens = tuple(written.split())
    factor = 1.0
    parts: list[str] = []
    exponent = 1
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in ("x", "*", "-", "."):
            i += 1
            continue
        if token in ("/", "per"):
            exponent = -1
            i += 1
            continue
        if token.startswith("10^"):
            factor *= 10.0 ** (int(token[3:]) * exponent)
        elif token in ("k", "thou"):
            factor *= 1000.0 ** exponent
        elif token == "c" and i + 1 < len(tokens) and tokens[i + 1] in ("/", "per"):
            parts.append(f"(copies) ** {exponent}")  # "HIV-1 RNA < 50 c/mL": copies, not degrees Celsius
        elif re.fullmatch(r"\d*\.?\d+", token):
            # "/1.73 m" at the end lost its square: per 1.73 m of length means nothing, the body's surface is meant
            if i + 1 < len(tokens) and token == "1.73" and (_aliases().get(tokens[i + 1]) == "m**2"
                                                            or tokens[i + 1] == "m" and i + 2 == len(tokens) and exponent == -1):
                parts.append(f"BSA_1_73 ** {exponent}")
                i += 2
                exponent = 1
                continue
            if token == "100" and exponent == -1 and i + 1 < len(tokens) and _aliases().get(tokens[i + 1]) == "mL":
                parts.append("(dL) ** -1")  # "mg/100 mL" is mg per decilitre
                i += 2
                exponent = 1
                continue
            if token == "24" and exponent == -1 and i + 1 < len(tokens) and _aliases().get(tokens[i + 1]) == "h":
                parts.append("(day) ** -1")  # "mg/24 hours" is mg per day
                i += 2
                exponent = 1
                continue
            if float(token) == 0:
                raise UnitError(f"a unit cannot be scaled by zero in {' '.join(tokens)!r}")
            factor *= float(token) ** exponent
            if exponent == -1 and i + 1 < len(tokens) and tokens[i + 1] not in ("/", "per"):
                i += 1  # "mg / 24 h": the hours are divided too
                continue
        elif token == "g" and re.search(r"(?<![a-zA-Zµμ])G\s*/", as_written) and exponent == 1:
            factor *= 1e9
        else:
            target = _aliases().get(token)
            if target is None:
                raise UnitError(f"unknown unit {token!r} in {' '.join(tokens)!r}")
            parts.append(f"({target}) ** {exponent}")
        exponent = 1
        i += 1
    expression = " * ".join(parts) if parts else "dimensionless"
    try:
        parsed_unit(expression)
    except Exception as error:  # pint raises several unrelated types for bad input
        raise UnitError(f"cannot read unit {' '.join(tokens)!r}: {error}") from None
    return _pretty(factor, expression)


def _pretty(factor: float, expression: str) -> str:
    unit = parsed_unit(expression)
    unit_text = f"{unit.units:~}" if not isinstance(unit, (int, float)) else ""
    unit_text = re.sub(r"(?<![a-zA-Z])([µumdnpf]?)l\b", lambda m: m.group(1) + "L", unit_text)
    unit_text = re.sub(r"\ba\b", "year", unit_text)  # pint's symbol for the year
    unit_text = re.sub(r"\bd\b", "day", unit_text)
    if factor == 1.0:
        return unit_text or "dimensionless"
    scale = f"{factor:.0e}" if factor > 0 and math.log10(factor).is_integer() else repr(factor)
    scale = scale.replace("e+0", "e").replace("e+", "e").replace("e-0", "e-")
    if unit_text.startswith("1 / "):
        return f"{scale} / {unit_text[4:]}"
    return f"{scale} {unit_text}".strip() if unit_text and unit_text != "dimensionless" else scale


_THOUSANDS_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")


def _number(digits: str, text: str) -> float:
    """"1,500" groups thousands; "9,5" and "0,25" are a decimal comma (a European record), not 95 and 25."""
    if "," not in digits or _THOUSANDS_GROUPED.fullmatch(digits.lstrip("+-")):
        return float(digits.replace(",", ""))
    if digits.count(",") == 1 and "." not in digits:
        return float(digits.replace(",", "."))
    raise UnitError(f"not a quantity: {text!r} (its commas are neither thousands nor a decimal comma)")


_QUANTITY_TEXT = re.compile(r"^\s*([-+]?\d[\d,]*(?:\.\d+)?|[-+]?\.\d+)\s*(.*?)\s*$")


def parse_quantity_text(text: str, unit_words: tuple[tuple[str, str], ...] = ()) -> tuple[float, str]:
    """'8 x10^9/L' -> (8.0, '1e9 / L'); '120 µmol/L' -> (120.0, 'µmol / L'). Raises UnitError.
    `unit_words`: words that mean another unit for the analyte (an alcohol intake's "units")."""
    from .tokens import tokenize

    match = _QUANTITY_TEXT.match(text)
    if not match:
        raise UnitError(f"not a quantity: {text!r}")
    number = _number(match.group(1), text)
    unit_text = match.group(2)
    meant = dict(unit_words)
    norms = tuple(meant.get(t.norm, t.norm) for t in tokenize(unit_text))
    return number, unit_from_tokens(norms, unit_text)


def convert(q: pint.Quantity, unit: str | pint.Unit, molar_mass: float | None = None, valence: int | None = None,
            scales: tuple[tuple[str, str, float, float, int, int], ...] = ()) -> pint.Quantity:
    """`q` in `unit`, using the analyte's molar mass and valence when the dimensions need them, and its
    `scales` between units whose values are not proportional (HbA1c's IFCC mmol/mol and NGSP %)."""
    ureg = registry()
    target = parsed_unit(unit) if isinstance(unit, str) else unit
    on_scale = _on_a_scale(q, target, scales)
    if on_scale is not None:
        return on_scale
    try:
        return _to(q, target)
    except pint.DimensionalityError:
        pass
    contexts, params = [], {}
    if molar_mass:
        contexts.append("chemistry")
        params["mw"] = molar_mass * parsed_unit("g/mol")
    if valence:
        contexts.append("ionic")
        params["valence"] = valence
    if contexts:
        try:
            with ureg.context(*contexts, **params):
                return _to(q, target)
        except (pint.DimensionalityError, ZeroDivisionError):  # a context's formula on a dimensionless value ("10%")
            pass
    needs = ""
    if _is_mass_molar_pair(q, target) and not molar_mass:
        needs = " (a mass <-> molar conversion needs the analyte's molar mass, which is not known)"
    raise UnitError(f"cannot convert {q:~} to {_unit_text(target)}: dimensions {q.dimensionality} and {target.dimensionality} differ{needs}")


def _on_a_scale(q: pint.Quantity, target, scales: tuple[tuple[str, str, float, float, int, int], ...]) -> pint.Quantity | None:
    """`q` on another scale of the analyte's (to = slope x from + intercept), or None when none joins its unit
    and the target's: both are ratios to pint, which would read 53 mmol/mol as 5.3 % (it is 7.0 %). The
    result is rounded as the scale's values are reported (IFCC whole mmol/mol, NGSP to 0.1 %), so that
    "8.0 % (64 mmol/mol)" holds at its boundary on either scale."""
    if not scales:  # every analyte but a few: nothing to look up on each comparison
        return None
    ureg = registry()
    wanted = target.units if isinstance(target, pint.Quantity) else target
    for source, dest, slope, intercept, source_digits, dest_digits in scales:
        source_unit, dest_unit = ureg.parse_units(source), ureg.parse_units(dest)
        if q.units == source_unit and wanted == dest_unit:
            return _to(ureg.Quantity(round(slope * q.magnitude + intercept, dest_digits), dest_unit), target)
        if q.units == dest_unit and wanted == source_unit:
            return _to(ureg.Quantity(round((q.magnitude - intercept) / slope, source_digits), source_unit), target)
    return None


def convert_for(analyte, q: pint.Quantity, unit: str | pint.Unit) -> pint.Quantity:
    """`q` in `unit` as the analyte's values convert (None: any quantity alike)."""
    if analyte is None:
        return convert(q, unit)
    return convert(q, unit, analyte.molar_mass, analyte.valence, analyte.scales)


def _to(q: pint.Quantity, target) -> pint.Quantity:
    """Convert to a target that may carry a scale ("1e9 / L"): the magnitude is in that scaled unit."""
    if isinstance(target, pint.Quantity):
        converted = q.to(target.units)
        return registry().Quantity(converted.magnitude / target.magnitude, converted.units)
    return q.to(target)


def _unit_text(target) -> str:
    return f"{target:~}" if isinstance(target, pint.Quantity) else str(target)


def _is_mass_molar_pair(q: pint.Quantity, target) -> bool:
    dims = {str(q.dimensionality), str(target.dimensionality)}
    return any("[mass]" in d for d in dims) and any("[substance]" in d for d in dims)


@lru_cache(maxsize=8192)  # a handful of unit pairs, asked about for every threshold
def compatible(unit_a: str, unit_b: str, molar_mass: float | None = None, valence: int | None = None) -> bool:
    try:
        convert(quantity(1.0, unit_a), unit_b, molar_mass, valence)  # a scale joins units that convert already
        return True
    except UnitError:
        return False


def same_value(a: float, b: float) -> bool:
    """Equal for a boundary test: binary floating point must not turn 1500/mm3 into 1.4999e9/L."""
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-12)


def format_quantity(q: pint.Quantity) -> str:
    """'0.75 U/L', '8 x10^9/L': a quantity as clinicians write it."""
    from .nodes import display_unit

    unit = _pretty(1.0, str(q.units)) if not q.dimensionless else ""
    return f"{q.magnitude:.6g}{display_unit(unit)}"


_UCUM_ATOMS = {
    "[in_i]": "inch", "[ft_i]": "foot", "[lb_av]": "lb", "[oz_av]": "ounce", "[degF]": "degF", "Cel": "degC",
    "[iU]": "IU", "[IU]": "IU", "{cells}": "cell", "{cell}": "cell", "mo": "month", "a": "year", "wk": "week",
    "d": "day", "h": "hour", "min": "minute", "[pH]": "", "%": "percent", "eq": "Eq", "meq": "mEq", "mEq": "mEq",
    "{1.73_m2}": "BSA_1_73", "mm[Hg]": "mmHg", "m[Hg]": "(1000 * mmHg)", "cm[H2O]": "cmH2O", "[pi]": "pi", "[mi_i]": "mile", "[yd_i]": "yard", "[gal_us]": "gallon", "[pt_us]": "pint",
}


_UCUM_PREFIXES = {"m": "1e-3", "u": "1e-6", "n": "1e-9", "p": "1e-12", "k": "1e3", "d": "1e-1", "c": "1e-2"}


def from_ucum(code: str) -> str:
    """A UCUM unit code ("10*3/uL", "mL/min/{1.73_m2}", "kg.m-2", "[in_i]") as a pint expression."""
    text = code.strip()
    if not text or text == "1":
        return "dimensionless"
    # annotations may hold dots ("{1.73_m2}"): split outside braces only
    parts = re.split(r"([./])(?![^{]*\})", text)
    expression, operator = [], "*"
    for part in parts:
        if part in (".", "/"):
            operator = "*" if part == "." else "/"
            continue
        if not part:  # "/min": a leading division
            continue
        term = _ucum_term(part, code)
        expression.append(f"{operator} ({term})" if expression else (f"1 / ({term})" if operator == "/" else f"({term})"))
        operator = "*"
    result = " ".join(expression)
    try:
        parsed_unit(result)
    except Exception as error:
        raise UnitError(f"cannot read UCUM unit {code!r}: {error}") from None
    return result


def _ucum_term(part: str, code: str) -> str:
    if part in _UCUM_ATOMS:
        return _UCUM_ATOMS[part] or "dimensionless"
    if re.fullmatch(r"\d+(?:\.\d+)?", part):
        return part  # a UCUM factor: "4.s/m"
    power = re.fullmatch(r"10\*(-?\d+)|10\^(-?\d+)", part)
    if power:
        return f"1e{power.group(1) or power.group(2)}"
    annotated = re.fullmatch(r"(.*?)\{[^}]*\}", part)
    if annotated:
        return _ucum_term(annotated.group(1), code) if annotated.group(1) else "dimensionless"
    prefixed = re.fullmatch(r"([munpkdc])(\[[A-Za-z_]+\])", part)  # "m[IU]": a metric prefix on a bracketed atom
    if prefixed and prefixed.group(2) in _UCUM_ATOMS:
        return f"{_UCUM_PREFIXES[prefixed.group(1)]} * {_UCUM_ATOMS[prefixed.group(2)]}"
    match = re.fullmatch(r"(\[?[A-Za-z_%\]]+\]?)(-?\d+)?", part)
    if not match:
        raise UnitError(f"cannot read UCUM unit {code!r} at {part!r}")
    atom, exponent = match.groups()
    unit = _UCUM_ATOMS.get(atom, atom)
    if atom.startswith("["):
        raise UnitError(f"UCUM unit {atom!r} in {code!r} is not one the library knows")
    return f"{unit} ** {exponent}" if exponent else unit
