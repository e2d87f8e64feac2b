"""Rule-tree nodes: typed, immutable, serializable, each with its span in the criterion text.

A node's kind is its `kind` class attribute; evaluators and future backends pick a method per
kind by name (`visit_compare`, `compare_sql`), so a new kind is one class plus one method per
backend. Nodes are only built in `build.py`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, fields, replace
from typing import Any, ClassVar

ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV", 5: "V"}
ROMAN_VALUES = {numeral.lower(): value for value, numeral in ROMAN.items()}
_NODE_TYPES: dict[str, type["Node"]] = {}


@dataclass(frozen=True)
class Amount:
    """A number with its unit: a pint expression, "ULN"/"LLN" for multiples of a reference limit,
    or "" when the criterion gave no unit and none could be inferred."""

    value: float
    unit: str
    text: str = ""

    @property
    def is_limit_multiple(self) -> bool:
        return self.unit in ("ULN", "LLN")

    def quantity(self):
        from .units import quantity

        return quantity(self.value, self.unit)

    def render(self) -> str:
        if self.is_limit_multiple:
            return f"{_number(self.value)} x {self.unit}"
        return f"{_number(self.value)}{display_unit(self.unit)}"


@dataclass(frozen=True)
class Window:
    """A period ending at a reference point: "within 4 weeks before the start of this trial"."""

    amount: Amount
    reference: str = ""
    # "study": a moment of the study (screening, randomization, the first dose), which the screening date stands
    # for; "patient": a day of the patient's own history ("of their last platinum-containing regimen")
    counted_from: str = "study"

    def render(self) -> str:
        # a day of the patient's history may come before or after what the window holds
        return f"within {self.amount.render()} {'before' if self.counted_from == 'study' else 'of'} {self.reference or 'screening'}"


_DEGREES = {"degC": "°C", "degF": "°F", "degree_Celsius": "°C", "degree_Fahrenheit": "°F"}


def display_unit(unit: str) -> str:
    """A unit as clinicians write it: "1e9 / L" -> " x10^9/L", "1 / µL" -> "/µL"."""
    if unit in ("", "dimensionless"):
        return ""
    text = unit.replace(" / ", "/").replace(" * ", "·").replace(" ** ", "^").replace("BSA_1_73", "1.73m²")
    scale = re.match(r"^1e(-?\d+)(?:/| )(.*)$", text)
    if scale:
        rest = scale.group(2)
        return f" x10^{scale.group(1)}{'/' if text[len(scale.group(0)) - len(rest) - 1] == '/' else ' '}{rest}"
    if text.startswith("1/"):
        return text[1:]
    return "%" if text in ("%", "percent") else f" {_DEGREES.get(text, text)}"


def _number(value: float) -> str:
    return f"{value:g}" if abs(value) < 1e6 else f"{value:.6g}"


@dataclass(frozen=True)
class Node:
    kind: ClassVar[str] = "node"
    span: tuple[int, int] | None = field(default=None, kw_only=True, compare=False)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        _NODE_TYPES[cls.kind] = cls

    def children(self) -> tuple["Node", ...]:
        return ()

    def walk(self):
        yield self
        for child in self.children():
            yield from child.walk()

    def with_children(self, change) -> "Node":
        """The node with `change` applied to each node it holds (items, an inner node, hints)."""
        changes = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, Node):
                changed = change(value)
            elif isinstance(value, tuple) and value and isinstance(value[0], Node):
                changed = tuple(change(v) for v in value)
                changed = value if all(a is b for a, b in zip(changed, value)) else changed
            else:
                continue
            if changed is not value:
                changes[f.name] = changed
        # the node itself when nothing in it changed: a pass over a tree rebuilds only what it alters
        return replace(self, **changes) if changes else self

    def render(self) -> str:
        raise NotImplementedError

    def __str__(self) -> str:
        return self.render()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"kind": self.kind}
        for f in fields(self):
            out[f.name] = _encode(getattr(self, f.name))
        return out

    @staticmethod
    def from_dict(data: dict[str, Any]) -> "Node":
        cls = _NODE_TYPES[data["kind"]]
        kwargs = {f.name: _decode(data.get(f.name)) for f in fields(cls) if f.name in data}
        return cls(**kwargs)


def _encode(value: Any) -> Any:
    if isinstance(value, Node):
        return value.to_dict()
    if isinstance(value, Amount):
        return {"value": value.value, "unit": value.unit, "text": value.text}
    if isinstance(value, Window):
        return {"amount": _encode(value.amount), "reference": value.reference, "counted_from": value.counted_from}
    if isinstance(value, tuple):
        return [_encode(v) for v in value]
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "kind" in value:
            return Node.from_dict(value)
        if "amount" in value:
            return Window(_decode(value["amount"]), value.get("reference", ""), value.get("counted_from", "study"))
        if "value" in value and "unit" in value:
            return Amount(float(value["value"]), value["unit"], value.get("text", ""))
    if isinstance(value, list):
        return tuple(_decode(v) for v in value)
    return value


# -- logic ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AllOf(Node):
    kind: ClassVar[str] = "all_of"
    items: tuple[Node, ...] = ()

    def children(self):
        return self.items

    def render(self):
        return "(" + " AND ".join(i.render() for i in self.items) + ")"


@dataclass(frozen=True)
class AnyOf(Node):
    kind: ClassVar[str] = "any_of"
    items: tuple[Node, ...] = ()

    def children(self):
        return self.items

    def render(self):
        return "(" + " OR ".join(i.render() for i in self.items) + ")"


@dataclass(frozen=True)
class AtLeast(Node):
    """"At least 2 of the following: ...": how many of the items must hold."""
    kind: ClassVar[str] = "at_least"
    count: int = 1
    items: tuple[Node, ...] = ()

    def children(self):
        return self.items

    def render(self):
        return f"AT LEAST {self.count} OF (" + ", ".join(i.render() for i in self.items) + ")"


@dataclass(frozen=True)
class Not(Node):
    kind: ClassVar[str] = "not"
    item: Node | None = None

    def children(self):
        return (self.item,)

    def render(self):
        return f"NOT {self.item.render()}"


@dataclass(frozen=True)
class Defined(Node):
    """A named notion and the rule that defines it ("Heart failure (NYHA class III or IV)")."""

    kind: ClassVar[str] = "defined"
    label: str = ""
    body: Node | None = None

    def children(self):
        return (self.body,)

    def render(self):
        return f"[{self.label}] {self.body.render()}" if self.label else self.body.render()


# -- measurements ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Compare(Node):
    kind: ClassVar[str] = "compare"
    variable: str = ""
    op: str = ""
    threshold: Amount | None = None
    timepoint: Amount | None = None
    context: str = ""  # how or when the value is measured, as written
    # the context narrows which value counts ("after transfusion", "in the event of virologic failure"),
    # which a record does not show: the comparison is shown, not decided
    conditional: bool = False

    def render(self):
        text = f"{self.variable} {self.op} {self.threshold.render()}"
        if self.timepoint:
            text += f" at {self.timepoint.render()}"
        if self.context:
            text += f" ({'only ' if self.conditional else ''}{self.context})"
        return text


@dataclass(frozen=True)
class Between(Node):
    kind: ClassVar[str] = "between"
    variable: str = ""
    low: Amount | None = None
    high: Amount | None = None
    inclusive: bool = True
    timepoint: Amount | None = None
    context: str = ""  # as in Compare: how or when the value is measured
    conditional: bool = False

    def render(self):
        bounds = "inclusive" if self.inclusive else "exclusive"
        text = f"{self.variable} between {self.low.render()} and {self.high.render()} ({bounds})"
        text += f" at {self.timepoint.render()}" if self.timepoint else ""
        return text + (f" (only {self.context})" if self.conditional else "")


@dataclass(frozen=True)
class OneOf(Node):
    """A score that must take one of a set of values ("NYHA class III or IV")."""

    kind: ClassVar[str] = "one_of"
    variable: str = ""
    values: tuple[float, ...] = ()

    def render(self):
        shown = [ROMAN.get(int(v), _number(v)) if self.variable == "nyha" else _number(v) for v in self.values]
        return f"{self.variable} in {{{', '.join(shown)}}}"


# -- findings, demographics, review ---------------------------------------------------------------


_REQUIREMENT_WORDS = ("requiring ", "require ", "requires ", "needing ", "in need of ", "that require", "which require")


@dataclass(frozen=True)
class Finding(Node):
    """A condition, drug, procedure, allergy or trial participation in the patient's record."""

    kind: ClassVar[str] = "finding"
    concept: str = ""
    category: str = "condition"  # condition, drug, procedure, allergy, or any (a name outside the lexicons)
    status: str = ""  # "", history, current, previous
    qualifiers: tuple[str, ...] = ()
    window: Window | None = None
    indication: tuple[str, ...] = ()
    grade: tuple = ()  # (op, value) or ("between", low, high): the severity grade its record must carry
    # a name outside the lexicons that an inclusion requires: it may name a state a record's lists
    # never hold ("interpretable echocardiographic images"), so its absence does not refute it; nor
    # does it refute a suspicion an inclusion admits ("Suspected or confirmed pneumonia")
    absence_unknown: bool = False
    # "Other malignancy except carcinoma in situ": records of these concepts do not count; when the
    # exception is qualified ("except adequately treated basal cell carcinoma") they leave it unknown
    excepted: tuple[str, ...] = ()
    excepted_qualified: bool = False
    # "Type 1 diabetes for at least 1 year": (op, Amount), how long it has lasted up to the screening
    duration: tuple = ()
    # "Other malignancy within 5 years": a cancer besides the one a cancer trial studies, which a
    # record of that cancer would otherwise meet (see Evaluator.visit_finding)
    other: bool = False
    # "Prednisone > 10 mg/day": (op, Amount), the dose its record must carry
    dose: tuple = ()
    # "Corticosteroids > 10 mg/day prednisone equivalent": the drug the dose is counted in (lexicon.equipotent_mg)
    dose_equivalent: str = ""

    def render(self):
        words = [self.status] if self.status else []
        words.append(self.category if self.category != "any" else "finding")
        concept = repr(self.concept[5:]) if self.concept.startswith("text:") else self.concept
        # "requiring hospitalization" reads after its finding; "active", "severe" before it
        after = [q for q in self.qualifiers if q.startswith(_REQUIREMENT_WORDS)]
        words.append(" ".join([*(["other"] if self.other else []), *(q for q in self.qualifiers if q not in after), concept,
                               *(f"({q})" for q in after)]))
        text = " ".join(words)
        if self.grade:
            text += " grade " + (f"{_number(self.grade[1])}-{_number(self.grade[2])}" if self.grade[0] == "between"
                                 else f"{self.grade[0]} {_number(self.grade[1])}")
        if self.indication:
            text += " for " + "/".join(self.indication)
        if self.window:
            text += " " + self.window.render()
        if self.duration:
            text += f" for {self.duration[0]} {self.duration[1].render()}"
        if self.dose:
            text += f" at a dose {self.dose[0]} {self.dose[1].render().strip()}"
            if self.dose_equivalent:
                text += f" {self.dose_equivalent} equivalent"
        if self.excepted:
            text += " except " + ("qualified " if self.excepted_qualified else "") + "/".join(self.excepted)
        return text


# the classes of disease a trial may study whose broad names its exclusions use for other members
# ("Other malignancy", "Active infection"): Finding.other, Trial.studies
STUDIED_CLASSES = frozenset({"cancer", "infection"})
# a toxicity of a prior treatment ("Recovered from toxicities of prior therapy to grade ≤ 1"): the concept
# a condition record counts as when its reason is a drug or a procedure
TREATMENT_TOXICITY = "treatment_toxicity"


@dataclass(frozen=True)
class Sex(Node):
    kind: ClassVar[str] = "sex"
    values: tuple[str, ...] = ()

    def render(self):
        return f"sex in {{{', '.join(self.values)}}}"


@dataclass(frozen=True)
class Flag(Node):
    """A yes/no fact about the patient: pregnant, breastfeeding, healthy_volunteer."""

    kind: ClassVar[str] = "flag"
    variable: str = ""

    def render(self):
        return self.variable


@dataclass(frozen=True)
class Permission(Node):
    """A criterion that only grants something ("Prior radiotherapy is allowed"): it asks nothing of the
    patient, so no record can fail it. Under the inclusions it is met, under the exclusions it excludes
    no one; what it may relax in another criterion is that criterion's to say."""

    kind: ClassVar[str] = "permission"
    text: str = ""
    among_exclusions: bool = False

    def render(self):
        return f"PERMITS({self.text!r})"


@dataclass(frozen=True)
class Review(Node):
    """Text the grammar does not turn into a computable rule; always evaluates to unknown.

    reason: consent, investigator_judgement, not_understood, causation, unit_error, conditional,
    ambiguous_comparator ("=" on a measured value, often a lost ≥ or ≤), list_scope ("A, B or C" of
    thresholds in an inclusion, "A, B and C" in an exclusion: the last word may join the last two or end
    the list), and_scope ("ALT and AST > 3 x ULN" or "chemotherapy within 4 weeks and radiotherapy within 2
    weeks" under exclusions, one of them met: one alone may exclude or not), or_scope ("AST or ALT ≤ 2.5 x ULN" under inclusions, one of them within it: one alone
    may do or not), negated_exclusion ("No X"
    under exclusion criteria: as written it excludes patients without X), requirement_in_exclusions ("Must have
    platelets > 75,000" under exclusion criteria: as written it excludes patients who meet it), negation_scope ("No SBP ≥ 150
    or DBP ≥ 95": a negation that may cover one threshold or all), dose_scope ("Immunosuppressants (e.g.,
    prednisone > 10 mg/day)": an example's dose narrows which of the class count), conditional (also a second threshold
    for a population the text names: "BMI > 30 or > 27.5 kg/m2 (South Asian)"), unit_error (also a value
    off its scale: "Performance status < 50 by KPS"), exception_scope ("Other malignancy except skin cancer": a
    patient with skin cancer may have another malignancy besides), with_scope ("Anemia with Hb < 9 g/dL or
    platelets < 50,000/µL", "Diabetes with retinopathy, neuropathy, or nephropathy": the later measures or findings
    may describe the finding too, or stand alone), example_scope ("Arterial thrombosis (e.g., stroke)": an example
    the lexicons do not file under the finding it illustrates), recovery_scope
    ("Recovered from toxicities of prior therapy", no grade said, or "... or baseline": what counts as recovered).
    hints: computable parts found inside the text, shown to the reviewer, never evaluated.
    """

    kind: ClassVar[str] = "review"
    text: str = ""
    reason: str = "not_understood"
    hints: tuple[Node, ...] = ()

    def render(self):
        return f"REVIEW[{self.reason}]({self.text!r})"
