"""compile_trial: source -> criteria -> tokens -> normalised lexemes -> parse -> rule tree, for every criterion."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

import pyparsing as pp

from . import grammar
from .brackets import BRACKETED, as_written, brackets_for_review, tail_for_review
from .build import (EXCLUDED_TAIL, FORBIDDEN_TAIL, PURPOSE_OPENINGS, Builder, all_review, alternative_thresholds, bound_direction,
                    classify_review, labelled_kinds)
from .criteria import OTHER_PEOPLE, Item, count_required, split_criteria
from .donations import donated_volume
from .errors import SourceError
from .exemptions import with_exemptions_read
from .half_lives import half_lives_wait, no_count_of_half_lives
from .healthy_bounds import bound_every_healthy_value_meets
from .lexicon import Lexeme, get_lexicon
from .nodes import STUDIED_CLASSES, TREATMENT_TOXICITY, AllOf, Amount, AnyOf, AtLeast, Between, Compare, Defined, Finding, Flag, Node, Not, OneOf, Review, Sex
from .normalise import (PERSON_WORDS, condition_named_as_persons, formulas_as_one_word, normalised, without_authorities,
                        without_brand_names, without_expansions, without_restated_acronyms)
from .normalise_measures import NUMBER_START, SEX_WORDS
from .permissions import permission
from .readings import COMPARED_NUMBER, readings_in, says_an_age
from .shared_heads import (head_shared, head_shared_with_unread_words, modifier_read_as_alternative, opening_modifiers_left_behind,
                           shared_head_left_unread, terms_sharing_a_head)
from .sources import TrialSource, read_source
from .statements import statement
from .stable_doses import stable_dose_requirement
from .subgroups import subgroup_splits
from .tokens import tokenize
from .unread_neighbours import read_with_unread_neighbours

# Beyond this many lexemes a line is a paragraph, not a criterion; it goes to review unparsed.
MAX_LEXEMES = 160
# Lines that fill a criteria list without saying anything; never to become a rule.
_PLACEHOLDER = re.compile(
    r"^\W*(not specified|none|n/?a|not applicable|nil|no (?:inclusion|exclusion) criteria|see (?:above|below|disease characteristics|.*criteria)"
    # "Other protocol defined inclusion/exclusion criteria may apply", "Further exclusion criteria may apply, please contact
    # the investigator for more information": a pointer to criteria not listed
    r"|(?:note\s*:\s*)?(?:other|additional|further|more)\s+(?:(?:protocol|study)[- ]?(?:defined|specific)\s+)?(?:(?:inclusion|exclusion|eligibility)"
    r"(?:\s*(?:/|and|or|and/or)\s*(?:inclusion|exclusion))?\s+)?criteria\s+(?:(?:may|might|could|will|can)\s+)?apply"
    r"(?:\W+(?:please\s+)?contact\s+the\s+(?:study\s+)?(?:investigator|site|study\s+team|study\s+staff)(?:\s+for\s+(?:more|further)\s+information)?)?"
    r"|tbd|to be determined)\W*$", re.I)
_DATED_NOTE = re.compile(
    r"^\s*(?:(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}|\d{4}-\d{2}-\d{2})\b", re.I
)


@dataclass(frozen=True)
class Criterion:
    index: int
    kind: str  # inclusion / exclusion
    text: str
    span: tuple[int, int]  # in the text the trial was read from (the criteria field for a record)
    rule: Node
    children: tuple["Criterion", ...] = ()
    origin: str = "criteria"  # criteria, or structured (a record field such as minimumAge)
    diagnostics: tuple[str, ...] = ()

    @property
    def status(self) -> str:
        """compiled, partial (some manual-review part) or manual (nothing computable)."""
        leaves = [n for n in self.rule.walk() if not n.children()]
        reviews = sum(isinstance(n, Review) for n in leaves)
        if reviews == 0:
            return "compiled"
        return "manual" if reviews == len(leaves) else "partial"

    def to_dict(self) -> dict[str, Any]:
        return {
            "index": self.index, "kind": self.kind, "text": self.text, "span": list(self.span),
            "status": self.status, "origin": self.origin, "rule": self.rule.to_dict(),
            "rendered": self.rule.render(), "diagnostics": list(self.diagnostics),
            "children": [c.to_dict() for c in self.children],
        }


@dataclass(frozen=True)
class Trial:
    nct_id: str
    title: str
    source_format: str
    criteria: tuple[Criterion, ...]
    notes: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    # the classes of disease the trial studies, "cancer" or "infection", when its titles, conditions or
    # inclusions name one: its exclusions' "other malignancy" then cannot mean the patient's record of it
    studies: tuple[str, ...] = ()

    @property
    def has_criteria(self) -> bool:
        return any(c.origin == "criteria" for c in self.criteria)

    def to_dict(self) -> dict[str, Any]:
        return {
            "nct_id": self.nct_id, "title": self.title, "source_format": self.source_format,
            "notes": list(self.notes), "problems": list(self.problems), "studies": list(self.studies),
            "criteria": [c.to_dict() for c in self.criteria],
        }

    def to_json(self, **kwargs) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, **kwargs)

    def render(self) -> str:
        lines = [f"{self.nct_id or 'trial'}: {self.title}".strip()]
        for c in self.criteria:
            lines.append(f"[{c.index}] {c.kind} ({c.status}) {c.text}")
            lines.append(f"      -> {c.rule.render()}")
        return "\n".join(lines)


def compile_criterion(text: str, kind: str = "inclusion") -> tuple[Node, tuple[str, ...]]:
    """The rule tree of one criterion and the problems met while compiling it."""
    granted = permission(text.strip(), kind)
    if granted:  # only a whole criterion grants: "No prior chemotherapy is allowed" is no permission denied
        return granted, ()
    rule, problems = _compile_criterion(text, kind)
    if kind == "exclusion" and not all_review(rule) and bound_every_healthy_value_meets(rule) is not None:
        # "Platelet count > 100,000/mm^3", "Bilirubin < 1.5 mg/dL" among exclusions: every normal value meets it,
        # so read as written it excludes the healthy; an inclusion filed under exclusions. (Whole criteria only:
        # an exception's part, "who can have total bilirubin < 3.0 mg/dL", is compiled as its criterion's kind)
        clean = text.strip()
        return Review(clean, "requirement_in_exclusions", hints=(rule,), span=(0, len(clean))), problems
    return rule, problems


@lru_cache(maxsize=16384)
def _compile_criterion(text: str, kind: str = "inclusion") -> tuple[Node, tuple[str, ...]]:
    """A criterion, or a part of one, compiled.

    Cached: trials repeat their criteria word for word ("Pregnant or breast-feeding"), and the
    result is immutable.
    """
    clean = text.strip()
    if _PLACEHOLDER.match(clean):
        return Review(clean, "not_a_criterion", span=(0, len(clean))), ()
    dated = _AT_CONSENT_OPENING.match(clean)
    if dated and dated.end() < len(clean):  # "At the time of signing the ICF, participant must be ...": when it holds
        rule, problems = _compile_criterion(clean[dated.end():], kind)
        if not all_review(rule):
            return _shift(rule, -dated.end()), problems
        # read whole instead, the consent would be a part: an alternative to what it dates
        return Review(clean, classify_review(clean), span=(0, len(clean))), problems
    numbered = _ITEM_NUMBER.match(clean)
    if numbered:  # "7. Platelet count less than 100,000/mm3": a list's number the splitter left on the item
        rule, problems = _compile_criterion(clean[numbered.end():], kind)
        return _shift(rule, -numbered.end()), problems
    womens = _WOMENS_REQUIREMENT.match(clean) if kind == "inclusion" and len(_sentence_starts(clean)) == 1 else None
    if womens:  # "Women must not be pregnant or breastfeeding": binds women only; a man meets it
        rest = len(clean) - len(clean[womens.end():].lstrip())
        rule, problems = _compile_criterion(clean[rest:], kind)
        if not all_review(rule):
            women = Sex(("female",), span=(0, womens.end()))
            return AnyOf((Not(women, span=women.span), _shift(rule, -rest)), span=(0, len(clean))), problems
    subgroup = _threshold_for_a_subgroup(clean, kind)
    if subgroup is not None:
        return subgroup
    by_sentence = _compile_sentences(clean, kind)
    if by_sentence is not None:
        return by_sentence
    excluded = EXCLUDED_TAIL.search(clean) or FORBIDDEN_TAIL.search(clean)
    if excluded and excluded.start() > 0 and len(_sentence_starts(clean[: excluded.start()])) == 1 and not _clause_before(clean[: excluded.start()], kind):
        # "Patients who have an uncontrolled infection are not eligible": the sentence names whom it
        # excludes, whichever list it stands in
        rule, problems = _compile_criterion(clean[: excluded.start()], "exclusion")
        # "... should be excluded" under inclusions turned round is a denial of what was read, which may be
        # read too loosely to deny: it is taken among exclusions only
        advised = excluded.re is EXCLUDED_TAIL and excluded.group("advised") and kind == "inclusion"
        if not all_review(rule) and not advised and (excluded.re is EXCLUDED_TAIL or _dated(rule)):
            if kind == "exclusion":
                return rule, problems
            return (rule.item if isinstance(rule, Not) else Not(rule, span=rule.span)), problems
    included = _INCLUDED_TAIL.search(clean)
    if kind == "inclusion" and included and included.start() > 0 and len(_sentence_starts(clean[: included.start()])) == 1:
        # "Male and female subjects between 40-85 years old will be enrolled": the sentence names whom it takes
        rule, problems = _compile_sentence(clean[: included.start()], kind)
        if not all_review(rule):
            return rule, problems
    rule, problems = _compile_sentence(clean, kind)
    if all_review(rule) or any(isinstance(n, Compare) and "half" in n.variable for n in rule.walk()):
        waited = half_lives_wait(clean, kind, _compile_criterion)  # "within 8 weeks or 5 half-lives, whichever is longer"
        if waited is not None:
            return as_written(waited[0], clean), waited[1]
    if isinstance(rule, Review) and rule.reason == "not_understood":  # read whole, the line went to review for one part
        bracketed = brackets_for_review(clean, kind, _compile_criterion)  # "Recent history (within 30 days ...) of GI bleeding"
        if bracketed is not None:
            return as_written(bracketed[0], clean), bracketed[1]
        narrowed = tail_for_review(clean, kind, _compile_criterion)  # "Active infection that requires systemic therapy"
        if narrowed is not None:
            return narrowed
    if isinstance(rule, Review) and rule.reason == "conditional":
        return _compile_population_pair(clean, kind) or (rule, problems)
    if isinstance(rule, Defined) and isinstance(rule.body, Review) and rule.body.reason == "conditional" and rule.body.span:
        # "Performance Level: Karnofsky > 50% for patients > 16 years of age and Lansky > 50% for ...": the pair under a heading
        start, end = rule.body.span
        pair = _compile_population_pair(clean[start:end], kind)
        if pair is not None:
            return replace(rule, body=_shift(pair[0], -start)), problems + pair[1]
    if kind == "inclusion" and isinstance(rule, Review) and rule.reason == "not_understood":
        rule, problems = _denied_whole(clean) or (rule, problems)
    rule = read_with_unread_neighbours(no_count_of_half_lives(rule, clean), clean, kind)
    return with_exemptions_read(rule, kind, _compile_criterion, _shift), problems


# "No New York Heart Association class III or IV congestive heart failure": a denial of what reads whole
# after it; not "No more than", a bound, nor "no other", which names the rest
_WHOLE_DENIAL = re.compile(r"(?:no|without)\s+(?!(?:more|less|fewer|greater|later|earlier|sooner|longer|other|one|evidence\s+of\s+other)\b)", re.I)


def _denied_whole(clean: str) -> tuple[Node, tuple[str, ...]] | None:
    """The inclusion "No X" as not X, when X reads whole and is no "or" of thresholds, whose denial
    may cover the first only or all (see Builder._negation_scope)."""
    denial = _WHOLE_DENIAL.match(clean)
    if not denial or denial.end() >= len(clean):
        return None
    rest, problems = _compile_criterion(clean[denial.end():], "inclusion")
    if any(isinstance(n, Review) for n in rest.walk()) or any(
            isinstance(n, AnyOf) and any(isinstance(m, (Compare, Between, OneOf)) for i in n.items for m in i.walk())
            for n in rest.walk()):
        return None
    return Not(_shift(rest, -denial.end()), span=(0, len(clean))), problems


# "for patients who are ≤ 16 years old", "in subjects with liver metastases": whom a requirement binds
_POPULATION = re.compile(r"\b(?:for|in)\s+(?:the\s+)?(?:patients|pts\b\.?|subjects|participants|those|children|adults|persons|individuals)\b", re.I)
# "solid tumors (including non-Hodgkin's lymphoma)": a group widened by words the pair would drop
_WIDENED_GROUP = re.compile(r"\b(?:including|e\.g|such\s+as|i\.e|except\w*|excluding|other\s+than)\b", re.I)
# where the second requirement may start: after a semicolon, a comma, or "and" / "or"
_PAIR_SEPARATOR = re.compile(r"\s*(?:;|,?\s+(?:and|or)\b|,)\s*", re.I)
_BARE_BOUND_START = re.compile(r"(?:[<>≤≥＜＞]|=>|=<|(?:less|greater|more|fewer|no\s+more|no\s+less|at\s+least|at\s+most|up\s+to)\b|\d)", re.I)
_FIRST_BOUND = re.compile(r"(?:[<>≤≥＜＞]=?|=>|=<|(?:less|greater|more|fewer)\s+than(?:\s+or\s+equal\s+to)?|at\s+(?:least|most)|no\s+(?:more|less)\s+than|up\s+to)\s*(?=\d)", re.I)


def _compile_population_pair(clean: str, kind: str) -> tuple[Node, tuple[str, ...]] | None:
    """"Lansky ≥ 50 for patients ≤ 16 years old and Karnofsky ≥ 50% for patients > 16 years old",
    "Life expectancy > 12 weeks for patients with solid tumors and 6 weeks for patients with leukemia":
    one requirement for each group of patients. Each binds its own group, so an inclusion needs both
    and an exclusion either; the second may leave out what it measures, which the first names."""
    populations = list(_POPULATION.finditer(clean))
    if len(populations) != 2 or _WIDENED_GROUP.search(clean):
        return None
    for separator in _PAIR_SEPARATOR.finditer(clean, populations[0].end(), populations[1].start()):
        joined_by_or = "or" in separator.group(0).lower()
        first_text, second_start = clean[:separator.start()], separator.end()
        second_text = clean[second_start:]
        first, first_problems = _compile_sentence(first_text, kind)
        if any(isinstance(n, Review) for n in first.walk()):
            continue
        prefix = _name_of_the_bound(first_text, second_text)
        if prefix is None:
            continue
        second, second_problems = _compile_sentence(prefix + second_text, kind)
        if any(isinstance(n, Review) for n in second.walk()):
            continue
        if not _groups_apart(first, second, kind):
            continue
        # an inclusion's "or" is either requirement, perhaps for a patient in both groups, unless no
        # patient is in both: "Karnofsky ≥ 60% for participants > 16 years of age or Lansky ≥ 60 for ≤ 16"
        if kind == "inclusion" and joined_by_or and not _groups_complementary(first, second, kind):
            continue
        second = _spans_moved(second, second_start - len(prefix), second_start)
        joined = (AllOf if kind == "inclusion" else AnyOf)((first, second), span=(0, len(clean)))
        return joined, first_problems + second_problems
    return None


def _threshold_for_a_subgroup(clean: str, kind: str) -> tuple[Node, tuple[str, ...]] | None:
    """"Total bilirubin ≤ 1.5 x ULN. For participants with Gilbert's disease ≤ 3.0 mg/dL": the usual
    threshold, or another for the patients named, read as "≤ 5 x ULN in patients with liver metastases"
    is: (both met) or (not those patients, and the usual) or (those patients, and theirs)."""
    for split in subgroup_splits(clean):
        main_text = clean[:split.main[1]].rstrip(" ,;.")
        # "Total bilirubin ≤ 1.5x ULN; AST/ALT ≤ 2.5x ULN. In subjects with ..., the AST/ALT may be ≤ 5x ULN":
        # the other threshold stands in for the last requirement only; those before it stand apart
        last = max((m.end() for m in _LAST_REQUIREMENT_START.finditer(main_text)), default=0)
        before, before_problems = _compile_criterion(main_text[:last], kind) if last else (None, ())
        if before is not None and any(isinstance(n, Review) for n in before.walk()):
            continue
        main, main_problems = _compile_criterion(main_text[last:], kind)
        main, main_problems = _shift(main, -last), before_problems + main_problems
        variables = _thresholds_of(main)
        if not variables:
            continue
        condition, condition_problems = _compile_criterion(clean[split.condition[0]:split.condition[1]], "inclusion")
        if any(isinstance(n, (Review, Compare, Between, OneOf)) for n in condition.walk()):
            continue
        # "the AST/ALT may be ≤ 5x ULN": the modal blanked, so that spans stay where they were
        bound_text = _SUBGROUP_MODAL.sub(lambda m: " " * len(m.group()), clean[split.bound[0]:split.bound[1]])
        prefix = _name_of_the_bound(main_text, bound_text)  # "For participants with Gilbert's disease ≤ 3.0 mg/dL"
        if prefix is None:
            continue
        other, other_problems = _compile_criterion(prefix + bound_text, kind)
        if not variables <= (_thresholds_of(other) or set()):
            continue
        direction, other_direction = bound_direction(main), bound_direction(other)
        if direction is None or other_direction is None:
            continue
        if other_direction != direction:
            if kind == "inclusion":
                continue
            # "Total bilirubin > 2.0 mg/dL (except patients with Gilbert Syndrome, who can have total bilirubin
            # < 3.0 mg/dL)": what they may have, so what excludes them is the rest
            other = Not(other, span=other.span)
        condition = _shift(condition, -split.condition[0])
        other = _spans_moved(other, split.bound[0] - len(prefix), split.bound[0])
        span = (0, len(clean))
        either = AnyOf((AllOf((main, other), span=span), AllOf((Not(condition, span=condition.span), main), span=span),
                        AllOf((condition, other), span=span)), span=span)
        if before is not None:
            either = (AllOf if kind == "inclusion" else AnyOf)((before, either), span=span)
        return either, main_problems + condition_problems + other_problems
    return None


_SUBGROUP_MODAL = re.compile(r"\b(?:may|can|could|must|should|will)\s+(?:also\s+)?(?:be|have)\b", re.I)


def _thresholds_of(rule: Node) -> set[str] | None:
    """The variables a rule of thresholds only (joined by "and" / "or") bounds; None for any other rule."""
    if isinstance(rule, (Compare, Between)) and not rule.conditional:
        return {rule.variable}
    if isinstance(rule, (AllOf, AnyOf)):
        parts = [_thresholds_of(item) for item in rule.items]
        return None if any(part is None for part in parts) else set().union(*parts)
    return None


def _name_of_the_bound(first_text: str, second_text: str) -> str | None:
    """What a second bound leaves out ("Platelets ≥ 100,000/µL ..., ≥ 75,000/µL for ..."): the words
    before the first bound, with its sign when the second is a bare number; "" when it names its own;
    None when the first names nothing to borrow."""
    if not _BARE_BOUND_START.match(second_text):
        return ""
    bound = _FIRST_BOUND.search(first_text)
    if bound is None or bound.start() == 0:
        return None
    return first_text[:bound.start()] if not second_text[0].isdigit() else first_text[:bound.end()]


def _group_and_requirement(rule: Node, kind: str) -> tuple[Node, Node] | None:
    """(whom, what) of a requirement for one group: "not C or X" in an inclusion, "C and X" in an exclusion."""
    shape = AnyOf if kind == "inclusion" else AllOf
    if type(rule) is not shape or len(rule.items) != 2:
        return None
    group, requirement = rule.items
    if kind == "inclusion":
        group = group.item if isinstance(group, Not) else Not(group)
    return group, requirement


def _groups_apart(first: Node, second: Node, kind: str) -> bool:
    """Two requirements for two groups; on one variable, the groups must split the patients between
    them ("≤ 16 years old" and "> 16 years old", "without liver metastases" and "with"), or a patient in
    neither, or in both, would be read against no threshold or two where the author meant one."""
    first_read, second_read = _group_and_requirement(first, kind), _group_and_requirement(second, kind)
    if first_read is None or second_read is None:
        return False
    measured = (Compare, Between)
    variables = [{n.variable for n in requirement.walk() if isinstance(n, measured)} for _, requirement in (first_read, second_read)]
    if not variables[0] & variables[1]:
        return True
    return _groups_complementary(first, second, kind)


def _groups_complementary(first: Node, second: Node, kind: str) -> bool:
    """Every patient in one of the two requirements' groups and none in both: "with liver metastases"
    and "without", "≤ 16 years old" and "> 16 years old"."""
    first_read, second_read = _group_and_requirement(first, kind), _group_and_requirement(second, kind)
    if first_read is None or second_read is None:
        return False
    one, other = first_read[0], second_read[0]
    if isinstance(one, Not) != isinstance(other, Not):
        inner = (one.item if isinstance(one, Not) else one, other.item if isinstance(other, Not) else other)
        return inner[0].render() == inner[1].render()
    return (isinstance(one, Compare) and isinstance(other, Compare) and one.variable == other.variable == "age"
            and {one.op, other.op} in ({"<=", ">"}, {"<", ">="}) and one.threshold == other.threshold)


def _spans_moved(node: Node, by: int, floor: int) -> Node:
    """Spans moved by `by`, none before `floor`: words read in front of a text stand for its start."""
    span = (max(floor, node.span[0] + by), max(floor, node.span[1] + by)) if node.span else None
    return replace(node.with_children(lambda child: _spans_moved(child, by, floor)), span=span)


# the women's lead the grammar cannot read with what follows ("Female subjects must not be pregnant");
# _requirement_of_one_sex scopes the leads it reads. Only where the rest is of pregnancy or fertility:
# "Female patients must be ≥ 18 years" may well mean that the patients must be women
_WOMENS_REQUIREMENT = re.compile(
    r"(?:all\s+)?(?:female|females|women|woman)(?:\s+(?:patients|subjects|participants))?(?=\s+(?:must|should|shall)\s"
    r"(?:(?!\b(?:if|unless|when|who|that)\b).)*?(?:pregnan|lactat|breast.?feed|nursing|menopaus|steril|contracept|child.?bearing|"
    r"hysterectom|oophorectom|birth control))", re.I)
_AT_CONSENT_OPENING = re.compile(r"(?:at|on|by)\s+the\s+(?:time|day|date)\s+of\s+(?:signing|signature\s+of|providing|giving)\s+(?:the\s+)?(?:written\s+)?"
                                 r"(?:informed\s+consent(?:\s+form)?|ICF)(?:\s*\(ICF\))?\s*,\s*", re.I)


def readings_in_review(review: Review, kind: str) -> tuple[Node, ...]:
    """The thresholds read in the pieces of a text left for review, spans in the criterion's text.

    Not part of the rule tree: read on demand (by `thresholds`), so compiling pays nothing for them.
    """
    # an exception's scope restates the exception, whose thresholds the rule holds already
    if (review.hints or review.reason in ("not_a_criterion", "exception_scope")
            or not COMPARED_NUMBER.search(review.text) and not says_an_age(review.text)):
        return ()
    start = review.span[0] if review.span else 0
    return tuple(_shift(rule, -start - offset) for offset, rule in readings_in(review.text, kind, _compile_criterion))


def _compile_sentences(clean: str, kind: str) -> tuple[Node, tuple[str, ...]] | None:
    """"ANC < 1000 cells/mm3. Platelets < 50,000/mm3.": sentences that each compile fully, read as a
    list (all in an inclusion, any in an exclusion). If a sentence is not understood it may add a
    requirement or relax one ("Subjects older than 80 will be allowed at the discretion of the PI"):
    the whole criterion goes to review, with what was read as hints. None when there is one sentence,
    or a sentence hedges the others ("This criterion does not include ...", "However, ...")."""
    starts = _sentence_starts(clean)
    if len(starts) < 2:
        return None
    parts: list[Node] = []
    problems: list[str] = []
    understood = True
    # a sentence not understood leaves the others standing unless one may relax them ("... are allowed")
    # (in an inclusion; an exclusion's next sentence may name what does not count without saying so:
    # "History of cancer. Skin cancer treated more than 5 years ago.")
    relaxed = kind == "exclusion" or any(_RELAXING.search(clean[start:]) or _ALTERNATIVE_OPENING.match(clean[start:]) for start in starts[1:])
    for start, end in zip(starts, starts[1:] + [len(clean)]):
        sentence = clean[start:end].strip()
        if _POINTER.fullmatch(sentence):  # "See Appendix 3.": where to read more, not a requirement
            continue
        if _HEDGE.match(sentence):
            return None
        if kind == "exclusion" and start > 0 and _REQUIRES.search(sentence):
            # "Pregnant or breastfeeding. Patients must have a negative pregnancy test ...": a requirement
            # among exclusions, which read as one more exclusion would exclude those who meet it
            understood, relaxed = False, True
        if kind == "inclusion" and start > 0 and _INCLUDED_TAIL.search(sentence):
            # "Age 18 to 65 years. Patients > 65 years old with ECOG ≤ 1 will be included": another way in
            understood, relaxed = False, True
        granted = permission(sentence, kind)
        if granted and start > 0:  # "Current use of steroids. Inhaled steroids are acceptable.": it may relax what it follows
            understood, relaxed = False, True
        rule, sentence_problems = (granted, ()) if granted else _compile_criterion(sentence, kind)
        understood = understood and not any(isinstance(n, Review) for n in rule.walk())
        offset = start + clean[start:end].index(sentence)
        parts.append(_shift(rule, -offset))
        problems.extend(sentence_problems)
    if not understood and (relaxed or all(all_review(part) for part in parts)):
        hints = tuple(part for part in parts if not all_review(part))
        return Review(clean, classify_review(clean), hints=hints, span=(0, len(clean))), tuple(problems)
    if len(parts) == 1:
        return parts[0], tuple(problems)
    return (AllOf if kind == "inclusion" else AnyOf)(tuple(parts), span=(0, len(clean))), tuple(problems)


_AN_AGE_AFTER = r"[^.;]{0,60}?(?:\bages?\b|\byears?\s+(?:of\s+age|old)|\byrs?\s+old"
_AGE_AT_AN_EVENT = re.compile(
    r"\b(?:diagnos\w*|onset|menarche|developed|began|begun|started|first\s+(?:episode|symptoms?|seizure|occurrence|manifestation)"
    rf"|(?:was|were)\s+born)\b{_AN_AGE_AFTER}|@lab:age)", re.I)
# someone's death at an age ("a relative's sudden death under the age of 40"): not the patient's age
_AGE_AT_A_DEATH = re.compile(rf"\b(?:died|death|deceased)\b{_AN_AGE_AFTER})", re.I)
_ABOUT_SOMEONE_ELSE = re.compile(rf"\s*(?:for\s+)?(?:the\s+)?{OTHER_PEOPLE}(?:\s+(?:only|criteria|eligibility|inclusion|exclusion))?\s*[:–]", re.I)
# "Mother with history of breast cancer", "First-degree relative with ...": what a relative has, which
# the patient's own record would answer wrongly
_RELATIVE = (r"(?:(?:first|second|1st|2nd)[-\s]degree\s+)?(?:biological\s+)?(?:relatives?|family\s+members?|mothers?|fathers?|parents?"
             r"|siblings?|sisters?|brothers?|daughters?|sons?|twins?|spouses?|grandparents?|offspring)")
_A_RELATIVE_WITH = re.compile(rf"\s*(?:(?:a|an|the|one|any|at\s+least\s+one)\s+)?{_RELATIVE}(?:\s*(?:,|or|and|and/or)\s*{_RELATIVE})*"
                              r"\s+(?:with|who|whose|has|had|have|having|diagnosed|affected|suffering)\b", re.I)
_FOR_A_PART = re.compile(r"\s*(?:for|in)\s+(?:the\s+|all\s+)?(?:(?:patients?|subjects?|participants?)\s+(?:in|of|enrolled\s+in)\s+(?:the\s+)?)?"
                        r"(?:parts?|cohorts?|arms?|groups?|phases?|stages?|steps?|sub-?stud(?:y|ies)|dose[- ]escalation|dose[- ]expansion"
                        r"|expansion|escalation)\b[^,:;]{0,40}[,:]", re.I)
_RELAXING = re.compile(r"\b(?:allow\w*|permit\w*|eligible|acceptable|accepted|may|can|could|might|except\w*|unless|if|however"
                       r"|provided|exempt\w*|waive\w*|discretion|required|necessary|includ\w*|enrol\w*|regardless|irrespective|but"
                       r"|although|though|only|instead|alternative\w*|apply|applies|considered|defined|definition|means?|judg\w*"
                       r"|investigator|physician|otherwise|exclud\w*|ineligible|not|note"
                       # "The ICS and cromone doses must have been stable ...": binds those who take them
                       r"|stable|doses?|regimens?|expected|maintained)\b", re.I)
_ALTERNATIVE_OPENING = re.compile(r"\s*(?:or|and/or|alternatively)\b", re.I)  # ". OR You must have ...": another way in
_REQUIRES = re.compile(r"\b(?:must|should|shall|needs?\s+to|(?:is|are)\s+required|(?:is|are)\s+(?:eligible|allowed|permitted))\b", re.I)


def _clause_before(subject: str, kind: str) -> bool:
    """"Histological diagnosis of SCLC, mixed small and non small cell tumours are excluded", "... CNS tumors;
    patients with low grade gliomas are excluded": the last clause names whom it excludes, the first whom
    the trial takes; read as one, SCLC would exclude. Not a list ("A, B, or C are not permitted")."""
    unbracketed = re.sub(r"\([^()]*\)|\[[^\]]*\]", "", subject)
    return ";" in unbracketed or kind == "inclusion" and "," in unbracketed and not re.match(
        r"\s*(?:or|and|and/or)\b", unbracketed.rsplit(",", 1)[1])


def _sentence_starts(clean: str) -> list[int]:
    return [0] + [m.end() for m in _SENTENCE_BREAK.finditer(clean)
                  if clean[: m.start() + 1].split()[-1].lower().strip("([{\"'").rstrip(".") not in _ABBREVIATIONS]


# "7. Platelets ...", "h. PTT ...", "- Life expectancy ...": a list's mark the splitter left on the item (not "e. g.")
# "5.3 Platelets: ...": a numbered section; not "1.5 ULN", a value
_ITEM_NUMBER = re.compile(r"(?:\d{1,2}[.)]|[a-z][.)]|-|\d{1,2}\.\d{1,2}(?=\s+[A-Z][a-z]{2}))\s+(?=[A-Za-z])(?![A-Za-z]\.)")
_POINTER = re.compile(r"\(?\s*(?:please\s+)?(?:see|refer\s+to)\s+(?:the\s+)?(?:appendix|section|table|protocol|attachment|annex)\b[^.;]{0,40}[.)]*\s*", re.I)
_SENTENCE_BREAK = re.compile(r"(?<=[A-Za-z0-9%)\]])\.\s+(?=[A-Z(])")
# where the last of several requirements starts: after a sentence or a semicolon
_LAST_REQUIREMENT_START = re.compile(rf"{_SENTENCE_BREAK.pattern}|;\s*")
_ABBREVIATIONS = {"e.g", "i.e", "eg", "ie", "vs", "dr", "no", "approx", "ca", "fig", "incl", "al", "et al", "st", "mr", "mrs", "ms", "cf", "viz", "nr"}
_HEDGE = re.compile(
    r"(?:this|these|note|notes|however|but|except|exception|unless|if|when|where|whereas|patients? with|subjects? with|participants? with"
    r"|those|in addition|also|additionally|otherwise|for|i\.?e|e\.?g|such as|including|examples?|refer|see|please|only|nb)\b", re.I)


# "History of allergic reactions attributed to compounds of similar chemical or biologic composition
# to paclitaxel": an allergy to the drug named, and to others like it that no list can name
_SIMILAR_COMPOUNDS = re.compile(
    r"(?P<lead>(?:(?:patients?|subjects?|participants?)\s+(?:must|should|may)\s+not\s+have\s+(?:had\s+)?(?:an?\s+)?"
    r"|no\s+(?:patients?|subjects?|participants?)\s+with\s+(?:an?\s+)?)?"
    r"(?:(?:no|any|known|prior|previous)\s+)*(?:(?:history|h/o)\s+of\s+)?(?:known\s+)?)"
    r"(?P<similar>(?:an?\s+)?(?:severe\s+|serious\s+)?(?:allergic|hypersensitivity)\s+reactions?\s+(?:attributed|attributable)\s+to\s+"
    r"(?:any\s+)?compounds?\s+of\s+similar\s+(?:chemical|biologic\w*)(?:\s+(?:or|and|and/or)\s+(?:chemical|biologic\w*))?\s+composition\s+(?:to|as)\s+)"
    r"(?P<drugs>.+)$", re.I)


def _similar_compounds(clean: str, kind: str) -> tuple[Node, tuple[str, ...]] | None:
    match = _SIMILAR_COMPOUNDS.match(clean)
    if not match:
        return None
    negated = re.search(r"\b(?:no|not)\b", match.group("lead"), re.I) is not None
    # "... composition to sorafenib and bortezomib": a compound like either; "or" keeps every span in place
    drugs = re.sub(r"\band(?=\s)", "or ", match.group("drugs").rstrip(" ."))
    named, problems = _compile_criterion(("No " if negated else "") + "allergy to " + drugs, kind)
    if all_review(named):
        return None
    similar = Review(match.group("similar").strip(), "not_understood", span=(match.start("similar"), match.end("similar")))
    span = (0, len(clean))
    # spans of the drugs as written, not as in the "[No ]allergy to ..." read in their place
    named = _shift(named, len("allergy to ") + (3 if negated else 0) - match.start("drugs"))
    if negated and kind == "exclusion":  # "No history of ..." among exclusions: see _NEGATED_OPENING
        return Review(clean, "negated_exclusion", hints=(AllOf((named, similar), span=span),), span=span), problems
    return (AllOf((named, similar), span=span) if negated else AnyOf((named, similar), span=span)), problems


# "Patients with liver metastases must have AST ≤ 5 x ULN": a requirement for some patients only
_PERSON_CONDITION = re.compile(
    r"(?:the\s+|all\s+|any\s+)?(?:patients?|subjects?|participants?|individuals?|those|women|men)\s+"
    r"(?:with|who\s+(?:have|has|had|are)|having)\s+(?P<condition>[^,;:()]+?),?\s+"
    r"(?:must|should|will\s+need\s+to|need\s+to|are\s+required\s+to)\s+(?:also\s+)?(?:(?:have|be|show)\s+)?(?P<requirement>.+)$", re.I)


def _conditional_requirement(clean: str, kind: str) -> tuple[Node, tuple[str, ...]] | None:
    """The requirement where the condition holds: in an inclusion, not the condition, or the
    requirement met. Read only when both parts compile whole; else review, as a requirement read
    without its condition would bind every patient."""
    match = _PERSON_CONDITION.fullmatch(clean)
    if not match or re.search(r"\s(?:and|&)$", match.group("condition"), re.I):
        # "Patients with prostate cancer and must have progressed on hormonal therapy": both, of every patient
        return None
    span = (0, len(clean))
    condition, problems = _compile_criterion(match.group("condition"), "inclusion")
    requirement, more = _compile_criterion(match.group("requirement").rstrip(" ."), "inclusion")
    unread = any(isinstance(n, Review) for part in (condition, requirement) for n in part.walk())
    if kind != "inclusion" or unread:
        reason = "consent" if classify_review(clean) == "consent" else "conditional"  # "... must agree to use contraception"
        return Review(clean, reason, hints=tuple(p for p in (condition, requirement) if not all_review(p)), span=span), ()
    condition = _shift(condition, -match.start("condition"))
    requirement = _shift(requirement, -match.start("requirement"))
    return AnyOf((Not(condition, span=condition.span), requirement), span=span), problems + more


# "Personal or family history of medullary thyroid carcinoma": the patient's own history, or a relative's
_OWN_OR_FAMILY = re.compile(
    r"(?P<no>no\s+|without\s+)?(?:(?:a|any|known)\s+)?(?:personal\s+(?:or|and/or)\s+family|family\s+(?:or|and/or)\s+personal)"
    r"\s+(?:medical\s+)?history\s+of\s+(?P<rest>.+)$", re.I)


def _own_or_family_history(clean: str, kind: str) -> tuple[Node, tuple[str, ...]] | None:
    """The patient's history as "History of ...", a relative's for review; either may meet it."""
    match = _OWN_OR_FAMILY.match(clean)
    if not match:
        return None
    own, problems = _compile_criterion("History of " + match.group("rest"), kind)
    if all_review(own):
        return None
    span = (0, len(clean))
    own = _shift(own, len("History of ") - match.start("rest"))
    relative = Review("family history of " + match.group("rest"), "not_understood", span=(match.start("rest"), len(clean)))
    either = AnyOf((own, relative), span=span)
    if match.group("no") and kind == "exclusion":  # see _compile_sentence on "No X" among exclusions
        return Review(clean, "negated_exclusion", hints=(either,), span=span), problems
    return (Not(either, span=span) if match.group("no") else either), problems


# "No prior chemotherapy for metastatic disease", "Prior systemic therapy in the advanced setting": a
# treatment given at a stage of the disease, which records of treatment rarely say
_STAGE = r"(?:advanced|metastatic|recurrent|relapsed|refractory|unresectable|locally\s+advanced|progressive)"
_TREATED_AT_A_STAGE = re.compile(
    rf"(?P<treatment>.*?\b(?:chemotherapy|therapy|therapies|treatment|treatments|regimens?|agents?|lines?(?:\s+of\s+\w+)*))"
    rf"\s+(?P<stage>(?:for|in)\s+(?:the\s+|an?\s+)?{_STAGE}(?:\s*(?:,|/|or|and|and/or)\s*{_STAGE})*\s+[\w\s-]*?"
    r"(?:disease|setting|cancer|carcinoma|tumou?rs?|malignancy|nsclc|crc|mbc|sclc|[a-z]*oma))\s*\.?", re.I)


def _treated_at_a_stage(clean: str, kind: str) -> tuple[Node, tuple[str, ...]] | None:
    """The treatment, with its stage left for review: a patient who never had it meets "No prior
    chemotherapy for metastatic disease"; one who had it waits on when."""
    match = _TREATED_AT_A_STAGE.fullmatch(clean)
    if not match:
        return None
    treated, problems = _compile_criterion(match.group("treatment"), kind)
    inner = treated.item if isinstance(treated, Not) else treated
    words = match.group("stage").rstrip(" .")
    # "No prior systemic therapy for metastatic disease": a treatment named by its kind, outside the lexicons,
    # for a disease unnamed (a named one, "for advanced NSCLC", the grammar reads as its indication)
    named = isinstance(inner, Finding) and (inner.category in ("procedure", "drug") or inner.category == "any"
                                            and inner.concept.startswith("text:") and re.search(r"(?:disease|setting)$", words, re.I))
    if not named or inner.window or inner.indication:
        return None
    stage = Review(words, "not_understood", span=(match.start("stage"), match.start("stage") + len(words)))
    span = (0, len(clean))
    both = AllOf((inner, stage), span=span)
    return (Not(both, span=span) if isinstance(treated, Not) else both), problems


_SCREENING_LEAD = re.compile(r"at (?:the )?(?:time of )?(?:screening|baseline)(?: visit)?(?: \( visit \d+ \))? , ")


def _compile_sentence(clean: str, kind: str) -> tuple[Node, tuple[str, ...]]:
    whole = (_similar_compounds(clean, kind) or donated_volume(clean, kind, _compile_sentence) or _conditional_requirement(clean, kind) or _own_or_family_history(clean, kind)
             or _treated_at_a_stage(clean, kind) or stable_dose_requirement(clean, kind, _compile_criterion, _shift))
    if whole is not None:
        return whole
    tokens = head_shared(without_expansions(tokenize(clean), clean))
    tagged = get_lexicon().tag(tokens)
    sharing = terms_sharing_a_head(tokens, tagged)
    lexemes = normalised(without_brand_names(without_authorities(without_restated_acronyms(formulas_as_one_word(tagged, clean), clean), clean), clean))
    while lexemes and lexemes[-1].g in (".", ";", ",", ":", "?", "!", "or", "and", "and/or"):  # "creatinine < 1.5 mg/dL OR"
        lexemes.pop()
    if not lexemes:
        return Review(clean, "not_understood", span=(0, len(clean))), ()
    if len(lexemes) > MAX_LEXEMES:
        return Review(clean, classify_review(clean), span=(0, len(clean))), (f"criterion of {len(lexemes)} tokens is too long to parse; left for review",)
    flags = statement(lexemes, (0, len(clean)))
    if flags is not None:
        if _agreement_excludes(flags, kind):
            return Review(clean, "consent", span=(0, len(clean))), ()
        if kind == "exclusion" and _requirement_among_exclusions(clean):  # see below
            return Review(clean, "requirement_in_exclusions", hints=(flags,), span=(0, len(clean))), ()
        return flags, ()
    # "The subject has a serum hemoglobin of < 10 g/dL", "Patients with X, Y": the person the sentence
    # is about adds nothing; read what follows, or, failing that, the whole. Then, a bare name.
    rule, problems = _read(clean, lexemes, kind)
    lead = _SCREENING_LEAD.match(" ".join(lexeme.g for lexeme in lexemes) + " ")
    # "At screening, age < 18": when all of it holds, which is when the patient is screened
    unled = lexemes[len(lead.group().split()):] if lead else lexemes
    rest = (_without_subject_lead(unled) or (unled if lead else None)) if any(isinstance(n, Review) for n in rule.walk()) else None
    if rest:
        retry = _read(clean, rest, kind)
        if _unread_parts(retry[0]) < _unread_parts(rule):
            rule, problems = retry
    named = condition_named_as_persons(unled) if any(isinstance(n, Review) for n in rule.walk()) else None
    if named:
        retry = _read(clean, named, kind)
        if _unread_parts(retry[0]) < _unread_parts(rule):
            rule, problems = retry
            rest = named
    if isinstance(rule, Review) and rule.reason == "not_understood":
        rule, problems = _bare_finding(clean, rest or lexemes, kind) or (rule, problems)
    rule, problems = _exception_read_after_its_window(clean, rest or lexemes, kind, rule, problems)
    nodes = list(rule.walk())
    if any(isinstance(n, Sex) for n in nodes):  # groups are split only where a sex was read
        rule = _groups_of_each_sex(rule, clean)
        sexed = _sex_beside_its_qualifiers(rule, clean, kind)
        if isinstance(sexed, Review) and sexed != rule:  # the whole criterion, not the words its alternatives were read from
            sexed = replace(sexed, text=clean, span=(0, len(clean)))
        rule = sexed
    rule = _requirement_of_one_sex(rule, clean, kind)
    rule = _said_of_women(rule, clean, kind)
    if kind == "exclusion" and any(isinstance(n, Finding) and n.concept in _GENERIC_PROCEDURES for n in nodes):
        rule = _sites_unsaid(rule, bool(_FOR_THE_DISEASE.search(clean)))
    if kind == "inclusion" and _CONTRACEPTION.search(clean) and _requires_an_exposure(rule) and any(
            isinstance(n, Review) and classify_review(n.text) == "consent" for n in rule.walk()):
        # "Sexually active participants (men and women) must agree to use highly effective contraception ...
        # for 6 months after completing treatment with radium-223": an agreement, whose words read apart
        # would require the drug it names
        return Review(clean, "consent", hints=(rule,), span=(0, len(clean))), problems
    if _agreement_excludes(rule, kind):
        # "Any condition that could interfere with ... informed consent, or compliance": what the condition
        # would impair, not a patient's consent or compliance that excludes
        return Review(clean, "consent", hints=() if all_review(rule) else (rule,), span=(0, len(clean))), problems
    if kind == "exclusion" and (_NEGATED_OPENING.match(clean) and any(isinstance(n, Not) for n in rule.walk())
                                or _AT_MOST_REQUIRED.search(clean)):
        # "Exclusion: No prior chemotherapy" read as written excludes everyone without chemotherapy;
        # its author almost surely meant the opposite, which is a guess: the reviewer decides
        hint = rule.item if isinstance(rule, Not) else rule
        return Review(clean, "negated_exclusion", hints=(hint,), span=(0, len(clean))), problems
    if kind == "inclusion" and _HELD_OFF.search(clean) and _asserts_what_it_denies_not(rule, ("drug", "procedure")):
        # "Off prednisone or other immunosuppressive medications for at least 3 days", "Must abstain from ... steroid
        # ... medications": what the patient must be off, which the reading asks for
        return Review(clean, "negation_scope", hints=(rule,), span=(0, len(clean))), problems
    if kind == "inclusion" and _NEGATED_OPENING.match(clean) and not _NOT_A_DENIAL.match(clean) and _asserts_what_it_denies_not(rule):
        # "No clinical and ECG changes suggestive of ... or recent (<48 hours) myocardial infarction": a denial
        # whose reading asks for a finding it never denies; the denial lost its scope, and the finding would
        # be required (or would meet the criterion)
        return Review(clean, "negation_scope", hints=(rule,), span=(0, len(clean))), problems
    if (head_shared_with_unread_words(rule) or shared_head_left_unread(rule, sharing) or opening_modifiers_left_behind(rule, lexemes)
            or modifier_read_as_alternative(rule)):
        # "Major thoracic or abdominal surgery from which the patient has not yet recovered": the first alternative
        # shares its head with the last, whose unread words may narrow both
        return Review(clean, classify_review(clean), hints=(rule,), span=(0, len(clean))), problems
    if _requires_what_it_denies(rule):
        # "HIV-1, HIV-2 negative" read as "HIV and not HIV": a misreading no patient can meet
        return Review(clean, classify_review(clean), hints=(rule,), span=(0, len(clean))), problems
    if kind == "exclusion" and _requirement_among_exclusions(clean) and not all_review(rule):
        # "Must have a platelet count > 75,000", "Fertile patients must use effective contraception":
        # a requirement filed under exclusions, which read as written excludes the patients who meet it
        return Review(clean, "requirement_in_exclusions", hints=(rule,), span=(0, len(clean))), problems
    if alternative_thresholds(rule, lexemes):
        return Review(clean, "conditional", hints=(rule,), span=(0, len(clean))), problems
    if kind == "exclusion" and ";" in clean and _all_of_across_semicolon(rule, clean):
        # "Prior treatment with EGFR antibodies; prior severe infusion reaction": a semicolon parts what
        # excludes, but the grammar binds it tighter than "with" and read both parts as one requirement
        return Review(clean, "not_understood", hints=(rule,), span=(0, len(clean))), problems
    if _SHORTER_OF_TWO.search(clean) and any(isinstance(n, Finding) and n.window is not None for n in rule.walk()):
        # "within 28 days or 5 half-lives, whichever is shorter": the period may be shorter than the one read
        return Review(clean, classify_review(clean), hints=(rule,), span=(0, len(clean))), problems
    if kind == "inclusion" and _SAYS_EXCLUDED.search(BRACKETED.sub("", clean)) and not all_review(rule):
        # "Patients known to be HIV-positive and taking HAART therapy are not eligible due to ...": read
        # as a requirement, it would refuse everyone without HIV
        return Review(clean, classify_review(clean), hints=(rule,), span=(0, len(clean))), problems
    unbracketed = BRACKETED.sub("", clean)
    if (_MAY_OPENING.match(clean) or _PERMISSION_CLAUSE.search(unbracketed)
            or _SAYS_ELIGIBLE.search(unbracketed) and not _demographic(rule)) and not all_review(rule):
        # "May have previous adjuvant therapy with interferon": a permission, which no record can fail
        return Review(clean, classify_review(clean), hints=(rule,), span=(0, len(clean))), problems
    ending = _PERMISSION_ENDING.search(clean)
    if ending and ending.start() > 0 and _permits(ending.group(1)):
        # "Hemoglobin ≥ 9 g/dL (transfusion allowed)", "... (Patients with history of DCIS are eligible)": a
        # bracket that admits more only relaxes what comes before, which still settles what it cannot relax
        main, main_problems = _compile_sentence(clean[:ending.start()], kind)
        if not all_review(main):
            relaxing = Review(ending.group(1), classify_review(ending.group(1)), span=ending.span(1))
            return (AllOf if kind == "exclusion" else AnyOf)((main, relaxing), span=(0, len(clean))), main_problems
    if _read_inside_a_permission(rule, clean):
        # what a bracket admits, read as a requirement or as what excludes, would turn it around
        return Review(clean, classify_review(clean), hints=(rule,), span=(0, len(clean))), problems
    if _LOST_SIGN.match(clean) and not all_review(rule):
        # "5 x ULN for ALT or AST, or total bilirubin > 1.5 x ULN": a limit whose sign the source lost;
        # the list after it may share the next threshold or not
        return Review(clean, classify_review(clean), hints=(rule,), span=(0, len(clean))), problems
    if any(isinstance(node, AnyOf) and _alternative_misread(node.items) for node in rule.walk()) or _period_given_back(rule, clean):
        # an "or" over words that bound or narrow its alternatives, read as one of them: each other would decide alone
        return Review(clean, classify_review(clean), hints=(rule,), span=(0, len(clean))), problems
    if kind == "inclusion" and _numbers_split_alternatives(rule):
        # "KDOQI Stage 3, 4, or 5, not receiving dialysis": a list of numbers read as clauses joins
        # what follows it by their "or", any of which would then meet the criterion alone
        return Review(clean, classify_review(clean), hints=(rule,), span=(0, len(clean))), problems
    needed = _NEEDED.search(clean)
    if needed and _procedure_to_come(rule, clean[needed.end():]):
        # "Requirement for valve or other cardiac surgery": a procedure the patient needs, which no record
        # holds yet; an ongoing one ("Requirement for dialysis") is a record
        return Review(clean, classify_review(clean), hints=(rule,), span=(0, len(clean))), problems
    if (kind == "inclusion" and PROSPECTIVE.search(clean) or _PLAN_OPENING.match(clean)) and _treatment_read(rule):
        # "Nab-paclitaxel with gemcitabine therapy is appropriate for the patient", "Indication for curative
        # treatment (surgery, ablation, transplantation)": a treatment to come, which no record holds yet; read
        # as a record it would require the treatment already had
        return Review(clean, classify_review(clean), hints=(rule,), span=(0, len(clean))), problems
    if len(_sentence_starts(clean)) > 1 and any(isinstance(n, Review) for n in rule.walk()) and not all_review(rule):
        # a sentence not understood may add a requirement or relax one ("Subjects older than 80 will be
        # allowed at the discretion of the PI"): what was read is a hint, not an answer
        return Review(clean, classify_review(clean), hints=(rule,), span=(0, len(clean))), problems
    ages_compared = any(_an_age(n) for n in rule.walk())
    if ages_compared and _AGE_AT_AN_EVENT.search(clean):
        # "Diagnosed between 18 and 40 years of age": the age the disease began at, not the patient's age now
        return Review(clean, "conditional", hints=(rule,), span=(0, len(clean))), problems
    if ages_compared and _AGE_AT_A_DEATH.search(clean):
        # "heart failure, ..., or unexplained death in an otherwise healthy individual between the ages of 1
        # and 30 years": that age is for review, what else the criterion names still counts
        partial = _left_for_review(rule, clean, _an_age, "conditional", hinted=True)
        if all_review(partial):
            return Review(clean, "conditional", hints=(rule,), span=(0, len(clean))), problems
        return partial, problems
    if _change_shared(rule):
        # "Change in SBP ≥ 20 mmHg or DBP ≥ 10 mmHg": the change is in both; DBP ≥ 10 mmHg alone would
        # exclude everyone
        return Review(clean, classify_review(clean), hints=(rule,), span=(0, len(clean))), problems
    if _EXPOSED_TO_AN_INFECTION.search(clean) and not all_review(rule):
        # "Exposure to varicella during 15 days before inclusion": contact with an infection, which the
        # patient's record of the infection itself neither shows nor rules out
        return Review(clean, classify_review(clean), hints=(rule,), span=(0, len(clean))), problems
    consistent = _CONSISTENT_WITH.search(clean)
    fitted = (consistent.start(), next((m.start() for m in re.finditer(r"\bor\b|[;,]", clean) if m.start() > consistent.end()), len(clean))
              ) if consistent else None
    if fitted:
        # "Clinical symptoms consistent with AMI", "Chest X-ray findings suggestive of pneumonia": a picture
        # that may fit the disease, which a record of the disease neither shows nor rules out
        rule = _left_for_review(rule, clean, lambda n: isinstance(n, Finding) and bool(n.span) and n.span[0] < fitted[1]
                                and n.span[1] > fitted[0], "not_understood", hinted=True)
        if all_review(rule):
            return Review(clean, classify_review(clean), hints=(rule,), span=(0, len(clean))), problems
    contraindicated = _CONTRAINDICATED.search(clean) or (kind == "exclusion" and _FAILED_ON.search(clean))
    if contraindicated and any(isinstance(n, Finding) and n.category == "drug" and n.span and n.span[1] > contraindicated.start()
                               for n in rule.walk()):
        # "Contraindication to any one of the following: bupivacaine, oxycodone, morphine", "Allergy to
        # penicillin, cephalosporins or vancomycin": what the patient must not receive, not what they take;
        # read as the drugs, a patient on morphine or vancomycin would be excluded
        return Review(clean, classify_review(clean), hints=(rule,), span=(0, len(clean))), problems
    if kind == "inclusion":
        rule = _left_for_review(rule, clean, lambda node: _trials_own_drug(node, clean), "not_understood", hinted=False)
        suspected = _SUSPECTED.search(clean)
        if suspected:
            # "Suspected or confirmed pneumonia": a suspicion no record need hold; without one the
            # requirement is open, not failed
            rule = _suspicion_left_open(rule, suspected.start())
    if (re.match(r"\s*either\b", clean, re.I) and isinstance(rule, AnyOf) and any(isinstance(item, AllOf) for item in rule.items)
            and not all_review(rule)):
        # "Either acute ischaemic stroke or high-risk TIA and randomisation within 24 hours": the "and" may
        # bind the last alternative or both
        return Review(clean, "not_understood", hints=(rule,), span=(0, len(clean))), problems
    if (_ABOUT_SOMEONE_ELSE.match(clean) or _A_RELATIVE_WITH.match(clean)) and not all_review(rule):
        # "DONOR: Age =< 60 years of age", "Caregiver: must be 18 or older": someone else's requirement,
        # which the patient's own record would answer wrongly
        return Review(clean, "conditional", hints=(rule,), span=(0, len(clean))), problems
    if _FOR_A_PART.match(clean) and not all_review(rule):
        # "For Part A, patients must have recurrent solid tumours": a requirement of one part of the trial,
        # which a patient of another part need not meet
        return Review(clean, "conditional", hints=(rule,), span=(0, len(clean))), problems
    judged = _JUDGED.search(clean)
    if (judged and not all_review(rule) and ":" not in clean[judged.end():]
            # set off by a comma or a relative clause, over all that comes before: not "or severely
            # uncontrolled T1D as determined by the Investigator", one item's own
            and _CLAUSE_BEFORE.search(clean[:judged.start()])  # not a label's: "... by the investigator: ANC ≥ 1500"
            and (kind == "exclusion" or not any(isinstance(n, (Compare, Between, OneOf)) for n in rule.walk()))):
        # "History of epilepsy or depression, which in the investigator's opinion would make the subject
        # unsuitable": the judgement qualifies what the criterion names, and can only spare a patient:
        # a finding does not exclude (fail) alone, its absence still settles it
        judgement = Review(clean[judged.start():].strip(" .;"), "investigator_judgement", span=(judged.start(), len(clean)))
        joined = AllOf if kind == "exclusion" else AnyOf
        return joined((_without_judgement_clause(rule), judgement), span=(0, len(clean))), problems
    return rule, problems


_PERMISSION_ENDING = re.compile(r"\s*(\([^()]*\)|\[[^\[\]]*\])[\s.;,]*$")


_EXPOSED_TO_AN_INFECTION = re.compile(
    r"(?<!evidence of )(?<!evidence of natural )\b(?:exposure|exposed|contact)\s+(?:to|with)\s+(?:[\w-]+\s+){0,4}?"
    r"(?:HIV|hepatitis|HBV|HCV|tuberculosis|TB|varicella|chickenpox|measles|mumps|rubella|pertussis|COVID-19|COVID|SARS-CoV-2"
    r"|coronavirus|influenza|infections?|infected|infectious)\b"
    # not a drug named after the infection: "Prior exposure to an HCV direct-acting agent"
    r"(?!(?:\s+[\w-]+){0,3}?\s+(?:inhibitors?|agents?|antivirals?|therap\w*|treatments?|drugs?|vaccines?|medications?|regimens?)\b)", re.I)
_CHANGE = re.compile(r"\b(?:changes?|increases?|increased|decreases?|decreased|rises?|fall|falls|drops?|reductions?|reduced|declines?"
                     r"|variations?|differences?|fluctuations?|doubling|from baseline)\b", re.I)


def _change_shared(rule: Node) -> bool:
    """A change by an amount left for review, then a comparison read on its own after it, which the change may cover."""
    nodes = list(rule.walk())
    changes = [n.span[0] for n in nodes if isinstance(n, Review) and n.span and _CHANGE.search(n.text) and re.search(r"\d", n.text)]
    return bool(changes) and any(isinstance(n, (Compare, Between)) and n.span and n.span[0] > min(changes) for n in nodes)


_SUSPECTED = re.compile(r"\bsuspect(?:ed|ion)\b", re.I)
# signs, symptoms or images that fit a disease (not a histology or a diagnosis "consistent with" one, which is it)
_CONSISTENT_WITH = re.compile(
    r"\b(?:signs?|symptoms?|presentation|picture|findings?|features?|manifestations?|imaging|x-?rays?|radiograph\w*|scans?|ECG"
    r"|electrocardiogra\w+|illness|events?|episodes?)\s+(?:[\w-]+\s+){0,2}?(?:consistent|compatible)\s+with\b"
    r"|\b(?:suggestive|indicative)\s+of\b|\bsuspicious\s+(?:for|of)\b|\bconcerning\s+for\b", re.I)


def _suspicion_left_open(node: Node, start: int) -> Node:
    """The rule with each condition named after `start`, outside any negation, open when absent."""
    if isinstance(node, Not):
        return node
    if isinstance(node, Finding) and node.category in ("condition", "any") and node.span and node.span[0] >= start:
        return replace(node, absence_unknown=True)
    return node.with_children(lambda child: _suspicion_left_open(child, start))


def _permits(bracket: str) -> bool:
    """Whether a bracket grants something ("(transfusion allowed)", "(... are eligible)")."""
    if _DENIED.search(bracket):  # "(transfusions are not allowed within 2 weeks)" restricts
        return False
    return bool(_PERMISSION_CLAUSE.search(bracket) or _SAYS_ELIGIBLE.search(bracket) or _ALLOWED.search(bracket))


_ALLOWED = re.compile(r"\b(?:allowed|permitted|acceptable)\b", re.I)
_DENIED = re.compile(r"\b(?:not|never|no longer)\s+(?:be\s+)?(?:allowed|permitted|acceptable|eligible)\b|\bnot\s+(?:be\s+)?(?:allow|permit)", re.I)


def _read_inside_a_permission(rule: Node, clean: str) -> bool:
    """A computable part of the rule read from a bracket that grants something."""
    brackets = [m.span() for m in BRACKETED.finditer(clean) if _permits(m.group())]
    return any(not isinstance(node, Review) and not node.children() and node.span
               and any(start <= node.span[0] and node.span[1] <= end for start, end in brackets)
               for node in rule.walk())


def _demographic(rule: Node) -> bool:
    """Only ages and sexes read, besides what is left for review."""
    return all(isinstance(node, Review) or node.children() or isinstance(node, Sex) or _an_age(node) for node in rule.walk())


def _left_for_review(node: Node, clean: str, matches, reason: str, hinted: bool) -> Node:
    """The rule with each node that `matches` left for review, as the text it spans."""
    if matches(node):
        span = node.span or (0, len(clean))
        return Review(clean[span[0]:span[1]], reason, hints=(node,) if hinted else (), span=span)
    return node.with_children(lambda child: _left_for_review(child, clean, matches, reason, hinted))


def _trials_own_drug(node: Node, clean: str) -> bool:
    """"... the migraine attack treated with study drug": in an inclusion the trial's own drug is still to
    come, which no record holds; read as one taken, it would refuse every patient. A past one ("prior
    study drug", "within 30 days") is not, nor an allergy to it."""
    return (isinstance(node, Finding) and node.concept == "investigational_drug" and node.category != "allergy" and node.window is None
            and node.status not in ("previous", "history") and bool(node.span)
            and re.search(r"\bstudy\s+drug", clean[node.span[0]:node.span[1]], re.I) is not None)


def _an_age(node: Node) -> bool:
    return isinstance(node, (Compare, Between)) and node.variable == "age"


def _without_judgement_clause(node: Node) -> Node:
    """The rule without the judgement read as one more item ("..., which in the investigator's opinion
    ..."), now said once for the whole criterion."""
    if not isinstance(node, (AllOf, AnyOf)):
        return node
    items = tuple(_without_judgement_clause(item) for item in node.items
                  if not (isinstance(item, Review) and _JUDGEMENT_CLAUSE.match(item.text)))
    if not items:
        return node
    return items[0] if len(items) == 1 else replace(node, items=items)


# the investigator's judgement on what a criterion names: "in the opinion of the investigator", "as
# judged by the treating physician", "at the PI's discretion"
_JUDGED = re.compile(
    r"\b(?:in\s+the\s+(?:[\w'’-]+\s+){0,3}(?:opinion|judge?ment|view)|(?:opinion|judge?ment|discretion)\s+of\s+the"
    r"|(?:investigator|physician|PI|doctor|clinician)['’]?s?\s+(?:opinion|judge?ment|discretion)"
    r"|(?:as\s+)?(?:judged|deemed|determined|assessed|considered|evaluated)\s+by\s+(?:the\s+)?(?:[\w-]+\s+){0,2}"
    r"(?:investigators?|physicians?|PI|doctors?|clinicians?|sponsor|study\s+team)\b(?!['’])"
    r"|per\s+(?:the\s+)?(?:investigator|PI|physician))", re.I)


_CLAUSE_BEFORE = re.compile(r"(?:[,(](?:\s*(?:at|in|per|by|upon|under|with|according\s+to))?(?:\s+the)?"
                            r"|\b(?:which|that|who|whom)\b(?:\s+[\w'’-]+){0,6})\s*$", re.I)
_JUDGEMENT_CLAUSE = re.compile(rf"(?:(?:which|that|who|and|if)\s*,?\s*)?(?:{_JUDGED.pattern})", re.I)


_GENERIC_PROCEDURES = frozenset({"surgery", "radiotherapy", "biopsy"})
# "(> 25% of bone marrow)": how much of it, which names no site
_SHARE_OPENING = re.compile(r"\s*(?:[<>≤≥]=?|more than|greater than|less than|at least|over|above|in excess of)\s*\d[\d.]*\s*%", re.I)
_PURPOSE = re.compile(rf"(?:{'|'.join(sorted(PURPOSE_OPENINGS))})\s", re.I)
_FOR_THE_DISEASE = re.compile(r"\bfor\s+(?:this|the|their|his|her|that)\s+(?:\w+\s+)?(?:cancer|disease|tumou?r|malignancy|condition|indication)\b", re.I)


def _sites_unsaid(node: Node, for_the_disease: bool) -> Node:
    """"Prior pituitary tumor, surgery, radiation treatment", "Ocular infections or surgery", "Prior
    surgery or chemotherapy for this cancer": a bare "surgery" or "radiation" beside a disease or a
    site, or for one, is of that site; read as any, a hysterectomy would exclude. Which site is for review."""
    if not isinstance(node, (AllOf, AnyOf)):
        return node
    items = tuple(_sites_unsaid(item, for_the_disease) for item in node.items)
    # an unread purpose ("for metastatic disease", "in the adjuvant setting") names no site
    sited = for_the_disease or any(isinstance(n, Review) and not _PURPOSE.match(n.text) and not _SHARE_OPENING.match(n.text)
                                   or isinstance(n, Finding) and (n.category == "condition" or n.concept.startswith("text:"))
                                   for n in items)
    if sited:
        items = tuple(Review(n.concept, "not_understood", span=n.span)
                      if isinstance(n, Finding) and n.concept in _GENERIC_PROCEDURES and not (n.qualifiers or n.window or n.indication or n.grade)
                      else n for n in items)
    return replace(node, items=items)


def _groups_of_each_sex(node: Node, clean: str) -> Node:
    """"Men aged 18 to 45 and women aged 18 to 50", "Males with PSA > 4 and females with CA-125 > 35":
    an "and" of requirements naming each sex in turn joins two groups, either of which the criterion
    names (read as all of them, no patient could meet it). Split at each sex named when the first
    requirement names one; else what belongs to which group is a guess: review."""
    node = node.with_children(lambda child: _groups_of_each_sex(child, clean))
    if not isinstance(node, AllOf):
        return node
    # "Male, 35-80 years; female, postmenopausal": requirements each opened by their sex start the groups
    opened = tuple(part for item in node.items for part in (
        item.items if isinstance(item, AllOf) and item.items and isinstance(item.items[0], Sex) else (item,)))
    if opened != node.items and isinstance(opened[0], Sex) and _states_in_their_group(opened):
        groups = _split_at_each_sex(opened)
        sexes = [group[0].values for group in groups]
        if len(groups) > 1 and all(len(values) == 1 for values in sexes) and len(set(sexes)) == len(sexes):
            return _either_group(groups, node.span)
    # a woman's state ("Postmenopausal women and men aged ≥ 50") names her sex too, as do words left
    # for review ("Men and nonpregnant, nonlactating women")
    sexes = [_sex_named(item) for item in node.items if _sex_named(item)]
    if not any(isinstance(item, Sex) for item in node.items) or not any(set(a).isdisjoint(b) for a in sexes for b in sexes):
        return node
    if not all(isinstance(item, Sex) for item in node.items if _sex_named(item)) or not isinstance(node.items[0], Sex):
        start, end = node.span or (0, len(clean))
        return Review(clean[start:end], "conditional", hints=(node,), span=(start, end))
    return _either_group(_split_at_each_sex(node.items), node.span)


def _either_group(groups: list[tuple[Node, ...]], span) -> Node:
    return AnyOf(tuple(group[0] if len(group) == 1 else AllOf(group, span=_joined_span(group)) for group in groups), span=span)


def _split_at_each_sex(items: tuple[Node, ...]) -> list[tuple[Node, ...]]:
    groups: list[list[Node]] = []
    for item in items:
        if isinstance(item, Sex) or not groups:
            groups.append([])
        groups[-1].append(item)
    return [tuple(group) for group in groups]


def _states_in_their_group(items: tuple[Node, ...]) -> bool:
    """Whether each item naming a sex but no Sex ("postmenopausal") follows the Sex of that one sex."""
    group: tuple[str, ...] = ()
    for item in items:
        if isinstance(item, Sex):
            group = item.values
        elif _sex_named(item) and _sex_named(item) != group:
            return False
    return True


def _sex_named(node: Node) -> tuple[str, ...]:
    if isinstance(node, Sex):
        return node.values
    if isinstance(node, Flag) and node.variable in _FEMALE_STATES:
        return ("female",)
    if isinstance(node, Review):
        women, men = bool(_WOMEN_WORD.search(node.text)), bool(_MEN_WORD.search(node.text))
        return ("female",) if women and not men else ("male",) if men and not women else ()
    return ()


def _sex_beside_its_qualifiers(node: Node, clean: str, kind: str) -> Node:
    """"Male or premenarchal female 4-11 years of age", "HIV-1 infected men or women": a sex read as an
    alternative of its own beside words that belong to both sexes (an age, a disease) would admit any man,
    or, under exclusions ("Women, who are pregnant, plan to become pregnant or are lactating"), exclude
    every woman. Beside a woman's own states only, an alternative stands in an inclusion ("Male or
    non-pregnant female"); in an exclusion the women are those states' subject. Else what the sex shares
    is a guess: review."""
    node = node.with_children(lambda child: _sex_beside_its_qualifiers(child, clean, kind))
    if not isinstance(node, AnyOf) or not any(isinstance(item, Sex) for item in node.items):
        return node
    bare = [item for item in node.items if isinstance(item, Sex)]
    others = [item for item in node.items if not isinstance(item, Sex)]
    if not others:
        return node
    if all(_only_of_a_sex(item) for item in others):
        if kind != "exclusion":
            return node
        womens = [item for item in bare if item.values == ("female",)]
        if len(womens) != len(bare) or not any(_sex_named(n) == ("female",) for item in others for n in item.walk()):
            return node  # "Males or pregnant women": each a group the exclusion names
        rest = others[0] if len(others) == 1 else AnyOf(tuple(others), span=_joined_span(others))
        return AllOf((womens[0], rest), span=node.span)
    start, end = _joined_span(list(node.items)) or node.span or (0, len(clean))
    return Review(clean[start:end], "conditional", hints=(node,), span=(start, end))


# what may be said of one sex and not the other: "non-pregnant", "surgically sterile", "premenarchal"
_ONE_SEX_WORDS = re.compile(
    r"(?:\s|[,/-]|\b(?:and|or|of|a|an|the|non|not|eligible|wom[ae]n|females?|m[ae]n|males?|subjects?|patients?|participants?"
    r"|volunteers?|pregnant|lactating|nursing|breast\s*-?\s*feeding|pre\s*-?\s*menarch\w*|post\s*-?\s*menopausal"
    r"|surgically|sterile|sterili[sz]ed|child\s*-?\s*bearing|potential)\b)*", re.I)
_ONE_SEX_CONCEPTS = frozenset({"tubal_ligation", "hysterectomy", "bilateral_oophorectomy", "vasectomy"})


def _only_of_a_sex(node: Node) -> bool:
    if isinstance(node, Sex):
        return True
    if isinstance(node, Flag):
        return node.variable in _FEMALE_STATES or node.variable == "childbearing_potential"
    if isinstance(node, Review):
        return bool(_ONE_SEX_WORDS.fullmatch(node.text))
    if isinstance(node, Finding):
        return (node.concept in _ONE_SEX_CONCEPTS
                or node.concept.startswith("text:") and bool(_ONE_SEX_WORDS.fullmatch(node.concept.removeprefix("text:"))))
    if isinstance(node, (AllOf, AnyOf, Not, Defined)):
        return all(_only_of_a_sex(child) for child in node.children())
    return False


_WOMEN_WORD = re.compile(r"\b(?:wom[ae]n|females?|girls?)\b", re.I)
_MEN_WORD = re.compile(r"\b(?:m[ae]n|males?|boys?)\b", re.I)


def _joined_span(nodes: list[Node]) -> tuple[int, int] | None:
    spans = [n.span for n in nodes if n.span]
    return (min(s[0] for s in spans), max(s[1] for s in spans)) if spans else None


# "Female participants with infants must agree not to breastfeed": what one sex must do or be
_ONE_SEX_MUST = re.compile(r"\s*(?:all\s+)?(?:(?P<female>females?|wom[ae]n)|males?|m[ae]n)\b[^.;]*?\b(?:must|should|shall|will\s+need|need\s+to|agrees?\s+to|are\s+required|is\s+required)\b", re.I)


def _requirement_of_one_sex(rule: Node, clean: str, kind: str) -> Node:
    """In an inclusion, a requirement of one sex binds that sex only: met by the other."""
    opening = _ONE_SEX_MUST.match(clean)
    if kind != "inclusion" or not opening:
        return rule
    asserted = _asserted_flags(rule)
    if (not any(isinstance(n, Sex) for n in rule.walk()) and asserted & _FEMALE_STATES
            and not any(isinstance(n, Flag) and n.variable == "childbearing_potential" for n in rule.walk())):
        # "Females must be postmenopausal for at least 1 year": the sex was read as a filler (a state only a
        # woman can be in, required as it stands, not denied and not for the fertile only)
        sex = Sex(("female",) if opening.group("female") else ("male",), span=rule.span)
        return AnyOf((Not(sex, span=rule.span), rule), span=rule.span)
    if not isinstance(rule, AllOf):
        return rule
    sexes = [item for item in rule.items if isinstance(item, Sex)]
    if len(sexes) != 1 or len(sexes[0].values) != 1:
        return rule
    rest = [item for item in rule.items if item is not sexes[0]]
    required = rest[0] if len(rest) == 1 else AllOf(tuple(rest), span=rule.span)
    return AnyOf((Not(sexes[0], span=sexes[0].span), required), span=rule.span)


_FEMALE_STATES = frozenset({"postmenopausal", "pregnant", "breastfeeding", "planning_pregnancy"})
_CHILDBEARING = re.compile(r"\b(?:child[- ]?bearing|reproductive)\s+potential\b", re.I)
_WOMEN_OPENING = re.compile(r"\s*(?:all\s+|any\s+)?(?:wom[ae]n|females?|female\s+(?:patients?|subjects?|participants?|volunteers?)|wocbp)\b", re.I)


def _said_of_women(rule: Node, clean: str, kind: str) -> Node:
    """"Women who are pregnant, nursing or not using birth control": the women are read as a filler, which
    is right for states only a woman can be in; a man not using birth control is no one it speaks of. The
    whole is then said of women (of those who can bear children, when it names them): an exclusion needs
    one, an inclusion binds only them."""
    flags = [n.variable for n in rule.walk() if isinstance(n, Flag)]
    if (not _WOMEN_OPENING.match(clean) or _MEN_WORD.search(clean) or any(isinstance(n, Sex) for n in rule.walk())
            or not set(flags) - _FEMALE_STATES - {"childbearing_potential", "healthy_volunteer"}):
        return rule
    fertile = "childbearing_potential" in flags or _CHILDBEARING.search(clean)
    scope = Flag("childbearing_potential", span=rule.span) if fertile else Sex(("female",), span=rule.span)
    if kind == "exclusion":
        return AllOf((scope, rule), span=rule.span)
    return AnyOf((Not(scope, span=rule.span), rule), span=rule.span)


def _asserted_flags(rule: Node) -> frozenset[str]:
    """The flags the rule asks to hold, not under a negation."""
    def walk(node: Node, negated: bool):
        if isinstance(node, Not):
            yield from walk(node.item, not negated)
        elif isinstance(node, Flag):
            if not negated:
                yield node.variable
        else:
            for child in node.children():
                yield from walk(child, negated)
    return frozenset(walk(rule, False))


# what no trial excludes: "Use of effective means of contraception ... in subjects of child-bearing potential"
# among exclusions is a requirement, never an exclusion of those who use it
_AGREEMENTS = frozenset({"informed_consent", "willing_to_comply", "uses_contraception"})


_CONTRACEPTION = re.compile(r"\b(?:contracepti\w*|birth\s+control|abstinen\w*|abstain\w*)", re.I)


def _requires_an_exposure(rule: Node) -> bool:
    """Whether the rule asks for a drug or a procedure on record (not its absence)."""
    return bool(_findings_by_polarity(rule, ("drug", "procedure"))[0])


# "No more than 2 prior regimens", "Not controlled hypertension": a bound or a qualifier, no denial
_NOT_A_DENIAL = re.compile(r"\W*(?:no|not)\s+(?:more|less|fewer|greater|higher|lower|later|earlier|longer|shorter"
                           r"|(?:(?:adequately|well|optimally|sufficiently|properly)\s+)?controlled)\b", re.I)


# being off a treatment, said without a negation word
_HELD_OFF = re.compile(r"(?<!wearing )\boff\b(?!-label| label)|\b(?:abstain\w*|refrain\w*|free\s+of)\b", re.I)


def _asserts_what_it_denies_not(rule: Node, categories: tuple[str, ...] = ()) -> bool:
    """Whether the rule asks for a finding (of the categories, when given) that it nowhere denies."""
    positive, denied = _findings_by_polarity(rule, categories)
    return bool(positive - denied)


def _requires_what_it_denies(rule: Node) -> bool:
    """Whether an "all of" asks for a finding beside a denial of the same finding, or an "any of" offers a
    rule and its denial ("NOT informed_consent OR informed_consent", which everyone meets)."""
    for node in rule.walk():
        if isinstance(node, AllOf):
            denied = {n.render() for item in node.items if isinstance(item, Not) for n in item.item.walk() if isinstance(n, Finding)}
            if denied and denied.intersection(item.render() for item in node.items if isinstance(item, Finding)):
                return True
        if isinstance(node, AnyOf):
            denied = {item.item.render() for item in node.items if isinstance(item, Not)}
            if denied and denied.intersection(item.render() for item in node.items if not isinstance(item, Not)):
                return True
    return False


def _findings_by_polarity(rule: Node, categories: tuple[str, ...] = ()) -> tuple[set[str], set[str]]:
    """The concepts of the findings (of the categories, when given) the rule asks for, and those it denies."""
    positive: set[str] = set()
    denied: set[str] = set()

    def walk(node: Node, negated: bool) -> None:
        if isinstance(node, Not):
            walk(node.item, not negated)
            return
        if isinstance(node, Finding) and (not categories or node.category in categories):
            (denied if negated else positive).add(node.concept)
        for child in node.children():
            walk(child, negated)

    walk(rule, False)
    return positive, denied


def _agreement_excludes(rule: Node, kind: str) -> bool:
    """An exclusion met by a patient's consent, willingness or contraception: always a misreading."""
    return kind == "exclusion" and bool(_asserted_flags(rule) & _AGREEMENTS)


def _numbers_split_alternatives(rule: Node) -> bool:
    """An "or" over a bare number left unread and a part read whole, which would meet it alone."""
    return any(isinstance(node, AnyOf)
               and any(isinstance(item, Review) and _LIST_NUMBER.fullmatch(item.text) for item in node.items)
               and any(not any(isinstance(n, Review) for n in item.walk()) for item in node.items)
               for node in rule.walk())


_MAY_OPENING = re.compile(r"\s*(?:(?:the |all |any )?(?:patients?|subjects?|participants?|individuals?)\s+)?(?:may|can|could|might)\b(?!\s+not\b)", re.I)
# "Participants with prior exposure to csDMARDs other than MTX may be enrolled if ...": whom the trial admits
_PERMISSION_CLAUSE = re.compile(r"\b(?:may|can|could) (?:still )?(?:be (?:enrolled|included|eligible|allowed|permitted|considered|randomi[sz]ed)"
                                r"|enrol|enroll|participate|enter|join)\b|\b(?:is|are) (?:allowed|permitted|acceptable)\b"
                                # "Patients on G-CSF will be allowed to continue it", "... will also be eligible",
                                # "Children under 2 will only be enrolled remotely": whom the trial admits, or how
                                r"|\bwill (?:also |only )?be (?:allowed|permitted|accepted|acceptable)\b"
                                r"|\bwill (?:also|only) be (?:enrolled|included|eligible|considered|randomi[sz]ed)\b"
                                r"|\bwill be (?:enrolled|included|seen) only\b", re.I)
# "Patients with chronic stable radiographic changes who are asymptomatic are eligible": whom the trial also
# admits; but "Patients aged ≥18 are eligible", "Male and female subjects are eligible" describe everyone it admits
_SAYS_ELIGIBLE = re.compile(r"\b(?:is|are) (?:also |still )?(?:eligible|not excluded)\b(?! (?:for|to) )", re.I)
# a permission in brackets relaxes what it follows, which the reading joins as a part for review
_LOST_SIGN = re.compile(r"\s*\d+(?:\.\d+)?\s*(?:[x×*]|times)?\s*(?:the\s+)?(?:ULN|LLN|upper limits? of normal|lower limits? of normal)\b"
                        r"(?!.{0,30}\b(?:or (?:more|higher|greater|less|lower|above|below)|and (?:above|below)))"
                        # "20 = Age < 80 years": a "≤" the source turned into "="
                        r"|\s*\d+(?:\.\d+)?\s*=\s*[A-Za-z]", re.I)
_NARROWING_CLAUSE = re.compile(r"\b(?:that|which)\s+(?:(?:could|would|may|might|can|will|is|are|is\s+likely\s+to|are\s+likely\s+to)"
                               r"\s+)?(?:potentially\s+|significantly\s+)?(?:interfere|affect|alter|impair|compromise|prevent|preclude"
                               r"|limit|jeopardi[sz]e|influence|increase|put)", re.I)
_PERIOD_ALONE = re.compile(r"\W*(?:within|in|during)\s+(?:the\s+)?(?:last|past|previous|preceding)?\s*\d+(?:\.\d+)?\s*"
                           r"(?:days?|weeks?|months?|years?|hours?)\b", re.I)


def _alternative_misread(items: tuple[Node, ...]) -> bool:
    """Alternatives of an "or" of which one holds what bounds or narrows the others:
    - a clause that may narrow every alternative, left unread in the last ("Gastrointestinal diseases or conditions
      that could affect drug absorption"), beside names read without it;
    - the rule on toxicities of prior treatment beside an undated treatment ("Not recovered from toxic effects of
      previous anti-cancer treatments or surgery"), what is not recovered from read as had;
    - a period left unread as an item ("History or evidence, within the last 6 months prior to the Screening Visit,
      of myocardial infarction, coronary revascularization ..."), beside exposures read as of any time.
    (Beside "and", such words left unread leave the rest unknown at worst.)"""
    if len(items) < 2:
        return False
    bare = [item for item in items if isinstance(item, Finding) and item.window is None]
    clause_on_the_last = (any(isinstance(n, Review) and _NARROWING_CLAUSE.search(n.text) for n in items[-1].walk())
                          and any(isinstance(item, Finding) and not item.qualifiers for item in items[:-1]))
    toxicity_beside_treatment = (any(isinstance(n, Finding) and n.concept == TREATMENT_TOXICITY for item in items for n in item.walk())
                                 and any(item.category in ("drug", "procedure") and item.status != "current" for item in bare))
    period_as_an_item = (any(isinstance(item, Review) and _PERIOD_ALONE.match(item.text) for item in items)
                         and any(item.status != "current" for item in bare))
    return clause_on_the_last or toxicity_beside_treatment or period_as_an_item


def _period_given_back(rule: Node, clean: str) -> bool:
    """A period said mid-list, given to every name before it: "(Hypertension, diabetes, congestive heart failure,
    myocardial infarction within 6 months of study, chronic renal disease, or ...)". Ending a list ("MI, stroke or
    TIA within 6 months") it is every item's; followed by names of their own, whether it reaches back is not said."""
    def alternatives(node: Node):
        for item in node.items:
            if isinstance(item, AnyOf):
                yield from alternatives(item)
            elif isinstance(item, Finding) and item.span is not None:
                yield item

    for node in rule.walk():
        if not isinstance(node, AnyOf):
            continue
        found = list(alternatives(node))
        for window in {n.window for n in found if n.window is not None}:
            said = clean.find(window.amount.text) if window.amount.text else -1
            given = [n for n in found if n.window == window]
            first = min((n.span[0] for n in given), default=said)
            # "MI or stroke within 6 months, or active infection": an "or" before the period groups what it ends
            grouped = re.search(r"\b(?:or|and|and/or)\b|/", clean[first:said], re.I)
            if (said > 0 and len(given) > 1 and first < said and not grouped
                    and any(n.window is None and n.span[0] > said for n in found)):
                return True
    return False


_LIST_NUMBER = re.compile(r"\s*(?:\d{1,2}[a-c]?|[ivx]{1,4}|[IVX]{1,4})\s*[.,;]?\s*")
_CONTRAINDICATED = re.compile(r"\bcontra-?\s?indicat\w*\s+(?:to|for|with|of|against)\b|\bcontra-?\s?indicating\b"
                              # "Allergy to penicillin, cephalosporins or vancomycin": each is an allergy, never a drug taken
                              r"|\b(?:allerg\w*|hypersensitiv\w*|intoleran\w*|sensitivity|idiosyncratic)(?:\s+reactions?)?\s+(?:to|or|attributed|attributable)\b", re.I)
# "Previous failure to respond to a TNF antagonist or anakinra": among exclusions, not every patient who took it
_FAILED_ON = re.compile(r"\b(?:fail(?:ed|ure|ing)?|lack\s+of\s+(?:response|efficacy)|(?:inadequate|poor|insufficient)\s+response|refractory"
                        r"|resistan(?:t|ce)|progress\w*\s+(?:on|after|during|while))\b", re.I)
# words saying a treatment is still to come
PROSPECTIVE = re.compile(r"\b(?:appropriate|suitable|candidates?|candidacy|recommended|indications?\s+for|awaiting|(?:referred|referral)\s+(?:for|to)"
                         r"|(?:planned|scheduled|anticipated)(?! (?:first|start|initiation|day|date|dose|randomi))"
                         r"|intend(?:s|ed)?|plan(?:s|ning)? (?:to|for)"
                         r"|will (?:receive|undergo|be (?:treated|given|receiving|undergoing))|to be (?:treated|given)|eligible (?:for|to receive)"
                         r"|fit (?:for|to receive)|unsuitable|unfit|ineligible)\b", re.I)
# a line that opens with the plan: among exclusions too, what it names is to come ("Patients who are planned to
# receive the following medication: ..."); further on, the plan may be one alternative of several
_PLAN_OPENING = re.compile(r"\W*(?:(?:patients?|subjects?|participants?|who|are|is|be|being|has|have|an?|the)\s+)*"
                           + PROSPECTIVE.pattern, re.I)


_NEEDED = re.compile(r"\b(?:(?:requirements?|needs?)\s+(?:for|of)|(?:who|that)\s+requires?|^(?:\w+\s+)?requires?"
                     r"|(?:likely|expected|anticipated)\s+(?:to\s+)?(?:need|require)|(?:will|would)\s+(?:likely\s+)?(?:need|require))\b", re.I)


_ONGOING_PROCEDURES = frozenset({"dialysis", "mechanical_ventilation"})


def _procedure_to_come(rule: Node, after: str) -> bool:
    """A procedure read without a period, other than an ongoing one (dialysis, mechanical ventilation),
    named in `after`, the words after the need ("organ transplant that requires immunosuppressives": not
    the transplant)."""
    lexicon = get_lexicon()
    return any(isinstance(n, Finding) and n.category == "procedure" and n.window is None
               and not _ONGOING_PROCEDURES & lexicon.ancestors(n.concept) and _names_in(n.concept, after)
               for n in rule.walk())


def _names_in(concept_id: str, text: str) -> bool:
    """Whether one of the concept's names is written in `text`."""
    concept = get_lexicon().concepts.get(concept_id)
    return concept is None or any(re.search(rf"\b{re.escape(name)}", text, re.I) for name in concept.names)


def _treatment_read(rule: Node) -> bool:
    """A drug or procedure required as a record, outside any negation."""
    def walk(node: Node, negated: bool) -> bool:
        if isinstance(node, Not):
            return walk(node.item, not negated)
        if isinstance(node, Finding):  # an explicit past ("prior", "within 4 weeks") is a record
            return (not negated and node.category in ("drug", "procedure", "any") and node.window is None
                    and node.status not in ("previous", "history"))
        return any(walk(child, negated) for child in node.children())
    return walk(rule, False)


_EXCEPTION_OPENINGS = ("other than ", "except ", "excluding ", "apart from ", "not including ")
_WINDOW_OPENINGS = frozenset({"within", "in", "during"})
_CLAUSE_ENDS = frozenset({"(", ")", ",", ";", "or", "and", "and/or", ":"})


def _exception_read_after_its_window(clean: str, lexemes: list, kind: str, rule: Node, problems: tuple) -> tuple[Node, tuple]:
    """"History of cancer (other than basal cell carcinoma) within 5 years prior to screening": a bracketed
    exception before the window that ends the criterion, read after it (", other than ..."). The words are
    then out of order, so that a part left for review would quote the wrong text: the reading counts only
    when nothing outside the bracket is left for review."""
    if not any(isinstance(n, Review) for n in rule.walk()):
        return rule, problems
    words = [lexeme.g for lexeme in lexemes]
    for start in range(1, len(words) - 3):
        if words[start] != "(" or not " ".join(words[start + 1:start + 6]).startswith(_EXCEPTION_OPENINGS) or ")" not in words[start:]:
            continue
        close = words.index(")", start)
        window = words[close + 1:]
        if ("(" in words[start + 1:close] or not window or window[0] not in _WINDOW_OPENINGS or _CLAUSE_ENDS.intersection(window)
                or not any(NUMBER_START.match(word) for word in window)):
            continue
        comma = Lexeme(",", lexemes[close].start, lexemes[close].start)
        moved = lexemes[:start] + lexemes[close + 1:] + [comma] + lexemes[start + 1:close]
        reading, reading_problems = _read(clean, moved, kind)
        inside = (lexemes[start].start, lexemes[close].end)
        if not all_review(reading) and all(inside[0] <= n.span[0] and n.span[1] <= inside[1]
                                           for n in reading.walk() if isinstance(n, Review) and n.span):
            return reading, reading_problems
        return rule, problems
    return rule, problems


def _unread_parts(rule: Node) -> tuple[int, int]:
    """How much of a reading is left for review, to compare two readings: fewer computable leaves
    first, then more Review leaves."""
    leaves = [n for n in rule.walk() if not n.children()]
    reviews = sum(isinstance(n, Review) for n in leaves)
    return reviews - len(leaves), reviews


def _read(clean: str, lexemes: list, kind: str) -> tuple[Node, tuple[str, ...]]:
    """Parse and build; what cannot be read is one Review with the reason."""
    builder = Builder(clean, lexemes, kind)
    try:
        parsed = grammar.parse(" ".join(lexeme.g for lexeme in lexemes))
    except pp.ParseBaseException as error:
        position = builder.span(grammar.Parsed("unknown", start=error.loc, end=error.loc + 1))[0]
        problem = SourceError(f"not understood: {error.msg}", clean, position)
        return Review(clean, classify_review(clean), span=(0, len(clean))), (problem.explain(),)
    except RecursionError:
        return Review(clean, classify_review(clean), span=(0, len(clean))), ("criterion nests too deeply to parse; left for review",)
    try:
        rule = builder.build(parsed)
    except (ArithmeticError, ValueError) as error:  # a number the rule cannot hold; keep the line for review
        return Review(clean, "unit_error", span=(0, len(clean))), (f"cannot build a rule: {error}",)
    return rule, tuple(SourceError(message, clean, position).explain() for message, position in builder.problems)


_LEAD_WORDS = frozenset("the a an each all any study".split())
_QUESTION_OPENINGS = frozenset("does do did is are was has have".split())
_AUXILIARIES = ("must have", "should have", "must be", "should be", "will have", "has", "have", "had",
                "is", "are", "was", "were", "must", "should", "will", "shall")
# words that make the rest a permission or a condition, not a fact about the patient
_PERMISSION = frozenset("eligible ineligible allowed permitted excluded included may can could might acceptable unless except if "
                        "provided whereas however".split())


_WOMANS_STATE = re.compile(r"childbearing|contracept|pregnan|lactat|breast|fertil|steril")
_SHOWING = frozenset("shows show showing demonstrates demonstrate demonstrating exhibits exhibit presents present presenting".split())


def _without_subject_lead(lexemes: list) -> list | None:
    """The lexemes after "The patient has", "Subjects who have", "Participants must be"; None when
    the criterion does not open with a person, or what follows grants or conditions something."""
    words = [lexeme.g for lexeme in lexemes]
    if len(words) > 2 and words[0] in _SHOWING:  # "Shows a post-bronchodilator FEV1 of ≤ 50% of predicted": the person unsaid
        start = 2 if words[1] == "with" else 1
        return lexemes[start:] if not _PERMISSION.intersection(words[start:]) else None
    if len(words) > 2 and words[0] in ("is", "are"):  # "Is a male or female aged 40 or older"
        start = 2 if words[1] in ("a", "an") else 1
        # not before a woman's states ("Is a woman of childbearing potential unwilling to use ..."), read on their own
        if words[start] in SEX_WORDS and not any(_WOMANS_STATE.match(w) for w in words):
            return lexemes[start:]
    i = 0
    asked = words[0] in _QUESTION_OPENINGS if words else False  # "Does the patient have ...?", "Is the patient ...?"
    if asked:
        i = 1
    while i < len(words) and words[i] in _LEAD_WORDS:
        i += 1
    if asked and (i >= len(words) or words[i] not in PERSON_WORDS):  # "Have a score of ...": no question, the person unsaid
        asked, i = False, 0
    unsaid = not asked and i == 0 and bool(words) and words[0] in ("has", "have", "had")  # "Has a history of ...": the person unsaid
    if not unsaid and (i >= len(words) or words[i] not in PERSON_WORDS):
        return None
    i += 0 if unsaid else 1
    if asked:
        if words[0] in ("does", "do", "did") and i < len(words) and words[i] in ("have", "has", "had"):
            i += 1
        return lexemes[i:] if i < len(words) and not _PERMISSION.intersection(words[i:]) else None
    if i < len(words) and words[i] in ("'s", "who", "that"):
        i += 1
    rest = " ".join(words[i:])
    for auxiliary in _AUXILIARIES:
        if (rest + " ").startswith(auxiliary + " "):
            following = rest[len(auxiliary):].split()[:1]
            # "has not", "has received", "have had": the auxiliary belongs to what follows
            if not following or following[0] in ("not", "no", "never", "had", "been") or following[0].endswith(("ed", "en")):
                break
            i += len(auxiliary.split())
            break
    if i >= len(words) or _PERMISSION.intersection(words[i:]):
        return None
    return lexemes[i:]


def _all_of_across_semicolon(rule: Node, clean: str) -> bool:
    """Whether an "all of" joins parts on the two sides of a semicolon outside brackets."""
    depth, semicolons = 0, []
    for index, char in enumerate(clean):
        depth += char in "([" and 1 or char in ")]" and -1 or 0
        if char == ";" and depth <= 0:
            semicolons.append(index)
    for node in rule.walk():
        # (not one variable's bounds: "Hb < 12 g/dL for males; < 11 g/dL for females" keeps its sexes apart)
        if isinstance(node, AllOf) and not (all(isinstance(item, (Compare, Between, OneOf)) for item in node.items)
                                            and len({item.variable for item in node.items}) == 1):
            spans = [item.span for item in node.items if item.span]
            if any(any(a[1] <= at < b[0] for a in spans for b in spans) for at in semicolons):
                return True
    return False


def _bare_finding(clean: str, lexemes: list, kind: str) -> tuple[Node, tuple[str, ...]] | None:
    """"Structural lung abnormalities": a criterion that is only the name of a finding the lexicons
    do not know, matched by that name; None when it is not one (see Builder._names_a_finding)."""
    if clean.endswith(":"):  # a heading ("Target disease exceptions:"), not a finding
        return None
    parsed = grammar.parse_bare_finding(" ".join(lexeme.g for lexeme in lexemes))
    if parsed is None:
        return None
    rule = Builder(clean, lexemes, kind).build(parsed)
    return None if all_review(rule) else (rule, ())


def _dated(rule: Node) -> bool:
    """Whether every finding of the rule says when: a window, or current or prior."""
    findings = [node for node in rule.walk() if isinstance(node, Finding)]
    return bool(findings) and all(f.window is not None or f.status in ("current", "previous") for f in findings)


_INCLUDED_TAIL = re.compile(
    r"[\s,]*(?:will|shall)\s+be\s+(?:enrolled|included|recruited|eligible)(?:\s+(?:in|into|for)\s+(?:this|the)\s+(?:study|trial))?\s*\.?\s*$", re.I)
_SHORTER_OF_TWO = re.compile(r"\bwhichever\s+(?:is|comes)\s+(?:shorter|less|lesser|earlier|sooner|smaller|first)\b", re.I)
# an inclusion that says whom it excludes, where the reading did not turn it round
_SAYS_EXCLUDED = re.compile(
    r"\b(?:are|is|will\s+be|shall\s+be|should\s+be|would\s+be)\s+(?:not\s+eligible|ineligible|excluded)\b"
    r"(?!\s+(?:for|to|from)\s+(?!(?:this|the)\s+(?:study|trial|protocol)))", re.I)  # not "ineligible for transplantation"


# a requirement's main verb: "[Patients of childbearing potential] must ...", not "Patients who must receive
# docetaxel" (whom the exclusion names) nor "must be completed at least 4 weeks before" (a washout)
_REQUIREMENT_OPENING = re.compile(
    r"\s*(?:(?!(?:who|whom|whose|that|which|if|when|unless)\b)[A-Za-z0-9>≥<≤][\w'’/-]*\s+){0,8}?(?:must|should|shall)\s+"
    r"(?!not\b|never\b|be\s+excluded\b|(?:have\s+been\s+|be\s+)?(?:completed|discontinued|stopped|finished|ended|withdrawn)\b)", re.I)
# what only a requirement asks, wherever it stands: "... or those who have reached menarche must have a negative pregnancy test"
_REQUIREMENT_VERB = re.compile(r"\b(?:must|should|shall)\s+(?:also\s+)?(?:have\s+(?:a\s+|two\s+|2\s+)?negative|use|agree|practi[cs]e"
                               r"|be\s+willing|consent|comply)\b", re.I)


def _requirement_among_exclusions(clean: str) -> bool:
    if _REQUIREMENT_OPENING.match(clean):
        return True
    return any(clean[: found.start()].count("(") == clean[: found.start()].count(")") for found in _REQUIREMENT_VERB.finditer(clean))


# "must not have received more than 2 prior regimens": a bound required, read as the bound "at most"
_AT_MOST_REQUIRED = re.compile(r"\b(?:must|should)\s+not\s+have\s+(?:received\s+|had\s+)?more\s+than\b", re.I)
_NEGATED_OPENING = re.compile(
    # "Phase I: No prior treatment with sorafenib": a label does not change what the negation says
    r"(?:[A-Za-z0-9][^:;.()]{0,40}:\s*)?"
    r"(?:(?:the\s+|an?\s+|each\s+|all\s+|any\s+)?(?:patients?|subjects?|participants?)\s+(?:with\s+)?)?(?:no|not|none|without|must\s+not|should\s+not|can\s*not|cannot|may\s+not"
    r"|must\s+have\s+no|ha(?:s|ve)\s+no|has\s+not|have\s+not|did\s+not|who\s+(?:have|has|had|did|do|does|are|is)\s+not|who\s+(?:have|has)\s+never"
    r"|(?:a\s+)?negative|(?:previously\s+|prior\s+)?untreated\s+(?:with|by)|(?:treatment[-\s]*)?na[iï]ve\s+(?:to|for))\b"
    r"(?!\s+(?:be\s+)?(?:able|willing|capable|candidates?|suitable|fit|available|eligible|competent|likely)\b)", re.I)


def compile_trial(source: Any) -> Trial:
    """Read a trial in any supported form and compile each of its criteria."""
    trial_source = read_source(source)
    items, split_notes = split_criteria(trial_source.criteria_text, trial_source.criteria_offset)
    notes = list(trial_source.notes) + split_notes
    criteria: list[Criterion] = []
    for item in items:
        if _DATED_NOTE.match(item.text) and not item.children:
            notes.append(f"dated note, not a criterion: {item.text!r}")
            continue
        criteria.append(_compile_item(item, len(criteria)))
    problems: list[str] = []
    if not criteria:
        sections = "; ".join(notes) or "nothing"
        problems.append(f"no eligibility criteria found (read: {sections})")
    criteria.extend(_structured(trial_source, len(criteria)))
    return Trial(trial_source.nct_id, trial_source.title, trial_source.format, tuple(criteria), tuple(notes), tuple(problems),
                 _studied_classes(trial_source, criteria))


# "tumor necrosis factor" is no tumour
_CLASS_TOPICS = {
    "cancer": re.compile(
        r"\b(?:cancers?|(?:adeno)?carcinomas?|malignan\w*|tumou?rs?(?! necrosis)|neoplas(?:m|ms|ia|tic)|lymphomas?|leuka?emias?"
        r"|myelomas?|sarcomas?|melanomas?|gliomas?|glioblastomas?|\w+blastomas?|mesotheliomas?|metasta\w+|oncolog(?:y|ic|ical)"
        r"|NSCLC|SCLC|HCC|RECIST|myelodysplastic|MDS|AML|CLL|CML)\b", re.I),
    "infection": re.compile(
        r"\b(?:infections?|infectious|infected|HIV|AIDS|HCV|HBV|hepatitis [BC]|COVID-19|COVID|SARS-CoV-2|coronavirus|influenza"
        r"|tuberculosis|sepsis|septic|pneumonia|malaria|bacteri?aemia|bacteremia|cellulitis|osteomyelitis|meningitis|endocarditis"
        r"|cytomegalovirus|CMV)\b", re.I),
}
# an inclusion that denies the disease ("No history of malignancy") does not say the trial studies it
_DENIAL = re.compile(r"^\W*(?:no|not|without|never|free of|absence of|negative)\b|\b(?:no|without|free of|not have)\s+(?:[\w-]+\s+){0,5}?"
                     r"(?:cancer|malignan|tumou?r|neoplas|carcinoma|infect|HIV|hepatitis)", re.I)


def _studied_classes(source: TrialSource, criteria: list[Criterion]) -> tuple[str, ...]:
    """The classes of disease a trial studies: named by its titles, conditions or keywords, or by an
    inclusion that does not deny it, or as a finding an inclusion requires."""
    def inclusions(items):
        for criterion in items:
            if criterion.kind == "inclusion" and criterion.origin == "criteria":
                yield criterion
                yield from inclusions(criterion.children)

    texts = [source.title, source.about, *(c.text for c in inclusions(criteria) if not _DENIAL.search(c.text))]
    lexicon = get_lexicon()
    required = {cls for c in inclusions(criteria) for node in _required_findings(c.rule)
                for cls in STUDIED_CLASSES & (lexicon.ancestors(node.concept) | lexicon.possible_classes(node.concept))}
    return tuple(sorted(cls for cls in STUDIED_CLASSES if cls in required or any(_CLASS_TOPICS[cls].search(t) for t in texts if t)))


def _required_findings(node: Node, denied: bool = False):
    """The findings a rule requires, not those it denies."""
    if isinstance(node, Finding) and not denied:
        yield node
    for child in node.children():
        yield from _required_findings(child, denied != isinstance(node, Not))


def _compile_item(item: Item, index: int, context: str = "", under: str = "") -> Criterion:
    if item.children:
        # "Age:" / "Life expectancy:" above "- 18 and over": the header names what its items measure.
        header = item.text.rstrip(" :：")
        measures = header if get_lexicon().find_term(header, ("@lab:",)) else ""
        # "Known hypersensitivity to any of the following:" above "- Bortezomib": what the patient reacts to;
        # "Contraindications to MRI:" above "- Pacemaker", what rules a treatment or a test out
        under = under or _reaction_header(item.text)
        children = tuple(_compile_item(child, i, measures, under) for i, child in enumerate(item.children))
        mode = item.group_mode or ("all" if item.kind == "inclusion" else "any")
        combined = (AnyOf if mode == "any" else AllOf)(tuple(c.rule for c in children))
        needed = count_required(item.text) if mode == "count" else None
        if needed is not None and needed <= len(children):  # "At least 2 of the following:"
            rule, diagnostics = AtLeast(needed, tuple(c.rule for c in children)), []
        elif mode == "count":  # "Score ≥ 4 on two of the following PANSS items": what is counted is not the items
            rule, diagnostics = Review(item.text, "not_understood", hints=(combined,), span=(0, len(item.text))), []
        elif _ABOUT_SOMEONE_ELSE.match(item.text + ("" if item.text.rstrip().endswith((":", "：")) else ":")):
            # "Donor eligibility:" above "- Age 18 to 60 years": the donor's requirements, not the patient's
            rule, diagnostics = Review(item.text, "conditional", hints=(combined,), span=(0, len(item.text))), []
        else:
            rule, diagnostics = _header_rule(item, combined)
        return Criterion(index, item.kind, item.text, (item.start, item.end), rule, children, diagnostics=tuple(diagnostics))
    rule, diagnostics = _under_a_reaction(item, under) if under else compile_criterion(item.text, item.kind)
    if item.text.rstrip().endswith((":", "：")) and not all_review(rule) and (_a_heading_alone(rule, item.kind)
                                                                             or _WHAT_FOLLOWS.search(item.text)):
        # "Women:", "Cardiac disease:" above paragraphs of their own among exclusions: a heading for what follows,
        # which read alone as a criterion would exclude every woman, any heart disease
        rule = Review(item.text, "not_a_criterion", hints=(rule,), span=(0, len(item.text)))
        diagnostics = (*diagnostics, "a heading with no items under it; what it heads is read line by line")
    if item.whose and not all_review(rule):
        # under "DONOR INCLUSION CRITERIA:": the donor's requirement, which the patient's record would answer wrongly
        rule = Review(item.text, "conditional", hints=(rule,), span=(0, len(item.text)))
        diagnostics = (*diagnostics, f"a requirement of the {item.whose}, not of the patient; left for review")
    if context and not any(n.kind in ("compare", "between", "one_of") for n in rule.walk()):
        with_context, context_diagnostics = _compile_criterion(f"{context} {item.text}", item.kind)
        if any(n.kind in ("compare", "between", "one_of") for n in with_context.walk()):
            rule, diagnostics = _shift(with_context, len(context) + 1), context_diagnostics
    return Criterion(index, item.kind, item.text, (item.start, item.end), rule, diagnostics=tuple(diagnostics))


# a line that says its list or definition comes after it: "... including the following:", "... defined as:"
_WHAT_FOLLOWS = re.compile(r"\b(?:following|follows)\b|\b(?:defined\s+as|based\s+on|includ\w*|below|listed|these|such\s+as|e\.g|criteria)\W*$", re.I)


def _a_heading_alone(rule: Node, kind: str) -> bool:
    """A sex alone, or among exclusions a finding named bare (no period, dose or grade): what a heading says of the
    lines after it. A requirement with more in it ("Is post-menopausal:", "... within 12 months:") stands."""
    leaves = [n for n in rule.walk() if not n.children()]
    if all(isinstance(n, Sex) for n in leaves):
        return True
    return kind == "exclusion" and all(isinstance(n, Finding) and n.window is None and not n.dose and not n.grade for n in leaves)


def _shift(node: Node, offset: int) -> Node:
    """A tree compiled from "<header> <text>", with spans moved back into <text>."""
    span = (max(0, node.span[0] - offset), max(0, node.span[1] - offset)) if node.span else None
    return replace(node.with_children(lambda child: _shift(child, offset)), span=span)


_CONDITIONAL_HEADER = re.compile(
    r"\b(if|when|whenever|in case|for (?:women|men|patients|subjects|participants|those|female|male)|women|men|females|males|"
    r"(?:patients?|subjects?|participants?|individuals?|those|persons?) (?:who|whom|taking|receiving|treated)|only)\b"
    # "Part B", "For Cohort 2:", "Dose escalation phase:": the items of one part of the trial
    r"|^\W*(?:for\s+|in\s+)?(?:the\s+)?(?:parts?|cohorts?|arms?|groups?|phases?|stages?|steps?|sub-?stud(?:y|ies)|dose[- ](?:escalation|expansion|confirmation))\b", re.I)


_NONE_OF_HEADER = re.compile(
    r"(?i)(?:(?:patients?|subjects?|participants?|they)\s+)?(?:(?:must|should|may|shall|will|do|does)\s+)?(?:not|no|none|never)"
    r"(?:\s+(?:have|has|had|be|been|meet|meets|experienced?|received?|any|of|the|following|present|with|history\s+of))*")
_EXCEPTING = re.compile(r"\b(?:except|exceptions?|excluding|other than|apart from|besides|unless)\b", re.I)
# a header that denies what it lists: the denial opens it ("No ...", "Patients must not have ...")
_DENYING_HEADER = re.compile(r"\W*(?:(?:the\s+)?(?:patients?|subjects?|participants?)\s+(?:must|should|may|shall|will)\s+)?"
                             r"(?:no|not|none|without|never|neither|free of|absence of)\b", re.I)
# a header whose items are what it speaks of, not notes on it
_LISTING_HEADER = re.compile(r"[:：]\s*$|\b(?:following|below|listed|these|includ\w*|such as|e\.g)\b", re.I)
# "... and not have the following conditions:": a denial of the list, wherever the header says it
_DENIES_WHAT_FOLLOWS = re.compile(r"\b(?:no|not|none|without|never|free\s+of)\b(?:(?:\s+[\w-]+){0,2}?\s+(?:of\s+)?(?:the\s+)?following\b"
                                  r"|(?:\s+[\w'-]+){0,8}?,?\s+(?:including|includes?|such\s+as)\s*[:：]\s*$)", re.I)
_NOT_LIMITED = re.compile(r",?\s*(?:but\s+)?not\s+limited\s+to\s*,?", re.I)


# "Known hypersensitivity to any of the following:", "Patients will be excluded if they have allergies to the following:"
# not "Failure or intolerance to ... the following agents:", which lists what was taken
_ALLERGY_HEADER = re.compile(r"\b(?P<what>allerg\w*|hypersensitiv\w*|contra-?\s?indicat\w*)(?:\s+[\w/-]+){0,3}?\s+(?:to|against|with)\b"
                            r"[^.;]*(?:following\b[^.;]*|:)\s*$", re.I)
_ALLERGY_TO = "Allergy to "


def _reaction_header(text: str) -> str:
    """"allergy" for a header listing what the patient reacts to, "contraindication" for one listing what
    rules something out, else ""."""
    header = _ALLERGY_HEADER.search(text)
    if header is None or _FAILED_ON.search(text):
        return ""
    return "contraindication" if header.group("what").lower().startswith("contra") else "allergy"


def _under_a_reaction(item: Item, under: str) -> tuple[Node, tuple[str, ...]]:
    """An item under an allergy header, read as an allergy to it; what does not read so is for review,
    never the drug or the condition it names, which the patient may well have. An item that names its
    own reaction ("History of delayed hypersensitivity to contrast agents") is read as it stands. Under a
    contraindication header a condition stands as read ("Pacemaker" under "Contraindications to MRI:"), a
    drug is read as an allergy, as "contraindication to" a drug is."""
    if _CONTRAINDICATED.search(item.text):
        return compile_criterion(item.text, item.kind)
    if under == "contraindication":
        rule, problems = compile_criterion(item.text, item.kind)
        if not any(isinstance(n, Finding) and n.category == "drug" for n in rule.walk()):
            return rule, problems
        if len(item.text.split()) > 4:  # "Treatment with heparin within 48 hours and ...": more than a drug's name
            return Review(item.text, classify_review(item.text), span=(0, len(item.text))), ()
    rule, problems = _compile_criterion(_ALLERGY_TO + item.text, item.kind)
    concepts = get_lexicon().concepts
    if all_review(rule) or any(isinstance(n, Finding) and (n.category != "allergy" or getattr(concepts.get(n.concept), "category", "drug") != "drug")
                               or isinstance(n, Review) and n.text.startswith(_ALLERGY_TO) for n in rule.walk()):
        # not a drug ("Radiotherapy including lung field", "Implanted pacemaker"): not something one is allergic to
        return Review(item.text, classify_review(item.text), span=(0, len(item.text))), ()
    return _shift(rule, len(_ALLERGY_TO)), problems


def _header_rule(item: Item, combined: Node) -> tuple[Node, list[str]]:
    """The rule of a header with sub-items: its own condition, if any, with its children's.

    A header that makes its list conditional ("For women of childbearing potential:") cannot be
    evaluated as a plain conjunction, so it goes to review with the children as hints.
    """
    text = re.sub(r"\b(?:the\s+)?(?:presence\s+of\s+)?(?:any|one|all|each|both|either|at least one|one or more)\b[^:]*\bfollowing\b.*$",
                  "", item.text, flags=re.I).strip(" :：,")
    listing = _LISTING_HEADER.search(item.text)
    if listing and _PERIOD.search(item.text) and not _CRITERIA_LISTED.search(item.text):
        # "Use of any of the following within 14 days:", "Any of the following within 1 year before randomization:":
        # the period belongs to every item, which read alone would count any one ever. Not "... must meet all of
        # the following inclusion criteria within 28 days prior to baseline:", when its requirements are checked
        return Review(item.text, "not_understood", hints=(combined,), span=(0, len(item.text))), []
    if not text or re.fullmatch(r"(?i)(the|patients?|subjects?|participants?|must|have|has|with|who|meet|meets|any of|presence of|following| )+", text):
        return combined, []
    denied = item.kind == "inclusion" and listing and (_DENYING_HEADER.match(_NOT_LIMITED.sub("", text))
                                                       or _DENIES_WHAT_FOLLOWS.search(_NOT_LIMITED.sub("", item.text)))
    if denied and _NONE_OF_HEADER.fullmatch(text) and not any(isinstance(child, (Not, Review)) for child in combined.children()):
        # "Patients must not have any of the following:": none of the items
        return Not(AnyOf(combined.children(), span=combined.span), span=(0, len(item.text))), []
    if denied or listing and _EXCEPTING.search(text):
        # "No uncontrolled disease including any of the following:", "Prior malignancy except the
        # following:": the items are denied, or excepted, with what the header says of them (when, which
        # others); read as a list, each would be required (an exclusion's exceptions would exclude)
        return Review(item.text, "negation_scope", hints=(combined,), span=(0, len(item.text))), []
    if _CONDITIONAL_HEADER.search(text) or _PERMITTING_HEADER.search(text):
        # "Concurrent warfarin allowed provided the following criteria are met:": the items bind the
        # patients the header names, who may also be none
        return Review(item.text, "conditional", hints=(combined,), span=(0, len(item.text))), []
    # A period in a header that does not list ("More than 4 weeks since prior major surgery" above "- Wound
    # healing adequate") is a sentence whole in itself, whose items add to it
    period = _PERIOD.search(item.text) is not None
    rule, diagnostics = _compile_criterion(text, item.kind)
    if period and any(isinstance(n, Review) for n in rule.walk()):
        return Review(item.text, "not_understood", hints=(combined,), span=(0, len(item.text))), []
    if isinstance(rule, Review):
        return _labelled(text, combined), []
    # a heading ("Clinical Assessments at Screening:", "Medical History and Concurrent Diseases") read
    # only in part, or as names the lexicons do not know, is a label: joined to its list, a misread
    # name would decide the whole list. A sentence with sub-items keeps its own requirements.
    uncertain = any(isinstance(n, Review) or (isinstance(n, Finding) and n.concept.startswith("text:")) for n in rule.walk())
    if uncertain and _looks_like_heading(item.text):
        return _labelled(text, combined), []
    # "Endocrine therapy:", "Radiotherapy": a topic whose items say what is required of it; not "Bone metastases and
    # one of the following:", a requirement of its own beside them
    if ((item.text.rstrip().endswith((":", "：")) or len(text.split()) <= 3) and not re.search(r"\band$", text, re.I)
            and all(isinstance(n, Finding) for n in rule.walk() if not n.children())):
        return _labelled(text, combined), []
    return AllOf((rule, combined)), diagnostics


_DEFINED_BY_ITEMS = re.compile(r"\bdefined\b|\bas follows\b|\bspecifically\b|\bi\.?\s?e\.?|\bas described\b|\bdetermined by\b", re.I)


def _labelled(text: str, combined: Node) -> Node:
    """A heading above its items (`build.labelled_kinds`); "Severe, active co-morbidity defined as follows:" is
    defined by them, as a heading naming examples is not."""
    if _DEFINED_BY_ITEMS.search(text):
        return Defined(text, combined, span=(0, len(text)))
    return labelled_kinds(text, combined, (0, len(text)))


_CRITERIA_LISTED = re.compile(r"\bcriteri(?:a|on)\b|\brequirements?\b", re.I)
_PERIOD = re.compile(r"\b(?:\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|thirty)\s*(?:-\s*)?"
                     r"(?:days?|weeks?|months?|years?|hours?|hrs?|wks?)\b", re.I)
_PERMITTING_HEADER = re.compile(r"\b(?:allowed|permitted|acceptable|may be (?:included|enrolled|eligible))\b", re.I)


def _looks_like_heading(text: str) -> bool:
    words = re.findall(r"[A-Za-z][\w'-]*", text)
    capitalised = [w for w in words if w.lower() not in ("and", "or", "of", "the", "with", "for", "in", "to", "a", "an", "at", "on")]
    return (text.rstrip().endswith((":", "：")) or len(words) <= 4
            or bool(capitalised) and all(w[0].isupper() for w in capitalised))


def _structured(source: TrialSource, start_index: int) -> list[Criterion]:
    """The record's own eligibility fields as criteria: minimum / maximum age, sex, volunteers."""
    out: list[Criterion] = []

    def add(text: str, rule: Node, kind: str = "inclusion") -> None:
        out.append(Criterion(start_index + len(out), kind, text, (0, 0), rule, origin="structured"))

    for label, value, op in (("Minimum age", source.minimum_age, ">="), ("Maximum age", source.maximum_age, "<=")):
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(years?|months?|weeks?|days?|hours?|minutes?)\s*", value or "", re.I)
        if match:
            unit = {"y": "year", "m": "month", "w": "week", "d": "day", "h": "hour"}[match.group(2)[0].lower()]
            if match.group(2).lower().startswith("min"):
                unit = "minute"
            add(f"{label}: {value}", Compare("age", op, Amount(float(match.group(1)), unit, value)))
    sex = (source.sex or "").strip().lower()
    if sex in ("all", "both"):
        add(f"Sex: {source.sex}", Sex(("male", "female")))
    elif sex in ("male", "female"):
        add(f"Sex: {source.sex}", Sex((sex,)))
    if source.healthy_volunteers is False:
        add("Accepts healthy volunteers: No", Not(Flag("healthy_volunteer")))
    return out
