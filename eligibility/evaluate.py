"""Three-valued evaluation of a rule tree against a patient.

True, False or None (unknown), Kleene's logic: one true branch decides an "or" and one false
branch decides an "and", whatever the unknown branches say. Every answer carries the reason and
the patient values behind it. The visitor picks `visit_<kind>` by the node's kind.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import pint
from dataclasses import dataclass, field

from .errors import UnitError
from .lexicon import get_lexicon
from .nodes import ROMAN_VALUES, STUDIED_CLASSES, Amount, Finding, Node, display_unit
from .patient import GENOTYPE_IN_NAME, STAGE_IN_NAME, Measurement, Patient, Record, shift
from .resources import data_json
from .units import convert, convert_for, format_quantity, same_value


# a treatment named by its kind alone, which a record given for the indication is ("treatment for hyperthyroidism")
_ANY_TREATMENT = frozenset(f"text:{word}" for word in ("treatment", "treatments", "therapy", "therapies", "medication", "medications",
                                                       "drug", "drugs", "agent", "agents", "drug therapy", "pharmacotherapy"))


@dataclass(frozen=True)
class Evidence:
    """One patient value behind an answer."""

    variable: str
    patient_value: str
    converted: str
    threshold: str
    holds: bool | None
    note: str = ""

    def to_dict(self) -> dict:
        return {"variable": self.variable, "patient_value": self.patient_value, "converted": self.converted,
                "threshold": self.threshold, "holds": self.holds, "note": self.note}


@dataclass(frozen=True)
class Answer:
    value: bool | None
    reason: str
    evidence: tuple[Evidence, ...] = ()
    to_confirm: tuple[str, ...] = field(default=())


# Lists whose names say nothing of what they are: a medication or an allergen the lexicons do not know
_OPAQUE_CATEGORIES = frozenset({"drug", "allergy"})

_OPS = {
    "<": lambda a, b: a < b and not same_value(a, b),
    "<=": lambda a, b: a < b or same_value(a, b),
    ">": lambda a, b: a > b and not same_value(a, b),
    ">=": lambda a, b: a > b or same_value(a, b),
    "=": same_value,
    "!=": lambda a, b: not same_value(a, b),
}


class Evaluator:
    def __init__(self, patient: Patient, studies: frozenset[str] | None = None):
        """`studies`: the classes of disease the trial studies ("cancer", "infection"), when "other
        malignancy" cannot be the patient's record of the cancer studied; None when not known, which
        leaves such records unknown."""
        self.patient = patient
        self.studies = studies
        self.lexicon = get_lexicon()
        self._qualifier_status = data_json("phrases.json")["qualifier_status"]

    def evaluate(self, node: Node) -> Answer:
        return getattr(self, f"visit_{node.kind}")(node)

    # -- logic -------------------------------------------------------------------------------
    def visit_all_of(self, node) -> Answer:
        answers = [self.evaluate(item) for item in node.items]
        false = [a for a in answers if a.value is False]
        if false:
            return Answer(False, false[0].reason, _evidence(false), ())
        if all(a.value is True for a in answers):
            return Answer(True, "; ".join(a.reason for a in answers), _evidence(answers))
        unknown = [a for a in answers if a.value is None]
        return Answer(None, "; ".join(a.reason for a in unknown), _evidence(answers), _confirm(unknown))

    def visit_any_of(self, node) -> Answer:
        answers = [self.evaluate(item) for item in node.items]
        true = [a for a in answers if a.value is True]
        if true:
            return Answer(True, true[0].reason, _evidence(true))
        if all(a.value is False for a in answers):
            return Answer(False, "; ".join(a.reason for a in answers), _evidence(answers))
        unknown = [a for a in answers if a.value is None]
        return Answer(None, "; ".join(a.reason for a in unknown), _evidence(answers), _confirm(unknown))

    def visit_at_least(self, node) -> Answer:
        answers = [self.evaluate(item) for item in node.items]
        true = [a for a in answers if a.value is True]
        unknown = [a for a in answers if a.value is None]
        needed = f"at least {node.count} of {len(answers)} needed"
        if len(true) >= node.count:
            return Answer(True, f"{len(true)} hold ({needed}): " + "; ".join(a.reason for a in true), _evidence(true))
        if len(true) + len(unknown) < node.count:
            return Answer(False, f"at most {len(true) + len(unknown)} can hold ({needed}): " + "; ".join(a.reason for a in answers),
                          _evidence(answers))
        return Answer(None, f"{len(true)} hold, {len(unknown)} unknown ({needed}): " + "; ".join(a.reason for a in unknown),
                      _evidence(answers), _confirm(unknown))

    def visit_not(self, node) -> Answer:
        inner = self.evaluate(node.item)
        value = None if inner.value is None else not inner.value
        return Answer(value, ("not: " if value is not None else "") + inner.reason, inner.evidence, inner.to_confirm)

    def visit_defined(self, node) -> Answer:
        return self.evaluate(node.body)

    def visit_permission(self, node) -> Answer:
        return Answer(not node.among_exclusions, f"grants {node.text!r} and asks nothing of the patient")

    def visit_review(self, node) -> Answer:
        reason = {
            "consent": "consent or willingness: confirm with the patient",
            "investigator_judgement": "investigator's judgement",
            "causation": "whether one finding is caused by another needs clinical judgement",
            "unit_error": "the criterion's unit could not be used",
            "conditional": "a conditional list: check which part applies",
            "not_a_criterion": "a placeholder, not a criterion",
            "ambiguous_comparator": "'=' on a measured value (a lost ≥ or ≤?): check the protocol",
            "negated_exclusion": "an exclusion written as a negation ('No X' excludes patients without X as written): "
                                 "check whether it means to exclude patients with X",
            "requirement_in_exclusions": "a requirement listed among exclusions ('Must have platelets > 75,000' excludes "
                                         "patients who meet it as written): check what it means to exclude",
            "exception_scope": "a patient with the exception may have another finding the criterion names besides it: "
                               "check whether one does",
            "negation_scope": "a negation before a list of thresholds ('No SBP ≥ 150 or DBP ≥ 95'): check whether it "
                              "covers the first threshold or all of them",
            "and_scope": "an exclusion's 'A and B' (over one threshold, or exposures each in its own period), which "
                         "one of them meets: check whether one alone excludes",
            "or_scope": "an inclusion's 'A or B' under one limit, which only one of them meets: check whether one "
                        "within the limit is enough",
            "list_scope": "some thresholds of the list hold, too few for its narrow reading: check whether its last "
                          "'or' / 'and' joins only the two items beside it or ends the list",
            "with_scope": "a finding 'with' one measure or finding 'or' another: check whether the later ones describe "
                          "the finding too or stand alone",
            "example_scope": "an example the lexicons do not file under the finding it illustrates: check whether "
                             "the patient has one",
            "recovery_scope": "what the trial counts as recovered from a toxicity of prior treatment (a grade, the "
                              "patient's baseline) is not said: check the patient's toxicities",
        }.get(node.reason, "not understood by the grammar")
        return Answer(None, f"{reason}: {node.text!r}", (), (node.text,))

    # -- measurements ------------------------------------------------------------------------
    def _measurement(self, variable: str, timepoint: Amount | None) -> tuple[Measurement | None, str]:
        values = self.patient.measurements.get(variable) or []
        if not values:
            return None, f"no value for {self._name(variable)} in the patient record"
        if timepoint is not None:
            wanted = timepoint.quantity()
            timed = [m for m in values if m.at is not None and same_value(m.at.to("min").magnitude, wanted.to("min").magnitude)]
            if not timed:
                return None, f"no {self._name(variable)} value at {timepoint.render().strip()}"
            values = timed
        dated = [m for m in values if m.date is not None]
        if dated:
            return max(dated, key=lambda m: m.date), ""
        return values[-1], ""

    def _older_than_asked(self, m: Measurement, context: str) -> str:
        """"Hemoglobin ≥ 9 g/dL within 14 days prior to enrollment": a value dated before that period is not
        the one asked for, whatever it was (an undated value is taken as the screening's)."""
        period = _RECENT_PERIOD.search(context or "")
        if m.date is None or period is None or _AFTER_AN_EVENT.search(context[period.end():]):
            return ""  # "within 7 days after transfusion": counted from an event, not back from the screening
        days = float(period.group(1)) * _DAYS_IN[period.group(2).lower()]
        age = (self.patient.screening_date - m.date).days
        if age <= days:
            return ""
        value = f"value ({m.key.split('[')[0]})" if m.key else "value"
        return (f"the latest {value} is dated {m.date.isoformat()}, {age} days before {self.patient.screening_date.isoformat()}; "
                f"the criterion asks for one {period.group(0)}")

    def _name(self, variable: str) -> str:
        analyte = self.lexicon.analytes.get(variable)
        if analyte:
            return analyte.name
        return repr(variable[5:]) if variable.startswith("text:") else variable

    def _value_in(self, m: Measurement, variable: str, unit: str) -> tuple[float | None, str, str]:
        """(magnitude in `unit`, how it was converted, reason if it could not be)."""
        analyte = self.lexicon.analytes.get(variable)
        if unit in ("ULN", "LLN"):
            if m.multiple and m.multiple[1] == unit:
                return m.multiple[0], f"{m.multiple[0]:g} x {unit}", ""
            limit = m.uln if unit == "ULN" else m.lln
            if m.quantity is None or limit is None:
                return None, "", f"{self._name(variable)} has no {unit} (reference range) in the patient record"
            try:
                same_unit_limit = convert_for(analyte, limit, str(m.quantity.units))
                ratio = (m.quantity / same_unit_limit).to("dimensionless").magnitude
            except (UnitError, pint.DimensionalityError):
                return None, "", f"{self._name(variable)} {m.text} and its {unit} {format_quantity(limit)} cannot be compared"
            return ratio, f"{format_quantity(m.quantity)} / {unit} {format_quantity(limit)} = {ratio:.3g} x {unit}", ""
        if not unit:
            return None, "", "the criterion gives no unit for its threshold"
        if m.quantity is None:
            if m.multiple:
                return None, "", f"{self._name(variable)} is given as a multiple of {m.multiple[1]}, the criterion needs {display_unit(unit).strip()}"
            return None, "", f"{self._name(variable)} has no value"
        try:
            converted = convert_for(analyte, m.quantity, unit)
        except UnitError as error:
            return None, "", f"{self._name(variable)}: {error}"
        shown = f"{converted.magnitude:.6g}{display_unit(unit)}"
        return converted.magnitude, shown, ""

    def visit_compare(self, node) -> Answer:
        m, missing = self._measurement(node.variable, node.timepoint)
        threshold = node.threshold.render()
        if m is None:
            return Answer(None, missing, (), (f"{self._name(node.variable)} ({node.render()})",))
        value, converted, problem = self._value_in(m, node.variable, node.threshold.unit)
        problem = problem or self._older_than_asked(m, node.context)
        if value is None or problem:
            evidence = Evidence(node.variable, m.text, "", f"{node.op} {threshold}", None, problem)
            return Answer(None, problem, (evidence,), (f"{self._name(node.variable)} ({node.render()})",))
        value = _completed(node.variable, value, node.threshold.value)
        holds = _bounded_holds(m.bound, value, node.op, node.threshold.value) if m.bound else _OPS[node.op](value, node.threshold.value)
        reason = f"{self._name(node.variable)} {m.text}" + (f" (= {m.bound} {converted})" if m.bound and converted
                                                            else f" (= {converted})" if converted and converted != m.text else "")
        reason += f" {_IS[holds]} {node.op} {threshold}"
        return _measured_answer(node, holds, reason, m.text, converted, f"{node.op} {threshold}")

    def visit_between(self, node) -> Answer:
        m, missing = self._measurement(node.variable, node.timepoint)
        bounds = f"{node.low.render()} to {node.high.render()}"
        if m is None:
            return Answer(None, missing, (), (f"{self._name(node.variable)} ({node.render()})",))
        low, converted, problem = self._value_in(m, node.variable, node.low.unit)
        high, _, problem_high = self._value_in(m, node.variable, node.high.unit)
        problem_old = self._older_than_asked(m, node.context)
        if low is None or high is None or problem_old:
            problem = problem or problem_high or problem_old
            return Answer(None, problem, (Evidence(node.variable, m.text, "", bounds, None, problem),), (node.render(),))
        ops = ("<=", ">=") if node.inclusive else ("<", ">")
        low, high = _completed(node.variable, low, node.low.value), _completed(node.variable, high, node.high.value)
        if m.bound:
            sides = (_bounded_holds(m.bound, low, ops[1], node.low.value), _bounded_holds(m.bound, high, ops[0], node.high.value))
            holds = False if False in sides else None if None in sides else True
        else:
            holds = _OPS[ops[1]](low, node.low.value) and _OPS[ops[0]](high, node.high.value)
        reason = f"{self._name(node.variable)} {m.text}" + (f" (= {converted})" if converted and converted != m.text else "")
        reason += f" {_IS[holds]} within {bounds}"
        return _measured_answer(node, holds, reason, m.text, converted, bounds)

    def visit_one_of(self, node) -> Answer:
        m, missing = self._measurement(node.variable, None)
        if m is None or m.quantity is None or m.bound:
            return Answer(None, missing or f"no {self._name(node.variable)} value", (), (node.render(),))
        value = m.quantity.to("dimensionless").magnitude if m.quantity.dimensionless else None
        if value is None:
            return Answer(None, f"{self._name(node.variable)} {m.text} is not a score", (), (node.render(),))
        holds = any(same_value(value, v) for v in node.values)
        reason = f"{self._name(node.variable)} {m.text} {'is' if holds else 'is not'} one of {node.render().split(' in ', 1)[1]}"
        return Answer(holds, reason, (Evidence(node.variable, m.text, f"{value:g}", node.render(), holds),))

    # -- demographics and findings -----------------------------------------------------------
    def visit_sex(self, node) -> Answer:
        if set(node.values) >= {"male", "female"}:
            return Answer(True, "any sex is accepted")
        if self.patient.sex is None:
            return Answer(None, "the patient's sex is not given", (), ("sex",))
        holds = self.patient.sex in node.values
        return Answer(holds, f"sex {self.patient.sex} {'is' if holds else 'is not'} {' or '.join(node.values)}",
                      (Evidence("sex", self.patient.sex, "", "/".join(node.values), holds),))

    def visit_flag(self, node) -> Answer:
        name = node.variable.replace("_", " ")
        value = self.patient.flags.get(node.variable)
        if value is not None:
            return Answer(value, f"{name}: {'yes' if value else 'no'}", (Evidence(node.variable, str(value).lower(), "", "", value),))
        if (node.variable in ("pregnant", "breastfeeding", "childbearing_potential", "postmenopausal", "planning_pregnancy")
                and self.patient.sex == "male"):
            return Answer(False, f"not {name}: the patient is male", (Evidence("sex", "male", "", "", False),))
        if node.variable == "childbearing_potential":
            # by the usual definition (CTFG): fertile unless postmenopausal or permanently sterile
            if self.patient.flags.get("pregnant"):
                return Answer(True, "of childbearing potential: the patient is pregnant", (Evidence("pregnant", "true", "", "", True),))
            if self.patient.flags.get("postmenopausal"):
                return Answer(False, "not of childbearing potential: the patient is postmenopausal",
                              (Evidence("postmenopausal", "true", "", "", False),))
        if node.variable == "healthy_volunteer":
            conditions = self.patient.records.get("condition")
            if conditions:
                return Answer(False, f"not a healthy volunteer: has {conditions[0].name}")
        return Answer(None, f"{name} is not given", (), (name,))

    def visit_finding(self, node) -> Answer:
        names = {"condition": "conditions", "drug": "medications", "procedure": "procedures", "allergy": "allergies"}
        categories = ("condition", "drug", "procedure") if node.category == "any" else (node.category,)
        lists = {c: self.patient.records.get(c) for c in categories}
        category_name = " / ".join(names[c] for c in categories)
        label = self._concept_name(node.concept)
        given = [records for records in lists.values() if records is not None]
        matches = [r for records in given for r in records if node.concept in r.concepts]
        given_as = getattr(self.lexicon.concepts.get(node.concept), "given_as_drugs", "")
        if given_as:
            # "Prior chemotherapy", "anticancer therapy": a course is recorded as its drugs ("paclitaxel"); a drug
            # also given for other diseases ("methotrexate" for arthritis) counts only when its reason is a cancer
            drugs = [r for r in self.patient.records.get("drug") or () if given_as in r.concepts]
            other_uses = [r for r in drugs if self._any_concept(r, "other_uses") and "cancer" not in r.reasons]
            matches = [r for r in dict.fromkeys([*matches, *drugs]) if r not in other_uses]
            maybe = other_uses or [r for r in self.patient.records.get("procedure") or () if node.concept in r.possible]
            if not matches and maybe:  # a radiotherapy may be counted as an anticancer therapy, or not
                return Answer(None, f"recorded as {maybe[0].name!r}, which may or may not be {label} as the criterion means it", (),
                              (f"whether {maybe[0].name} counts as {label}",))
            if matches and not given:  # "chemotherapy" asks the procedures, which may be unlisted
                given = [self.patient.records["drug"]]
        by_indication = not matches and bool(node.indication) and node.concept in _ANY_TREATMENT
        if by_indication:
            # "Current treatment for hyperthyroidism": any drug or procedure given for it
            matches = [r for c in ("drug", "procedure") for r in lists.get(c) or () if set(node.indication) & r.reasons]
        excepted = [r for r in matches if set(node.excepted) & r.concepts]
        if excepted:
            matches = [r for r in matches if r not in excepted]
            if not matches and node.excepted_qualified:
                names = ", ".join(r.name for r in excepted)
                return Answer(None, f"{names}: whether it is the kind the criterion excepts is not recorded", (),
                              (f"{category_name}: {label}",))
            if not matches:
                names = ", ".join(r.name for r in excepted)
                return Answer(False, f"only {names}, which the criterion excepts", (Evidence(node.concept, "excepted", "", "", False),))
        if not matches:
            if not given:
                return Answer(None, f"no {category_name} list in the patient record (needed for {label})", (), (f"{category_name}: {label}",))
            counted = next((r for records in given for r in records if node.concept in r.possible), None)
            if counted:
                return Answer(None, f"recorded as {counted.name!r}, which some count as {label} and some do not", (),
                              (f"{category_name}: whether {counted.name} counts as {label}",))
            broader = self._less_specific(node.concept, given)
            if broader:
                return Answer(None, f"recorded as {broader.name!r}, which does not say whether it is {label}", (),
                              (f"{category_name}: {label}",))
            # any list: "Anemia due to chemotherapy" among the conditions says a chemotherapy was had
            mentioning = next((r for records in self.patient.records.values() for r in records or ()
                               if any(node.concept in self.lexicon.ancestors(term) for term in r.mentioned)), None)
            if mentioning:
                return Answer(None, f"recorded as {mentioning.name!r}, which names {label} but is not read as one", (),
                              (f"{category_name}: whether {mentioning.name} is {label}",))
            broader = self._less_specific(node.concept, given, mentioned=True)
            if broader:  # "Esophageal varices, bleeding" for "gastrointestinal bleeding"
                return Answer(None, f"recorded as {broader.name!r}, which names a broader kind than {label}", (),
                              (f"{category_name}: {label}",))
            concept = self.lexicon.concepts.get(node.concept)
            known = concept is not None and not concept.open
            if not known and node.absence_unknown:
                return Answer(None, f"{label} is not in the lexicons and may not be a condition, drug or procedure: "
                                    f"not found among the patient's {category_name}", (), (f"{category_name}: {label}",))
            if node.absence_unknown:
                return Answer(None, f"no {label} among the patient's {category_name}, but a suspicion of it, which the "
                                    f"criterion admits, is not what records hold", (), (f"{category_name}: suspected {label}",))
            if not known and (len(given) < len(categories) or any(given)):
                why = "is not in the lexicons, so only its exact name is matched" if concept is None else "cannot be listed exhaustively"
                return Answer(None, f"{label} {why}: not found among the patient's {category_name}", (), (f"{category_name}: {label}",))
            if len(given) < len(categories):
                return Answer(None, f"no {label} among the {category_name} given", (), (f"{category_name}: {label}",))
            unread = self._opaque_records(categories)
            if unread:
                names = ", ".join(repr(r.name) for r in unread[:3])
                return Answer(None, f"no {label} found, but the lexicons do not know {names}, which may be one", (),
                              (f"{category_name}: {label}",))
            if node.dose and node.dose[0] in ("<", "<="):
                # "Prednisone ≤ 10 mg/day": whether taking none meets an upper bound on the dose, the text does not say
                return Answer(None, f"no {label} among the patient's {category_name}; whether none meets a dose "
                                    f"{node.dose[0]} {node.dose[1].render().strip()} is for the reviewer", (), (f"{category_name}: {label}",))
            return Answer(False, f"no {label} among the patient's {category_name}", (Evidence(node.concept, "absent", "", "", False),))
        answers = [self._match(node, record, label) for record in matches]
        true = [a for a in answers if a.value is True]
        if by_indication and not true:
            # another record may be one too, its reason unrecorded: only a match settles it
            return Answer(None, f"{'; '.join(a.reason for a in answers)}; other treatments may be for it, their reasons unrecorded", (),
                          (f"{category_name}: {label}",))
        studied = node.other and (self.lexicon.ancestors(node.concept) & (STUDIED_CLASSES if self.studies is None else self.studies))
        if true and studied:
            # the disease the trial studies is on record under its class too, and no record says which one it is
            what = "a cancer" if "cancer" in studied else "an infection"
            return Answer(None, f"{true[0].reason}; the trial studies {what}, and whether this is another one is not recorded",
                          true[0].evidence, (f"{category_name}: whether {true[0].evidence[0].patient_value if true[0].evidence else label}"
                                             f" is other than the disease the trial studies",))
        if true:
            return true[0]
        unknown = [a for a in answers if a.value is None]
        if unknown:
            return Answer(None, unknown[0].reason, unknown[0].evidence, unknown[0].to_confirm)
        return answers[0]

    def _opaque_records(self, categories) -> list[Record]:
        """Medications and allergies whose names the lexicons do not know: a brand or a drug not
        listed may belong to any class ("Decadron" is a corticosteroid), so their absence is not
        proven. A condition's or procedure's words say what it is, and are matched as written."""
        return [record for category in categories if category in _OPAQUE_CATEGORIES
                for record in self.patient.records.get(category) or ()
                if all(concept.startswith("text:") for concept in record.concepts)]

    def _less_specific(self, concept_id: str, given: list[list[Record]], mentioned: bool = False) -> Record | None:
        """A record named by a broader concept ("leukemia" for "acute myeloid leukemia"), or by one had with
        a broader one ("diabetic retinopathy" for "type 2 diabetes"), or (`mentioned`) naming a broader one beside
        what it is read as: it may be the one asked for. Not one whose own words say more ("stable angina" is
        not unstable angina)."""
        if concept_id not in self.lexicon.concepts:
            return None
        wanted = self.lexicon.ancestors(concept_id) - {concept_id}
        for records in given:
            for record in records:
                terms = record.mentioned if mentioned else (record.term,)
                if any(term in wanted or wanted & self._implied(term) for term in terms):
                    return record
        return None

    def _implied(self, concept_id: str | None) -> set[str]:
        """The diseases a concept is had with, of a kind it does not say (`Concept.implies`, its own and its classes')."""
        concepts = self.lexicon.concepts
        return {implied for c in self.lexicon.ancestors(concept_id) if c in concepts for implied in concepts[c].implies} if concept_id else set()

    def _concept_name(self, concept_id: str) -> str:
        concept = self.lexicon.concepts.get(concept_id)
        if concept:
            return concept.name
        return repr(concept_id[5:]) if concept_id.startswith("text:") else concept_id.replace("_", " ")

    def _match(self, node, record: Record, label: str) -> Answer:
        evidence = (Evidence(node.concept, record.name, "", node.render(), None),)
        reference = self.patient.screening_date
        checks: list[Answer] = []
        if node.window is not None:
            checks.append(self._in_window(node, record, reference))
        elif node.status == "current":
            checks.append(self._is_current(record, reference))
        elif not node.status and self._may_be_meant_now(node, record):
            ended = self._is_current(record, reference)
            if ended.value is False:
                # "Warfarin" among exclusions, and a course that ended in 2015: the bare name may mean taking it
                # now or having ever taken it, and only a record still going on meets both
                checks.append(Answer(None, f"{ended.reason}, and the criterion names it with no time: whether a {label} "
                                           f"that has ended counts is for the reviewer"))
        for qualifier in node.qualifiers:
            checks.append(self._qualifier(qualifier, record))
        if node.duration:
            checks.append(self._lasted(node.duration, record, reference))
        if node.grade:
            checks.append(_grade_holds(node.grade, record))
        if node.indication:
            checks.append(self._indication(node.indication, record))
        if node.dose:
            checks.append(self._dosed(node, record))
        false = [c for c in checks if c.value is False]
        if false:
            return Answer(False, f"{record.name}: {false[0].reason}", _with(evidence, False))
        unknown = [c for c in checks if c.value is None]
        if unknown:
            return Answer(None, f"{record.name}: {unknown[0].reason}", evidence, (f"{label}: {unknown[0].reason}",))
        detail = "; ".join(c.reason for c in checks)
        return Answer(True, f"{record.name} ({label})" + (f": {detail}" if detail else ""), _with(evidence, True))

    def _dosed(self, node, record: Record) -> Answer:
        op, amount = node.dose
        wanted = f"{op} {amount.render().strip()}" + (f" {node.dose_equivalent} equivalent" if node.dose_equivalent else "")
        if record.dose is None:
            return Answer(None, f"its dose is not recorded (the criterion needs {wanted})")
        factor, counted_as = 1.0, ""
        if node.dose_equivalent:
            equivalent = self.lexicon.equivalent_dose_factor(node.dose_equivalent, record.concepts)
            if equivalent is None:
                return Answer(None, f"no {node.dose_equivalent}-equivalent dose is known for it (the criterion needs {wanted})")
            factor = equivalent[1]
        try:
            value = convert(record.dose, amount.unit).magnitude * factor
        except (UnitError, pint.DimensionalityError):
            return Answer(None, f"dose {record.dose_text} cannot be compared with {wanted}")
        if node.dose_equivalent and factor != 1.0:
            counted_as = f" ({value:.4g} {amount.unit} of {node.dose_equivalent})"
        holds = _OPS[op](value, amount.value)
        return Answer(holds, f"dose {record.dose_text}{counted_as} {'is' if holds else 'is not'} {wanted}")

    def _in_window(self, node, record: Record, reference: dt.date) -> Answer:
        amount = node.window.amount
        if node.window.counted_from != "study":
            # "Progression within 6 months of their last platinum-containing regimen": counted from screening,
            # a progression 8 months ago, 2 months after that regimen, would not count
            return Answer(None, f"the period is counted from {node.window.reference!r}, a day of the patient's history "
                                f"the record does not give, not from screening")
        start_of_window = _window_start(reference, amount)
        if start_of_window is None:
            return Answer(None, f"window {amount.render()} is not a duration")
        if record.start is None and record.end is None:
            return Answer(None, f"no date, so it cannot be placed within {amount.render()} before {reference.isoformat()}")
        last_day = record.end or reference  # no end: still ongoing
        if record.end is None and record.start is not None and self._any_concept(record, "event"):
            last_day = record.start  # "Myocardial infarction" from 2024, no end: it happened then, and lasts no longer
        first_day = record.start or record.end
        if _ended_undated(record) and not (record.start and record.start >= start_of_window):
            return Answer(None, f"{record.status} on a day not given, so it cannot be placed within {amount.render()} before {reference.isoformat()}")
        dates = record.start.isoformat() if last_day == record.start and record.end is None else _dates(record)
        if last_day >= start_of_window and first_day <= reference:
            return Answer(True, f"dated {dates}, within {amount.render()} before {reference.isoformat()}")
        return Answer(False, f"dated {dates}, not within {amount.render()} (since {start_of_window.isoformat()}) before {reference.isoformat()}")

    def _lasted(self, duration: tuple, record: Record, reference: dt.date) -> Answer:
        """"Type 1 diabetes for at least 1 year": from its start to its end, or to the screening while it lasts."""
        op, amount = duration
        last_day = record.end if record.end is not None and record.end < reference else reference
        boundary = _window_start(last_day, amount)
        if boundary is None:
            return Answer(None, f"{amount.render()} is not a duration")
        if record.start is None:
            return Answer(None, f"no start date, so how long it has lasted ({op} {amount.render()}) is not known")
        holds = {">=": record.start <= boundary, ">": record.start < boundary,
                 "<=": record.start >= boundary, "<": record.start > boundary}.get(op)
        if holds is None:
            return Answer(None, f"a duration {op} {amount.render()} is not read")
        lasted = f"from {record.start.isoformat()} to {last_day.isoformat()}"
        return Answer(holds, f"{lasted}, {'' if holds else 'not '}{op} {amount.render()}")

    def _is_current(self, record: Record, reference: dt.date) -> Answer:
        if _ended_undated(record):
            return Answer(False, f"{record.status}")
        if record.end is None and record.start is not None and record.start < reference and not record.status and self._any_concept(record, "event"):
            # "Current unstable angina" and an episode from 2024 with no end: its record says when it began, not whether it goes on
            return Answer(None, f"an event from {record.start.isoformat()} with no end or status recorded: whether it is still going on is not recorded")
        if record.end is None or record.end >= reference:
            return Answer(True, "ongoing" if record.end is None else f"until {record.end.isoformat()}")
        return Answer(False, f"ended {record.end.isoformat()}")

    def _may_be_meant_now(self, node: Finding, record: Record) -> bool:
        """A medication, or a condition that is a state rather than an event: named bare, it may be asked of now.
        A procedure or an event (a myocardial infarction) named bare was had on a day, so any record of it is one,
        whichever list holds it ("Chemotherapy" met by a course of paclitaxel)."""
        if node.category == "procedure" or any(record in (self.patient.records.get(category) or ()) for category in ("procedure", "allergy")):
            return False
        return not self._any_concept(record, "event")

    def _any_concept(self, record: Record, flag: str) -> bool:
        """Whether any concept the record is (or is a kind of) carries the lexicon's `flag`."""
        return any(getattr(self.lexicon.concepts.get(c), flag, False) for c in record.concepts)

    def _qualifier(self, qualifier: str, record: Record) -> Answer:
        rule = self._qualifier_status.get(qualifier)
        name = record.name.lower()
        if _GENOTYPE_ASKED.fullmatch(qualifier):
            return _genotype(qualifier, record)
        if _STAGES_ASKED.fullmatch(qualifier):
            return _stage(qualifier, record)
        if qualifier == "systemic":
            if _LOCAL_FORM.search(name):  # "fluorouracil cream", "budesonide inhaler": given where it acts
                return Answer(False, f"recorded as {record.name!r}, not systemic")
            if self._any_concept(record, "systemic"):
                return Answer(True, f"{record.name} is given systemically")
        if _says(qualifier, name) or _says(qualifier.replace("-", " "), name.replace("-", " ")):  # "HER2-negative", "HER2 negative"
            return Answer(True, f"recorded as {record.name!r}")
        if rule and any(_says(word, name) for word in rule["true"]):  # "poorly controlled" before its "controlled"
            return Answer(True, f"recorded as {record.name!r}")
        if rule and any(re.search(rf"\b{re.escape(word)}\b", name) for word in rule["false"]):
            return Answer(False, f"recorded as {record.name!r}, not {qualifier}")  # "latent tuberculosis" is not active
        if rule and record.status:
            if record.status in rule["true"]:
                return Answer(True, f"status {record.status}")
            if record.status in rule["false"]:
                return Answer(False, f"status {record.status}, not {qualifier}")
        return Answer(None, f"whether it is {qualifier} is not recorded")

    def _indication(self, indications: tuple[str, ...], record: Record) -> Answer:
        wanted = set(indications)
        names = ", ".join(self._concept_name(i) for i in indications)
        if record.reasons:
            holds = bool(wanted & record.reasons)
            return Answer(holds, f"given for {', '.join(sorted(record.reasons))}" if holds else f"not given for {names}")
        conditions = self.patient.records.get("condition")
        if conditions is not None and not any(wanted & c.concepts for c in conditions):
            return Answer(False, f"the patient has no {names}")
        return Answer(None, f"whether it was for {names} is not recorded")




def _grade_holds(grade: tuple, record: Record) -> Answer:
    wanted = f"grade {grade[1]:g}-{grade[2]:g}" if grade[0] == "between" else f"grade {grade[0]} {grade[1]:g}"
    if record.grade is None:
        return Answer(None, f"its grade is not recorded (needs {wanted})")
    if grade[0] == "between":
        holds = grade[1] <= record.grade <= grade[2]
    else:
        compare = _OPS.get("=" if grade[0] == "==" else grade[0])
        if compare is None:
            return Answer(None, f"cannot compare grade with {grade[0]!r}")
        holds = compare(record.grade, grade[1])
    return Answer(holds, f"grade {record.grade}" + ("" if holds else f", not {wanted}"))


def _window_start(reference: dt.date, amount: Amount) -> dt.date | None:
    q = amount.quantity()
    for unit in ("year", "month", "week", "day"):
        try:
            value = q.to(unit).magnitude
        except Exception:
            continue
        if float(value).is_integer() or unit == "day":
            return shift(reference, -value, unit)
    try:
        return reference - dt.timedelta(hours=q.to("hour").magnitude)
    except Exception:
        return None


def _dates(record: Record) -> str:
    if record.start and record.end and record.start != record.end:
        return f"{record.start.isoformat()} to {record.end.isoformat()}"
    if record.start and not record.end:
        return f"from {record.start.isoformat()}, ongoing"
    return (record.end or record.start).isoformat()


def _with(evidence: tuple[Evidence, ...], holds: bool) -> tuple[Evidence, ...]:
    return tuple(Evidence(e.variable, e.patient_value, e.converted, e.threshold, holds, e.note) for e in evidence)


def _evidence(answers: list[Answer]) -> tuple[Evidence, ...]:
    return tuple(e for a in answers for e in a.evidence)


def _confirm(answers: list[Answer]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for a in answers for c in a.to_confirm))


_ENDED_STATUSES = frozenset({"resolved", "inactive", "remission", "stopped", "completed"})


def _ended_undated(record) -> bool:
    """A record whose status says it ended, on a day it does not give."""
    return record.end is None and record.status in _ENDED_STATUSES


# "within 14 days prior to registration", "in the last 4 weeks": how recent a value the criterion asks for
_RECENT_PERIOD = re.compile(r"\b(?:within|in the (?:past|last|previous|preceding)|during the (?:past|last|previous|preceding))\s+"
                            r"(?:the\s+)?(\d+(?:\.\d+)?)\s*(days?|weeks?|months?|years?)\b", re.I)
# a drug the lexicon marks systemic is given so unless its record names a local form
_LOCAL_FORM = re.compile(r"\b(?:topical|cream|ointment|gel|lotion|inhaled|inhaler|inhalation|eye drops?|ophthalmic|nasal spray|intranasal"
                         r"|intra-?articular|transdermal|patch|suppository|rectal)\b", re.I)
_AFTER_AN_EVENT = re.compile(r"^\s*(?:after|following|from|since|of (?:a |the )?(?:transfusion|infusion|dose|treatment))", re.I)
_DAYS_IN = {"day": 1, "days": 1, "week": 7, "weeks": 7, "month": 30.44, "months": 30.44, "year": 365.25, "years": 365.25}


def _completed(variable: str, value: float, threshold: float) -> float:
    """An age is counted in completed units: 65.9 years old is 65, within "18 to 65 years"."""
    if variable == "age" and float(threshold).is_integer() and math.isfinite(value):
        return float(math.floor(value + 1e-9))
    return value


_IS = {True: "is", False: "is not", None: "may or may not be"}


def _bounded_holds(bound: str, limit: float, op: str, threshold: float) -> bool | None:
    """Whether every value `bound` `limit` meets `op` `threshold` (True), none does (False), or some do (None):
    a creatinine reported "<0.5" is below 1.5 whatever it is, an eGFR "> 60" may or may not be >= 90."""
    if op not in ("<", "<=", ">", ">="):
        return None
    below = bound in ("<", "<=")
    # a closed bound's values include the limit itself, which settles the comparison; an open bound's lie past it,
    # so a limit on the threshold's side (or at it) settles it either way
    limit_settles = _OPS[op](limit, threshold) if bound in ("<=", ">=") else None
    past_the_threshold = _OPS["<="](limit, threshold) if below else _OPS[">="](limit, threshold)
    if (op in ("<", "<=")) == below:  # the bound and the threshold point the same way: every value meets it, or some do
        return True if (limit_settles if limit_settles is not None else past_the_threshold) else None
    # opposite ways: no value meets it, or some do
    return False if (not limit_settles if limit_settles is not None else past_the_threshold) else None


def _measured_answer(node, holds: bool | None, reason: str, value_text: str, converted: str, expected: str) -> Answer:
    """A comparison's answer; unknown when it counts only a value taken in a context the record does not show."""
    if node.conditional:
        reason += f", but the criterion counts only a value {node.context!r}, which the record does not show"
        holds = None
    return Answer(holds, reason, (Evidence(node.variable, value_text, converted, expected, holds),))


_GENOTYPE_ASKED = re.compile(r"genotype (?:[1-6] ?[a-e]? ?/? ?)+")
_GENOTYPE_VALUE = re.compile(r"([1-6]) ?([a-e])?")


_STAGES_ASKED = re.compile(r"stage (?:i{1,3}|iv|[0-4])[a-c]?(?:/(?:i{1,3}|iv|[0-4])[a-c]?)*")


def _says(qualifier: str, name: str) -> bool:
    """'active' in 'active tuberculosis', not in 'inactive tuberculosis', 'non-active' or 'not active'."""
    return re.search(rf"(?<![\w-])(?<!\bnot )(?<!\bnon )(?<!\bno ){re.escape(qualifier)}(?!\w)", name) is not None


def _stage_group(match: re.Match) -> tuple[int, str]:
    numeral = match.group(1).lower()
    return (ROMAN_VALUES[numeral] if numeral in ROMAN_VALUES else int(numeral)), (match.group(2) or "").lower()


def _stage(qualifier: str, record: Record) -> Answer:
    """'stage iv' holds of stage IVB (a substage of IV), 'stage iiib' only of IIIB; stage I never of stage III.
    'stage iiib/iv': either."""
    asked = [_stage_group(STAGE_IN_NAME.fullmatch("stage " + value)) for value in qualifier.split(" ", 1)[1].split("/")]
    recorded = [_stage_group(m) for m in STAGE_IN_NAME.finditer(record.name)]
    if not recorded:
        return Answer(None, f"its stage is not recorded in {record.name!r}")
    pairs = [(want, have) for want in asked for have in recorded if want[0] == have[0]]
    if any(not want[1] or want[1] == have[1] for want, have in pairs):
        return Answer(True, f"recorded as {record.name!r}")
    if any(not have[1] for _, have in pairs):
        return Answer(None, f"recorded as {record.name!r}, its substage not said")
    return Answer(False, f"recorded as {record.name!r}, not {qualifier}")


def _genotype(qualifier: str, record: Record) -> Answer:
    """"genotype 1" holds for a record of genotype 1a; "genotype 1a" waits on a record that says only 1.
    "genotype 1/4": either."""
    asked = [(m.group(1), m.group(2)) for m in _GENOTYPE_VALUE.finditer(qualifier.split(" ", 1)[1])]
    recorded = [(m.group(1), (m.group(2) or "").lower() or None) for m in GENOTYPE_IN_NAME.finditer(record.name)]
    wanted = "/".join(n + (s or "") for n, s in asked)
    if not recorded:
        return Answer(None, f"genotype {wanted} is not recorded")
    if any(n == number and (subtype is None or s == subtype) for n, s in recorded for number, subtype in asked):
        return Answer(True, f"recorded as {record.name!r}")
    if any(n == number and s is None for n, s in recorded for number, _ in asked):
        return Answer(None, f"recorded as {record.name!r}, subtype not given")
    return Answer(False, f"recorded as {record.name!r}, not genotype {wanted}")
