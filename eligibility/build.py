"""The one place where grammar output (`Parsed`) becomes rule-tree nodes.

Units are read and checked against the analyte here, implicit lists are resolved by the kind of
criterion (a bare list is "all of" in an inclusion and "any of" in an exclusion, which are the
same requirement seen from both sides), and text the grammar left unknown becomes Review nodes.
"""

from __future__ import annotations

import bisect
import itertools
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

import pyparsing as pp

from .criteria import GROUP_ANY, GROUP_COUNT, KINDS_LISTED, count_required
from .errors import UnitError
from .grammar import Parsed
from .lexicon import Lexeme, formula_names, formula_word, formula_words, get_lexicon, text_key
from .normalise_measures import NUMBER_START
from .nodes import (ROMAN_VALUES, STUDIED_CLASSES, AllOf, Amount, AnyOf, AtLeast, Between, Compare, Defined, Finding, Flag, Node, Not, OneOf,
                    Review, Sex, Window)
from .statements import leaves_a_toxicity, no_treatment_toxicity, statement
from .tokens import PRODUCT_CODE_WORD, TNM_STAGE_WORD
from .units import compatible, convert, convert_for, quantity, unit_from_tokens

_TIME_UNITS = ("year", "month", "week", "day", "h", "min", "s")
# the liver tests a panel reports together, each under its own limit: "AST or ALT ≤ 2.5 x ULN" names
# both (not "eGFR or CrCl ≥ 60", two ways to one answer, nor "Karnofsky or Lansky", one per age)
_LIVER_PANEL = frozenset({"ast", "alt", "alp", "ggt", "bilirubin"})
_CAPABILITY = frozenset("able unable ability inability willing unwilling willingness unwillingness capable incapable "
                        "adequate normal sufficient good".split())
# words that make a bare name a state, a heading or a note rather than a finding
# words no record lists, wherever they stand: "Any race or ethnic origin", "any approved/marketed device"
_NEVER_A_FINDING = frozenset("race races ethnic ethnicity approved marketed".split())
_NOT_A_FINDING = _CAPABILITY | frozenset(
    "satisfactory acceptable healthy stable preserved intact appropriate candidate candidates eligible eligibility criteria criterion "
    "protocol study trial cohort group arm part phase see note appendix section table consent informed signed "
    "gender genders sex sexes male female men women man woman life expectancy status function".split()) | _NEVER_A_FINDING




# words that make an item after a negated list an alternative to it, not one more thing denied
_RELAXING = re.compile(r"\b(?:controlled|stable|treated|resolved|allowed|permitted|eligible|acceptable|unless|except|if|provided"
                       r"|as long as|recovered|completed|adequately|only|may|can)\b", re.I)
_JUDGEMENT_LEAD = re.compile(r"^(?:(?:elevated|increased|raised|decreased|reduced|abnormal|abnormally|known|confirmed|documented)\s+)+")


# "other", "another", "a second" before a cancer or an infection: not the one the trial studies. Read
# from a little before the finding too, where "Other" may stand as the criterion's opening word.
_OTHER_THAN_STUDIED = re.compile(
    r"\b(?:other|another|second|additional|separate|different|new|secondary|concurrent|concomitant|coexisting|co-existing"
    r"|synchronous|metachronous)\b(?:\s+[\w-]+){0,4}?\s+(?:primary\s+)?"
    r"(?:cancers?|malignan\w*|tumou?rs?|neoplasm\w*|carcinomas?|\w*omas?|infections?|infectious)\b", re.I)
# a cancer or an infection of no particular kind, which the exclusions of a trial studying one cannot mean as its own
_ANY_OF_A_STUDIED_CLASS = frozenset({"cancer", "solid_tumor", "hematologic_malignancy", "infection"})


# words of a label that names people, whom a bracketed age or sex defines ("male or female children (6 to 12 years)")
_PEOPLE_WORD = re.compile(r"\b(?:child|children|adults?|adolescents?|infants?|neonates?|patients?|subjects?|participants?|volunteers?"
                          r"|individuals?|persons?|people|m[ae]n|wom[ae]n|males?|females?|boys?|girls?|students?|smokers?)\b", re.I)


_FEMALE_STATE_DEFINED = re.compile(r"\b(?:post-?menopaus\w*|menopaus\w*|non-?child-?bearing|not\s+of\s+child-?bearing|surgically\s+sterile"
                                   r"|sterili[sz]ed|infertile)\b", re.I)
# "Not specified Hematopoietic: WBC ≥ 3,000/mm3" says nothing is required of a heading, it denies nothing
_DENYING_LABEL = re.compile(r"\W*(?:no|not|none|without|never|absence\s+of|free\s+of|negative\s+for|lack\s+of)\b"
                            r"(?!\s+(?:specified|applicable|required|restricted|limited|stated|defined)\b)", re.I)


_BEYOND_ALLERGY = re.compile(r"contra-?indicat|intoleran", re.I)


def _denial_continued(items: list[Node], seps: list) -> bool:
    """A denied list of findings, then ", and" a finding of the same kind that nothing denies."""
    if len(items) < 2 or "and" not in seps or not isinstance(items[0], Not):
        return False
    denied = {n.category for n in items[0].walk() if isinstance(n, Finding)}
    return any(isinstance(item, Finding) and (item.category in denied or "any" in denied) and not item.window for item in items[1:])


def _denial_runs_on(parts: list[Node]) -> bool:
    """A denied finding, then findings of its category that nothing denies, undated: the denied list going on."""
    first = parts[0]
    return isinstance(first, Not) and isinstance(first.item, Finding) and _runs_on(first.item, parts[1:])


def _runs_on(first: Finding, rest: list[Node]) -> bool:
    """Whether the parts after a finding are findings of its category, each alone or in an "or", undated;
    an item left unread between them does not end the list."""
    read = [item for item in _alternatives(rest) if not isinstance(item, Review)]
    return bool(read) and all(isinstance(item, Finding) and item.category == first.category and item.window is None and not item.status
                              for item in read)


def _alternatives(parts: list[Node]) -> list[Node]:
    """The parts, an "or" among them spread into its items."""
    return [item for part in parts for item in (part.items if isinstance(part, AnyOf) else (part,))]


def _with_status(node: Node, status: str) -> Node:
    return _rebuilt(node, lambda n: replace(n, status=status or n.status) if isinstance(n, Finding) else n)


# words ending a criterion or a bracket that say whom it excludes: "Patients with ... are not eligible", "(subjects with
# pure papillary ... are excluded)"
EXCLUDED_TAIL = re.compile(
    r"[\s,]*(?:are|is|will be|shall be|would be|(?P<advised>should be|must be))\s+(?:not eligible|ineligible|excluded|not included)"
    r"(?:\s+(?:for|from|in)\s+(?:(?:this|the)\s+)?(?:clinical\s+)?(?:study|trial|protocol))?"
    r"(?:\s+(?:due\s+to|because\s+of|given)\s+[^.;]*)?\s*\.?\s*$", re.I)  # "... due to possible interactions": why
# "Investigational drug use within 30 days is not permitted", "Prior radiotherapy not allowed": what is
# forbidden, dated, excludes; undated
# ("Palliative radiotherapy is not allowed") it may forbid it during the study only
FORBIDDEN_TAIL = re.compile(r"[\s,]*(?:(?:is|are|will be|shall be)\s+)?(?:not\s+(?:permitted|allowed)|prohibited|forbidden)\s*\.?\s*$", re.I)



# findings measured by two variables, or by none the lexicon records (Concept.measured_by), and which way
_MEASURED_BOTH = {"hypertension": (("sbp", "dbp"), True), "hypotension": (("sbp", "dbp"), False)}
_CONTROLLED_LABEL = re.compile(r"\b(?:controlled|control|treated|treatment|normal|normali[sz]ed|stable|target|goal|managed|resolved)\b", re.I)


def _measured_direction(concept, concept_id: str) -> tuple[tuple[str, ...], bool]:
    """The variables a finding is a value of, and whether high values make it: hyperkalemia a high potassium,
    neutropenia a low neutrophil count; ((), True) for one measured by none."""
    if concept_id in _MEASURED_BOTH:
        return _MEASURED_BOTH[concept_id]
    variable = getattr(concept, "measured_by", None)
    if not variable:
        return (), True
    low = concept_id.startswith("hypo") or concept_id.endswith("penia") or concept_id in ("bradycardia", "anemia")
    return (variable,), not low


# a heading that only names what its sexes are: "Gender: Male or female"
_SEX_HEADING = re.compile(r"\W*(?:gender|sex|gender\s*/\s*sex|sex\s*/\s*gender)\W*$", re.I)


def _only_a_sex(node: Node) -> bool:
    return all(isinstance(n, Sex) for n in node.walk() if not n.children())


def _names_a_sex(node: Node) -> bool:
    return any(isinstance(n, Sex) for n in node.walk())


def _age_bounds(node: Node, ranges: bool = True) -> set[tuple[str, float]]:
    """The (op, years) of the age thresholds a rule states, and (`ranges`) the lower bound of its age ranges as
    one: "18 to 75 years" says "≥ 18"."""
    bounds = set()
    for n in node.walk():
        if isinstance(n, Compare) and n.variable == "age" and n.threshold is not None and n.threshold.unit == "year":
            bounds.add((n.op, n.threshold.value))
        elif ranges and isinstance(n, Between) and n.variable == "age" and n.low is not None and n.low.unit == "year":
            bounds.add((">=", n.low.value))
    return bounds


def _listed_and_excepted(body: Node, body_parsed) -> tuple[Node, Node | None]:
    """The items a label's "any of" or count is over, and the exception beside them: "including any of the following:
    heart failure; arrhythmias except atrial fibrillation" lists two items, and excepts from both."""
    if isinstance(body_parsed, Parsed) and body_parsed.kind == "except" and isinstance(body, AllOf) and len(body.items) == 2:
        return body.items[0], body.items[1]
    return body, None


def _undated(node: Node) -> Node:
    """The findings at any time: their window dropped, and said to be of any time (a bare name may mean now)."""
    if isinstance(node, Finding):
        return replace(node, window=None, status="" if node.status == "current" else node.status or "history")
    if isinstance(node, (AllOf, AnyOf)):
        return replace(node, items=tuple(_undated(item) for item in node.items))
    return node


def _names_a_population(node: Node) -> bool:
    """An age, a sex, or both: whom a requirement applies to."""
    leaves = [n for n in node.walk() if not n.children()]
    return bool(leaves) and all(isinstance(n, Sex) or isinstance(n, (Compare, Between)) and n.variable == "age" for n in leaves)


def _without_other_words(qualifiers: tuple[str, ...]) -> tuple[str, ...]:
    """"another" said as a qualifier, now said by Finding.other."""
    return tuple(q for q in qualifiers if q not in ("other", "another", "second", "additional", "any other"))


@dataclass
class _Implicit:
    """A list joined only by commas or semicolons, resolved once the enclosing logic is known."""

    items: list[Node]


@dataclass
class Builder:
    text: str  # the criterion text
    lexemes: list[Lexeme]
    criterion_kind: str  # inclusion / exclusion
    problems: list[tuple[str, int]] = field(default_factory=list)  # (message, position in text)

    def __post_init__(self) -> None:
        self.lexicon = get_lexicon()
        self._offsets = []
        position = 0
        for lexeme in self.lexemes:
            self._offsets.append(position)
            position += len(lexeme.g) + 1
        # a normaliser may move words ("Arterial thrombosis (e.g., stroke) in the past year": the examples to
        # the end); then a span is the least start and the greatest end of the words it covers
        self._in_order = all(before.start <= after.start for before, after in zip(self.lexemes, self.lexemes[1:]))

    # -- spans -------------------------------------------------------------------------------
    def span(self, parsed: Parsed) -> tuple[int, int]:
        if not self.lexemes:
            return (0, len(self.text))
        first = max(0, bisect.bisect_right(self._offsets, parsed.start) - 1)
        last = max(first, bisect.bisect_right(self._offsets, max(parsed.start, parsed.end - 1)) - 1)
        if self._in_order:
            return (self.lexemes[first].start, self.lexemes[last].end)
        covered = self.lexemes[first:last + 1]
        return (min(lexeme.start for lexeme in covered), max(lexeme.end for lexeme in covered))

    def source(self, parsed: Parsed) -> str:
        start, end = self.span(parsed)
        return self.text[start:end]

    # -- entry -------------------------------------------------------------------------------
    def build(self, parsed: Parsed) -> Node:
        node = self._resolve(self.visit(parsed))
        if any(isinstance(n, (Compare, Between)) and n.variable == "age" and not _implied_adult(n) for n in node.walk()):
            node = _without_implied_adult(node)  # "Adults, age 45-75": the written age says it all
        return self._collapse_reviews(self._narrowed_by_qualifiers(node))

    def _narrowed_by_qualifiers(self, node: Node) -> Node:
        """"Strong inducers or inhibitors of CYP3A4": a qualifier that names a kind of the finding the
        lexicon knows is that kind, which a record answers; as a qualifier, no drug's name would say it."""
        if isinstance(node, Finding) and node.qualifiers:
            for qualifier in node.qualifiers:
                narrower = self.lexicon.narrowed(node.concept, qualifier)
                if narrower:
                    rest = tuple(q for q in node.qualifiers if q != qualifier)
                    return self._narrowed_by_qualifiers(replace(node, concept=narrower, qualifiers=rest))
            return node
        return node.with_children(self._narrowed_by_qualifiers)

    def visit(self, parsed) -> Node | _Implicit:
        parsed = _one(parsed)
        node = getattr(self, f"build_{parsed.kind}")(parsed)
        if parsed.fields.get("relative") and not isinstance(node, Review):
            return self._narrowed_by_clause(self._resolve(node), parsed.fields, parsed)
        return node

    def _resolve(self, value: Node | _Implicit) -> Node:
        if isinstance(value, _Implicit):
            items = tuple(self._resolve(i) for i in value.items)
            if self.criterion_kind == "exclusion" and self._age_of_the_persons(items):
                # "Patients with heart failure, aged 65 years or older": the age says which patients, no
                # alternative that would exclude everyone over 65
                return AllOf(items)
            return AllOf(items) if self.criterion_kind == "inclusion" else AnyOf(items)
        return value

    def _age_of_the_persons(self, items: tuple[Node, ...]) -> bool:
        """A finding of the persons the criterion opens with, then their age, set off by a comma."""
        if len(items) != 2 or not _PERSONS_WITH.match(self.text):
            return False
        ages = [all(isinstance(n, (Compare, Between)) and n.variable == "age" for n in item.walk() if not n.children()) for item in items]
        return ages == [False, True] and not isinstance(items[0], Review)

    def _collapse_reviews(self, node: Node) -> Node:
        """A tree with no computable leaf is one Review of the whole text, not a tangle of them."""
        leaves = [n for n in node.walk() if not n.children()]
        if len(leaves) > 1 and all(isinstance(n, Review) and n.reason != "unit_error" for n in leaves):
            return Review(self.text, classify_review(self.text), span=(0, len(self.text)))
        return node

    # -- logic -------------------------------------------------------------------------------
    def build_or(self, p: Parsed) -> Node | _Implicit:
        built = self._either(p)
        if self._clause_read_as_alternative(p, built):
            # "Advanced or metastatic solid tumor or any lymphoma, which has progressed on standard therapy": a
            # clause after a bare comma says more of what precedes it, no alternative to it
            return Review(self.source(p), classify_review(self.source(p)), span=self.span(p))
        return built

    def _clause_read_as_alternative(self, p: Parsed, built: Node | _Implicit) -> bool:
        """Whether a clause after a bare comma was left unread as one of the alternatives (or, in an
        exclusion, as an item of a list that will be read as alternatives; not a judgement, which binds all)."""
        tops = built.items if isinstance(built, _Implicit) else (built,)
        if not any(isinstance(node, Review) for top in tops for node in top.walk()):
            return False
        clauses = self._clauses_after_commas(p)
        if not clauses:
            return False
        if isinstance(built, _Implicit) and self.criterion_kind == "exclusion" and any(
                isinstance(item, Review) and item.span in clauses and item.reason != "investigator_judgement" for item in built.items):
            return True
        return any(isinstance(node, AnyOf) and any(isinstance(child, Review) and child.span in clauses for child in node.items)
                   for top in tops for node in top.walk())

    def _clauses_after_commas(self, p: Parsed) -> set[tuple[int, int]]:
        """The spans of the items that open a clause after a bare comma ("..., which has progressed"), in the
        "or" and in the lists its parts are; not in a run of clauses alike ("Females who are pregnant, who
        are breast feeding"), nor after persons alone ("Patients, who ...")."""
        spans = set()
        for run in [p.fields["parts"], *(_listed(part) for part in p.fields["parts"])]:
            if not run or _RELATIVE_CLAUSE.search(self.source(run[0])):
                continue
            for before, item in zip(run, run[1:]):
                between = self.text[self.span(before)[1]:self.span(item)[0]]
                if ("," in between and re.fullmatch(r"\W*", between) and _RELATIVE_OPENING_OF_ITEM.match(self.source(item))
                        and not _PERSONS_ONLY.fullmatch(self.source(before))):
                    spans.add(self.span(item))
        return spans

    def _either(self, p: Parsed) -> Node | _Implicit:
        parts = [self.visit(x) for x in p.fields["parts"]]
        if len(parts) == 1:
            return parts[0]
        reaching = self._alternatives_after_with(p, parts)
        if reaching is not None:
            return reaching
        first = _one(p.fields["parts"][0])
        while isinstance(first, Parsed) and first.kind == "and" and (not first.fields["seps"] or first.fields["seps"][-1] == "with"):
            first = _one(first.fields["parts"][-1])  # "Patients with [metastatic solid tumors, who ...]"
        if (isinstance(first, Parsed) and first.kind == "list" and not _RELATIVE_CLAUSE.search(self.source(first).split(",")[0])
                and ";" not in self.source(first) and any(
                    _RELATIVE_OPENING_OF_ITEM.match(self.source(item)) and not _PERSONS_ONLY.fullmatch(self.source(before))
                    for before, item in zip(first.fields["parts"], first.fields["parts"][1:]))):
            # "Patients with metastatic solid tumors, who have failed conventional treatment, or for whom no therapy
            # exists": a clause set off by a comma says more of the patients, and the "or" after it joins clauses,
            # no alternative to the tumours (but "Women with a positive pregnancy test, or who are lactating" and
            # "Females who are pregnant, ..., or who are breast feeding" say one thing or the other of them)
            return Review(self.source(p), classify_review(self.source(p)), span=self.span(p))
        after = self._clauses_after(parts[-1]) if self.criterion_kind == "inclusion" else []
        if after:
            # "AML, in first or subsequent remission or relapsed disease, age 51 to 60 years": a comma
            # after the last alternative ends what the "or" joins; read as one more alternative, any
            # patient aged 51 to 60 would pass
            last = parts[-1].items[: len(parts[-1].items) - len(after)]
            parts[-1] = last[0] if len(last) == 1 else _Implicit(last)
            return _Implicit([self._resolve(self._or_of_parts(parts, p)), *after])
        return self._or_of_parts(parts, p)

    def _alternatives_after_with(self, p: Parsed, parts: list) -> Node | None:
        """"Hypertension with SBP > 160 or DBP > 100 mmHg", "Diabetes with retinopathy, neuropathy or
        nephropathy": what follows "with" are alternatives to one another, all of them describing the
        finding; read as "(hypertension with SBP > 160) or DBP > 100" any patient with a high DBP would be
        excluded, hypertensive or not, and the comma list read as "retinopathy and neuropathy". Yet "anemia
        with Hb < 9 g/dL or platelets < 50,000/µL", "asthma with exacerbation or COPD" may list a second
        finding: unless the measures are one family (the two pressures, the sugars), the narrow reading
        decides when it is met, the wide one when it is not, and between the two the reviewer does."""
        head = _one(p.fields["parts"][0])
        if not (isinstance(head, Parsed) and head.kind == "and" and head.fields["seps"] == ["with"]
                and not isinstance(parts[0], _Implicit)):
            return None
        finding, described = (_one(part) for part in head.fields["parts"])
        listed = (described.fields["parts"] if isinstance(described, Parsed) and described.kind == "list"
                  and ";" not in self.source(p) and self._joined_by_commas(described.fields["parts"]) else [described])
        listed = _comma_items_apart(listed)
        before = len(self.problems)  # read again below: what the first reading noted is noted once
        alternatives = [self._resolve(self.visit(part)) for part in (*listed, *p.fields["parts"][1:])]
        measures = all(_is_measurement(node) and not isinstance(node, Review) for node in alternatives)
        del self.problems[before:]
        described_finding = self._resolve(self.visit(finding))
        if _is_measurement(described_finding) or not measures and (len(listed) == 1 or any(
                _RELATIVE_OPENING_OF_ITEM.match(self.source(part)) for part in (*listed[1:], *p.fields["parts"][1:]))
                or not all(_plain_alternative(node) for node in alternatives)):
            # "with metastatic solid tumors, who have failed conventional treatment, or for whom no therapy exists":
            # the clauses say more of the patients, no alternatives to the tumours; "..., or an α-glucosidase
            # inhibitor for ≥ 8 weeks with a Screening A1C ≥ 7.5%": the last may carry what all of them need
            del self.problems[before:]
            return None
        if any(isinstance(n, Not) for n in described_finding.walk()):
            # "Never received treatment for HCV with interferon, RBV, or other antivirals": what the denial reaches
            del self.problems[before:]
            return Review(self.source(p), "negation_scope", span=self.span(p))
        either = Parsed("or", {**p.fields, "parts": [*listed, *p.fields["parts"][1:]]}, described.start, p.end)
        narrow = self._resolve(self.visit(Parsed("and", {**head.fields, "parts": [finding, either]}, p.start, p.end)))
        self.problems[:] = list(dict.fromkeys(self.problems))
        variables = {n.variable for node in alternatives for n in node.walk() if isinstance(n, (Compare, Between, OneOf))}
        if measures and any(variables <= family for family in _FAMILIES_OF_MEASURES):
            return narrow
        if len(listed) > 1:
            first = self.visit(Parsed("and", {**head.fields, "parts": [finding, listed[0]]}, head.start, listed[0].end))
            parts = [first, *(self.visit(part) for part in listed[1:]), *parts[1:]]
            self.problems[:] = list(dict.fromkeys(self.problems))
        wide = self._resolve(self._or_of_parts(parts, p))
        which = Review(self.source(p), "with_scope", span=self.span(p))
        return AnyOf((narrow, AllOf((wide, which), span=self.span(p))), span=self.span(p))

    def _joined_by_commas(self, parts: list) -> bool:
        """Whether a list's items are parted by commas, not only set side by side ("≥ 2 platelet counts")."""
        spans = [self.span(part) for part in parts]
        return all("," in self.text[before[1]:after[0]] for before, after in zip(spans, spans[1:]))

    def _or_of_parts(self, parts: list, p: Parsed) -> Node | _Implicit:
        clauses = self._clauses_before(parts[0], parts[1])
        if clauses:
            # "ECOG 0-1; no prior temsirolimus or other mTOR inhibitors": the semicolon ends a clause the
            # "or" does not reach; read as alternatives, ECOG 3 would pass for want of temsirolimus
            first = parts[0].items[len(clauses):]
            parts[0] = first[0] if len(first) == 1 else _Implicit(first)
            return _Implicit([*clauses, self._resolve(self._alternatives(parts, p))])
        return self._alternatives(parts, p)

    def _clauses_before(self, part: Node | _Implicit, following: Node | _Implicit) -> list[Node]:
        """The items of a list that a semicolon parts from its last one (or from the last ones it joins by
        commas), where the "or" after the list joins two items only: "A; B; or C" is a series."""
        first = following.items[0] if isinstance(following, _Implicit) else following
        if not isinstance(part, _Implicit) or any(item.span is None for item in (*part.items, first)):
            return []
        if re.search(r"[;,]", self.text[part.items[-1].span[1]:first.span[0]]):
            return []
        gaps = [self.text[a.span[1]:b.span[0]] for a, b in zip(part.items, part.items[1:])]
        cut = max((index + 1 for index, gap in enumerate(gaps) if ";" in gap), default=0)
        return part.items[:cut]

    def _purpose_shared(self, items: list[Node], p: Parsed) -> Node | None:
        """"(No) prior chemotherapy or radiotherapy for metastatic disease", "... in the metastatic setting":
        the unread purpose after the last treatment is said of each; read with the last alone, chemotherapy
        for any disease would have settled the rule. Each treatment then goes with the purpose, for review."""
        last = items[-1]
        if not isinstance(last, Review) or last.span is None or len(items) < 2:
            return None
        first = items[0].item if isinstance(items[0], Not) else items[0]
        if not isinstance(first, Finding) or first.category not in ("drug", "procedure", "any") or first.indication:
            return None
        if not _PURPOSE_SAID.search(last.text) or first.category == "any" and not _TREATMENT_WORDS.search(first.concept):
            return None
        treatments = [first]
        for item in items[1:]:  # later items read as words ("radiotherapy"), or the last with its purpose
            found = item if isinstance(item, Finding) else self._treatment_named(item, first)
            if found is None or found.category not in ("drug", "procedure") or found.indication:
                # "No prior chemotherapy or curative surgery for this cancer": whether the purpose is the
                # chemotherapy's too is the reviewer's; read without it, any chemotherapy would settle it
                return Review(self.source(p), "not_understood", span=self.span(p))
            treatments.append(found)
        inside = self._lexemes_in(last.span)
        if len(inside) < 3 or inside[1].g not in PURPOSE_OPENINGS:
            return Review(self.source(p), "not_understood", span=self.span(p))
        purpose = Review(self.text[inside[1].start:last.span[1]].strip(" .;,"), "not_understood", span=(inside[1].start, last.span[1]))
        each = [AllOf((finding, purpose), span=finding.span) for finding in treatments]
        if isinstance(items[0], Not):  # "No prior chemotherapy or radiotherapy for ...": none of them for it
            return AllOf(tuple(Not(item, span=item.span) for item in each), span=self.span(p))
        return AnyOf(tuple(each), span=self.span(p))

    def _treatment_named(self, item: Node, like: Finding) -> Finding | None:
        """The treatment a Review's first word names ("radiotherapy", "surgery for ..."), said as `like` is."""
        if not isinstance(item, Review) or item.span is None:
            return None
        inside = self._lexemes_in(item.span)
        if not inside or not inside[0].g.startswith(("@proc:", "@drug:")) or len(inside) == 2:
            return None
        if len(inside) > 1 and inside[1].g not in PURPOSE_OPENINGS:
            return None
        concept = self.lexicon.concepts.get(inside[0].g.split(":", 1)[1])
        if concept is None:
            return None
        return replace(like, concept=concept.id, category=concept.category, qualifiers=(), span=(inside[0].start, inside[0].end))

    def _lexemes_in(self, span: tuple[int, int]) -> list[Lexeme]:
        return [lexeme for lexeme in self.lexemes if span[0] <= lexeme.start and lexeme.end <= span[1]]

    def _clauses_after(self, part: Node | _Implicit) -> list[Node]:
        """The items a comma parts from the last alternative of an "or" (and its neighbours that "and"
        joins to it)."""
        if not isinstance(part, _Implicit) or any(item.span is None for item in part.items):
            return []
        gaps = [self.text[a.span[1]:b.span[0]] for a, b in zip(part.items, part.items[1:])]
        cut = next((index + 1 for index, gap in enumerate(gaps) if re.search(r"[,;]", gap)), None)
        # what a comma may yet add to the last alternative ("Male or non-lactating, non-pregnant female",
        # "in the adjuvant, primary, recurrent, or metastatic setting") is left to it: only a threshold
        # or an agreement is taken for a clause of its own
        if not cut or not all(_standalone_requirement(item) for item in part.items[cut:]):
            return []
        return list(part.items[cut:])

    def _alternatives(self, parts: list, p: Parsed) -> Node | _Implicit:
        items: list[Node] = []
        for part in parts:
            items.extend(self._resolve(i) for i in (part.items if isinstance(part, _Implicit) else [part]))
        if self._mixed_grouping(p, parts):
            self.problems.append(("'or' and 'and' join thresholds with no punctuation: which binds first is not written",
                                  self.span(p)[0]))
            return Review(self.source(p), "not_understood", span=self.span(p))
        if (self._modifier_read_as_alternative(items) or any(_window_may_cover(group) for group in self._apart_by_semicolons(items))
                or _leading_window_may_cover(p.fields["parts"], items)):
            return Review(self.source(p), "not_understood", span=self.span(p))
        if _object_read_apart(items, _GOVERNED_ALTERNATIVE):
            return self._negation_scope(items, p) or Review(self.source(p), "not_understood", span=self.span(p))
        if _refusal_read_apart(items):
            return Review(self.source(p), "consent", span=self.span(p))
        shared = self._purpose_shared(items, p)
        if shared is not None:
            return shared
        if self.criterion_kind == "inclusion" and _lists_requirements(parts):
            return self._joined_between_neighbours(parts, p, AnyOf, AllOf)
        if self.criterion_kind == "inclusion" and self._ends_a_series(p, parts, "or"):
            # "clarithromycin, erythromycin, pentamidine, or sparfloxacin": the "or" ends one list of
            # alternatives, its commas included
            items = [inner for item in items for inner in (item.items if isinstance(item, AllOf) else [item])]
        if self.criterion_kind == "inclusion":
            # "Karnofsky 50-100% (> 16 years of age) OR Lansky 50-100% (≤ 16 years of age)": each alternative
            # for its patients; as "not them, or the value" the two would admit everyone
            items = [AllOf((item.items[0].item, item.items[1]), span=item.span) if _is_implication(item) else item for item in items]
            if _is_washout(items[0]) and all(isinstance(item, Finding) and item.window is not None for item in items[1:]):
                # "No chemotherapy within 4 weeks or radiotherapy within 2 weeks": the denial covers each
                items = [items[0], *(Not(item, span=item.span) for item in items[1:])]
            if all(_is_washout(item) for item in items):
                # "At least 4 weeks since prior chemotherapy or at least 6 weeks since prior radiotherapy":
                # each period binds the patients who had its treatment; as alternatives, a patient fresh
                # from chemotherapy would pass for want of radiotherapy
                return AllOf(tuple(items), span=self.span(p))
        return self._negation_scope(items, p) or self._negated_list(items, p) or AnyOf(tuple(_flatten(items, AnyOf)), span=self.span(p))

    def _joined_between_neighbours(self, parts: list, p: Parsed, pair: type, listed: type) -> Node:
        """"ANC ≥ 1500/µL, Hb ≥ 9 g/dL, creatinine ≤ 1.5 mg/dL or CrCl ≥ 60 mL/min" (inclusion): mostly
        the commas list what is required and the "or" joins the two measures beside it; yet "IgM < 50
        mg/dL, IgA < 100 mg/dL or IgG < 600 mg/dL" lists alternatives. An exclusion's "ANC < 1000, Hb < 8
        and platelets < 50" may end a list of what excludes, or ask for all three ("Hb < 10 g/dL, ferritin
        < 30 and TSAT < 20%"). Met when the narrow reading is met, not met when no item is; between the
        two, the reviewer decides."""
        groups: list[list[Node]] = []
        for index, part in enumerate(parts):
            members = [self._resolve(i) for i in (part.items if isinstance(part, _Implicit) else [part])]
            if index:
                groups[-1].append(members.pop(0))
            groups.extend([member] for member in members)
        joined = [group[0] if len(group) == 1 else pair(tuple(_flatten(group, pair))) for group in groups]
        narrow = listed(tuple(_flatten(joined, listed)), span=self.span(p))
        every = AnyOf(tuple(_flatten([member for group in groups for member in group], AnyOf)), span=self.span(p))
        which = Review(self.source(p), "list_scope", span=self.span(p))
        return AnyOf((narrow, AllOf((every, which), span=self.span(p))), span=self.span(p))

    def _without_bare_persons(self, items: list[Node], p: Parsed) -> list[Node] | Review:
        """"Patients with an active, bleeding diathesis": the person noun, split off by "with" or a comma,
        asks nothing; left as a part for review it would keep the whole unknown. When nothing else was
        read, the whole text is for review."""
        kept = [item for item in items if not (isinstance(item, Review) and _BARE_PERSON.fullmatch(item.text.strip(" ,;:")))]
        if not kept or len(kept) == len(items):
            return items
        if all(isinstance(item, Review) for item in kept):
            return Review(self.source(p), classify_review(self.source(p)), span=self.span(p))
        return kept

    def _modifier_read_as_alternative(self, items: list[Node]) -> bool:
        """Words that narrow a finding, split off by the "or" list as alternatives to it; read so, the
        finding alone would meet the criterion:
        - a denial after it: "advanced HCC, not eligible for surgical and/or locoregional therapies; or ...";
        - two modifiers before it, the first perhaps shared: "triple-receptor-negative metastatic or relapsed breast cancer";
        - a status after it: "Atrial fibrillation, current or previous, with an ongoing indication for anticoagulation";
        - a clause whose object the list goes on naming: "a condition that requires frequent use of
          systemic acyclovir or famciclovir" (famciclovir is what the condition requires).
        (A period after the list is handled by _window_may_cover.)"""
        for index, item in enumerate(items):
            previous = items[index - 1] if index else None
            following = items[index + 1] if index + 1 < len(items) else None
            if not isinstance(item, Review):
                continue
            text = item.text.strip(" ,;")
            if isinstance(previous, Finding) and re.match(r"(?:not|no|without)\b", text, re.I):
                return True
            if isinstance(following, Finding) and self._ends_in_modifiers(text):
                return True
            if _LONE_MODIFIER.fullmatch(text) and any(isinstance(n, Finding) for earlier in items[:index] for n in earlier.walk()):
                return True
            if following is not None and any(isinstance(n, Finding) for n in following.walk()) and _GOVERNING_CLAUSE.search(text):
                return True
        return False

    def _ends_in_modifiers(self, text: str) -> bool:
        """"... triple-receptor-negative metastatic": two modifiers (qualifiers, or words shaped like
        clinical adjectives) end the text."""
        words = text.strip(" ,;").lower().split()
        return len(words) >= 2 and all(w in self.lexicon.phrases["qualifiers"] or _CLINICAL_ADJECTIVE.fullmatch(w) for w in words[-2:])

    def _mixed_grouping(self, p: Parsed, parts: list) -> bool:
        """"INR ≤ 1.5 and/or PT ≥ 70% and PTT ≤ 1.5": read "A or (B and C)", a patient with A alone
        would pass; the author may as well mean "(A or B) and C". Punctuation ("A, or B and C") decides."""
        measured = (Compare, Between, OneOf)
        def has_threshold(node) -> bool:
            return any(isinstance(n, measured) for n in (node.items if isinstance(node, _Implicit) else [node]) for n in n.walk())
        if sum(has_threshold(part) for part in parts) < 2:
            return False
        spans = [self.span(x) for x in p.fields["parts"]]
        for index, (parsed, built) in enumerate(zip(p.fields["parts"], parts)):
            if parsed.kind != "and" or len(parsed.fields["parts"]) < 2 or not isinstance(built, AllOf):
                continue
            if any(re.search(r"[,;]", str(sep)) for sep in parsed.fields["seps"]):
                continue
            if sum(has_threshold(item) for item in built.items) < 2:
                continue
            gaps = [self.text[spans[index - 1][1]:spans[index][0]] if index else "",
                    self.text[spans[index][1]:spans[index + 1][0]] if index + 1 < len(spans) else ""]
            if any(re.search(r"[,;]", gap) for gap in gaps):
                continue
            # "ALT ≥ 5 x ULN or ALT ≥ 3 x ULN and bilirubin ≥ 1.5 x ULN": a second threshold on the same
            # variable, with a condition of its own
            own = {n.variable for n in built.walk() if isinstance(n, measured)}
            others = {n.variable for other in parts if other is not built
                      for n in (other.items if isinstance(other, _Implicit) else [other]) for n in n.walk() if isinstance(n, measured)}
            if not own & others:
                return True
        return False

    def _negated_list(self, items: list[Node], p: Parsed) -> Node | None:
        """"No prior chemotherapy, radiotherapy or other investigational treatment": the negation covers
        the whole list, but the grammar read it over the first items only; the rest, unread, joined them
        with "or", so that the absence of chemotherapy alone would meet the criterion. None of them, then,
        the unread ones unknown. Items read as findings of their own, or words that relax the list
        ("or infection controlled with antibiotics"), leave which one is meant to the reviewer."""
        first = items[0].items[0] if isinstance(items[0], AllOf) else items[0]
        if not isinstance(first, Not) or len(items) < 2 or re.match(r"\s*either\b", self.source(p), re.I):
            return None
        if (first.span is not None and _UNABLE.match(self.text[first.span[0]:first.span[1]])
                and not re.match(r"[\s,]*(?:and/or|or)?\s*(?:to|with)\b", self.text[first.span[1]:], re.I)):
            # "Unable to swallow capsules, or disease affecting gastrointestinal function": what one cannot do
            # does not run on over the findings after it, each of which excludes on its own (but it does over
            # "... or to travel to the study center", "... or with study treatment intake")
            return None
        rest = items[1:]
        if (any(not isinstance(item, Review) for item in rest) or any(_RELAXING.search(item.text) for item in rest)
                # "must NOT be taking current medications or substances that are inhibitors of CYP3A4": what the
                # clause after the last says may narrow them all; "no medication" alone would refuse everyone on one
                or isinstance(first.item, Finding) and _GENERIC_NAME.fullmatch(first.item.concept)
                and any(_RELATIVE_CLAUSE.search(item.text) for item in rest)):
            return Review(self.source(p), "negation_scope", span=self.span(p))
        return AllOf((items[0], *(Not(item, span=item.span) for item in rest)), span=self.span(p))

    def _negation_scope(self, items: list[Node], p: Parsed) -> Review | None:
        """"Must not have SBP ≥ 150 or DBP ≥ 95": the grammar's negation covers the first threshold only,
        the author's most likely all of them; which one is a guess."""
        measured = (Compare, Between, OneOf)
        first = items[0]
        if isinstance(first, Not) and isinstance(first.item, measured) and any(
                isinstance(n, measured) for i in items[1:] for n in i.walk()):
            return Review(self.source(p), "negation_scope", span=self.span(p))
        # "Prior therapy allowed but no prior therapy with paclitaxel, temozolomide": an unread negation
        # before what was read may cover it; so may a period ("≥ 2 weeks from most recent systemic
        # therapy or radiation therapy": not any radiation therapy ever); so may what is to come ("Awaiting a
        # liver or kidney transplant": not one received)
        scoping = _NEGATION_WORD.search(first.text) or _TIME_AMOUNT.search(first.text) if isinstance(first, Review) else None
        after = items[1].span if len(items) > 1 and not isinstance(items[1], _Implicit) else None
        if first.span and after and ";" in self.text[first.span[1]:after[0]]:
            return None  # "Low back pain of less than six weeks' duration; pain intensity (NRS ≥ 4)": a semicolon ends its reach
        if isinstance(first, Review) and (scoping or _TO_COME.search(first.text)) and any(
                isinstance(n, (*measured, Finding, Flag)) for i in items[1:] for n in i.walk()):
            return Review(self.source(p), "negation_scope" if scoping else "not_understood", span=self.span(p))
        return None

    def _denied_with_a_measure(self, parts: list, p: Parsed) -> Node | None:
        """"No heart failure with LVEF < 40%": the denial covers the finding with its measure, which read
        apart would require an LVEF under 40% of every patient without heart failure."""
        if len(parts) != 2 or p.fields["seps"] != ["with"]:
            return None
        first, second = (self._resolve(part) for part in parts)
        # "Not be enrolled on another study with an investigational agent": a finding with what it involves
        involved = isinstance(second, Finding) or isinstance(second, AnyOf) and all(isinstance(item, Finding) for item in second.items)
        if (not (isinstance(first, Not) and isinstance(first.item, Finding)) or not (_is_measurement(second) or involved)
                or not _DENIAL_OPENING.match(self.source(_one(p.fields["parts"][0])))):
            return None  # "Absence of menses in the past 6 months with FSH > 40 mIU/mL": the state is the finding
        return Not(AllOf((first.item, second), span=self.span(p)), span=self.span(p))

    def _named_plainly(self, node: Node) -> bool:
        return not any(isinstance(n, Review) and n.reason == "not_understood"
                       or isinstance(n, Finding) and n.concept not in self.lexicon.concepts for n in node.walk())

    def build_and(self, p: Parsed) -> Node | _Implicit:
        parts = [self.visit(x) for x in p.fields["parts"]]
        seps = ["and" if sep == "with" else sep for sep in p.fields["seps"]]
        if len(parts) == 1:
            return parts[0]
        denied_with = self._denied_with_a_measure(parts, p)
        if denied_with is not None:
            return denied_with
        if self.criterion_kind == "exclusion" and set(p.fields["seps"]) == {"with"} and any(isinstance(part, _Implicit) for part in parts):
            pieces = [[self._resolve(item) for item in (part.items if isinstance(part, _Implicit) else [part])] for part in parts]
            # an item unread or named by free words may be a word of the list's first name ("active, known or
            # suspected autoimmune disease") or an object of a verb before it ("reactions attributed to X,
            # the components of Y, or other drugs formulated with Z")
            if all(self._named_plainly(piece) for part, listed in zip(parts, pieces) if isinstance(part, _Implicit) for piece in listed):
                return _with_binding_neighbours(pieces)
        if self.criterion_kind == "exclusion" and set(seps) == {"and"} and _lists_requirements(parts):
            return self._joined_between_neighbours(parts, p, AllOf, AllOf)
        if "with" in p.fields["seps"] and any(isinstance(part, _Implicit) and len(part.items) > 1
                                              and isinstance(self._resolve(part.items[-1]), AnyOf) for part in parts[1:]):
            # "Anemia with hypercapnia, respiratory failure, or hypoxic seizures within 3 months": the "or" read
            # with the last items only joins the whole list, which read with "and" would need all of them
            return Review(self.source(p), "not_understood", span=self.span(p))
        items: list[Node] = []
        for index, part in enumerate(parts):
            negate = index > 0 and index - 1 < len(seps) and seps[index - 1] == "without"
            if isinstance(part, _Implicit) and not negate:
                items.extend(self._resolve(i) for i in part.items)
            elif negate and items and _is_measurement(items[-1]):
                # "ANC ≥ 1000/mm3 without growth factor support", "platelets < 50 x 10^9/L without bleeding":
                # none at the time of the measurement, not none ever
                node = _current(self._resolve(part))
                if any(isinstance(n, Finding) and n.window is None and not n.status for n in node.walk()):
                    # a procedure's date does not say whether it still supports the value: only a patient who
                    # never had one meets it
                    support = self.text[items[-1].span[1]:node.span[1]].strip(" ,;") if items[-1].span and node.span else "without"
                    items.append(AnyOf((Not(node, span=node.span), Review(support, "not_understood", span=node.span)), span=node.span))
                else:
                    items.append(Not(node, span=node.span))
            else:
                node = self._resolve(part)
                items.append(Not(node, span=node.span) if negate else node)
        items = self._without_bare_persons(items, p)
        if isinstance(items, Review):
            return items
        if len(items) == 1:
            return items[0]
        if _disjoint(items):  # "age < 18 years and age > 70 years": see build_double_cmp
            if self.criterion_kind == "exclusion":
                return AnyOf(tuple(items), span=self.span(p))
            return Review(self.source(p), "not_understood", span=self.span(p))
        if _object_read_apart(items):
            return self._negation_scope(items, p) or Review(self.source(p), "not_understood", span=self.span(p))
        if _denial_continued(items, seps):
            # "No previous exposure to interferon, ribavirin, and HCV direct acting antiviral agents": the
            # last name ends the denied list; read as a requirement of its own, the drug would be required
            return Review(self.source(p), "negation_scope", hints=(AllOf(tuple(items)),), span=self.span(p))
        if self.criterion_kind == "exclusion" and self._ends_a_series(p, parts, "and"):
            # "Allopurinol, PDE-5 inhibitors, ... and nitrates": the "and" ends a list of what excludes,
            # as it does when every name is known; read as "all of them", a patient on one would pass
            return self._negation_scope(items, p) or AnyOf(tuple(_flatten(items, AnyOf)), span=self.span(p))
        if self.criterion_kind == "exclusion" and set(seps) == {"and"} and _dated_apart(items):
            # "Chemotherapy within 4 weeks and radiotherapy within 2 weeks": each exposure with its own
            # period reads as a list of what excludes, yet as written both are needed: both excludes,
            # neither does not, one alone is the reviewer's
            return self._each_or_all(AllOf(tuple(items), span=self.span(p)), p)
        return self._negation_scope(items, p) or AllOf(tuple(_flatten(items, AllOf)), span=self.span(p))

    def _ends_a_series(self, p: Parsed, parts: list, conjunction: str) -> bool:
        """"A, B and C" where a name was not understood: the grammar reads the last "and" (or "or") as
        joining clauses, but after a comma series of names it is the list's own conjunction."""
        first = _one(p.fields["parts"][0])
        if first.kind == "and" and len(first.fields["parts"]) == 1:
            first = _one(first.fields["parts"][0])
        listed = first.fields.get("parts", []) if first.kind == "list" else []
        commas_only = all(set(x.fields.get("conj", [])) <= {","} for x in listed if x.kind == "finding")
        series = commas_only and (len(listed) > 1 or (len(listed) == 1 and listed[0].kind == "finding"
                                                       and set(listed[0].fields.get("conj", [])) == {","}))
        items = list(parts)
        while any(isinstance(item, (_Implicit, AnyOf, AllOf)) for item in items):
            items = [inner for item in items for inner in (item.items if isinstance(item, (_Implicit, AnyOf, AllOf)) else [item])]
        reviews = [item for item in items if isinstance(item, Review)]
        only_names = all(isinstance(item, (Finding, Review)) for item in items) and len(reviews) < len(items) and all(
            review.reason == "not_understood" and len(review.text.split()) <= 6 and not _CLAUSE_WORD.search(review.text)
            for review in reviews)
        spans = [self.span(part) for part in p.fields["parts"]]
        joined = all(re.fullmatch(rf"\s*,?\s*{conjunction}\s*", self.text[end:start], re.I) for (_, end), (start, _) in zip(spans, spans[1:]))
        # "asthma, COPD, or FEV1 < 80%": names the lexicons know, then a last item of another kind
        names_then_other = len(listed) == 1 and len(spans) == 2 and self.text[spans[0][1]:spans[1][0]].strip().startswith(",")
        return series and joined and (only_names and bool(reviews) or names_then_other)

    def _apart_by_semicolons(self, items: list[Node]) -> list[list[Node]]:
        """The items between semicolons: a period after one ("...; myocardial infarction in the previous
        year") bounds nothing before the semicolon. Among exclusions only: an inclusion's next part may say
        what the one before asks ("Recent infections requiring systemic treatment; need to have completed
        antibiotics > 14 days before ..."). Items whose place is not known stay together."""
        if not items or self.criterion_kind != "exclusion" or any(item.span is None for item in items):
            return [items]
        groups: list[list[Node]] = [[items[0]]]
        for before, item in zip(items, items[1:]):
            if ";" in self.text[before.span[1]:item.span[0]]:
                groups.append([])
            groups[-1].append(item)
        return groups

    def build_list(self, p: Parsed) -> Node | _Implicit:
        parts = self._without_bare_persons([self._resolve(self.visit(x)) for x in p.fields["parts"]], p)
        if isinstance(parts, Review):
            return parts
        if len(parts) > 1 and (any(_window_may_cover(group) for group in self._apart_by_semicolons(parts))
                               or _leading_window_may_cover(p.fields["parts"], parts)):  # see build_or
            return Review(self.source(p), "not_understood", span=self.span(p))
        if len(parts) > 1 and _object_read_apart(parts, _GOVERNED_FROM):
            # "Adequate recovery from recent surgery, chemotherapy and radiation therapy": what the recovery
            # is from, not treatments required of their own
            return self._negation_scope(parts, p) or Review(self.source(p), "not_understood", span=self.span(p))
        if len(parts) > 1 and isinstance(parts[0], Finding) and parts[0].status and _runs_on(parts[0], parts[1:]):
            # "Concurrent enzyme-inducing antiepileptic drugs (e.g., phenytoin), rifampin, or St. John's wort": the
            # status opens the whole list
            parts = [parts[0]] + [_with_status(part, parts[0].status) for part in parts[1:]]
        if len(parts) > 1 and _denial_runs_on(parts):
            # "No concurrent enzyme-inducing antiepileptic drugs (e.g., phenytoin), rifampin, or St. John's wort":
            # the list the denial opens runs on after the examples; read apart, the rest would be required
            first = parts[0].item
            denied = [first] + [_with_status(item, first.status) for item in _alternatives(parts[1:])]
            return Not(AnyOf(tuple(denied), span=self.span(p)), span=self.span(p))
        return parts[0] if len(parts) == 1 else (self._negation_scope(parts, p) or _Implicit(parts))

    def build_except(self, p: Parsed) -> Node:
        main = self._resolve(self.visit(p.fields["main"]))
        exception = self._resolve(self.visit(p.fields["exception"]))
        if any(isinstance(n, Finding) and n.window is not None for n in exception.walk()) and _window_may_cover([main, exception], current_too=True):
            # "malignancy other than CIS of the cervix or BCC within the past 5 years": the period
            # after the exceptions may bound the main finding instead, even one "use of" made current
            # ("Use of investigational agents, with the exception of gemtuzumab, within 30 days")
            return Review(self.source(p), "not_understood", span=self.span(p))
        if all(isinstance(n, Review) for n in exception.walk() if not n.children()):
            excepted = _one(p.fields["exception"])
            exception = Review(self.source(excepted), "not_understood", span=self.span(excepted))
        return self._with_exception(main, exception, p)

    def _with_exception(self, main: Node, exception: Node, p: Parsed) -> Node:
        """"Infection except HCV": the infection, not HCV. But a measured requirement in an inclusion
        exempts the patients the exception names: "bilirubin ≤ 1.5 x ULN except in Gilbert's" is met
        by a low bilirubin or by Gilbert's."""
        if self.criterion_kind == "inclusion" and _is_measurement(main):
            return AnyOf((main, exception), span=self.span(p))
        if isinstance(main, Not):
            # "No prior treatment for RCC except sunitinib": none other than sunitinib; read as "no
            # treatment and no sunitinib" it would refuse the patients it allows
            carved = self._with_exception(main.item, exception, p)
            if isinstance(carved, Finding):
                return Not(carved, span=self.span(p))
            return Review(self.source(p), "not_understood", span=self.span(p))
        if any(isinstance(n, Not) for n in main.walk()) and _DENIAL_WORD.search(self.source(_one(p.fields["main"]))):
            # "Two weeks since prior and no concurrent anticoagulants except prophylactic doses": the exception
            # carves from a denial inside; read as "... and not the exception", it refuses whom it allows
            return Review(self.source(p), "not_understood", hints=(main,), span=self.span(p))
        if (self.criterion_kind == "exclusion" and isinstance(exception, Review) and _BOUND_OF_ITS_OWN.search(exception.text)
                and _EXCLUDED_WORD.search(exception.text)):
            # "Toxicities > grade 2, except for neuropathy, who are excluded if > grade 1": an exception with a
            # bound of its own may exclude more, not only carve out
            return Review(self.source(p), "not_understood", hints=(main,), span=self.span(p))
        # "except basal and squamous cell skin cancer": a list of what does not count, whatever joins it
        excepted = [exception] if isinstance(exception, Finding) else list(exception.items) if isinstance(exception, (AnyOf, AllOf)) else []
        carved = self._carved(main, excepted, p)
        if carved is not None:
            return carved
        if not _is_measurement(main) and any(not isinstance(n, Review) for n in exception.walk() if not n.children()):
            # "Other malignancy except skin cancer or hepatic adenoma": a patient with the exception may have
            # another malignancy besides; "malignancy and not skin cancer" would spare one with both
            besides = Review(self._text_between(exception) or self.source(p), "exception_scope", span=exception.span)
            return AllOf((main, AnyOf((Not(exception, span=exception.span), besides), span=exception.span)), span=self.span(p))
        return AllOf((main, Not(exception, span=exception.span)), span=self.span(p))

    def _carved(self, main: Node, excepted: list[Node], p: Parsed) -> Node | None:
        """"Any other malignancy except in situ carcinoma": a malignancy that is not one; read as
        "malignancy and no carcinoma in situ", a patient with both would not count. Over a list whose
        other items are left for review ("toxicity > grade 1 or progressing, except alopecia"), each
        finding is carved."""
        if isinstance(main, (AnyOf, AllOf)) and any(isinstance(item, Finding) for item in main.items) and all(
                isinstance(item, (Finding, Review)) for item in main.items):
            items = [self._carved(item, excepted, p) if isinstance(item, Finding) else item for item in main.items]
            return replace(main, items=tuple(items), span=self.span(p)) if None not in items else None
        concept = self.lexicon.concepts.get(main.concept) if isinstance(main, Finding) else None
        if concept is not None and excepted and all(
                isinstance(e, Finding) and e.concept in self.lexicon.concepts and self.lexicon.concepts[e.concept].category == concept.category
                for e in excepted):
            qualified = any(e.qualifiers or e.window or e.status or e.grade for e in excepted)
            return replace(main, excepted=tuple(e.concept for e in excepted), excepted_qualified=qualified, span=self.span(p))
        return None

    # -- conditional requirements ------------------------------------------------------------
    def build_conditional(self, p: Parsed) -> Node:
        """"ANC ≥ 1,000/µL in patients with liver metastases": the requirement holds for some patients.

        In an inclusion it binds only them (not C, or X); in an exclusion it excludes them (C and X).
        A compound requirement leaves the scope of the condition unclear, so it goes to review.
        """
        condition = self._resolve(self.visit(p.fields["condition"]))
        parts = _or_parts(p.fields["main"])
        if len(parts) == 2:  # "AST ≤ 2.5 x ULN, or ≤ 5 x ULN if liver metastases are present"
            first, second = _single(parts[0]), _single(parts[1])
            if second.kind == "bound" and first.kind in _THRESHOLD_KINDS:
                alternative = self._alternative_threshold(first, second, condition, p)
                if alternative is not None:
                    return alternative
            # "Creatinine within normal limits OR CrCl >= 60 mL/min for patients with creatinine above
            # normal": the condition names the patients the first bound fails, so it binds the second only
            bound, fallback = self._resolve(self.visit(parts[0])), self._resolve(self.visit(parts[1]))
            if _fails_imply(bound, condition) and _is_plain_requirement(fallback) and not all_review(fallback):
                return AnyOf((bound, AllOf((condition, fallback), span=self.span(p))), span=self.span(p))
        main = self._resolve(self.visit(p.fields["main"]))
        # an unread condition may as well start a requirement of its own ("AFP > 100 ng/ml; if AFP is
        # 20 to 100 ng/ml, patients can be included if ..."), which the reading as a condition would lose
        if (all_review(main) or self._new_requirement(p, condition) or not _is_plain_requirement(main)
                or _bounds_a_variable_of(condition, main)):
            # "AST ≤ 2.5 x ULN if liver metastases, AST ≤ 5 x ULN": a bound of its own inside the condition
            return Review(self.source(p), "conditional", hints=(main, condition), span=self.span(p))
        if self.criterion_kind == "inclusion":
            # "for patients without liver metastases": the negation of a negated condition is the condition
            exempt = condition.item if isinstance(condition, Not) else Not(condition, span=condition.span)
            return AnyOf((exempt, main), span=self.span(p))
        return AllOf((condition, main), span=self.span(p))

    def build_absent_condition(self, p: Parsed) -> Node:
        """"Platelets ≥ 30,000/µL in the absence of bone marrow involvement": in an inclusion, a threshold
        that binds the patients without it (involvement, or the threshold); otherwise what is named
        without it ("Jaundice in the absence of liver metastases", "GAD in the absence of MDD")."""
        condition = self._resolve(self.visit(p.fields["condition"]))
        main = self._resolve(self.visit(p.fields["main"]))
        if all_review(main) or self._new_requirement(p, condition):
            return Review(self.source(p), "conditional", hints=(main, condition), span=self.span(p))
        if _names_treatment(condition, self.source(p)):
            # "ANC ≥ 1,000/µL (in the absence of growth factor support)": how the value is reached, not
            # whom the threshold binds; the value must be met, and how it was reached is left to review
            start, end = self.span(_one(p.fields["main"]))[1], self.span(p)[1]
            tail = self.text[start:end]
            offset = len(tail) - len(tail.lstrip(" ,;("))
            how = Review(tail.strip(" ,;()"), "not_understood", span=(start + offset, start + offset + len(tail.strip(" ,;()"))))
            return AllOf((main, how), span=self.span(p))
        # an unread condition decides nothing on its own, so the scope of a read one alone is in doubt;
        # one read in part ("liver metastases, or ≤ 5 x ULN in presence of liver metastases") may hold more
        if not all_review(condition) and (not _is_plain_requirement(main) or any(isinstance(n, Review) for n in condition.walk())):
            return Review(self.source(p), "conditional", hints=(main, condition), span=self.span(p))
        if self.criterion_kind == "inclusion" and _thresholds_only(main):
            return AnyOf((condition, main), span=self.span(p))
        return AllOf((main, Not(condition, span=condition.span)), span=self.span(p))

    def _new_requirement(self, p: Parsed, condition: Node) -> bool:
        """Whether an unread "condition" after its requirement may as well start a requirement of its
        own: after a semicolon, or saying who may be included ("AFP > 100 ng/ml; if AFP is 20 to 100
        ng/ml, patients can be included if ..."); read as a condition, that requirement would be lost."""
        condition_start, main_start = _one(p.fields["condition"]).start, _one(p.fields["main"]).start
        if condition_start < main_start or not all_review(condition):
            return False
        between = self.text[self.span(_one(p.fields["main"]))[1]:self.span(_one(p.fields["condition"]))[0]]
        words = self._text_between(condition)
        # a number in it may be a requirement too: "if on OADs, or between 6.0% and 10.0%"
        return ";" in between or bool(_ADMITTING.search(words)) or bool(re.search(r"\d", words))

    def build_sex_thresholds(self, p: Parsed) -> Node:
        """"Hb ≥ 12 g/dL for men, ≥ 11 g/dL for women": the threshold of the patient's sex."""
        first_sex, second_sex = (self._resolve(self.visit(p.fields[name])) for name in ("first_sex", "second_sex"))
        first, second = _one(p.fields["first"]), _one(p.fields["second"])
        if not _restates_variable(first, second) and second.fields.get("op") is not None:  # "QTc > 450 ms for men, LVEF ..."
            return Review(self.source(p), "not_understood", span=self.span(p))
        if second.fields.get("op") is None:  # "< 11 g/dL in women or 12 g/dL in men": the same sign
            second = Parsed(second.kind, {**second.fields, "op": first.fields["op"]}, second.start, second.end)
        both = self._alternative_threshold(first, second, second_sex, p, usual_when=first_sex)
        if both is None:
            return Review(self.source(p), "not_understood", span=self.span(p))
        labs = [lab for lab in _flat(first.fields.get("labs") or []) if isinstance(lab, str)]
        context, narrows = self._measured_context(p, labs[0] if labs else "") if p.fields.get("context") else ("", False)
        if narrows:  # "... for men and ... for women after transfusion": said of both, and narrowing which value counts
            return _with_context(both, context)
        return both

    def build_bound(self, p: Parsed) -> Node:
        return Review(self.source(p), "not_understood", span=self.span(p))

    def _alternative_threshold(self, usual: Parsed, bound: Parsed, condition: Node, where: Parsed,
                               usual_when: Node | None = None) -> Node | None:
        """The usual threshold, or another for patients meeting `condition`, on the same variables.

        (usual and other) or (usual_when and usual) or (condition and other), usual_when being "not
        condition" unless given: when both thresholds agree the answer does not wait for the condition.
        """
        op = bound.fields["op"] if bound.fields.get("op") is not None else usual.fields.get("op")  # "(5 x ULN if ...)"
        if op is None:
            return None
        fields = {"labs": usual.fields.get("labs") or [], "conj": usual.fields.get("conj") or [], "op": op,
                  "value": bound.fields["value"], "timepoint": None, "context": bound.fields.get("context"),
                  "age_words": usual.fields.get("age_words", False)}
        if usual.fields.get("free"):
            fields["free"] = usual.fields["free"]
        main = self._resolve(self.visit(usual))
        other = self._resolve(self.build_cmp(Parsed("cmp", fields, bound.start, bound.end)))
        if all_review(main) or all_review(other):
            return None
        if bound_direction(other) != bound_direction(main):
            if self.criterion_kind == "inclusion" or bound_direction(other) is None:
                return None
            # "Total bilirubin > 1.5 x ULN (< 3 x ULN for patients with Gilbert's syndrome)": what they may
            # have, so what excludes them is the rest
            other = Not(other, span=other.span)
        span = self.span(where)
        usual_when = usual_when if usual_when is not None else Not(condition, span=condition.span)
        return AnyOf((AllOf((main, other), span=span), AllOf((usual_when, main), span=span),
                      AllOf((condition, other), span=span)), span=span)

    def build_bracketed_except(self, p: Parsed) -> Node:
        """"ANC ≥ 1,000/mcL (unless due to lymphoma involvement of the bone marrow)"."""
        main = self._resolve(self.visit(p.fields["main"]))
        exception = p.fields["exception"]
        text = self.source(exception).strip("() ")
        return self._with_exception(main, Review(text, "not_understood", span=self.span(exception)), p)

    def build_bracketed_examples(self, p: Parsed) -> Node:
        return self.build_examples(p)

    def build_examples(self, p: Parsed) -> Node:
        main = self._resolve(self.visit(p.fields["main"]))
        examples = self._resolve(self.visit(p.fields["examples"]))
        main_read_or_unknown = not isinstance(main, Review) or main.reason == "not_understood"
        bracketed = p.kind == "bracketed_examples"
        if (self.criterion_kind == "exclusion" and main_read_or_unknown
                and _measures_known_variable(examples) and not _may_qualify_main(examples, bracketed)):
            # "Impaired kidney function (e.g., serum creatinine > 2 mg/dL or BUN > 50 mg/dL)": each
            # example is a case of what excludes, so one that holds settles it, whether the phrase is
            # read or left open. In an inclusion an example may be a case ("signs of distress, including
            # RR > 24") or one part of what is required ("adequate organ function, including ANC ≥ 1500")
            return AnyOf((main, examples), span=self.span(p))
        if isinstance(main, Review):
            return Review(self.source(p), main.reason, hints=(examples,), span=self.span(p))
        if not bracketed and _PURPOSE_AFTER_EXAMPLES.search(self.source(_one(p.fields["examples"]))):
            # "No prior chemotherapy, including adjuvant or neoadjuvant therapy, for the treatment of NSCLC": what the
            # treatment was for, said after the examples, is the main phrase's; dropped with them, any chemotherapy counts
            return Review(self.source(p), "not_understood", hints=(main,), span=self.span(p))
        if _may_qualify_main(examples, bracketed):
            # "Cardiac disease, e.g. myocardial infarction within 6 months": the period after the last
            # example may bound the main phrase too; without it any cardiac disease ever would count
            return Review(self.source(p), "not_understood", hints=(main,), span=self.span(p))
        examples_text = self.source(_one(p.fields["examples"]))
        if _DOSE_AMOUNT.search(examples_text) and any(isinstance(n, Finding) and n.category == "drug" for n in main.walk()):
            # "Immunosuppressive agents (e.g., prednisone > 10 mg/day)": the dose an example names narrows which
            # of the class count: one taken at a lower dose, or at one not recorded, is for the reviewer
            scope = Review(examples_text, "dose_scope", hints=(examples,), span=self.span(_one(p.fields["examples"])))
            dosed = tuple(n for n in examples.walk() if isinstance(n, Finding) and n.dose)
            return _dose_scoped(main, dosed, scope)
        if self.criterion_kind == "exclusion" and any(isinstance(n, Review) and _SIGNED_NUMBER.search(n.text) for n in examples.walk()):
            # "Evidence of HCC (e.g., a-fetoprotein > 50 ng/mL or ...)": an example measured, which a record
            # of the disease's name may not show, stays open beside it; the examples as a whole, since one
            # read alone may be more than the phrase means ("brain MRI indicative of ..., including prior
            # hemorrhage": not any bleeding)
            unread = Review(self._text_between(examples) or self.source(p), "not_understood", hints=(examples,), span=examples.span)
            return AnyOf((main, unread), span=self.span(p))
        if _EXCEPTING.search(examples_text):
            # "Active infection (including HIV, but excluding fungal infection of the nail beds)": the bracket
            # also says what does not count, which dropped with the examples would count
            unread = Review(examples_text.strip("() "), "exception_scope", hints=(examples,), span=self.span(_one(p.fields["examples"])))
            return AllOf((main, unread), span=self.span(p))
        outside = self._examples_outside(main, examples)
        if outside:
            # "Arterial thrombosis (e.g., stroke or TIA)", "CYP3A4 inhibitors (e.g., clarithromycin)": an example the
            # lexicons do not file under the main phrase; read as the main phrase alone, a patient with a stroke
            # would have no arterial thrombosis
            names = " or ".join(dict.fromkeys(self.text[n.span[0]:n.span[1]] if n.span else self.lexicon.concepts[n.concept].name
                                              for n in outside))
            kinds = " or ".join(dict.fromkeys(self.lexicon.concepts[n.concept].name for n in main.walk()
                                              if isinstance(n, Finding) and n.concept in self.lexicon.concepts))
            unread = Review(f"whether {names} counts as {kinds}", "example_scope", hints=(examples,),
                            span=self.span(_one(p.fields["examples"])))
            return AnyOf((main, unread), span=self.span(p))
        return main  # the examples are instances of what the main phrase names

    def _examples_outside(self, main: Node, examples: Node) -> list[Finding]:
        """The known examples of the main phrase's kind (a disease's, a drug's) that no known concept of it is a
        class of; not those of another kind, which say how or by what ("diabetes (e.g., on insulin)")."""
        named = {n.concept for n in main.walk() if isinstance(n, Finding)}
        return [n for n in examples.walk() if isinstance(n, Finding) and self.lexicon.outside(n.concept, named)]

    def build_caused_by(self, p: Parsed) -> Node:
        main = self._resolve(self.visit(p.fields["main"]))
        start, end = self.span(p)
        text = self.source(p)
        match = re.search(r"\b(caused by|due to|secondary to|related to|attributable to|resulting from|induced by|associated with)\b", text, re.I)
        offset = match.start() if match else 0
        if _SIGNED_NUMBER.search(text[offset:]):
            # "eosinophils >= 300/uL that is related to asthma or >= 150/uL in patients on corticosteroids":
            # another bound inside the cause, which read as a cause alone would be lost
            return Review(text, "not_understood", hints=(main,), span=(start, end))
        cause = Review(text[offset:], "causation", span=(start + offset, end))
        return AllOf((main, cause), span=self.span(p))

    def build_defined(self, p: Parsed) -> Node:
        label_parsed = _one(p.fields.get("label"))
        body_parsed = _one(p.fields.get("body"))
        if (isinstance(label_parsed, Parsed) and label_parsed.kind in _THRESHOLD_KINDS and isinstance(body_parsed, Parsed)
                and body_parsed.kind == "conditional" and _restates_variable(label_parsed, _single(body_parsed.fields["main"]))):
            # "AST ≤ 2.5 x ULN (≤ 5 x ULN in patients with liver metastases)"
            condition = self._resolve(self.visit(body_parsed.fields["condition"]))
            alternative = self._alternative_threshold(label_parsed, _single(body_parsed.fields["main"]), condition, p)
            if alternative is not None:
                return alternative
        if isinstance(body_parsed, Parsed) and isinstance(label_parsed, Parsed) and _EXCEPTIONS_UNSAID.fullmatch(self.source(body_parsed)):
            # "Chemotherapy within 28 days (with some exceptions)": what the bracket excepts is not said, so the
            # rule may be relaxed: it still settles the patients it cannot relax
            label = self._resolve(self.visit(label_parsed))
            unsaid = Review(self.source(body_parsed), "exception_scope", span=self.span(body_parsed))
            return (AllOf if self.criterion_kind == "exclusion" else AnyOf)((label, unsaid), span=self.span(p))
        if (isinstance(body_parsed, Parsed) and isinstance(label_parsed, Parsed) and label_parsed.kind not in ("unknown", "paren")
                and (EXCLUDED_TAIL.search(self.source(body_parsed)) or FORBIDDEN_TAIL.search(self.source(body_parsed)))):
            # "RCC with a clear cell component (subjects with pure papillary ... RCC are excluded)": whom the bracket
            # excludes besides, never what defines the label; as its definition, a papillary RCC would be required
            label = self._resolve(self.visit(label_parsed))
            note = Review(self.source(body_parsed), "not_understood", span=self.span(body_parsed))
            return (AllOf if self.criterion_kind == "inclusion" else AnyOf)((label, note), span=self.span(p))
        body = self._resolve(self.visit(p.fields["body"]))
        label_words = self.source(label_parsed) if isinstance(label_parsed, Parsed) else self._label_text(p)
        if _SENTENCES_IN_A_LABEL.search(label_words if label_parsed is None else self.source(label_parsed)):
            # "Class IV. - Planned revascularisation ... - Renal impairment defined as ...", "Night sweats ... or
            # Evidence of ... as manifested by": a label runs across a full stop over requirements of their own
            return Review(self.source(p), "not_understood", span=self.span(p))
        if label_parsed is None and _DENYING_LABEL.match(p.fields.get("label_words") or label_words):
            # "No uncontrolled hypertension (i.e., blood pressure > 150/100 mm Hg", its bracket unclosed: the
            # definition of what is denied, whose denial a label's words would drop
            return Review(self.source(p), "negation_scope", hints=(body,), span=self.span(p))
        measured_item = self._item_measured_by(label_parsed, body)
        if measured_item is not None:
            return measured_item
        if (_names_a_population(body) and isinstance(label_parsed, Parsed) and label_parsed.kind != "paren"
                and not _PEOPLE_WORD.search(self.source(label_parsed))):
            # "No greater than 0.8 mg/dL (2-5 years of age)", "Hb ≥ 12 g/dL (women)": whom the words before
            # apply to, not what defines them; read as a definition, the age would be the requirement
            label = self._resolve(self.visit(label_parsed))
            if all_review(label) or label_parsed.kind == "unknown":
                return Review(self.source(p), "conditional", hints=(body,), span=self.span(p))
            said = _age_bounds(label)
            if said:
                # "age ≥ 18 and ≤ 75 years (18 years and older)": an age said again of an age, no population
                # the rest applies to; one the label does not restate leaves what is meant open
                if _age_bounds(body, ranges=False) <= said:
                    return label
                return Review(self.source(p), "conditional", hints=(label,), span=self.span(p))
            if self.criterion_kind == "exclusion":
                return AllOf((body, label), span=self.span(p))
            return AnyOf((Not(body, span=body.span), label), span=self.span(p))
        if (isinstance(body_parsed, Parsed) and _THAT_IS.search(self.text[:self.span(body_parsed)[0]])
                and not _measures_known_variable(body)):
            # "chronic liver disease (i.e., chronic active hepatitis and cirrhosis)": names the label's
            # kinds, as examples do, and the label says it; only a measurement defines it ("i.e., SBP >
            # 160 mmHg"). An unread label may carry what the restatement lacks ("not surgically sterile
            # (i.e., tubal ligation, ...)", "allergic to compounds similar to X, i.e., ara-C").
            if isinstance(label_parsed, Parsed) and label_parsed.kind not in ("unknown", "paren"):
                label = self._resolve(self.visit(label_parsed))
                if all_review(body) and _SIGNED_NUMBER.search(self.source(body_parsed)):
                    # "Uncontrolled hypertension (i.e., BP > 150/90 mm Hg on medication)": an unread measurement
                    # defines it, which the record's name alone would not settle
                    return Review(self.source(p), "not_understood", hints=(label,), span=self.span(p))
                return label
            return Review(self.source(p), classify_review(self.source(p)), hints=(body,), span=self.span(p))
        if GROUP_COUNT.search(label_words):  # "at least 2 of the following: ...": a count of the items
            needed = count_required(label_words)
            listed, exception = _listed_and_excepted(body, body_parsed)
            items = listed.items if isinstance(listed, (AllOf, AnyOf)) else ()
            if needed is not None and needed <= len(items) and not all_review(body):
                counted = AtLeast(needed, items, span=self.span(p))
                return AllOf((counted, exception), span=self.span(p)) if exception is not None else counted
            return Review(self.source(p), "not_understood", hints=(body,), span=self.span(p))
        if _PERMITTING.search(label_words) or _ARM_LABEL.match(label_words):
            # "The following csDMARDs are allowed: methotrexate, sulfasalazine, ...": what a patient may
            # have, not what each must have; "ARM C: CP-4055 with idarubicin": what one arm receives
            return Review(self.source(p), classify_review(self.source(p)), hints=(body,), span=self.span(p))
        if (GROUP_ANY.search(label_words) or KINDS_LISTED.search(label_words)
                or _FEMALE_STATE_DEFINED.search(label_words) and all(isinstance(i, (Finding, AllOf, AnyOf)) for i in getattr(body, "items", ()))
                ) and isinstance(body, AllOf):
            # "postmenopausal (> 12 months of amenorrhea, bilateral oophorectomy)": ways of being it
            # "1 (or 2) of the following: lithium, ...", "lung cancer of the following histologic types: squamous, ..."
            if any(isinstance(item, Review) and item.reason == "conditional" for item in body.items):
                # "..., or ziprasidone (only if taken in combination with lithium)": a condition on an item,
                # which "any of" would turn into an item of its own
                return Review(self.source(p), "conditional", hints=(body,), span=self.span(p))
            listed, exception = _listed_and_excepted(body, body_parsed)
            listed = AnyOf(listed.items, span=listed.span) if isinstance(listed, AllOf) else listed
            body = AllOf((listed, exception), span=body.span) if exception is not None else listed
        if p.fields.get("alternative"):  # "Creatinine ≤ 1.5 mg/dL (or creatinine clearance ≥ 60 mL/min)"
            if not isinstance(label_parsed, Parsed) or label_parsed.kind in ("paren", "unknown"):
                return Review(self.source(p), classify_review(self.source(p)), span=self.span(p))
            return AnyOf((self._resolve(self.visit(label_parsed)), body), span=self.span(p))
        if isinstance(label_parsed, Parsed) and label_parsed.kind == "paren":
            label_parsed = None
        if isinstance(label_parsed, Parsed) and isinstance(body, Review) and (
            re.fullmatch(r"[A-Z][A-Za-z0-9-]{1,9}", body.text.strip()) or _METHOD_NOTE.match(body.text.strip())
        ):
            # "critical limb ischemia (CLI)": a short form; "GFR ≥ 40 (estimated using MDRD)": how it is measured
            return self._resolve(self.visit(label_parsed))
        if isinstance(label_parsed, Parsed):
            label_text = self.source(label_parsed)
            if label_parsed.kind != "unknown" and self._bracket_may_relax(body_parsed, body):
                return Review(self.source(p), "conditional", hints=(self._resolve(self.visit(label_parsed)),), span=self.span(p))
            if label_parsed.kind != "unknown" and all_review(body):
                label = self._resolve(self.visit(label_parsed))
                if isinstance(label, Not) and not any(lexeme.g.startswith("@lab:") or lexeme.g in ("blood", "bp")
                                                      for lexeme in self._lexemes_in(self.span(body_parsed))):
                    # "No prior radiotherapy (> 25% of bone marrow)": the bracket narrows what is denied; beside
                    # the denial it would refuse every patient ever irradiated. One naming a measure may define
                    # the finding ("No uncontrolled hypertension (BP > 160/110 mmHg)"), which a record without
                    # the finding would not deny
                    return Not(AllOf((label.item, body), span=self.span(p)), span=self.span(p))
                return AllOf((label, body), span=self.span(p))
            if label_parsed.kind in (*_THRESHOLD_KINDS, "double_cmp", "scale_set"):
                # a measurement is not defined by its bracket: "eGFR < 30 (measured within 1 month)" and
                # "Hb ≥ 9 g/dL (transfusion allowed)" keep the threshold, the bracket joins it
                measured = self._resolve(self.visit(label_parsed))
                if any(isinstance(n, Finding) and n.concept.startswith("text:") for n in body.walk()):
                    body = Review(self.source(_one(p.fields["body"])), "not_understood", span=body.span)
                elif isinstance(body, Not) and any(isinstance(n, Finding) and n.category in ("drug", "procedure") and n.window is None
                                                   and not n.status for n in body.walk()):
                    # "Platelets ≥ 100,000/µL (without transfusion)": none supporting the value, not none ever; a
                    # treatment's date does not say whether it still does
                    support = Review(self.source(_one(p.fields["body"])).strip("() "), "not_understood", span=body.span)
                    body = AnyOf((body, support), span=body.span)
                return AllOf((measured, body), span=self.span(p))
            if label_parsed.kind != "unknown" and _holds_requirement(label_parsed):
                # "Male or female, 18 years or older (healthy volunteers)": the age is a requirement, which a
                # label would drop
                return AllOf((self._resolve(self.visit(label_parsed)), body), span=self.span(p))
        else:
            label_text = self._label_text(p)
        if (isinstance(body, Not) and isinstance(body_parsed, Parsed)
                and self.text[:self.span(body_parsed)[0]].rstrip().endswith(("(", "["))):
            # "Polymicrobial bacteraemia (not counting contaminants)", "Adequate contraception (no hormonal
            # methods)": a bracketed denial says what does not count, it defines nothing; read as the
            # label's meaning, a patient without contaminants would have the bacteraemia
            if label_parsed is None or label_parsed.kind == "unknown":
                return Review(self.source(p), "not_understood", hints=(body,), span=self.span(p))
            label = self._resolve(self.visit(label_parsed))
            start, end = self.span(body_parsed)
            return AllOf((label, Review(self.text[start:end].strip("() "), "not_understood", span=(start, end))), span=self.span(p))
        if isinstance(body_parsed, Parsed) and _DENYING_LABEL.match(label_text) and not isinstance(body, Not):
            # "No evidence of cirrhosis (ascites, variceal bleeding, encephalopathy)", "No concurrent
            # enzyme-inducing antiepileptic drugs including: phenytoin, ...": what follows names what is
            # denied; read as the label's meaning, each would be required
            return Review(self.source(p), "negation_scope", hints=(body,), span=self.span(p))
        if isinstance(body_parsed, Parsed) and self._label_lists_findings(self.span(p)[0], self.span(body_parsed)[0]):
            # "Cardiogenic shock; congestive heart failure: NYHA class 3 or 4": findings of their own before
            # the colon, no heading; read as a label, cardiogenic shock would be dropped
            return Review(self.source(p), "not_understood", hints=(body,), span=self.span(p))
        if (label_parsed is None or label_parsed.kind == "unknown") and _RELATIVE_OPENING.match(label_text):
            # "who remain clinically stable on a stable dose of Seroquel (quetiapine)": a clause about the
            # patients, not a heading; read as one, it would be dropped
            start, end = self.span(p)
            return AllOf((Review(label_text, "not_understood", span=(start, start + len(label_text))), body), span=self.span(p))
        if (label_parsed is None or label_parsed.kind == "unknown") and (_SIGNED_NUMBER.search(label_text) or self._measure_and_number_in(p)):
            # "Average QT interval using Fridericia's formulas (QTcF) < 450 msec (...)": an unread requirement
            # before the bracket, not a label; shown as one, it would be dropped
            if self.criterion_kind == "exclusion" or all_review(body) or not _is_measurement(body):
                return Review(self.source(p), "not_understood", hints=(body,), span=self.span(p))
            start, end = self.span(p)
            return AllOf((Review(label_text, "not_understood", span=(start, start + len(label_text))), body), span=self.span(p))
        if isinstance(body_parsed, Parsed) and _WHEN_BRACKETED.match(self.source(body_parsed)) and not all_review(body):
            # "Early postoperative obstruction (within 30 days from previous operation)": when the label's finding
            # happened, never what defines it; as its definition, any operation in the last 30 days would do
            return Review(self.source(p), "not_understood", hints=(body,), span=self.span(p))
        confirmed = self._confirmed_finding(p, body)
        if confirmed is not None:
            return confirmed
        if (_only_a_sex(body) and not _SEX_HEADING.match(label_text)
                and not (isinstance(label_parsed, Parsed) and _names_a_sex(self._resolve(self.visit(label_parsed))))):
            # "patients of childbearing age who did not agree to contraception (both men and women)": the bracket says
            # of whom the label speaks; as its definition, the line would take in every man and woman
            return Review(self.source(p), "conditional", hints=(body,), span=self.span(p))
        if self._bound_against_its_label(label_parsed, label_text, body):
            # "Severe hypertension (diastolic ≥ 110 mmHg and/or systolic ≤ 180 mmHg)": a bound the wrong way for
            # what the label names, a slip of the sign that, read as written, would take in every patient
            self.problems.append((f"a bound in {self.source(_one(p.fields['body']))!r} runs against what "
                                  f"{label_text!r} names", self.span(p)[0]))
            return Review(self.source(p), "not_understood", hints=(body,), span=self.span(p))
        if isinstance(body_parsed, Parsed) and self.text[:self.span(body_parsed)[0]].rstrip().endswith(("(", "[")):
            # "Severe pulmonary disease (asthma, emphysema or fibrosis)": a bracket naming kinds of what the label names
            return labelled_kinds(label_text, body, self.span(p))
        return Defined(label_text, body, span=self.span(p))

    def _bound_against_its_label(self, label_parsed, label_text: str, body: Node) -> bool:
        """Whether a bound in the definition runs against the finding its label names: a low blood pressure
        for hypertension, a high platelet count for thrombocytopenia. Not a label that says the finding is
        controlled or treated, whose definition may be its target."""
        if not isinstance(label_parsed, Parsed) or label_parsed.kind != "finding" or _CONTROLLED_LABEL.search(label_text):
            return False
        for item in label_parsed.fields.get("items") or ():
            variables, high = _measured_direction(self.lexicon.concepts.get(item.get("concept")), item.get("concept") or "")
            for variable in variables:
                # "Elevated IOP (≥ 24 and ≤ 34 mm Hg)" bounds both ways, a range of the finding; only a bound the
                # wrong way alone runs against it
                upward = {node.op in (">", ">=") for node in body.walk() if isinstance(node, Compare) and node.variable == variable}
                if upward == {not high}:
                    return True
        return False

    def _measure_and_number_in(self, p: Parsed) -> bool:
        """"SpO2 93% (on room air or supplemental oxygen)": a measure and a number before the bracket, the
        comparison between them lost; what the bracket says does not define it."""
        body_start = self.span(_one(p.fields["body"]))[0] if isinstance(_one(p.fields.get("body")), Parsed) else self.span(p)[1]
        words = [lexeme.g for lexeme in self._lexemes_in((self.span(p)[0], body_start))]
        for measure, word in enumerate(words):
            if word.startswith("@lab:"):
                near = words[measure + 1:measure + 5]  # "SpO2 93%", "CrCl 60 ml/min"; not "... within 6 months"
                number = next((i for i, word in enumerate(near) if NUMBER_START.match(word)), None)
                if number is not None and not _PERIOD_OPENINGS.intersection(near[:number]):
                    return True
        return False

    def _item_measured_by(self, label_parsed: Parsed | None, body: Node) -> Node | None:
        """"Active infection or bradycardia < 50 bpm": the threshold measures the last finding named, not
        the list; as the list's definition, the infection would be dropped."""
        if not isinstance(label_parsed, Parsed) or label_parsed.kind != "finding" or not isinstance(body, (Compare, Between)):
            return None
        if not any(getattr(self.lexicon.concepts.get(item.get("concept")), "measured_by", None) == body.variable
                   for item in label_parsed.fields.get("items") or ()):
            return None  # settled before the label is built, which the definition may build again
        label = self._resolve(self.visit(label_parsed))
        if not isinstance(label, AnyOf) or not all(isinstance(item, Finding) for item in label.items):
            return None
        measured = [index for index, item in enumerate(label.items)
                    if getattr(self.lexicon.concepts.get(item.concept), "measured_by", None) == body.variable]
        if len(measured) != 1:
            return None
        items = list(label.items)
        items[measured[0]] = body
        return AnyOf(tuple(items), span=_covering([label, body]))

    def _confirmed_finding(self, p: Parsed, body: Node) -> Node | None:
        """"Breast cancer confirmed by biopsy", "Pneumonia documented by chest imaging": a finding and how
        it was shown. The finding must be on record; how it was shown is left for review beside it (as a
        label, the finding itself went unchecked)."""
        if not all_review(body) or _one(p.fields.get("label")) is not None or "confirmed" not in p.fields:
            return None
        parsed, verb_at = p.fields["confirmed"]
        verb = bisect.bisect_right(self._offsets, verb_at) - 1
        finding = self._resolve(self.visit(parsed))
        if all_review(finding) or not any(isinstance(n, Finding) for n in finding.walk()):
            return None
        how_start, end = self.lexemes[verb].start, self.span(p)[1]
        how_text = self.text[how_start:end].strip(" .;,")
        how_start += self.text[how_start:end].index(how_text)
        how = Review(how_text, "not_understood", span=(how_start, how_start + len(how_text)))
        return AllOf((finding, how), span=self.span(p))

    def _bracket_may_relax(self, body_parsed: Parsed, body: Node) -> bool:
        """"O2 sat ≥ 90% (if < 90%, DLCO above 50%)": a bracket that opens on a condition, or holds one
        read in part, may relax what it follows; "(to minimize ... if bleeding were to occur)" does not."""
        said = self.source(body_parsed)
        if _OPENS_CONDITION.match(said) or _SOME_PATIENTS_MUST.match(said):
            return True
        if isinstance(body, Review) and body.reason == "conditional" and _SIGN_AND_NUMBER.match(said):
            return True  # "(≤ 1.5 x ULN if liver metastases)": another bound for some patients
        return not all_review(body) and (body_parsed.kind == "conditional"
                                         or any(isinstance(n, Review) and n.reason == "conditional" for n in body.walk()))

    def _label_lists_findings(self, start: int, end: int) -> bool:
        """Whether the words before a definition hold a list of findings: a semicolon, or two known terms
        apart by a comma."""
        words = [lexeme.g for lexeme in self.lexemes if start <= lexeme.start < end]
        terms = [i for i, w in enumerate(words) if w.startswith(("@cond:", "@drug:", "@proc:"))]
        if ";" in words[:-1]:
            return True
        return len(terms) >= 2 and any("," in words[a:b] for a, b in zip(terms, terms[1:]))

    def _label_text(self, p: Parsed) -> str:
        text = self.source(p)
        match = re.match(
            r"\s*(.*?)\s*(?:[:：]|,?\s*\b(?:characteri[sz]ed by|defined (?:as|by)|as defined by|(?:as )?evidenced by|i\.e\.|ie\b|meaning"
            r"|(?:as )?indicated by|demonstrated by|documented (?:by|as)|as measured by|as documented by|confirmed by|with either)\b)",
            text, re.I)
        return match.group(1) if match else ""

    def build_paren(self, p: Parsed) -> Node:
        return self._resolve(self.visit(p.fields["inner"]))

    def build_and_clause(self, p: Parsed) -> Node:
        return AllOf(tuple(self._resolve(self.visit(x)) for x in p.fields["parts"]), span=self.span(p))

    def build_scale_finding(self, p: Parsed) -> Node:
        """"NYHA class II or greater heart failure, unstable angina or arrhythmia": the class is the first
        finding's; those listed after it are findings of their own, which the class does not narrow."""
        scale, finding = (self._resolve(self.visit(x)) for x in p.fields["parts"])
        if isinstance(finding, (AnyOf, AllOf)) and all(isinstance(item, Finding) for item in finding.items):
            first, *rest = finding.items
            classed = AllOf((scale, first), span=(scale.span[0], first.span[1]) if scale.span and first.span else None)
            return type(finding)((classed, *rest), span=self.span(p))
        return AllOf((scale, finding), span=self.span(p))

    def build_not(self, p: Parsed) -> Node:
        return Not(self._resolve(self.visit(p.fields["inner"])), span=self.span(p))

    def build_unknown(self, p: Parsed) -> Node:
        text = self.source(p)
        span = self.span(p)
        lexemes = [x for x in self.lexemes if span[0] <= x.start and x.end <= span[1]]
        whole = all(x.g in _STRAY_MARKS for x in self.lexemes if not span[0] <= x.start < span[1])
        return statement(lexemes, span, whole) or Review(text, classify_review(text), span=span)

    def _text_between(self, node: Node) -> str:
        return self.text[node.span[0]:node.span[1]] if node.span else ""

    # -- measurements ------------------------------------------------------------------------
    def _amount(self, value: Parsed, analyte_id: str | None) -> Amount:
        value = _one(value)
        number = float(value.fields["number"])
        text = self.source(value)
        if value.fields.get("limit"):
            return Amount(number, value.fields["limit"], text)
        tokens = tuple(value.fields["unit"])
        analyte = self.lexicon.analytes.get(analyte_id or "")
        if tokens and analyte and analyte.unit_words:  # "> 21 units/week" of alcohol
            tokens = tuple(dict(analyte.unit_words).get(token, token) for token in tokens)
        if tokens:
            unit = unit_from_tokens(tokens, text)
            if analyte and compatible(analyte.unit, "1 / L") and compatible(unit, "L") and not compatible(unit, "1 / L"):
                # "Absolute neutrophil count <1500 mm3": a count per volume whose "/" was dropped
                self.problems.append((f"{text!r} read as a count per {unit} (a volume cannot bound a count)", self.span(value)[0]))
                unit = f"1 / {unit}"
            if analyte and compatible(analyte.unit, "1 / L") and tokens == ("k",):
                # "Platelets ≥ 100K": thousands per µL, as counts are reported where "K" stands alone
                self.problems.append((f"{text!r} read as thousands per µL", self.span(value)[0]))
                unit = "1e3 / µL"
            if re.match(r"\d{1,3}\.\d{3}(?!\d)", text) and compatible(unit, "1 / L"):
                # "100.000/µl" is 100,000 written with a European separator, or 100: never guess which, but
                # where the analyte's usual values admit one reading only, that is the one meant
                readings = [n for n in (number, number * 1000) if analyte and _within_usual_values(analyte, n, unit)]
                if len(readings) != 1:
                    raise UnitError(f"{text!r}: '.' may be a thousands separator here; the count is ambiguous")
                if readings[0] != number:
                    self.problems.append((f"{text!r} read as {readings[0]:,.0f}: '.' separates thousands here, as "
                                          f"{number:g} is no value {analyte.name} takes", self.span(value)[0]))
                number = readings[0]
            return Amount(number, unit, text)
        return Amount(number, self._bare_unit(number, analyte_id), text)

    def _bare_unit(self, number: float, analyte_id: str | None) -> str:
        """The unit a bare number stands for, when the analyte's plausible ranges pick exactly one."""
        analyte = self.lexicon.analytes.get(analyte_id or "")
        if not analyte:
            return ""
        fits = [unit for unit, low, high in analyte.bare_units if low <= number <= high]
        return fits[0] if len(fits) == 1 else ""

    def _off_scale(self, analyte_id: str, values: list[float], where: Parsed) -> str | None:
        """"Performance status < 50 by KPS": 50 is no ECOG grade, the text names another scale."""
        analyte = self.lexicon.analytes.get(analyte_id)
        if not analyte or analyte.kind != "score" or not analyte.bare_units:
            return None
        outside = [v for v in values if not any(low <= v <= high for _, low, high in analyte.bare_units)]
        if not outside:
            return None
        scale = ", ".join(f"{low:g}-{high:g}" for _, low, high in analyte.bare_units)
        message = f"{outside[0]:g} is outside the scale of {analyte.name} ({scale})"
        self.problems.append((message, self.span(where)[0]))
        return message

    def _implausible(self, analyte, amount: Amount, where: Parsed) -> str | None:
        """"Creatinine > 120 µmol/mL": a unit written wrong (µmol/L meant) makes a threshold a thousand
        times off, which no patient would meet or fail as the author meant. The analyte's usual values
        (its bare-number ranges), with room to spare, bound what a threshold can be."""
        if analyte.kind == "score" or _within_usual_values(analyte, amount.value, amount.unit) is not False:
            return None
        message = f"{amount.render()} is far outside the values {analyte.name} takes: is its unit written wrong?"
        if amount.unit in ("1 / L", "cells / L") and _within_usual_values(analyte, amount.value, "1 / µL"):
            # "platelet count <150,000/L", "ANC < 500/L": per microlitre surely meant (a µ the text lost), but the text
            # says per litre; the reviewer is told, the threshold stays unread
            message += " Per µL, a µ lost?"
        self.problems.append((message, self.span(where)[0]))
        return message

    def _check_unit(self, analyte_id: str, amount: Amount, where: Parsed) -> str | None:
        if amount.is_limit_multiple or analyte_id not in self.lexicon.analytes:
            return None
        analyte = self.lexicon.analytes[analyte_id]
        if amount.unit in ("", analyte.unit) and self._off_scale(analyte_id, [amount.value], where):
            return "off scale"
        if analyte.kind == "score" and analyte.unit == "dimensionless" and _PERCENT.fullmatch(amount.unit or ""):
            # pint holds a percent dimensionless, so "70%" would be 0.7 of a grade, and grade 1 a hundred percent
            message = f"{amount.render()} is a percentage, not a grade of {analyte.name}"
            self.problems.append((message, self.span(where)[0]))
            return message
        if not amount.unit:
            return None
        if analyte_id == "egfr" and compatible(amount.unit, "mL/min"):
            return None  # see _normalised_egfr
        if compatible(amount.unit, analyte.unit, analyte.molar_mass, analyte.valence):
            return self._implausible(analyte, amount, where)
        if any(compatible(amount.unit, other) for other in analyte.other_units):
            return None  # compared only with a patient value of the same kind; never converted across
        message = f"unit {amount.unit!r} does not fit {analyte.name} (measured in {analyte.unit})"
        self.problems.append((message, self.span(where)[0]))
        return message

    def _restated_otherwise(self, analyte_id: str, amount: Amount, where: Parsed) -> str | None:
        """"Creatinine < 1.5 mg/dL (133 mmol/L)": a bracket restating the threshold in other units that
        converts to another value (a slip in one of them) leaves which threshold is meant unknown."""
        restated = where.fields.get("restated")
        analyte = self.lexicon.analytes.get(analyte_id)
        if not restated or analyte is None or amount.is_limit_multiple or not amount.unit or compatible(amount.unit, "s"):
            return None  # "3 months (12 weeks)": periods are restated roughly
        try:
            other = self._amount(restated, analyte_id)
            if other.is_limit_multiple or not other.unit:
                return None
            converted = convert_for(analyte, quantity(other.value, other.unit), amount.unit).magnitude
        except Exception:  # units that do not convert for this analyte: no restatement to weigh
            return None
        if abs(converted - amount.value) <= 0.05 * abs(amount.value):  # as rounded for the other unit
            return None
        if any(abs(converted - amount.value * slip) <= 0.05 * abs(amount.value * slip) for slip in (1e3, 1e-3, 1e6, 1e-6)):
            # "creatinine > 1.5 mg/dL (133 mmol/L)": µmol written mmol (or "mol", the µ lost), a value no patient
            # has; the number agrees
            self.problems.append((f"the bracket's {other.render()} agrees with {amount.render()} once its prefix is read as a slip",
                                  self.span(where)[0]))
            return None
        message = (f"the bracket restates {other.render()}, which is {Amount(float(f'{converted:.3g}'), amount.unit, '').render()},"
                   f" not {amount.render()}: which threshold is meant?")
        self.problems.append((message, self.span(where)[0]))
        return message

    def _normalised_egfr(self, variable: str, amount: Amount, where: Parsed) -> Amount:
        """eGFR is normalised to 1.73 m² by definition; "eGFR ≥ 60 mL/min" means 60 mL/min/1.73 m²."""
        if variable != "egfr" or not amount.unit or amount.is_limit_multiple or not compatible(amount.unit, "mL/min"):
            return amount
        self.problems.append((f"eGFR threshold {amount.text!r} read as mL/min/1.73 m² (eGFR is normalised by definition)", self.span(where)[0]))
        return Amount(amount.value, f"{amount.unit} / BSA_1_73", amount.text)

    def _variables(self, p: Parsed) -> list[str]:
        if p.fields.get("free"):
            free = [str(w) for w in p.fields["free"]]
            if len(free) == 1 and free[0].startswith("@lab:") and self._measures(free[0].split(":", 1)[1], p):
                return [free[0].split(":", 1)[1]]  # "Greater than 5% blasts in the bone marrow", "at least 40% LVEF"
            words = " ".join(self._term_words(w) for w in p.fields["free"])
            if re.fullmatch(r"(aged?|ages)( of)?", words):
                return ["age"]
            # "Children 6 months to 14 years", "Outpatient at least 12 years of age" opening a criterion: the
            # patients' own age; not "family history of sudden death under 40 years of age", "results less
            # than 29 days old", "living with children under 3 years old"
            opens = not self.text[:self.span(p)[0]].strip() and self.source(p).lower().startswith(words)
            if opens and (_PATIENT_NOUNS.fullmatch(words) and self._is_time(p)
                          or p.fields.get("age_words") and _PERSON_NOUNS.fullmatch(words)
                          or self._bare_age_of(words, p)):
                return ["age"]
            if words in ("rate", "ventricular rate", "ventricular response rate") and _counts_beats(p):
                return ["heart_rate"]  # "(rate > 120 bpm)": beats are the heart's
            # "Elevated VWF antigen levels > 150%": the judgement is the comparison's, not the variable's name
            words = _JUDGEMENT_LEAD.sub("", words) or words
            return ["text:" + text_key(words)]
        labs = list(p.fields.get("labs") or [])
        if not labs and self._bare_age_of(self.text[:self.span(p)[0]].strip().lower(), p):
            return ["age"]  # the persons the criterion opens with, before the bound
        if not labs and (p.fields.get("age_words") or self._is_years(p)):
            if not p.fields.get("age_words") and _AFTER_A_DURATION.search(self.text[:self.span(p)[0]]):
                return []  # "arthritis symptoms for more than 6 weeks and less than 1 year": the duration's other bound
            if not self._is_years(p) and self.text[:self.span(p)[0]].strip():
                return []  # "infection (≤ 26 weeks old)", "ulcer area ..., and more than 4 weeks old": not whose age
            labs = ["age"]  # "18 years or older", "over 18 years": ages are counted in years
        return labs

    def _measures(self, analyte_id: str, p: Parsed) -> bool:
        """Whether a value's unit is one the analyte is measured in ("> 10% BSA" is a share of the body's
        surface, not its area)."""
        analyte = self.lexicon.analytes.get(analyte_id)
        if analyte is None or not _unit_words(p):
            return False
        try:
            amount = self._amount(p.fields["value"], analyte_id)
        except UnitError:
            return False
        return bool(amount.unit) and compatible(amount.unit, analyte.unit)

    def _dose_of_a_drug(self, p: Parsed, op: str) -> Finding | None:
        """"Prednisone > 10 mg/day": one drug taken now, at a daily dose its record must carry."""
        words = [str(w) for w in p.fields.get("free") or []]
        if len(words) != 1 or not words[0].startswith("@drug:") or op not in _OPS_READ or p.fields.get("context"):
            return None
        concept = words[0].split(":", 1)[1]
        # "> 10 mg/day prednisone or equivalent" (normalise_doses): the dose of any of the class, counted in prednisone
        equivalent = concept.removesuffix("_equivalent") if concept.endswith("_equivalent") else ""
        if equivalent and equivalent not in self.lexicon.equipotent_mg:
            return None
        if equivalent:
            concept = self.lexicon.equivalent_class[equivalent]
        if re.search(r"\bcumulative\b|\blifetime\b|\btotal\b", self.text, re.I) or not equivalent and (
                concept in _drug_classes() or re.search("equivalen", self.text, re.I)):
            # a class's members, and "or equivalent" unread, differ in potency: 4 mg of dexamethasone is more than
            # 10 mg of prednisone; a cumulative dose is no record's dose
            return None
        try:
            amount = self._amount(p.fields["value"], None)
        except UnitError:
            return None
        if not amount.unit or not any(compatible(amount.unit, unit) for unit in _DOSE_UNITS):
            return None  # "Doxorubicin > 550 mg/m2", "clopidogrel > 75 mg": a cumulative or a single dose, not a daily one
        if any(status != "current" for status in p.fields.get("status") or ()):
            return None  # "Prior use of prednisone > 10 mg/day for 4 weeks": a past course, no record's current dose
        qualifiers = ("stable",) if p.fields.get("stable") else ()
        if p.fields.get("window"):  # "... within 4 weeks prior to screening": taken at that dose in those weeks
            return Finding(concept, "drug", "", qualifiers, window=self._window(p.fields["window"]), dose=(op, amount),
                           dose_equivalent=equivalent, span=self.span(p))
        # a dose bounds what the patient takes now; a course that ended is no dose
        return Finding(concept, "drug", "current", qualifiers, dose=(op, amount), duration=self._duration(p.fields.get("duration")),
                       dose_equivalent=equivalent, span=self.span(p))

    def _is_score(self, variable: str) -> bool:
        analyte = self.lexicon.analytes.get(variable)
        return analyte is not None and analyte.kind == "score"

    def _bare_age_of(self, persons: str, p: Parsed) -> bool:
        """"Patients under 18", "Women over 40": only an age is a bare number persons are under or over
        (the bound ends the comparison, so no unit follows it)."""
        return bool(_PERSON_NOUNS.fullmatch(persons) and _BARE_AGE_BOUND.search(self.source(p)))

    def _is_time(self, p: Parsed) -> bool:
        return _unit_word(p) in _TIME_UNIT_WORDS

    def _is_years(self, p: Parsed) -> bool:
        return _unit_word(p) in ("year", "years", "yr", "yrs", "y")

    def _combine(self, nodes: list[Node], conj: list[str], p: Parsed, default_any: bool = False) -> Node | _Implicit:
        nodes = list(dict.fromkeys(nodes))  # "bleeding diathesis or coagulopathy": two names, one concept
        if len(nodes) == 1:
            return nodes[0]
        words = set(" ".join(conj).replace(",", " ").split())
        if words & {"or", "and/or", "nor"}:
            return AnyOf(tuple(nodes), span=self.span(p))
        if "and" in words or "&" in words or "+" in words:
            return AllOf(tuple(nodes), span=self.span(p))
        if default_any:
            return AnyOf(tuple(nodes), span=self.span(p))
        return _Implicit(nodes)

    def build_cmp(self, p: Parsed) -> Node | _Implicit:
        variables = self._variables(p)
        if not variables:
            return Review(self.source(p), "not_understood", span=self.span(p))
        op = _one(p.fields["op"])
        if op == "conflicting":
            return Review(self.source(p), "not_understood", span=self.span(p))
        dosed = self._dose_of_a_drug(p, op)
        if dosed is not None:
            return dosed
        if p.fields.get("window") or p.fields.get("duration"):  # a dose this reading cannot hold, and when it was taken
            return Review(self.source(p), "not_understood", span=self.span(p))
        nodes = []
        for variable in variables:
            try:
                threshold = self._amount(p.fields["value"], variable)
            except UnitError as error:
                self.problems.append((str(error), self.span(p)[0]))
                return Review(self.source(p), "unit_error", span=self.span(p))
            threshold = self._normalised_egfr(variable, threshold, p)
            variable = _scale_in_percent(variable, threshold, self.source(p))
            if op == "=" and not self._is_score(variable):
                # "Age = 18 years and = 50 years": an "=" on a measured value is almost always a ≥ or ≤
                # the source lost; read as equality it would be a wrong threshold
                self.problems.append(("'=' on a measured value; the source may have lost a ≥ or ≤", self.span(p)[0]))
                return Review(self.source(p), "ambiguous_comparator", span=self.span(p))
            mismatch = self._check_unit(variable, threshold, p) or self._restated_otherwise(variable, threshold, p)
            if mismatch:
                return Review(self.source(p), "unit_error", span=self.span(p))
            before = re.match(r"(?:before|prior to|preceding)\s+(?:the\s+)?", self._context_text(p) or "", re.I)
            if variable.startswith("text:") and threshold.unit in _TIME_UNITS and before:
                if op in ("<", "<=") and re.search(r"\bwithin\b", self.source(p), re.I) and _names_an_event(p.fields.get("free") or []):
                    # "Febrile illness within 7 days prior to screening": a finding in that period
                    reference = (self._context_text(p) or "")[before.end():].rstrip(" .;,")
                    nodes.append(Finding(variable, "any", "", (), Window(threshold, reference, counted_from(reference)), span=self.span(p)))
                    continue
                # "Laboratory requirements within 7 days prior to registration", "Neurosurgery =< 2 weeks prior to
                # randomization": words the lexicons do not know, timed; when a test was done, or an exposure
                return Review(self.source(p), "not_understood", span=self.span(p))
            if variable.startswith("text:") and threshold.unit in _TIME_UNITS and re.search(r"\bwithin\b", self.source(p), re.I):
                if re.match(r"(?:after|following|post)\b", self._context_text(p) or "", re.I):
                    # "fathering a child within 4 months after the last dose": a window after an event, which
                    # read as one before screening would look for the wrong time
                    return Review(self.source(p), "not_understood", span=self.span(p))
                # "Antibiotics within 72 h": an exposure inside a window, not a quantity named "antibiotics"
                nodes.append(Finding(variable, "any", "", (), Window(threshold, ""), span=self.span(p)))
                continue
            timepoint = self._amount(p.fields["timepoint"], None) if p.fields.get("timepoint") else None
            nodes.append(Compare(variable, op, threshold, timepoint, *self._measured_context(p, variable), span=self.span(p)))
        combined = self._combine(nodes, p.fields.get("conj", []), p)
        if self.criterion_kind == "exclusion" and isinstance(combined, AllOf):
            return self._each_or_all(combined, p)
        if (self.criterion_kind == "inclusion" and isinstance(combined, AnyOf) and op in ("<", "<=")
                and set(variables) <= _LIVER_PANEL):
            return self._one_or_each(combined, p)
        return combined

    def _each_or_all(self, every: AllOf, p: Parsed) -> Node:
        return each_or_all(every, Review(self.source(p), "and_scope", span=self.span(p)), self.span(p))

    def _one_or_each(self, either: AnyOf, p: Parsed) -> Node:
        """"AST or ALT ≤ 2.5 x ULN" among inclusions: as written one within the limit is enough, as
        sponsors mean it (the exclusion "AST or ALT > 2.5 x ULN" it mirrors) each must be; both within
        it meets it, neither does not, one alone is the reviewer's."""
        which = Review(self.source(p), "or_scope", span=self.span(p))
        every = AllOf(either.items, span=self.span(p))
        return AllOf((either, AnyOf((every, which), span=self.span(p))), span=self.span(p))

    def _measured_context(self, p: Parsed, variable: str) -> tuple[str, bool]:
        """How or when the value is measured, and whether that narrows which value counts ("at the
        time of diagnosis": a past value, which a record's value now does not settle)."""
        context = self._context_text(p)
        return context, bool(context) and not _usual_context(variable, context)

    def _context_text(self, p: Parsed) -> str:
        context = _one(p.fields.get("context"))
        if not context:
            return self._method_text(p)
        source = self.source(p)
        # its first words, found last in the source: "at" alone may stand earlier, or later ("at least")
        words = re.findall(r"\w+", str(context))[:4] or [str(context).split()[0]]
        starts = [m.start() for m in re.finditer(r"\b" + r"\W+".join(map(re.escape, words)) + r"\b", source, re.I)]
        if not starts:
            starts = [m.start() for m in re.finditer(rf"\b{re.escape(words[0])}\b", source, re.I)]
        text = source[starts[-1]:] if starts else str(context)
        if text.count(")") > text.count("("):  # "(at screening)": the bracket closes after the context
            text = text[:text.rindex(")")].rstrip()
        return text

    def _method_text(self, p: Parsed) -> str:
        """"by ECHO or MUGA" written between the analyte and its threshold, as the source spells it."""
        method = p.fields.get("method")
        if not method:
            return ""
        words = re.findall(r"\w+", str(method))
        # a formula's long name stands as one word in the method ("Modification of Diet in Renal Disease (MDRD)")
        spelled = [rf"(?:{formula_names().pattern}|{re.escape(word)})" if word in formula_words() else re.escape(word) for word in words]
        found = re.search(r"\b" + r"\W+".join(spelled) + r"\b\)?", self.source(p), re.I)
        return found.group(0) if found else str(method)

    def build_range(self, p: Parsed) -> Node | _Implicit:
        variables = self._variables(p)
        if not variables:
            return Review(self.source(p), "not_understood", span=self.span(p))
        nodes = []
        for variable in variables:
            try:
                high = self._amount(p.fields["high"], variable)
                low = self._amount(p.fields["low"], variable)
            except UnitError as error:
                self.problems.append((str(error), self.span(p)[0]))
                return Review(self.source(p), "unit_error", span=self.span(p))
            if not _one(p.fields["low"]).fields["unit"] and not _one(p.fields["low"]).fields.get("limit"):
                low = Amount(low.value, high.unit, low.text)  # "18 to 65 years": the unit is written once
            high, low = self._normalised_egfr(variable, high, p), self._normalised_egfr(variable, low, p)
            variable = _scale_in_percent(variable, high, self.source(p))
            if self._check_unit(variable, high, p) or self._check_unit(variable, low, p):
                return Review(self.source(p), "unit_error", span=self.span(p))
            if _empty_range(low, high):
                self.problems.append((f"range from {low.render()} to {high.render()} is empty", self.span(p)[0]))
                return Review(self.source(p), "unit_error", span=self.span(p))
            timepoint = self._amount(p.fields["timepoint"], None) if p.fields.get("timepoint") else None
            nodes.append(Between(variable, low, high, p.fields.get("inclusive", True), timepoint, *self._measured_context(p, variable),
                                 span=self.span(p)))
        return self._combine(nodes, p.fields.get("conj", []), p)

    def build_double_cmp(self, p: Parsed) -> Node | _Implicit:
        """"> 30 to < 80 years": both bounds hold; "< 18 or > 65 years": either does."""
        f = p.fields
        if _one(f["op"]) == "conflicting":
            return Review(self.source(p), "not_understood", span=self.span(p))
        first, second = _one(f["value"]), _one(f["value2"])
        if not first.fields["unit"] and not first.fields.get("limit"):  # the unit is written once, after the second bound
            first = Parsed("value", {**first.fields, "unit": second.fields["unit"], "limit": second.fields.get("limit")}, first.start, first.end)
        either = _one(f["joiner"]) in ("or", "and/or")
        bounds_written = ((f["op"], first), (f["op2"], second))
        same_direction = {_one(f["op"])[0], _one(f["op2"])[0]} in ({"<"}, {">"})
        per_variable = []
        # "ALT or AST > 3 x ULN and < 5 x ULN": both bounds on the same analyte, either analyte;
        # "systolic or diastolic BP ≥ 140 or ≥ 90 mmHg": one bound for each, respectively
        respectively = len(f["labs"]) == 2 and same_direction
        for index, labs in enumerate([[lab] for lab in f["labs"]] or [[]]):
            shared = {"labs": labs, "conj": [], "timepoint": None, "context": f.get("context"), "age_words": f["age_words"],
                      **({"free": f["free"]} if f.get("free") and not labs else {})}
            bounds = [self.build_cmp(Parsed("cmp", {**shared, "op": op, "value": value}, p.start, p.end))
                      for op, value in (bounds_written[index:index + 1] if respectively else bounds_written)]
            review = next((b for b in bounds if isinstance(b, Review)), None)
            if review is not None:
                return Review(self.source(p), review.reason, span=self.span(p))
            if not either and _disjoint(bounds):
                if self.criterion_kind == "exclusion" and re.search(r"\band\b", self.source(p), re.I):
                    # "Age < 18 years and > 90 years": no one is both; what excludes is either
                    per_variable.append(AnyOf(tuple(bounds), span=self.span(p)))
                    continue
                # "Calcium < 8.4 mg/dL > 10.6 mg/dL" may mean either; an inclusion's "< 18 and > 65" may
                # have its signs swapped: a guess either way
                return Review(self.source(p), "not_understood", span=self.span(p))
            per_variable.append(bounds[0] if len(bounds) == 1 else (AnyOf if either else AllOf)(tuple(bounds), span=self.span(p)))
        return self._combine(per_variable, f["conj"], p)

    def build_normal_range(self, p: Parsed) -> Node | _Implicit:
        """"Potassium within normal limits": between the patient's own LLN and ULN; "TSH outside the normal
        range": below the one or above the other."""
        span = self.span(p)
        if p.fields.get("outside"):
            nodes = [AnyOf((Compare(lab, "<", Amount(1.0, "LLN", "LLN"), span=span), Compare(lab, ">", Amount(1.0, "ULN", "ULN"), span=span)),
                           span=span) for lab in p.fields["labs"]]
        else:
            nodes = [Between(lab, Amount(1.0, "LLN", "LLN"), Amount(1.0, "ULN", "ULN"), True, span=span) for lab in p.fields["labs"]]
        return self._combine(nodes, p.fields.get("conj", []), p)

    def build_scale_set(self, p: Parsed) -> Node:
        node = self._scale_set(p)
        context, narrows = self._measured_context(p, p.fields["labs"][0])
        if isinstance(node, (Compare, Between)) and context:
            return replace(node, context=context, conditional=narrows)
        if narrows and not isinstance(node, Review):
            # "ECOG 0-1 in the morning": a set has no place for what narrows which value counts
            return Review(self.source(p), "conditional", hints=(node,), span=self.span(p))
        return node

    def _scale_set(self, p: Parsed) -> Node:
        variable = p.fields["labs"][0]
        values = [float(ROMAN_VALUES.get(v, v)) for v in p.fields["values"]]
        if self._off_scale(variable, values, p):
            return Review(self.source(p), "unit_error", span=self.span(p))
        analyte = self.lexicon.analytes[variable]
        if len(values) == 1 and not _one(p.fields.get("op")) and any(high - low > 10 for _, low, high in analyte.bare_units):
            # "MADRS = 18": one point on a long scale is a bound whose sign was lost, not a set
            self.problems.append(("one value on a long scale; the source may have lost a ≥ or ≤", self.span(p)[0]))
            return Review(self.source(p), "ambiguous_comparator", span=self.span(p))
        op = _one(p.fields.get("op"))
        if op:  # "NYHA class ≥ III", "class III or greater"
            if len(values) != 1:
                return Review(self.source(p), "not_understood", span=self.span(p))
            unit = self.lexicon.analytes[variable].unit
            return Compare(variable, op, Amount(values[0], unit, str(p.fields["values"][0]).upper()), span=self.span(p))
        conj = p.fields["conj"]
        if len(values) == 2 and conj and conj[0] in ("-", "to", "through", "~"):
            low, high = sorted(values)
            unit = self.lexicon.analytes[variable].unit
            if not (low.is_integer() and high.is_integer()) or self.lexicon.analytes[variable].step != 1.0:
                # "Hoehn and Yahr stage 1 to 3" holds stage 2.5 too
                texts = [str(v).upper() for v in p.fields["values"]]
                return Between(variable, Amount(low, unit, texts[0]), Amount(high, unit, texts[-1]), True, span=self.span(p))
            values = [float(v) for v in range(int(low), int(high) + 1)]
        return OneOf(variable, tuple(values), span=self.span(p))

    # -- findings ----------------------------------------------------------------------------
    def build_finding(self, p: Parsed) -> Node | _Implicit:
        f = _negated_duration_as_window(p.fields)
        window = None
        status = _status_in_window(f)
        if f.get("window"):
            if _bracket_may_date_the_last_alone(f, len(f["items"])):
                return Review(self.source(p), "not_understood", span=self.span(p))
            window = self._window(f["window"])
        if f.get("washout"):
            window = self._window(f["washout"])  # still exposed within the washout period
        shared = tuple(f.get("shared_qualifiers") or ())
        if shared and f.get("shared_head") and f["shared_head"] not in ("infection",) and not all(
            f["shared_head"] in self.lexicon.ancestors(item["concept"]) for item in f["items"]
        ):
            shared = ()
        if _bare_duration(f) and any(self.lexicon.concepts[item["concept"]].category != "condition" for item in f["items"]):
            # "Surgery > 4 weeks" may say how long ago as well as how long
            return Review(self.source(p), "not_understood", span=self.span(p))
        nodes: list[Node] = []
        for index, item in enumerate(f["items"]):
            concept = self.lexicon.concepts[item["concept"]]
            category = "allergy" if f["mode"] == "allergy" and concept.category != "condition" else concept.category
            # "Secondary hypertension, severe hypertension, or malignant hypertension": an item with qualifiers of
            # its own does not take those said before the first
            # (a requirement after the list, "active infection requiring IV antibiotics", binds every item still)
            own = index > 0 and self._qualified(item["qualifiers"])
            leading = [q for q in f.get("pre_qualifiers", ()) if not own or q in f.get("requirements", ())]
            qualifiers = _dated(tuple(dict.fromkeys(self._written(q) for q in [*leading, *item["qualifiers"], *(() if own else shared)])), window)
            other = self._other_than_studied(concept.id, f, p)
            nodes.append(self._at_most_grade(self._with_qualifier_choices(
                Finding(concept.id, category, status, _without_other_words(qualifiers) if other else qualifiers, window,
                        tuple(f.get("indication") or ()), self._grade(f.get("grade")), duration=self._duration(f.get("duration")),
                        other=other, span=self.span(p)), f), f))
        combined = self._combine(nodes, [c for c in f["conj"] if c != ","] or f["conj"], p,
                                 default_any="/" in f["conj"])
        return self._purpose_narrowed(self._negations(self._beyond_allergy(self._enumeration(combined, f.get("conj", [])), f, p), f, p), f, p)

    def _purpose_narrowed(self, combined: Node | _Implicit, f: dict, p: Parsed) -> Node | _Implicit:
        """"Prior chemotherapy for metastatic breast cancer": the record's reason says breast cancer, not its
        stage; the stage is for review beside the finding (read as breast cancer alone, adjuvant therapy
        would count)."""
        words = [w for w in f.get("indication_qualifiers") or () if w not in ("the", "a", "an", "of")]
        if not words or not isinstance(combined, Node):
            return combined
        named = ", ".join(self._concept_words(c) for c in f.get("indication") or ())
        stage = Review(f"for {' '.join(words)} {named}".strip(), "not_understood", span=self.span(p))
        if isinstance(combined, Not):  # "No prior treatment with a taxane for metastatic breast cancer": none given for it
            return Not(AllOf((combined.item, stage), span=self.span(p)), span=self.span(p))
        return AllOf((combined, stage), span=self.span(p))

    def _qualified(self, words) -> bool:
        """Whether an item's own words hold a qualifier ("severe", "uncontrolled"), not just an organ's
        ("meningeal" in "metastatic brain or meningeal tumours", which shares what is said before it)."""
        said = " ".join(str(w) for w in words if not str(w).startswith(("@", "#")))
        return bool(said) and _qualifier_pattern().search(said) is not None

    def _beyond_allergy(self, combined: Node | _Implicit, f: dict, p: Parsed) -> Node | _Implicit:
        """"Contraindication to aspirin", "intolerance to metformin": an allergy is one, not the only one
        (a bleeding disorder, nausea), and no list of allergies holds the others."""
        if not (f.get("mode") == "allergy" or f.get("allergy")) or not _BEYOND_ALLERGY.search(self.source(p)):
            return combined
        other = Review(self.source(p), "not_understood", span=self.span(p))
        return AnyOf((self._resolve(combined), other), span=self.span(p))

    def _narrowed_by_clause(self, findings: Node, f: dict, p: Parsed) -> Node:
        """"NSCLC which is accessible to biopsy": the finding, and the clause narrowing it for review;
        a finding without it cannot meet it, one with it leaves it unknown. Under a negation or a
        period, whether the clause is denied or dated with the finding is not written: review."""
        if f.get("negated") or f.get("window") or f.get("washout"):
            return Review(self.source(p), "not_understood", span=self.span(p))
        clauses = []
        for clause in f["relative"]:
            found = re.search(r"\s+".join(map(re.escape, str(clause).split()[:2])), self.text[self.span(p)[0]:], re.I)
            start = self.span(p)[0] + found.start() if found else self.span(p)[0]
            clauses.append(Review(self.text[start:self.span(p)[1]].strip(" ,;."), "not_understood", span=(start, self.span(p)[1])))
        return AllOf((findings, *clauses), span=self.span(p))

    def _other_than_studied(self, concept_id: str, f: dict, p: Parsed) -> bool:
        """"Other malignancy within 5 years", "No prior malignancy", "Other active infection": in a trial
        of a cancer (of an infection), a cancer (an infection) besides the one studied, which the
        patient's own record of it must not meet. Said so by "other", "another", "second" before it; or
        by one of no particular kind that an exclusion names, or an inclusion denies, as no trial
        excludes the disease it studies."""
        if not STUDIED_CLASSES & self.lexicon.ancestors(concept_id):
            return False
        start, end = self.span(p)
        if _OTHER_THAN_STUDIED.search(self.text[max(0, start - 24):end]):
            return True
        denied = f.get("negated") or (f.get("window") is not None and self._long_ago(_one(f["window"])))
        return concept_id in _ANY_OF_A_STUDIED_CLASS and (self.criterion_kind == "exclusion" or bool(denied))

    def _with_qualifier_choices(self, finding: Finding, f: dict) -> Node:
        """"Acute or chronic pancreatitis": a pancreatitis of either kind."""
        choices = [list(dict.fromkeys(text_key(q) for q in group)) for group in f.get("qualifier_choices") or ()]
        if not choices:
            return finding
        # "Chronic or clinically relevant acute infections": a qualifier after the choice that contradicts one
        # of its kinds belongs to the other ("acute" is not shared with "chronic")
        kinds = [replace(finding, qualifiers=tuple(dict.fromkeys(
                     [*(q for q in finding.qualifiers if _OPPOSITE_QUALIFIERS.get(text_key(q)) not in picked), *picked])))
                 for picked in itertools.product(*choices)]
        return kinds[0] if len(kinds) == 1 else AnyOf(tuple(kinds), span=finding.span)

    def _at_most_grade(self, node: Node, f: dict) -> Node:
        """"Neuropathy ≤ grade 1" in an inclusion: none worse than grade 1, which a patient without
        neuropathy meets; read as a neuropathy of grade 1 at most, it would exclude them."""
        if self.criterion_kind != "inclusion" or f.get("negated") or not isinstance(node, Finding) or not node.grade:
            return node
        op, low, *high = node.grade
        worse = {"<=": (">", low), "<": (">=", low), "==": (">", low) if low == 0 else None,
                 "between": (">", high[0]) if high and low == 0 else None}.get(op)
        return Not(replace(node, grade=worse), span=node.span) if worse else node

    def _enumeration(self, combined: Node | _Implicit, conj: list[str]) -> Node | _Implicit:
        """"History of aneurysms, strokes, TIAs, and arteriovenous malformations": an exclusion's list of
        three or more, its last joined by "and", names what excludes, each alone; read as all of them,
        a patient with one would not be excluded."""
        words = " ".join(conj).replace(",", " , ").split()
        # "Diabetes, hypoglycemia, history of seizure disorder, and G6PD deficiency": the last two, split off by
        # "history of", end the longer list the comma before "and" shows
        ends_a_list = len(conj) == 1 and words == [",", "and"]
        if (self.criterion_kind == "exclusion" and isinstance(combined, AllOf) and (len(combined.items) >= 3 or ends_a_list)
                and "," in words and "and" in words and not {"or", "and/or", "both"} & set(words)
                and all(isinstance(n, Finding) for n in combined.items)):
            return AnyOf(combined.items, span=combined.span)
        return combined

    def _grade(self, parsed) -> tuple:
        """("between", 3, 4) for "grade 3-4"; (">=", 2) for "grade ≥ 2" or "grade 2 or higher"; ("==", 2) for "grade 2"."""
        if parsed is None:
            return ()
        g = _one(parsed).fields
        low = float(g["low"])
        if g.get("high") is not None:
            return ("between", low, float(g["high"]))
        return (_one(g["op"]) if g.get("op") is not None else "==", low)

    def _long_ago(self, window: Parsed) -> bool:
        """"X > 4 weeks prior": none in those 4 weeks. Not when an exclusion says when X "must have been
        completed": that is what the trial requires, so what excludes is X within the period."""
        if _one(window.fields.get("op")) not in (">", ">="):
            return False
        ended = window.fields.get("ended") or ""
        return not (self.criterion_kind == "exclusion" and re.match(r"(?:must|should|will) ", ended))

    def _negations(self, combined: Node | _Implicit, f: dict, p: Parsed) -> Node | _Implicit:
        """"No X"; and "X > 4 weeks prior to randomization": none within those 4 weeks."""
        window = _one(f["window"]) if f.get("window") else None
        if window is not None and self._long_ago(window):
            denied = Not(self._none_of(combined), span=self.span(p))
            if self.criterion_kind == "exclusion" and not f.get("negated"):
                # "Hospitalization at least 1 month prior to study entry" excludes one who was, that long
                # ago: none in the last month alone would exclude everyone never hospitalized; one in the
                # last month may have had another before
                earlier = Review("another before " + self.source(window), "not_understood", span=self.span(window))
                combined = AllOf((_undated(self._none_of(combined)), AnyOf((denied, earlier), span=self.span(p))), span=self.span(p))
            else:
                combined = denied
        if f.get("negated"):
            combined = Not(self._none_of(combined), span=self.span(p))
        if window is not None and window.fields.get("except") is not None:
            # "malignancy within 5 years (except basal cell carcinoma) prior to enrollment"
            exception = self._resolve(self.visit(window.fields["except"]))
            combined = self._with_exception(self._resolve(combined), exception, p)
        if window is not None and window.fields.get("note"):
            # another window for some exposures: a finding inside the stated one settles an exclusion,
            # the rest stays open for review
            note_parsed = _one(window.fields["note"])
            resolved = self._resolve(combined)
            stated = self._window(window)
            # a longer wait for some adds exposures, so a finding inside the stated period settles it; a
            # shorter one ("(2 weeks for biopsy)") takes some away, so only their absence does
            if len(_other_waits(self.source(note_parsed), stated.amount)) > 1:  # "(6 weeks for X; 1 week for Y)"
                return Review(self.source(p), "not_understood", span=self.span(p))
            joined = AllOf if isinstance(resolved, Not) != _shorter_wait(self.source(note_parsed), stated.amount) else AnyOf
            longer = self._longer_wait(self.span(note_parsed), stated.reference, stated.amount)
            if longer is not None and isinstance(resolved, Not) == (self.criterion_kind == "inclusion"):
                # "chemotherapy within 4 weeks (6 weeks for nitrosoureas)": each named exposure within its own period
                note = Not(longer, span=longer.span) if isinstance(resolved, Not) else longer
            else:
                note = self.build_unknown(note_parsed)
                if isinstance(note, Review) and _HALF_LIVES.search(note.text):
                    # "within 4 weeks or 5 half-lives, whichever is longer": the longer wait is the same exposure's,
                    # so it is open only for a patient who had it, earlier
                    negated = isinstance(resolved, Not)
                    exposed = _undated(resolved.item if negated else resolved)
                    note = AnyOf((Not(exposed, span=exposed.span), note), span=note.span) if negated else AllOf((exposed, note), span=note.span)
                    joined = AllOf if negated else AnyOf
            return joined((resolved, note), span=self.span(p))
        return combined

    def _none_of(self, combined: Node | _Implicit) -> Node:
        """What a negation denies: "No diabetes and hypertension" has neither, so the list it covers
        is denied as a whole when any of it holds."""
        resolved = self._resolve(combined)
        return AnyOf(resolved.items, span=resolved.span) if isinstance(resolved, AllOf) else resolved

    def _duration(self, parsed) -> tuple:
        """("for" / ">=", "6 months") -> (">=", Amount): "for 6 months" is at least that long."""
        if parsed is None:
            return ()
        d = _one(parsed).fields
        op = _one(d["op"])
        return (">=" if op == "for" else op, self._amount(d["amount"], None))

    def _window(self, parsed) -> Window:
        w = _one(parsed)
        if w.fields.get("single"):
            amount = Amount(1.0, unit_from_tokens((w.fields["single"],)), self.source(w))
        else:
            amount = self._amount(w.fields["amount"], None)
        reference = ""
        if w.fields.get("reference"):
            (start, end), source = self.span(w), self.source(w)
            if w.fields.get("note"):  # the reference without "or 5 half-lives, whichever is longer"
                note_start, note_end = self.span(_one(w.fields["note"]))
                source = (self.text[start:note_start] + " " + self.text[note_end:end]).strip(" ,")
                source = _WHICHEVER_LONGER.sub("", source)  # "... of screening (whichever is longer)"
            relation = (re.search(r"\b(?:before|prior to|preceding)\b\s*(.*)$", source, re.I)
                        or re.search(r"\b(?:of|from|since)\b\s*(.*)$", source, re.I))
            reference = relation.group(1) if relation else str(w.fields["reference"])
            if reference.count(")") > reference.count("("):  # "(within 30 days of enrollment)": not its closing bracket
                reference = reference.rstrip(" )")
        return Window(amount, reference, counted_from(reference))

    def build_adult(self, p: Parsed) -> Node:
        return Compare("age", ">=", Amount(18.0, "year", "adult"), span=self.span(p))

    def build_free_finding(self, p: Parsed) -> Node | _Implicit:
        """Findings outside the lexicons, matched by name only; see Evaluator.visit_finding."""
        f = _negated_duration_as_window(p.fields)
        items = self._adjectives_sharing_term([list(_flat(words)) for words in f["names"]], f.get("conj", []))
        if f.get("status") == "history":  # "History of pancreatitis or history of gallstones": the status said again
            items = [items[0], *(_without_history_of(item) for item in items[1:])]
        # "undergoing elective, ambulatory, ... repair", "Pneumonia of community, viral, fungal or parasitic etiology"
        # ... and "large pleural or peritoneal effusions": a name ending in an adjective shares the next one's noun
        lone_adjective = any(not item[-1].startswith("@") and (len(items) > 1 or len(item) == 1 and not self._finding_word(item[0]))
                             and not (len(item) > 1 and self._finding_word(item[-1]))
                             and item[-1].endswith(("ive", "ory", "al", "ic", "ous", "able", "ible", "ant", "ent"))
                             # "retinal detachment" ends in a noun that names something; "nerve damage or impairment" not
                             and not (len(item) > 1 and item[-1].endswith("ment") and item[-1] not in _ABSTRACT_NOUNS) for item in items)
        # "Hepatic adenoma or carcinoma": a lone word after a modified name may share the modifier ("hepatic
        # carcinoma"); read alone it would stand for every carcinoma
        shared_modifier = f.get("bare") and len(items) > 1 and any(len(i) == 1 for i in items[1:]) and len(items[0]) > 1
        each_a_finding = f.get("each_a_finding") and len(items) > 1 and not all(
            any(w.startswith("@") or self._finding_word(w) for w in item) for item in items)
        # "malignant neoplasm requiring chemotherapy, surgery, radiation or palliative therapy": the list
        # goes on naming what the first name requires, not findings of their own
        governed = len(items) > 1 and any(_GOVERNING_NAME.search(" ".join(w for w in item if not w.startswith("#"))) for item in items[:-1])
        if (f.get("bare") and not self._names_a_finding(items) or lone_adjective or shared_modifier or each_a_finding or governed
                # "cT1-3", "N0": a stage is measured on the tumour, never a name a record lists
                or any(w in _CAPABILITY or w in _NEVER_A_FINDING or TNM_STAGE_WORD.fullmatch(w) for item in items for w in item)):
            # "Not able to swallow tablets", "adequate organ function": abilities and states, which a
            # record's lists do not hold; "undergoing elective, ambulatory ... repair": a lone adjective
            return Review(self.source(p), "not_understood", span=self.span(p))
        for index, words in enumerate(items):
            if words and words[0] == "#name":  # a name containing known terms: spelled out, matched as text
                items[index] = [self._term_words(w) for w in words[1:]]
            elif len(words) > 1 and words[0] in ("a", "an", "the"):  # "... or a factor Xa inhibitor": no word of its name
                items[index] = words[1:]
        names = [" ".join(w for w in words if not w.startswith("@")) for words in items]
        if any(classify_review(name) != "not_understood" for name in names):
            return Review(self.source(p), classify_review(" ".join(names)), span=self.span(p))
        if _bare_duration(f):  # a name of unknown kind: "> 4 weeks" may be how long ago
            return Review(self.source(p), "not_understood", span=self.span(p))
        if _bracket_may_date_the_last_alone(f, len(items)):
            return Review(self.source(p), "not_understood", span=self.span(p))
        window = self._window(f["window"]) if f.get("window") else (self._window(f["washout"]) if f.get("washout") else None)
        nodes = []
        for index, (words, name) in enumerate(zip(items, names)):
            tag = next((w for w in words if w.startswith("@")), None)
            modifiers = (text_key(name),) if tag and name.strip() else ()
            # "Secondary hypertension, severe hypertension, or malignant hypertension": a later name with
            # words of its own does not take those said before the first
            leading = () if index and self._qualified(words) else (f.get("qualifiers") or ())
            leading = [self._written(q) for q in leading]
            qualifiers = _dated(tuple(dict.fromkeys([*leading, *modifiers])), window)
            if tag:  # a known term inside a list of unknown ones
                concept = self.lexicon.concepts[tag.split(":", 1)[1]]
                category = "allergy" if f.get("allergy") and concept.category != "condition" else concept.category
                other = self._other_than_studied(concept.id, f, p)
                # what it was for: a treatment's, not a condition's ("untreated sleep apnea or treatment for sleep apnea")
                indication = tuple(f.get("indication") or ()) if category != "condition" else ()
                found = Finding(concept.id, category, _status_in_window(f), _without_other_words(qualifiers) if other else qualifiers,
                                window, indication, grade=self._grade(f.get("grade")),
                                duration=self._duration(f.get("duration")), other=other, span=self.span(p))
            else:
                category = "allergy" if f.get("allergy") else "any"
                found = Finding("text:" + text_key(name), category, _status_in_window(f), qualifiers, window,
                                tuple(f.get("indication") or ()), grade=self._grade(f.get("grade")), duration=self._duration(f.get("duration")),
                                absence_unknown=self.criterion_kind == "inclusion" and not f.get("negated"), span=self.span(p))
            nodes.append(self._at_most_grade(self._with_qualifier_choices(found, f), f))
        combined = self._combine(nodes, f.get("conj", []), p, default_any=any("/" in c for c in f.get("conj", [])))
        return self._purpose_narrowed(self._negations(self._beyond_allergy(self._enumeration(combined, f.get("conj", [])), f, p), f, p), f, p)

    def _adjectives_sharing_term(self, items: list[list[str]], conj: list[str]) -> list[list[str]]:
        """"laparoscopic/robotic surgery", "nonapproved or investigational drugs": lone words before a
        modified known term are its alternative modifiers, each a kind of that term."""
        # "oral, intravenous, or intramuscular steroids", "oral or IV antibiotics": routes too
        if len(items) < 2 or not conj or any(c.strip(" ,;") not in ("or", "/", "and/or", "") for c in conj) or conj[-1].strip() == ",":
            return items
        *firsts, last = items
        modifiers = last[:-1]
        # "pelvic or whole abdominal radiotherapy": an extent beside the last modifier
        if not (modifiers and last[-1].startswith("@") and all(_ADJECTIVE.fullmatch(w) or w in _ROUTES or w in _EXTENTS for w in modifiers)):
            return items
        if not all(len(item) == 1 and (_ADJECTIVE.fullmatch(item[0]) or item[0] in _ROUTES) and not self._finding_word(item[0])
                   and item[0] not in _CAPABILITY and item[0] not in _NEVER_A_FINDING for item in firsts):
            return items
        return [[item[0], last[-1]] for item in firsts] + [last]

    def _names_a_finding(self, items: list[list[str]]) -> bool:
        """Whether bare names, with no "history of" before them, stand for conditions, drugs or procedures.

        In an exclusion they do ("Structural lung abnormalities"), unless a word says they are a state
        or a heading ("Normal cardiac function", "Cohort A"). In an inclusion a bare name may as well be
        a state measured some other way ("Adequate renal function"), which a conditions list that lacks
        it does not refute: only names built on a known term count there ("Stable cystic fibrosis").
        """
        words = [w for item in items for w in item]
        if any(w in _NOT_A_FINDING for w in words):
            return False
        if self.criterion_kind == "inclusion":
            # or a disease's name by its ending ("Knee osteoarthritis", "Amenorrhea"): never a state measured
            # otherwise; not a procedure's or a drug's, which an inclusion may mean as planned
            return all(any(w.startswith("@") or _names_a_disease(w) for w in item) for item in items)
        # and a word that names a finding ("abnormalities", "neuropathy"), so that any stray phrase is not one
        return all(any(w.startswith("@") or self._finding_word(w) for w in item) for item in items)

    def _finding_word(self, word: str) -> bool:
        words, suffixes = _finding_vocabulary()
        # an investigational product's code ("UCN-01", "DCC-2618") names a drug
        return word in words or word.endswith(suffixes) or bool(PRODUCT_CODE_WORD.fullmatch(word))

    def _written(self, qualifier: str) -> str:
        """A qualifier's words as a reader says them: "requiring @drug:anticoagulant" -> "requiring anticoagulant"."""
        return " ".join(self._term_words(w) for w in qualifier.split()).replace(" ,", ",")

    def _term_words(self, word: str) -> str:
        return self._concept_words(word.split(":", 1)[1]) if word.startswith("@") else word

    def _concept_words(self, term: str) -> str:
        entry = self.lexicon.concepts.get(term) or self.lexicon.analytes.get(term)
        return entry.name.lower() if entry else term.replace("_", " ")

    def build_sex(self, p: Parsed) -> Node:
        span = self.span(p)
        values = list(_flat(p.fields["values"]))
        plain = tuple(dict.fromkeys(v for v in values if "!" not in v))
        modified = tuple(dict.fromkeys(v.split("!")[0] for v in values if "!" in v))
        if not modified:
            sex: Node = Sex(plain, span=span)
        else:
            # "male or non-pregnant, non-lactating female": a man, or a woman who is neither
            denied = dict.fromkeys(flag[4:] for v in values for flag in v.split("!")[1:])
            not_pregnant = AllOf((Sex(modified, span=span), *(Not(Flag(flag, span=span), span=span) for flag in denied)), span=span)
            sex = AnyOf((Sex(plain, span=span), not_pregnant), span=span) if plain else not_pregnant
        if p.fields.get("adult"):  # "Male or female adults": an age, unless one is written beside it
            sex = AllOf((sex, Compare("age", ">=", Amount(18.0, "year", "adult"), span=span)), span=span)
        # "Healthy male or female subjects": healthy, whichever the sex
        return AllOf((Flag("healthy_volunteer", span=span), sex), span=span) if p.fields.get("healthy") else sex

    def build_sex_words(self, p: Parsed) -> Node:
        """"Male or female non-smokers": both sexes, and words for review. One sex before words the
        grammar does not know may name whom the rest binds ("Women of childbearing potential who have
        a negative pregnancy test"): an exclusion still spares the other sex, an inclusion goes to review."""
        sex, words = (self._resolve(self.visit(x)) for x in p.fields["parts"])
        named = [n for n in sex.walk() if isinstance(n, Sex)]
        if self.criterion_kind == "inclusion" and len(named) == 1 and len(named[0].values) == 1:
            return Review(self.source(p), "not_understood", span=self.span(p))
        return AllOf((sex, words), span=self.span(p))

    def build_blood_pressure(self, p: Parsed) -> Node:
        """"BP > 140/90": systolic above 140 or diastolic above 90; "BP < 140/90": both below."""
        op = _one(p.fields["op"])
        span = self.span(p)
        if op == "=":
            self.problems.append(("'=' on a measured value; the source may have lost a ≥ or ≤", span[0]))
            return Review(self.source(p), "ambiguous_comparator", span=span)
        if float(p.fields["systolic"]) <= float(p.fields["diastolic"]):
            # "hypertension (>85/135 mmHg)": the pair written the wrong way round; read in order, a systolic
            # pressure over 85 would take in nearly everyone
            self.problems.append(("a blood pressure whose systolic value is not above its diastolic one", span[0]))
            return Review(self.source(p), "not_understood", span=span)
        second_op = _one(p.fields["second_op"]) if p.fields.get("second_op") else op
        pair = (Compare("sbp", op, Amount(float(p.fields["systolic"]), "mmHg", p.fields["systolic"]), span=span),
                Compare("dbp", second_op, Amount(float(p.fields["diastolic"]), "mmHg", p.fields["diastolic"]), span=span))
        if p.fields.get("conj"):  # "> 140 mm Hg systolic and/or > 90 mm Hg diastolic": as written
            return AllOf(pair, span=span) if _one(p.fields["conj"]) == "and" else AnyOf(pair, span=span)
        return AnyOf(pair, span=span) if op in (">", ">=") else AllOf(pair, span=span)

    def build_since(self, p: Parsed) -> Node:
        """"At least N since X": no exposure to X within the last N; "less than N since X": one within it."""
        amount = self._amount(p.fields["amount"], None)
        op = _one(p.fields["op"])
        finding = self._resolve(self.visit(p.fields["finding"]))
        if op not in (">", ">=", "<", "<=") or p.fields.get("negated"):
            return Review(self.source(p), "not_understood", span=self.span(p))
        if _THE_TRIALS_OWN.search(self.source(p)):
            # "within 4 months after receiving the last dose of study agent": a time after the trial's own
            # treatment, still to come, which no record holds
            return Review(self.source(p), "not_understood", hints=(finding,), span=self.span(p))
        if self.criterion_kind == "exclusion" and op in (">", ">="):
            # "More than 2 weeks since prior chemotherapy" among exclusions: a washout, which read as
            # written would exclude every patient who kept it; what its author meant is a guess
            return Review(self.source(p), "negated_exclusion", hints=(finding,), span=self.span(p))
        window = Window(amount, "")
        recent = [
            replace(node, window=window, status="", other=node.other or (op in (">", ">=") and node.concept in _ANY_OF_A_STUDIED_CLASS))
            if isinstance(node, Finding) else node
            for node in ([finding] if not isinstance(finding, (AllOf, AnyOf)) else list(finding.items))
        ]
        if not all(isinstance(node, Finding) for node in recent):
            return Review(self.source(p), "not_understood", span=self.span(p))
        inner = recent[0] if len(recent) == 1 else AnyOf(tuple(recent), span=self.span(p))
        # "less than 21 days since X" is an exposure within 21 days; "at least 4 weeks since X", none
        rule = inner if op in ("<", "<=") else Not(inner, span=self.span(p))
        if p.fields.get("no_concurrent") and op not in ("<", "<="):
            current = [replace(node, window=None, status="current") for node in recent]
            now = current[0] if len(current) == 1 else AnyOf(tuple(current), span=self.span(p))
            rule = AllOf((rule, Not(now, span=self.span(p))), span=self.span(p))
        if p.fields.get("half_lives"):
            # "at least 7 days or 3 half-lives, whichever is longer": the longer wait is the same exposure's,
            # open only for a patient who had it, earlier
            said = _one(p.fields["half_lives"])
            longer = Review(self.source(said).strip(" ,()"), "not_understood", span=self.span(said))
            if op in ("<", "<="):
                rule = AnyOf((rule, AllOf((self._ever(recent, p), longer))), span=self.span(p))
            else:
                rule = AllOf((rule, AnyOf((self._never(recent, p), longer))), span=self.span(p))
        if p.fields.get("recovered"):
            # "... and recovered": recovery from its effects is a requirement of its own, for review,
            # which a patient never exposed meets
            source = self.source(p)
            start = max(source.lower().rfind(" and recover"), source.lower().rfind(" with recover"))
            recovered = Review(source[start:].strip() if start >= 0 else "recovered", "not_understood")
            if op not in ("<", "<="):
                recovered = self._recovered(recent, recovered, p)
            rule = AllOf((rule, recovered), span=self.span(p))
        if p.fields.get("qualifier"):
            if op in ("<", "<="):
                return Review(self.source(p), "not_understood", span=self.span(p))
            # the qualifier's own lexemes, which a normaliser may have moved after the list they are said in
            qualifier = str(p.fields["qualifier"])
            first = bisect.bisect_left(self._offsets, p.end - len(qualifier))
            last = max(first, bisect.bisect_right(self._offsets, p.end - 1) - 1)
            said = self.lexemes[first:last + 1]
            # "... and recovered" after the qualifier: a requirement of its own, which no exposure meets vacuously
            ending = _recovery_at(said)
            said, recovery = said[:ending], said[ending:]
            words = [x.g for x in said]
            closing = _closing_bracket(words) if words[:1] == ["("] else None
            rest = words[closing + 1:] if closing is not None else words
            # what the qualifier may add, which "none of them" cannot settle: more exposures after a bracket
            # ("(6 weeks for nitrosoureas or mitomycin C), radiotherapy, or surgery"), or a recovery inside
            if (not said or words[:1] == ["("] and (closing is None or _links_outside_brackets(rest))
                    or any(w.startswith("recover") for w in words)):
                return Review(self.source(p), "not_understood", span=self.span(p))
            text = self.text[said[0].start:said[-1].end]
            exposures = list(recent)
            if closing is not None and _TIME_AMOUNT.search(" ".join(words[1:closing])):
                # "(6 weeks for nitrosoureas)": a longer wait for some exposures: the rule must hold, and more
                if rest:  # "(6 weeks for nitrosoureas) for melanoma": more exposures count, and fewer
                    return Review(self.source(p), "not_understood", span=self.span(p))
                longer = self._longer_wait((said[0].start, said[closing].end), "", amount)
                if longer is not None:
                    exposures += list(longer.items if isinstance(longer, AnyOf) else [longer])
                    rule = AllOf((rule, Not(longer, span=longer.span)), span=self.span(p))
                elif len(_other_waits(text, amount)) > 1:
                    # "(6 weeks for nitrosoureas; 1 week for capecitabine)": more exposures count, and fewer
                    return Review(self.source(p), "not_understood", span=self.span(p))
                else:
                    # "(2 weeks for biopsy)": a shorter wait for some, which only a patient without any settles
                    rule = (AnyOf if _shorter_wait(text, amount) else AllOf)((rule, Review(text, "not_understood")), span=self.span(p))
            else:
                # "for other types of cancer": fewer exposures count: none at all settles it, one leaves it open
                rule = AnyOf((rule, Review(text, "not_understood")), span=self.span(p))
            if recovery:
                said_recovery = self.text[recovery[0].start:recovery[-1].end].strip(" .;,")
                recovered = self._recovered(exposures, Review(said_recovery, "not_understood"), p)
                rule = AllOf((*(rule.items if isinstance(rule, AllOf) else (rule,)), recovered), span=self.span(p))
        return rule

    def _recovered(self, exposures: list[Node], said: Review, p: Parsed) -> Node:
        """"... and recovered": met by a patient never exposed; after drugs, chemotherapy or radiotherapy,
        also by one with no toxicity of a treatment now. The recovery from surgery (a wound healed) is no
        toxicity a record need hold, so it stays the reviewer's, as does a recovery said with a number
        ("and recovered (6 weeks for mitomycin C)", "to grade ≤ 1")."""
        alternatives = [self._never(exposures, p), said]
        treatments = all(isinstance(node, Finding) and (node.category == "drug" or leaves_a_toxicity(node.concept)) for node in exposures)
        if treatments and not re.search(r"\d", said.text):  # a digit covers any period said ("6 weeks")
            alternatives.append(no_treatment_toxicity(self.span(p)))
        return AnyOf(tuple(alternatives), span=self.span(p))

    def _never(self, findings: list[Node], p: Parsed) -> Node:
        """No record of the findings at any time: what "and recovered" asks of, vacuously met."""
        return Not(self._ever(findings, p), span=self.span(p))

    def _ever(self, findings: list[Node], p: Parsed) -> Node:
        """A record of any of the findings at any time."""
        ever = [replace(node, window=None, status="history") for node in findings]
        return ever[0] if len(ever) == 1 else AnyOf(tuple(ever), span=self.span(p))

    def _longer_wait(self, span: tuple[int, int], reference: str, least: Amount) -> Node | None:
        """"(6 weeks for nitrosoureas or mitomycin C)", "(6 weeks for prior treatment with mitomycin C; 12
        weeks for radioimmunotherapy)": a period of its own for the drugs or procedures each part names,
        as a finding of each within it; None when the bracket says anything else, or a shorter period
        ("(2 weeks for biopsy)" relaxes the rule for them, which more findings cannot say)."""
        lexemes = [x for x in self.lexemes if span[0] <= x.start and x.end <= span[1]]
        if lexemes and lexemes[0].g == "(" and lexemes[-1].g == ")":
            lexemes = lexemes[1:-1]
        parts, start = [], 0
        for index, lexeme in enumerate(lexemes):
            if lexeme.g == ";":
                parts.append(lexemes[start:index])
                start = index + 1
        parts.append(lexemes[start:])
        findings = []
        for part in parts:
            read = self._wait_of_some(part, reference, least)
            if read is None:
                return None
            findings += read
        if not findings:
            return None
        return findings[0] if len(findings) == 1 else AnyOf(tuple(findings), span=(findings[0].span[0], findings[-1].span[1]))

    def _wait_of_some(self, lexemes: list[Lexeme], reference: str, least: Amount) -> list[Finding] | None:
        """"≥ 6 weeks for nitrosoureas, mitomycin C, or bicalutamide", "4 weeks if prior nitrosourea": the
        findings of each drug or procedure named, within the period said first."""
        words = [x.g for x in lexemes]
        first = 1 if words[:1] in (["≥"], [">="]) else 0
        if len(words) < first + 4 or not re.fullmatch(r"\d+(?:\.\d+)?", words[first]):
            return None
        try:
            unit = unit_from_tokens((words[first + 1],))
        except UnitError:
            return None
        said = next((k for k in range(first + 2, len(words)) if words[k] not in _WAIT_FILLER), len(words))
        if (not compatible(unit, "day") or not compatible(least.unit, "day") or not _WAIT_FOR.fullmatch(" ".join(words[first + 2:said]))
                or quantity(float(words[first]), unit) < least.quantity()):
            return None
        names = lexemes[said:]
        terms = [x for x in names if x.g not in _WAIT_LINKS]
        if not terms or names[0] not in terms or names[-1] not in terms or not all(x.g.startswith(("@drug:", "@proc:")) for x in terms) or any(
                a.g.startswith("@") and b.g.startswith("@") for a, b in zip(names, names[1:])):
            return None
        window = Window(Amount(float(words[first]), unit, self.text[lexemes[first].start:lexemes[first + 1].end]), reference,
                        counted_from(reference))
        return [Finding(span=(x.start, x.end), concept=x.term, category=self.lexicon.concepts[x.term].category, window=window)
                for x in terms]

    def build_flags(self, p: Parsed) -> Node:
        flags = p.fields["flags"]
        start, end = self.span(p)
        if p.fields.get("alone") and self.text[:start].strip() + self.text[end:].strip(" .;:,") != "":
            # "WOCBP and males must agree to ...": who the sentence is about, not a requirement
            return Review(self.source(p), "not_understood", span=(start, end))
        if "not_pregnant" in flags:
            node = Not(Flag("pregnant", span=self.span(p)), span=self.span(p))
            return Not(node, span=self.span(p)) if p.fields.get("negated") else node
        if "smoker" in flags and p.fields.get("negated") and _EVER_SMOKED.search(self.source(p)):
            # "Never smoker": no one who ever smoked, which "does not smoke now" does not answer
            return Review(self.source(p), "not_understood", span=self.span(p))
        if ("smoker" in flags and not re.search(r"\bsmokers?\b|\busers?\b", self.source(p), re.I)
                and _PERIOD_WORDS.search(self.text)):
            # "Smoking or otherwise consuming tobacco for 24 hours prior to dosing": smoking in a period the
            # sentence names, which "smokes now" does not answer
            return Review(self.source(p), "not_understood", span=self.span(p))
        nodes = [Not(Flag("smoker", span=self.span(p)), span=self.span(p)) if v == "not_smoker" else Flag(v, span=self.span(p))
                 for v in dict.fromkeys(flags)]
        node = nodes[0] if len(nodes) == 1 else AnyOf(tuple(nodes), span=self.span(p))
        if p.fields.get("when") and {"smoker", "not_smoker"} & set(flags):
            # "Smoking within 3 months before screening": whether one smoked in a period, which "smokes now"
            # does not answer when it is no; "Non-smoker for ... before the study": a current smoker is not one
            if p.fields.get("negated") or "smoker" in flags:
                return Review(self.source(p), "not_understood", span=self.span(p))
            start, end = self.span(p)
            when = p.fields["when"]
            return AllOf((node, Review(when, "not_understood", span=(end - len(when), end))), span=self.span(p))
        if p.fields.get("duration") is not None:
            # "Postmenopausal for at least 12 months": a yes/no fact has no start the record gives;
            # how long it has held is for review beside it
            if p.fields.get("negated"):
                return Review(self.source(p), "not_understood", span=self.span(p))
            lasted = _one(p.fields["duration"])
            node = AllOf((node, Review(self.source(lasted), "not_understood", span=self.span(lasted))), span=self.span(p))
        return Not(node, span=self.span(p)) if p.fields.get("negated") else node


_EVER_SMOKED = re.compile(r"\b(?:never|ever|history|prior|previous|former)\b", re.I)
_PERIOD_WORDS = re.compile(r"\b(?:within|prior to|before|during|until|since|ago|last|past|previous|hours?|days?|weeks?|months?|years?)\b", re.I)
# "that requires frequent use of", "which need treatment with": a clause whose object a list may continue
_GOVERNING_CLAUSE = re.compile(r"\b(?:that|which|who|requir\w*|need\w*)\b.*\b(?:of|with|to|for)\s+\S+(?:\s+\S+)?$", re.I)
_GOVERNING_NAME = re.compile(r"\b(?:requir\w*|needing|needs?|treated with|treatment with|receiving|due to|caused by|secondary to"
                             r"|associated with|related to|limited to|restricted to|confined to|originating in|arising in|arising from)\s+\S+", re.I)


def _governed_end(prepositions: str) -> re.Pattern:
    """Words ending in what one of `prepositions` governs: "screening for hepatitis B"."""
    return re.compile(rf"\b(?:{prepositions})\s+\S+(?:\s+\S+){{0,3}}$", re.I)


_GOVERNED_END = _governed_end("for|of|to|against|on|from|about|towards?")
# "recovery from recent surgery, chemotherapy and ...": a comma list may go on naming what "from" governs
_GOVERNED_FROM = _governed_end("from")
# alternatives after "history of A" are more often findings of the same kind than objects of the words
_GOVERNED_ALTERNATIVE = _governed_end("for|to|against|on|from|about|towards?")
# "known positive status for HIV or hepatitis B": words that say only that the patient has what follows
_PRESENCE_BEFORE = re.compile(r"\b(?:positive|status|evidence|diagnosis|diagnosed|history|presence|signs?|symptoms?|infection|infected"
                              r"|known|recipients?|seropositive|suffering|suffer|suffers)\s*$", re.I)


def _object_read_apart(items: list[Node], governed: re.Pattern = _GOVERNED_END) -> bool:
    """"Bizarre screening for hepatitis B and C": the "and" (or "or") may go on naming what the unread
    words govern ("screening for ... C"), which read as a finding of its own would be required or denied."""
    for item, following in zip(items, items[1:]):
        if not (isinstance(item, Review) and item.reason == "not_understood"):
            continue
        text = item.text.strip(" ,;")
        match = governed.search(text)
        if match and not _PRESENCE_BEFORE.search(text[:match.start()]) and any(isinstance(n, Finding) for n in following.walk()):
            return True
    return False


def _current(node: Node) -> Node:
    """The node with its conditions and drugs asked of now, unless a period says when."""
    if isinstance(node, Finding):
        return replace(node, status="current") if node.window is None and node.category in ("condition", "drug") else node
    if isinstance(node, (AnyOf, AllOf)):
        return replace(node, items=tuple(_current(item) for item in node.items))
    return node


def _dated(qualifiers: tuple[str, ...], window) -> tuple[str, ...]:
    """"Recent major surgery within 4 weeks": the period says how recent; no record need say "recent" too."""
    return tuple(q for q in qualifiers if q not in ("recent", "recently")) if window is not None else qualifiers


def _bracket_may_date_the_last_alone(f: dict, items: int) -> bool:
    """"aneurysm, or recent head injury (within the last 5 days)": a bracketed period after a list."""
    return bool(f.get("window")) and bool(_one(f["window"]).fields.get("bracketed")) and items > 1


def _rebuilt(node: Node, leaf) -> Node:
    """`node` with each leaf, under negations and lists too, replaced by `leaf(leaf node)`."""
    if isinstance(node, Not):
        return replace(node, item=_rebuilt(node.item, leaf))
    if isinstance(node, (AllOf, AnyOf)):
        return replace(node, items=tuple(_rebuilt(item, leaf) for item in node.items))
    return leaf(node)


def _with_context(node: Node, context: str) -> Node:
    """Each comparison of `node` shown with a context that narrows which value counts, so not decided."""
    return _rebuilt(node, lambda n: replace(n, context=context, conditional=True) if isinstance(n, (Compare, Between)) else n)


def _dose_scoped(node: Node, dosed: tuple[Finding, ...], scope: Review) -> Node:
    """Each drug finding of `node` met by one of the doses an example names, or left to the reviewer
    (`scope`) when only the class is taken; under a negation too ("No CYP3A4 inducers (e.g.,
    dexamethasone > 2 mg/day)": a lower dose of it does not refute the requirement)."""
    def scoped(n: Node) -> Node:
        if not (isinstance(n, Finding) and n.category == "drug"):
            return n
        class_taken = AllOf((n, scope), span=n.span)
        return AnyOf((*dosed, class_taken), span=n.span) if dosed else class_taken
    return _rebuilt(node, scoped)


def _measures_known_variable(node: Node) -> bool:
    return any(isinstance(n, (Compare, Between, OneOf)) and not n.variable.startswith("text:") for n in node.walk())


def _listed(part) -> list:
    """The items of the list a part of an "or" is, if it is one ("any lymphoma, which has progressed")."""
    part = _one(part)
    while isinstance(part, Parsed) and part.kind == "and" and len(part.fields["parts"]) == 1:
        part = _one(part.fields["parts"][0])
    return list(part.fields["parts"]) if isinstance(part, Parsed) and part.kind == "list" else []


def _one(value):
    while isinstance(value, pp.ParseResults):
        value = value[0] if len(value) else None
    return value


_LONE_MODIFIER = re.compile(
    r"(?:current|previous|prior|past|active|ongoing|recent|known|suspected|chronic|acute|resolved|treated|untreated"
    r"|controlled|uncontrolled|stable|unstable|present|existing|documented|confirmed)", re.I)
# "6 weeks for prior treatment with nitrosoureas", "4 weeks if prior nitrosourea": the words between a
# longer wait and the drugs it is for
_WAIT_FILLER = frozenset("for if in of case cases the prior previous any patients subjects those treated treatment therapy with who "
                         "have had received receiving use".split())
_WAIT_FOR = re.compile(r"(?:for|if|in (?:the )?cases? of)(?: (?:the|prior|previous|any))*(?: (?:patients|subjects|those) (?:treated with|who (?:have )?(?:had|received))"
                       r"| (?:treatment|therapy|use) (?:with|of)| treated with)?")
_WAIT_LINKS = frozenset({",", "or", "and", "and/or"})
_LINKS_AFTER_A_BRACKET = frozenset({",", "or", "and", "and/or", "&", ";"})


@lru_cache(maxsize=1)
def _qualifier_pattern() -> re.Pattern:
    """Any qualifier of `phrases.json` as whole words, longest first."""
    qualifiers = get_lexicon().phrases["qualifiers"]
    return re.compile(r"(?<!\S)(?:" + "|".join(re.escape(q) for q in sorted(qualifiers, key=len, reverse=True)) + r")(?!\S)")


def _links_outside_brackets(words: list[str]) -> bool:
    """Whether a list goes on in `words`, outside any bracket: "(e.g., flutamide) or hormonal treatment"."""
    depth = 0
    for word in words:
        depth += (word == "(") - (word == ")")
        if depth == 0 and word in _LINKS_AFTER_A_BRACKET:
            return True
    return False


def _recovery_at(lexemes: list) -> int:
    """Where a closing "and recovered", ", and fully recovered." starts in `lexemes`; their length if none."""
    words = [x.g for x in lexemes]
    end = len(words)
    while end and words[end - 1] in (".", ";"):
        end -= 1
    if not end or not words[end - 1].startswith("recover"):
        return len(words)
    start = end - 1 - (end >= 2 and words[end - 2] == "fully")
    if start < 1 or words[start - 1] not in ("and", "with"):
        return len(words)
    start -= 1
    return start - (start >= 1 and words[start - 1] == ",")


def _closing_bracket(words: list[str]) -> int | None:
    """The index of the bracket that closes the one opening `words`, or None."""
    depth = 0
    for index, word in enumerate(words):
        depth += (word == "(") - (word == ")")
        if depth == 0:
            return index if word == ")" else None
    return None


# the periods that open a note or one of its parts: "(6 weeks for nitrosoureas; 1 week for capecitabine)"
_PERIOD_IN_A_NOTE = re.compile(r"(?:^\(?|[;,]) *(?:>=? ?|≥ ?|at least )?(\d+(?:\.\d+)?) *(hours?|days?|weeks?|months?|years?)\b", re.I)


def _shorter_wait(text: str, least: Amount) -> bool:
    """Whether a note on a period gives a shorter one for some: "(2 weeks for biopsy)" after "within 4 weeks"."""
    return "shorter" in _other_waits(text, least)


def _other_waits(text: str, least: Amount) -> set[str]:
    """How the periods a note gives compare with the one stated: "longer", "shorter" or both ("(6 weeks
    for nitrosoureas; 1 week for capecitabine)" after "3 weeks")."""
    if not compatible(least.unit, "day"):
        return set()
    return {"shorter" if quantity(float(period.group(1)), period.group(2).lower()) < least.quantity() else "longer"
            for period in _PERIOD_IN_A_NOTE.finditer(text)}


_TIME_AMOUNT = re.compile(r"(?:\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve)\s*-?\s*(?:years?|months?|weeks?|days?|hours?|wks?|mos?)\b", re.I)
# a period, its number said or not ("within the past year": one of the unit)
_PERIOD_SAID = re.compile(_TIME_AMOUNT.pattern + r"|\b(?:within|in|during|over)\s+the\s+(?:past|last|previous|preceding)\s+(?:year|month|week|day)\b", re.I)
_PATIENT_NOUNS = re.compile(
    r"(?:healthy |male |female |pediatric |paediatric )?(?:children|child|infants?|adolescents?|neonates?|newborns?|bab(?:y|ies)"
    r"|boys|girls|toddlers|kids|teenagers|youths?|elderly|pediatric patients|paediatric patients)")
# words ending in who they are ("Adult kidney transplant recipients", "Minors"): the patients themselves
_PERSON_NOUNS = re.compile(
    rf"(?:(?!(?:of|in|with|history|family|whose|their|from|for|to)\b)\S+ )*(?:{_PATIENT_NOUNS.pattern}|you|adults?|(?:out|in)?patients?|subjects?|participants?|volunteers?"
    r"|individuals?|persons?|people|m[ae]n|wom[ae]n|males?|females?|recipients?|minors?|candidates?)")
_BARE_AGE_BOUND = re.compile(r"\b(?:under|over|older than|younger than)\s+(?:the\s+age\s+of\s+)?\d{1,2}\s*$", re.I)
_TIME_UNIT_WORDS = {"year", "years", "yr", "yrs", "y", "month", "months", "mo", "week", "weeks", "wk", "wks", "day", "days"}


def _unit_words(p: Parsed) -> list[str]:
    """The words of the unit of a comparison's value ("beats", "per", "minute")."""
    value = _one(p.fields.get("value") or p.fields.get("high"))
    return list(value.fields.get("unit") or ()) if isinstance(value, Parsed) else []


_SENTENCES_IN_A_LABEL = re.compile(r"(?<!\be\.g)(?<!\bi\.e)(?<!\betc)(?<!\bvs)\.\s+(?:[-–•*]\s*|[A-Z]|(?:or|and)\b)")
_AFTER_A_DURATION = re.compile(
    r"\b(?:for|lasting|during|over)\s+(?:(?:more|greater|less|fewer)\s+than\s+|at\s+least\s+|[>≥<≤]=?\s*)?\d+(?:\.\d+)?\s*"
    r"(?:hours?|hrs?|days?|weeks?|wks?|months?|mos?|years?|yrs?)\s*,?\s*(?:and|but|or)\s*$", re.I)


def _counts_beats(p: Parsed) -> bool:
    return any(unit in ("bpm", "beats", "beat", "b/min") for unit in _unit_words(p))


def _unit_word(p: Parsed) -> str | None:
    """The last word of the unit of a comparison's value ("years" in "18 years")."""
    units = _unit_words(p)
    return units[-1] if units else None


def _flat(value):
    if isinstance(value, (list, tuple)):
        for item in value:
            yield from _flat(item)
    else:
        yield str(value)


# a drug's amount: "> 10 mg/day", "150 mg daily", "2 mg/kg", "cortisone [> 50 mg]"
_DOSE_AMOUNT = re.compile(r"\d\s*(?:mg|milligrams?|µg|mcg|micrograms?|g|grams?|units?|iu)\b", re.I)
# "(with some exceptions)", "(exceptions apply)", "(see exceptions below)": exceptions not said here
_EXCEPTIONS_UNSAID = re.compile(r"\W*(?:with\s+)?(?:some|certain|few|limited|specific|rare|the\s+following)?\s*exceptions?(?:\s+(?:apply|allowed|permitted|below|noted|listed\s+below))?"
                                r"|\W*see\s+exceptions?\s+(?:below|above)|\W*exceptions?\s+(?:as\s+)?(?:listed|noted|specified)(?:\s+below)?\W*", re.I)
_WHICHEVER_LONGER = re.compile(r"\s*[(,]?\s*(?:whichever|whatever)\s+(?:(?:is|was)\s+)?(?:the\s+)?(?:longer|greater|later|longest)(?:\s+of\s+the\s+(?:two|2))?\s*\)?\s*,?\s*$", re.I)
_HALF_LIVES = re.compile(r"\bhalf\s*-?\s*li(?:ves?|fe)\b", re.I)
_EXCLUDED_WORD = re.compile(r"\b(?:exclud\w*|ineligible|not eligible)\b", re.I)
_BOUND_OF_ITS_OWN = re.compile(r"(?:[<>≤≥]=?|=<|=>|\bgrades?)\s*\d|\b(?:greater|more|higher|less|lower)\s+than\b", re.I)
_PERIOD_OPENINGS = frozenset("within in during for over since prior before after".split())
_SIGNED_NUMBER = re.compile(r"(?:[<>≤≥]=?|=>|=<)\s*[-+]?\d")
_SIGN_AND_NUMBER = re.compile(r"\s*(?:or\s+)?(?:[<>≤≥]=?|=<|=>)\s*\d")
_BARE_BOUND = re.compile(r"\(?\s*(?:or\s+)?(?:[<>≤≥]=?|=<|=>|up\s+to|(?:less|greater|more|lower|higher)\s+than|below|above|under|over)\s*\d", re.I)
_PEOPLE_BY_SEX = re.compile(r"\b(?:women|woman|men|man|males?|females?|wocbp|fcbp|childbearing|child-bearing|child bearing|father)\b", re.I)


_SEVERITY_SAID = re.compile(r"\b(?:severe|uncontrolled|poorly\s+controlled|significant|relevant|serious|unstable|active|symptomatic"
                           r"|decompensated)\b", re.I)


def labelled_kinds(label: str, kinds: Node, span: tuple[int, int]) -> Node:
    """A label above the kinds it names, a bracket's or a heading's. One that says how severe they are ("Severe
    pulmonary disease (asthma, emphysema or fibrosis)", "Uncontrolled intercurrent illness including:" above
    "- Cardiac arrhythmia") keeps that for review beside conditions named bare, which read alone would count a mild
    asthma or a controlled arrhythmia."""
    defined = Defined(label, kinds, span=span)
    if _SEVERITY_SAID.search(label) and _conditions_only(kinds):
        return AllOf((defined, Review(label, "not_understood", span=(span[0], span[0] + len(label)))), span=span)
    return defined


def _conditions_only(node: Node, listed: bool = False) -> bool:
    """Conditions named, joined by "and" or "or", or a name left unread: no measure, denial or drug that could
    define. One condition in a period ("Significant cardiac disease (myocardial infarction within 6 months)")
    defines; a list names kinds."""
    if isinstance(node, (AllOf, AnyOf)):
        return all(_conditions_only(item, True) or isinstance(item, Review) for item in node.items)
    return isinstance(node, Finding) and node.category in ("condition", "any") and (listed or node.window is None)


_STRAY_MARKS = frozenset(",;:.()[]*-")  # what may stand around a criterion's words without adding to them
_WHEN_BRACKETED = re.compile(r"[(\[]?\s*(?:within|in\s+the\s+(?:last|past)|during\s+the\s+(?:last|past))\b", re.I)

# the moments of a study a window is counted from, for which the screening date stands
_STUDY_MOMENT = re.compile(
    r"\b(?:\w*screen\w*|scrn|enrl|enrol\w*|randomi?[sz]\w*|regist\w*|recruit\w*|entry|entering|enter|inclusion|baseline|visit\w*"
    r"|v\d+|sv|w\d+d\d+|day\s*-?\d+|cycle|period|phase|grouping|assessment|study|trial|protocol|investigational|experiment\w*|imp|ip"
    r"|first|dos(?:e|es|ing)|administration|administered|application|infusion|intake|challenge|agent|drug|medication|treatment"
    r"|start\w*|initiat\w*|commenc\w*|begin\w*|consent\w*|icf|assignment|allocation|participation|pre-?dose|run-in|admission"
    r"|planned|scheduled|anticipated|this\s+one)\b", re.I)
_HISTORY_MOMENT = re.compile(r"\b(?:last|previous|prior|preceding|their|his|her|completion|completing|diagnos\w*|onset|injury"
                             r"|progression|relapse|recurrence|symptoms?)\b", re.I)
_CORE_STUDY_MOMENT = re.compile(r"\b(?:study|trial|protocol|investigational|screen\w*|randomi[sz]\w*|enrol\w*|regist\w*)\b", re.I)


def counted_from(reference: str) -> str:
    """Whether a window's reference is a moment of the study ("study") or a day of the patient's own history
    ("patient"): "within 6 months of their last platinum-containing regimen" is not counted from screening, and
    neither is a procedure the source does not place in the study ("within 72 h of PPCI")."""
    reference = reference.split("(")[0].strip()  # "Cycle 1 Day 1 (exceptions are ... minimal risk of recurrence)"
    if not reference or re.fullmatch(r"(?:the\s+)?(?:study\s+)?therapy", reference, re.I):
        return "study"
    if _HISTORY_MOMENT.search(reference) and not _CORE_STUDY_MOMENT.search(reference):
        return "patient"
    return "study" if _STUDY_MOMENT.search(reference) else "patient"


def _refusal_read_apart(items: list[Node]) -> bool:
    """"Women of childbearing potential, or men able to father a child, unwilling to use contraception":
    the refusal binds the people named before it; an alternative of its own, it would bind everyone."""
    for index, item in enumerate(items):
        if isinstance(item, Not) and isinstance(item.item, Flag) and item.item.variable == "uses_contraception" and any(
                isinstance(n, Sex) or isinstance(n, Review) and _PEOPLE_BY_SEX.search(n.text)
                for earlier in items[:index] for n in earlier.walk()):
            return True
    return False


_PERCENT = re.compile(r"\s*(?:%|percent)\s*", re.I)
_GRADED_SCALE = re.compile(r"\b(?:ECOG|Eastern\s+Cooperative|Zubrod|WHO|World\s+Health|GOG|Gynecologic|SWOG|Southwest)\b", re.I)


def _scale_in_percent(variable: str, threshold: Amount, source: str) -> str:
    """"Performance status ≥ 70%": a performance status in percent is on the Karnofsky (or Lansky) scale
    (not "ECOG ≥ 70%", which names its scale and says a value off it)."""
    if (variable == "ecog" and not threshold.is_limit_multiple and _PERCENT.fullmatch(threshold.unit or "")
            and not _GRADED_SCALE.search(source)):
        return "karnofsky"
    return variable


def _standalone_requirement(node: Node) -> bool:
    """A threshold on a known measure, or the patient's consent or willingness."""
    if isinstance(node, (Compare, Between, OneOf)):
        return not node.variable.startswith("text:")
    if isinstance(node, Flag):
        return node.variable in ("informed_consent", "willing_to_comply")
    if isinstance(node, (AllOf, Defined)):
        return all(_standalone_requirement(child) for child in node.children())
    return False


def _lists_requirements(parts: list) -> bool:
    """A comma list joined to the rest by "or" / "and", all of thresholds (or text not read), with
    nothing in it that names a finding."""
    if not any(isinstance(part, _Implicit) for part in parts):
        return False
    members = [item for part in parts for item in (part.items if isinstance(part, _Implicit) else [part])]
    leaves = [n for item in members if isinstance(item, Node) for n in item.walk()]
    return (sum(isinstance(n, (Compare, Between, OneOf)) for n in leaves) >= 2
            and not any(isinstance(n, Finding) for n in leaves))


def _with_binding_neighbours(pieces: list[list[Node]]) -> _Implicit:
    """"CRP > 30 mg/L, fever, or infection requiring treatment with antibiotics", "Leucopenia with
    WBC < 3000/mL, anemia with hemoglobin < 12 g/dL, or ...": each "with" joins the items beside it,
    not the lists around it; read over the whole lists, it would take every item together to exclude.
    `pieces`: the items of each part the "with"s join, in order."""
    groups: list[list[Node]] = [[]]
    for items in pieces:
        groups[-1].append(items[0])
        groups.extend([item] for item in items[1:])
    return _Implicit([group[0] if len(group) == 1 else AllOf(tuple(_flatten(group, AllOf)), span=_covering(group))
                      for group in groups])


def each_or_all(every: AllOf, which: Review, span: tuple[int, int] | None) -> Node:
    """"ALT and AST > 3 x ULN" among exclusions: both raised excludes, neither does not; one alone may
    (the inclusion it negates, "ALT and AST ≤ 3 x ULN", fails on one) or may not, as written: the
    reviewer (`which`) decides."""
    either = AnyOf(every.items, span=span)
    return AnyOf((every, AllOf((either, which), span=span)), span=span)


def _covering(nodes: list[Node]) -> tuple[int, int] | None:
    spans = [node.span for node in nodes if node.span]
    return (min(start for start, _ in spans), max(end for _, end in spans)) if spans else None


def _flatten(items: list[Node], kind: type) -> list[Node]:
    flat: list[Node] = []
    for item in items:
        flat.extend(item.items if type(item) is kind else [item])
    return flat


_THRESHOLD_KINDS = ("cmp", "range")
_OPS_READ = frozenset({"<", "<=", ">", ">="})
# a dose taken over time, which a medication's record carries: an amount a day (or week), by body weight, in units
_DOSE_UNITS = ("mg / day", "mg / kg / day", "U / day", "U / kg / day")


@lru_cache(maxsize=1)
def _drug_classes() -> frozenset[str]:
    """Drug concepts that name a class: others are kinds of them, or they are open."""
    concepts = get_lexicon().concepts
    parents = {parent for concept in concepts.values() for parent in concept.parents}
    return frozenset(c.id for c in concepts.values() if c.category == "drug" and (c.open or c.id in parents))

# Contexts that say when or how a value is taken as it usually is: at a visit, lately, by a method,
# at rest on room air. What else a context says ("after transfusion", "on 5 L/min supplemental
# oxygen", "in the bone marrow", "for recurrent disease") narrows which value counts.
_USUAL_MEASUREMENT_WORDS = [re.compile(pattern, re.I) for pattern in (
    r"\bwithin\b.*$",
    # "TBil > 2 ULN after treatment", "HbA1c > 10% despite optimal medical management": what persists
    # under treatment is the value the record holds
    r"\b(?:after|despite|in\s+spite\s+of|following|under)\s+(?:(?:adequate|appropriate|optimal|optimized|standard|maximal|maximum|stable)\s+)?"
    r"(?:medical\s+)?(?:treatment|therapy|management)(?:\s+with\s+[\w\s,/-]+)?$",
    r"\b(?:by|using|via|per|according\s+to|on|with|in|from)\s+(?:the\s+|a\s+|an\s+|any\s+kind\s+of\s+)?(?:[\w'./-]+\s+){0,6}?"
    r"(?:formula|equation|method|echo\w*|muga(?:\s+scan)?|ecg|ekg|electrocardiogram|recording|scans?|imaging|ct|mri"
    r"|recist(?:\s+v?(?:ersion\s+)?[\d.]+)?|oximetry|spirometry|pulmonary\s+function\s+tests?|laborator(?:y|ies)(?:\s+testing)?"
    r"|labs?|assessments?|urinalysis|urine\s+collection|testing|tests?|assays?|kits?|cockcroft(?:[\s-]*gault)?|cockroft[\s-]*gault|mdrd|ckd-?epi"
    r"|morphology|fish|flow\s+cytometry|pcr|rt-pcr|immunohistochemistry|ihc|central\s+review|local\s+review"
    # "according to the ECOG scale", "by Zubrod criteria": the scale the value is read on
    r"|(?:performance\s+)?scale|criteria|classification|system)"
    r"(?:\s+(?:study\s+)?(?:formula|equation|method|scan|test|criteria|assay|calculation))?\b",
    r"\b(?:at|on|during|in|from|prior\s+to|before|by)\s+(?:the\s+)?(?:(?:time|day|date)\s+of\s+)?(?:(?:signing|giving|providing|obtaining)\s+(?:of\s+)?(?:the\s+)?)?"
    r"(?:study\s+|trial\s+)?(?:screening|pre-?screening|baseline|visit(?:\s+-?\d+)?|enrol\w*|randomi[sz]\w*|(?:re-?|pre-?)?registration|entry|inclusion"
    r"|(?:written\s+)?informed\s+consent(?:\s*/\s*assent)?(?:\s+(?:form|document))?|icf|consent(?:ing)?|day\s+-?\d+|admission|surgery"
    r"|(?:start|initiation|beginning)(?:\s+of\s+(?:the\s+)?(?:study\s+)?(?:treatment|therapy|study|drug|medication|dosing)(?:\s+period)?)?"
    r"|(?:study\s+)?(?:treatment|therapy|drug)\s+(?:start|initiation)|dosing"
    r"|first\s+(?:dose|administration|infusion)(?:\s+of\s+(?:the\s+)?(?:study\s+|investigational\s+)?(?:treatment|drug|medication|therapy|intervention|product))?)"
    r"(?:\s+(?:visit|examinations?|assessments?|evaluations?|tests?))?\b",
    r"\bon\s+the\s+(?:day|date)\s+(?:that\s+|when\s+)?(?:the\s+)?(?:written\s+)?(?:informed\s+)?consent(?:\s+form)?\s+(?:is|was|will\s+be|has\s+been)\s+signed\b",
    r"\bwhen\s+(?:first\s+)?(?:enrol\w*|registered|randomi[sz]ed|screened|consented)(?:\s+(?:on|onto|in|into|to|for|on\s+to)\s+(?:the\s+|this\s+)?(?:study|trial|protocol))?\b",
    r"\b(?:during|in|within)\s+the\s+(?:prior|past|last|previous)\s+(?:year|month|week)\b",
    r"\b(?:while\s+)?(?:breathing\s+)?(?:(?:on|in|at)\s+)?(?:room|ambient)\s+air\b|\bin\s+air\b|\bat\s+rest\b",
    r"\b(?:of\s+(?:the\s+|their\s+)?)?(?:normal\s+)?(?:predicted|expected)(?:\s+normal)?(?:\s+values?)?\b",
    r"\b(?:mdrd|ckdepi|cockcroft)(?:\s+(?:study\s+)?(?:formula|equation|method|calculation))?\b",
    r"\b(?:screening|baseline|muga|echo\w*|ecg|ekg|ecog|karnofsky|lansky|recist|mdrd|ckd-?epi|cockcroft(?:[\s-]*gault)?|cockroft[\s-]*gault"
    r"|day\s+-?\d+|visit(?:\s+-?\d+)?|pre-?screening|recording|scans?|multi(?:ple)?-?\s*gated\s+acquisition|(?:gated\s+)?radionucl(?:ide|eotide)\s+\w+)\b",
    r"\bon\s+the\s+[\w\s()'-]*?\bscale\b",
    r"\b(?:obtained|measured|performed|taken|done|assessed|evaluated|collected|confirmed|documented|recorded|determined"
    r"|calculated|estimated|based|as|must|should|be|the|a|an|and|or|and/or|of|at|on|in|by|any|kind|either)\b",
)]


# an age taken at an event of the study itself, days from now: "aged 18-40 at the time of vaccination"
_STUDY_EVENT = re.compile(
    r"^\(?\s*,?\s*(?:at|on|by|upon|when)\s+(?:the\s+)?(?:(?:time|day|date|moment)\s+of\s+)?"
    r"(?![^)]*\b(?:diagnos\w*|onset|episode|symptoms?|transplant\w*|birth|death|menarche|menopause|relapse|progression|injury"
    r"|infection|exposure|stroke|event|first\s+(?!dose|vaccin|injection|infusion|visit|study|screening))\b)"
    # nor a second bound the context swallowed: "... on the day of screening and no greater than 60 years at ..."
    r"(?![^)]*(?:\b(?:than|least|most|older|younger|over|under|above|below)\b|[<>≤≥]|\d+\s*(?:years?|yrs?|months?)\b))"
    r"[\w\s'/,.-]{0,40}?\b(?:vaccination|vaccine|immuni[sz]ation|injection|infusion|dosing|dose|treatment|surgery|operation"
    r"|procedure|intervention|admission|hospitali[sz]ation|enrol?ment|randomi[sz]ation|inclusion|screening|registration|entry"
    r"|visit|signing|signature|consent(?:ing)?|assent|recruitment|baseline)\b"
    # a few words more, none joining another requirement: "... into study EVP-6124-024", not "... and presence of CVD"
    r"(?:\s+(?!(?:and|or|with|without|presence|absence|who|which|if|unless|except|but)\b)[\w'/.-]+){0,5}\s*\)?\.?$", re.I)


def _usual_context(variable: str, context: str) -> bool:
    analyte = get_lexicon().analytes.get(variable)
    if analyte is not None:  # "according to the Eastern Cooperative Oncology Group (ECOG) scale": the value's own scale
        context = _own_names(analyte.id).sub(" ", context)
    return _usual_measurement(context) or variable == "age" and _STUDY_EVENT.match(context) is not None


@lru_cache(maxsize=None)
def _own_names(analyte_id: str) -> re.Pattern:
    names = sorted(get_lexicon().analytes[analyte_id].names, key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(name) for name in names) + r")(?:\s*\([^()]{1,20}\))?(?!\w)", re.I)


def _usual_measurement(context: str) -> bool:
    """Nothing in the context but when, how or on what the value is taken as usual."""
    rest = formula_names().sub(lambda match: formula_word(match.group("name")), context)
    for pattern in _USUAL_MEASUREMENT_WORDS:
        rest = pattern.sub(" ", rest)
    return not re.search(r"[a-z]{2,}", rest, re.I)


def _holds(parsed, wanted) -> bool:
    """Whether a production, or any production within it, is `wanted`."""
    if isinstance(parsed, Parsed):
        return wanted(parsed) or any(_holds(value, wanted) for value in parsed.fields.values())
    if isinstance(parsed, (list, tuple, pp.ParseResults)):
        return any(_holds(item, wanted) for item in parsed)
    return False


def _holds_requirement(parsed) -> bool:
    """Whether a production holds a threshold anywhere within."""
    return _holds(parsed, lambda p: p.kind in (*_THRESHOLD_KINDS, "double_cmp", "scale_set", "sex_thresholds"))


def _single(parsed):
    """The one clause inside or/and/list wrappers of a single part (the wrappers themselves otherwise)."""
    parsed = _one(parsed)
    while isinstance(parsed, Parsed) and parsed.kind in ("or", "and", "list") and len(parsed.fields["parts"]) == 1:
        parsed = _one(parsed.fields["parts"][0])
    return parsed


def _or_parts(parsed) -> list:
    parsed = _one(parsed)
    if isinstance(parsed, Parsed) and parsed.kind == "or":
        return [_one(x) for x in parsed.fields["parts"]]
    return [parsed]


def _fails_imply(bound: Node, condition: Node) -> bool:
    """Whether every value that fails `bound` (an upper bound on one variable) meets `condition` (a lower
    bound on it): "creatinine <= 1.5 x ULN" fails only where "creatinine > ULN" holds. A normal range fails
    below its low limit too; its high limit is the bound the condition answers."""
    if not isinstance(condition, Compare) or condition.op not in (">", ">=") or condition.conditional:
        return False
    if isinstance(bound, Between) and bound.variable == condition.variable:
        high, strict = bound.high, False
    elif isinstance(bound, Compare) and bound.variable == condition.variable and bound.op in ("<", "<=") and not bound.conditional:
        high, strict = bound.threshold, bound.op == "<"
    else:
        return False
    if high is None or condition.threshold is None or high.unit != condition.threshold.unit:
        return False
    if high.value > condition.threshold.value:
        return True
    # equal limits: "<= ULN" fails exactly where "> ULN" holds; "< ULN" also fails at ULN itself, which only ">=" covers
    return high.value == condition.threshold.value and (condition.op == ">=" or not strict)


_TREATMENT_WORDS = re.compile(r"\b(?:support|transfusions?|therap(?:y|ies)|treatments?|medications?|supplement\w*|replacement|infusions?"
                              r"|drugs?|agents?|anticoagula\w*|steroids?|corticosteroids?|growth\s+factors?|g-?csf|erythropoie\w*)\b", re.I)


def _names_treatment(condition: Node, source: str) -> bool:
    return any(isinstance(n, Finding) and n.category in ("drug", "procedure") for n in condition.walk()) or bool(
        _TREATMENT_WORDS.search(source[source.lower().rfind("absence"):]))


def _bounds_a_variable_of(condition: Node, main: Node) -> bool:
    """Whether the condition bounds a variable of the requirement the same way (not "creatinine ≤ 1.5
    mg/dL; if creatinine > 1.5 mg/dL, ...", the patients the requirement fails)."""
    bounded = {(n.variable, _direction(n)) for n in main.walk() if isinstance(n, (Compare, Between))}
    return any(isinstance(n, (Compare, Between)) and (n.variable, _direction(n)) in bounded for n in condition.walk())


def _direction(node: Compare | Between) -> str:
    if isinstance(node, Between):
        return "range"
    return "upper" if node.op in ("<", "<=") else "lower"


def _thresholds_only(node: Node) -> bool:
    if isinstance(node, (AnyOf, AllOf)):
        return all(_thresholds_only(item) for item in node.items)
    return isinstance(node, (Compare, Between)) or _is_scope_review(node)


def _is_plain_requirement(node: Node) -> bool:
    """One comparison or finding, or one threshold over a list of analytes ("AST/ALT ≤ 2.5 x ULN")."""
    node = _unscoped(node)
    if isinstance(node, (Compare, Between, OneOf, Finding, Flag, Sex)):
        return True
    if isinstance(node, Not):
        return isinstance(node.item, (Compare, Between, OneOf, Finding, Flag, Sex))
    if isinstance(node, (AnyOf, AllOf)) and all(isinstance(item, Flag) for item in node.items):
        return True  # "pregnant or breast-feeding"
    if not isinstance(node, (AnyOf, AllOf)) or not all(isinstance(item, Compare) for item in node.items):
        return False
    return len({(item.op, item.threshold) for item in node.items}) == 1


_NOT_NEGATING = r"(?!non|not|anti)"  # "non-investigational" is no kind of investigational drug
# a word shaped like an adjective ("laparoscopic", "attenuated", "pelvic"), none that negates ("non-")
_ROUTES = frozenset("iv im sc po sq oral topical inhaled intravenous intramuscular subcutaneous systemic nasal intranasal "
                    "rectal transdermal parenteral enteral".split())
_EXTENTS = frozenset({"whole", "total", "partial", "full", "extended", "limited"})
_ADJECTIVE = re.compile(_NOT_NEGATING + r"[a-z][a-z-]*(?:ic|al|ous|ive|ory|able|ible|ant|ent|ed|ar|ary)")
_CLINICAL_ADJECTIVE = re.compile(_NOT_NEGATING + r"(?!(?:trial|interval|approval|hospital|survival|removal|withdrawal|referral"
                                 r"|potential|total|signal|material|arrival|dental|rental)$)[a-z][a-z-]*(?:ic|al|ous|ive|ary)")
_BARE_PERSON = re.compile(r"(?:the |all |any )?(?:adults? )?(?:patients?|subjects?|participants?|individuals?|persons?|people|volunteers?)", re.I)


def _empty_range(low: Amount, high: Amount) -> bool:
    """"6 months to 5 years" is not empty: the bounds are compared in one unit."""
    if low.unit == high.unit or not low.unit or not high.unit or low.is_limit_multiple or high.is_limit_multiple:
        return low.value > high.value
    try:
        return convert(quantity(low.value, low.unit), high.unit).magnitude > high.value
    except Exception:  # bounds in units that do not compare make no range either
        return True


def _negated_duration_as_window(fields: dict) -> dict:
    """"No use of an ESA for at least 5 weeks before randomization": none in those 5 weeks (a washout),
    not "no use that has lasted 5 weeks", which a use begun last week would meet."""
    if not (fields.get("negated") and fields.get("duration") and not fields.get("window")):
        return fields
    duration = _one(fields["duration"])
    window = Parsed("window", {"amount": duration.fields["amount"], "reference": duration.fields.get("reference"),
                               "single": None, "op": None, "note": None},
                    duration.start, duration.end)
    return {**fields, "window": window, "duration": None}


_ADMITTING = re.compile(r"\b(?:included|includable|eligible|allowed|permitted|acceptable|enrolled|considered)\b", re.I)
# words of a clause, not of a name: "but is currently presenting", "which would interfere"
_CLAUSE_WORD = re.compile(r"\b(?:but|which|that|who|whose|is|are|was|were|be|been|being|has|have|had|would|could|may|might|should|must|will|can"
                          r"|not|no|if|unless|opinion|judge?ment|investigator|per|as)\b", re.I)
_ARM_LABEL = re.compile(r"\s*(?:treatment |study )?arms?\b(?!\s+(?:of|and|or)\b)", re.I)
# "(i.e., ...)", ", ie ...": words that restate what comes before
_THAT_IS = re.compile(r"(?:\bi\.\s?e\b\.?|\bie\b)[\s,.:]*$", re.I)
_PERMITTING = re.compile(r"(?<![-\w])(?:allowed|permitted|acceptable|eligible|included|includable|prohibited|forbidden|disallowed"
                         r"|(?:may|can) (?:enrol|enroll|enter|participate|receive|continue|be (?:given|administered|used|taken|continued)))\b", re.I)
_OPENS_CONDITION = re.compile(r"\s*(?:if|unless|except|or|but|however|provided)\b", re.I)
# "(patients discovered to have ≥ 2+ proteinuria must undergo a 24-hour urine collection ...)": some
# patients, and what they must do, another way for them to meet it; not "(patients with LVEF < 30% or
# cardiogenic shock)", which says who has the finding
_SOME_PATIENTS_MUST = re.compile(r"\s*(?:patients?|subjects?|participants?|those)\s+(?:who|with|whose|discovered|found|having|that)\b"
                                 r".*\b(?:must|may|can|should|will\s+be|are\s+(?:eligible|allowed|permitted))\b", re.I)


def _restates_variable(usual: Parsed, other: Parsed) -> bool:
    """"≤ 5 x ULN" or "Age ≥ 12 years" after "Age ≥ 18 years": another threshold on the same variable."""
    if other.kind == "bound":
        return True
    return (other.kind == "cmp" and not other.fields.get("free") and not usual.fields.get("free")
            and bool(other.fields.get("labs")) and list(other.fields["labs"]) == list(usual.fields.get("labs") or [])
            and bool(other.fields.get("age_words")) == bool(usual.fields.get("age_words")))


def _bare_duration(fields: dict) -> bool:
    """A period with no "for" before it ("Type 1 diabetes ≥ 12 months")."""
    return bool(fields.get("duration")) and bool(_one(fields["duration"]).fields.get("bare"))


def _status_in_window(fields: dict) -> str:
    """"Use of X within 30 days", "have had X within 4 weeks": any exposure in those days, ongoing or ended."""
    status = fields.get("status") or ""
    return "" if status in ("current", "previous") and fields.get("window") else status


def _within_usual_values(analyte, value: float, unit: str) -> bool | None:
    """Whether a value lies within the analyte's usual values (its bare-number ranges, with room to
    spare) in any unit they are given in; None when none of them converts."""
    fits = []
    for usual, low, high in analyte.bare_units:
        try:
            converted = convert_for(analyte, quantity(value, unit), usual).magnitude
        except Exception:  # pint raises several types for units that do not convert
            continue
        fits.append(low / 3 <= converted <= high * 3)
    return any(fits) if fits else None


# measures of one thing, which a finding "with" one "or" another describes by either: the pressures, the
# sugars, the lung's volumes and exchange
_FAMILIES_OF_MEASURES = (frozenset(("sbp", "dbp")), frozenset(("glucose", "fasting_glucose", "postprandial_glucose", "hba1c")),
                         frozenset(("fev1", "fev1_post_bronchodilator", "fev1_pre_bronchodilator", "fev1_fvc", "fev1_fvc_post_bronchodilator",
                                    "fev1_fvc_pre_bronchodilator", "fvc", "dlco")))


def _is_measurement(node: Node) -> bool:
    leaves = [n for n in node.walk() if not n.children()]
    return bool(leaves) and all(isinstance(n, (Compare, Between, OneOf)) or _is_scope_review(n) for n in leaves)


def _is_scope_review(node: Node) -> bool:
    """The reviewer's part of one threshold over a list ("AST or ALT ≤ 2.5 x ULN", one within it)."""
    return isinstance(node, Review) and node.reason in ("and_scope", "or_scope")


def _unscoped(node: Node) -> Node:
    """One threshold over a list as the grammar read it, without the reviewer's part about its scope."""
    if isinstance(node, AllOf) and len(node.items) == 2 and isinstance(node.items[1], AnyOf) and _is_scope_review(node.items[1].items[-1]):
        return node.items[0]  # inclusion "A or B ≤ x": (A or B) and (each, or review)
    if isinstance(node, AnyOf) and len(node.items) == 2 and isinstance(node.items[1], AllOf) and _is_scope_review(node.items[1].items[-1]):
        return node.items[0]  # exclusion "A and B > x": each, or (either and review)
    return node


_DENIAL_OPENING = re.compile(r"\s*(?:(?:patients?|subjects?|participants?)\s+)?(?:(?:must|should|shall|may|do|does|will)\s+)?(?:no|not|without|cannot|never)\b", re.I)
_NEGATION_WORD = re.compile(r"\b(?:no|not|none|never|without|cannot)\b|n't\b", re.I)
# the words that open what a treatment was for ("for metastatic disease", "in the adjuvant setting", "given as ...")
PURPOSE_OPENINGS = frozenset({"for", "in", "given", "as"})
# what a treatment was for, said after the last of a list: "for metastatic disease", "in the adjuvant setting"
_PURPOSE_SAID = re.compile(r"\b(?:for|in)\s+(?:the\s+|this\s+|their\s+)?(?:[\w-]+\s+){0,3}?(?:cancer|disease|tumou?rs?|malignanc\w+|setting|indication)\b",
                           re.I)
_PURPOSE_AFTER_EXAMPLES = re.compile(
    r",\s*(?:for|in)\s+(?:the\s+)?(?:treatment|management|therapy)\s+of\b"
    r"|\bfor\s+(?:the\s+treatment\s+of\s+)?(?:[\w-]+\s+){0,3}(?:cancer|disease|carcinoma|tumou?rs?|malignanc\w+|leuka?emia|lymphoma|myeloma)\W*$", re.I)
_PERSONS_WITH = re.compile(r"\W*(?:the\s+|all\s+)?(?:patients?|subjects?|participants?|individuals?|persons?|people|women|men|adults)\s+"
                           r"(?:with|who\s+(?:have|has|had))\b", re.I)
_DENIAL_WORD = re.compile(r"\b(?:no|not|never|none|without|free of)\b", re.I)


def _comma_items_apart(listed: list) -> list:
    """"Diabetes with retinopathy, neuropathy, or nephritis": known terms parted by commas alone, before an
    "or" the grammar could not join them to, are items of the list the "or" ends, one apiece."""
    if len(listed) != 1:
        return listed
    finding = _one(listed[0])
    if isinstance(finding, Parsed) and finding.kind == "list" and len(finding.fields["parts"]) == 1:
        finding = _one(finding.fields["parts"][0])
    if not (isinstance(finding, Parsed) and finding.kind == "finding" and len(finding.fields["items"]) > 1
            and set(finding.fields["conj"]) == {","} and not finding.fields.get("shared_head")):
        return listed
    return [Parsed("finding", {**finding.fields, "items": [item], "conj": []}, finding.start, finding.end) for item in finding.fields["items"]]


def _plain_alternative(node: Node) -> bool:
    """A finding, or a few words left unread with no number in them: one alternative and nothing more."""
    return not any(isinstance(n, Review) and (len(n.text.split()) > 5 or re.search(r"\d", n.text)) for n in node.walk())


# ... or a phrase that says more of what it follows ("..., not expected to benefit from standard therapy")
_RELATIVE_OPENING_OF_ITEM = re.compile(r"\W*(?:who|whom|whose|which|that|for whom|in whom|for which|in which|not (?:amenable|expected"
                                       r"|eligible|suitable|candidates?|a candidate|curable|resectable|responsive))\b", re.I)
_PERSONS_ONLY = re.compile(r"\W*(?:the\s+|all\s+|potential\s+)?(?:patients?|subjects?|participants?|individuals?|women|men|adults|children)\W*", re.I)
_RELATIVE_CLAUSE = re.compile(r"\b(?:that|which|who|whose)\b", re.I)
# a finding named only by its kind, which a clause after it may narrow
_GENERIC_NAME = re.compile(r"text:(?:medications?|drugs?|substances?|agents?|therap(?:y|ies)|treatments?|conditions?|diseases?"
                           r"|disorders?|products?|illness(?:es)?)")
_UNABLE = re.compile(r"\W*(?:unable|inability|incapable|unwilling|unwillingness|not able|cannot|can not)\b", re.I)
_EXCEPTING = re.compile(r"\b(?:except|excepting|excluding|exclusive of|but not(?! limited)|other than|with the exception)\b", re.I)
_RELATIVE_OPENING = re.compile(r"\s*(?:[Ww]ho|[Ww]hom|[Ww]hose|[Ww]hich|[Tt]hat)\b")  # not "WHO category 1 ...", the organisation
_TO_COME = re.compile(r"\b(?:awaiting|planned|scheduled|anticipated|candidates?|waiting list|expected|intend(?:s|ed)?)\b", re.I)


def _without_history_of(item: list[str]) -> list[str]:
    named = item[:1] == ["#name"]
    words = item[1:] if named else item
    if words[:2] != ["history", "of"] or len(words) < 3:
        return item
    rest = words[2:]
    return ["#name", *rest] if named and any(not w.startswith("@") for w in rest) and any(w.startswith("@") for w in rest) else rest


_DISEASE_SUFFIXES = ("itis", "osis", "oses", "emia", "aemia", "oma", "omas", "pathy", "pathies", "plegia", "algia", "penia",
                     "trophy", "iasis", "ectasis", "rrhea", "rrhoea", "rrhage", "cytosis", "plasia")
_ENDING_LIKE_A_DISEASE = frozenset("diagnosis diagnoses prognosis prognoses empathy sympathy diploma diplomas stoma stomas trophy "
                                   "nostalgia academia".split())


def _names_a_disease(word: str) -> bool:
    return word.endswith(_DISEASE_SUFFIXES) and word not in _ENDING_LIKE_A_DISEASE


def _names_an_event(words: list) -> bool:
    """Free words whose last names something that happens to a patient ("febrile illness", "acute
    asthma exacerbation", "minor surgery"), not a test or its result ("laboratory requirements")."""
    words = [str(w).lower() for w in words]
    if not words or _MEASURING.intersection(words):
        return False
    finding_words, suffixes = _finding_vocabulary()
    return words[-1] in finding_words or words[-1].endswith(suffixes)


_MEASURING = frozenset("laboratory lab labs test tests testing values value results result requirements assessment assessments scan scans"
                       " imaging performed obtained measured done drawn collected evaluation evaluations examination exam".split())


@lru_cache(maxsize=1)
def _finding_vocabulary() -> tuple[frozenset[str], tuple[str, ...]]:
    phrases = get_lexicon().phrases
    return frozenset(phrases["finding_words"]), tuple(phrases["finding_suffixes"])


def _disjoint(bounds: list[Node]) -> bool:
    """Two bounds or ranges on the same variable, in the same unit, that no value meets both ("< 18 years
    and > 70 years", "0-2 years of age and 18 years or greater")."""
    if len(bounds) != 2 or not all(isinstance(b, (Compare, Between)) for b in bounds):
        return False
    if bounds[0].variable != bounds[1].variable:
        return False
    spans = [_interval(b) for b in bounds]
    if None in spans or spans[0][2] != spans[1][2]:
        return False
    (low_a, high_a, _), (low_b, high_b, _) = spans
    return high_a <= low_b or high_b <= low_a


def _interval(bound: Node) -> tuple[float, float, str] | None:
    """The values a bound admits, as (low, high, unit), ends left open; None when it is no plain bound."""
    if isinstance(bound, Between):
        if bound.low is None or bound.high is None or bound.low.unit != bound.high.unit or bound.low.is_limit_multiple:
            return None
        return bound.low.value, bound.high.value, bound.low.unit
    if bound.threshold is None or bound.threshold.is_limit_multiple:
        return None
    if bound.op in ("<", "<="):
        return float("-inf"), bound.threshold.value, bound.threshold.unit
    if bound.op in (">", ">="):
        return bound.threshold.value, float("inf"), bound.threshold.unit
    return None


_WITHIN_TIME = re.compile(r"\bwithin (?:the )?(?:last |past |previous |preceding )?\d+|\d+\s*(?:hours?|days?|weeks?|months?|years?)\s+(?:before|prior|ago)"
                          r"|(?:<=?|≤|=<)\s*\d+\s*(?:hours?|days?|weeks?|months?|years?)\b", re.I)


_BEFORE_A_MOMENT = re.compile(r"\b(?:before|prior\s+to|preceding|since)\s+\w", re.I)
_CLAUSE_AFTER_COMMA = re.compile(r",\s*(?:that|which|who|whose)\b", re.I)
_DESCRIBING_TAIL = re.compile(r"(?:but|that|which|who|whose|preventing|precluding|requiring|interfering|causing|affecting|making|limiting"
                              r"|resulting|leading|rendering|compromising|impairing"
                              # "Use of anticoagulants, such as warfarin, in the past": when, said of them all
                              r"|in the (?:past|last|previous)|during|previously|prior|before|within|since|ever|current(?:ly)?)\b", re.I)


def _may_qualify_main(examples: Node, bracketed: bool = False) -> bool:
    """Whether the last example carries a period that may belong to the whole phrase the examples
    illustrate ("..., e.g. myocardial infarction within 6 months"), or is unread words that may describe
    it ("Any abnormality, including corneal thickness > 620 µm, preventing reliable tonometry"; inside
    a bracket they describe the example: "(e.g. a calf vein thrombosis that is not treated)")."""
    tail = examples
    while isinstance(tail, (AnyOf, AllOf)) and tail.items:
        tail = tail.items[-1]
    if not bracketed and isinstance(tail, Review) and (_DESCRIBING_TAIL.match(tail.text) or _CLAUSE_AFTER_COMMA.search(tail.text)
                                                       or _BEFORE_A_MOMENT.search(tail.text)):
        # "..., such as pelvic kidney or horseshoe kidney, that would require modification of radiation fields";
        # "... immunosuppressant agents such as azathioprine before enrollment": when, said of them all
        return True
    last = examples
    while isinstance(last, (AnyOf, AllOf)) and last.items:
        # "..., or herbal therapy within 3 weeks or 5 half-lives, whichever is shorter": words left unread
        # after the last example read do not hide its period
        read = [item for item in last.items if not all(isinstance(n, Review) and not _PERIOD_SAID.search(n.text)
                                                       for n in item.walk() if not n.children())]
        last = read[-1] if read else last.items[-1]
    if isinstance(last, Finding) and last.window is not None or isinstance(last, Review) and bool(_PERIOD_SAID.search(last.text)):
        return True
    if not bracketed and any(isinstance(n, Review) and _PERIOD_SAID.search(n.text) for n in examples.walk()):
        # "CNS disease, including primary brain tumor, ..., or history of stroke within six months": a period
        # left unread among the examples may belong to more than the example it follows
        return True
    # "..., including herbal medications and grapefruit juice within 14 days or 5 half-lives (whichever is
    # longer)": a period on an example before the last, its wait told apart, may as well bound them all
    return any(isinstance(n, Finding) and n.window is not None for n in examples.walk()) and any(
        isinstance(n, Review) and _HALF_LIVES.search(n.text) for n in examples.walk())


def _leading_window_may_cover(parsed_parts, items: list[Node]) -> bool:
    """"Current or recent (within 1 year) sprue, inflammatory bowel disease, or malabsorption": a period
    before the first item may bound every item, where only the first has it."""
    return len(items) > 1 and _holds(_one(parsed_parts[0]), lambda p: p.kind == "window" and bool(p.fields.get("leading"))) and any(
        isinstance(n, Finding) and n.window is None and n.status != "current" for item in items[1:] for n in item.walk())


_OPPOSITE_PAIRS = (("acute", "chronic"), ("controlled", "uncontrolled"), ("active", "inactive"), ("symptomatic", "asymptomatic"),
                   ("treated", "untreated"), ("stable", "unstable"), ("primary", "secondary"), ("benign", "malignant"),
                   ("resectable", "unresectable"), ("localized", "metastatic"))
_OPPOSITE_QUALIFIERS = {a: b for pair in _OPPOSITE_PAIRS for a, b in (pair, pair[::-1])}


def _window_may_cover(items: list[Node], current_too: bool = False) -> bool:
    """A window on a later item of an "or" list, and an earlier finding with none (and not current, unless
    `current_too`)."""
    def unread_period_last(item: Node) -> bool:
        last = [n for n in item.walk() if not n.children()][-1:]
        return not isinstance(item, Not) and bool(last) and isinstance(last[0], Review) and bool(_WITHIN_TIME.search(last[0].text))

    # each with a period of its own ("stroke (< 6 months prior), myocardial infarction (< 6 months prior)") binds its own
    own_periods = len(items) > 1 and all(unread_period_last(item) for item in items)
    for index, item in enumerate(items):
        windowed = (not isinstance(item, Not) and any(isinstance(n, Finding) and n.window is not None for n in item.walk())
                    or isinstance(item, Review) and _WITHIN_TIME.search(item.text)
                    # "..., or grade 2 with pain in the 14 days prior": a period left unread at the end of the last
                    or index == len(items) - 1 and not own_periods and unread_period_last(item))
        if windowed and any(isinstance(n, Finding) and n.window is None and (current_too or n.status != "current")
                            for earlier in items[:index] if not isinstance(earlier, Not) for n in earlier.walk()):
            return True
    return False


def alternative_thresholds(rule: Node, lexemes: list[Lexeme]) -> bool:
    """Two thresholds of one variable where only one can be meant: "BMI > 30 or > 27.5 kg/m2 (South
    Asian)", "ECOG 0-1 (ECOG 0-2, for the expansion cohort)". The second belongs to a population the
    text names, so reading both (as either, or as both) would be a wrong threshold for someone."""
    for node in rule.walk():
        if isinstance(node, (AnyOf, AllOf)) and any(isinstance(n, (Compare, Between)) for item in node.items for n in item.walk()) and any(
                isinstance(n, Review) and _BARE_BOUND.match(n.text) and _POPULATION.search(n.text) for n in node.items):
            # "AST > 2.5 x ULN (or > 5 x ULN in the case of liver metastases)": a bound with no name of its own
            return True
        if isinstance(node, AnyOf):
            bounds = [n for n in node.items if isinstance(n, Compare)]
            if len(bounds) == len(node.items) and _same_side(bounds) and not _restated(bounds):
                return True
        elif isinstance(node, AllOf):
            flat = _flattened(node)
            unread = [n for n in flat if isinstance(n, Review)]
            if not unread:
                continue
            measured = {n.variable for n in flat if isinstance(n, (Compare, OneOf, Between))}
            for variable in measured:
                same = [n for n in flat if isinstance(n, (Compare, OneOf, Between)) and n.variable == variable]
                if len(same) > 1 and (not all(isinstance(n, Compare) for n in same) or _same_side(same)):
                    return True
            # "ECOG 0-1 (ECOG 0 to 2 for the expansion cohort)" with the second left unread
            if any(re.search(r"\d", n.text) and _POPULATION.search(n.text) and measured & _analytes_within(n, lexemes) for n in unread):
                return True
    return False


_POPULATION = re.compile(r"\b(?:for|if|in|with|cohorts?|arms?|parts?|groups?|patients|subjects|participants|those|who)\b", re.I)


def _analytes_within(node: Node, lexemes: list[Lexeme]) -> set[str]:
    start, end = node.span or (0, 0)
    return {lexeme.term for lexeme in lexemes if lexeme.g.startswith("@lab:") and start <= lexeme.start and lexeme.end <= end}


def _implied_adult(node: Node) -> bool:
    return isinstance(node, Compare) and node.variable == "age" and node.threshold.text == "adult"


def _without_implied_adult(node: Node) -> Node:
    if not isinstance(node, AllOf):
        return node
    items = tuple(_without_implied_adult(i) for i in node.items if not _implied_adult(i))
    return items[0] if len(items) == 1 else replace(node, items=items)


def _flattened(node: AllOf) -> list[Node]:
    return [leaf for item in node.items for leaf in (_flattened(item) if isinstance(item, AllOf) else [item])]


def _same_side(bounds: list[Compare]) -> bool:
    """Bounds on one variable, at one time, all from below or all from above."""
    return (len({(b.variable, b.timepoint, b.context) for b in bounds}) == 1 and len({b.op[0] for b in bounds}) == 1
            and len({b.threshold.is_limit_multiple for b in bounds}) == 1)


def _restated(bounds: list[Compare]) -> bool:
    """"Creatinine > 1.5 mg/dL or > 133 µmol/L": one threshold written in two units."""
    analyte = get_lexicon().analytes.get(bounds[0].variable)
    first = bounds[0].threshold
    for other in (b.threshold for b in bounds[1:]):
        if first.unit == other.unit or first.is_limit_multiple or other.is_limit_multiple:
            return False
        try:
            converted = convert_for(analyte, quantity(other.value, other.unit), first.unit).magnitude
        except Exception:  # units that do not convert: not a restatement
            return False
        if abs(converted - first.value) > 0.05 * abs(first.value):
            return False
    return True


def _is_implication(node: Node) -> bool:
    """"Not them, or the value": a requirement read for some patients only."""
    return isinstance(node, AnyOf) and len(node.items) == 2 and isinstance(node.items[0], Not) and not isinstance(node.items[1], Not)


def _is_washout(node: Node) -> bool:
    """"No chemotherapy within 4 weeks": a period since a treatment."""
    return isinstance(node, Not) and isinstance(node.item, Finding) and node.item.window is not None


def bound_direction(rule: Node) -> str | None:
    """"upper" when every comparison bounds from above ("≤ 1.5 x ULN"), "lower" when from below; else
    None (no bound, a range, an "=", or bounds both ways)."""
    bounds = [n for n in rule.walk() if isinstance(n, (Compare, Between))]
    if not bounds or any(isinstance(n, Compare) and n.op not in ("<", "<=", ">", ">=") for n in bounds):
        return None
    directions = {_direction(n) for n in bounds}
    return directions.pop() if len(directions) == 1 and "range" not in directions else None


def _dated_apart(items: list[Node]) -> bool:
    """Two or more findings, each within a period of its own (and words unread beside them)."""
    findings = [f for f in _alternatives(items) if not isinstance(f, Review)]
    windows = {f.window for f in findings if isinstance(f, Finding)}
    return all(isinstance(f, Finding) and f.window is not None for f in findings) and len(windows) > 1


def all_review(node: Node) -> bool:
    """Nothing computable: every leaf is for review."""
    return all(isinstance(n, Review) for n in node.walk() if not n.children())


_METHOD_NOTE = re.compile(
    r"(?:as )?(?:estimated|calculated|measured|determined|assessed|using|by|per|according to|via|with the"
    r"|(?:documented|confirmed|diagnosed|established|proven) (?:by|clinically|with|on)|diagnosed clinically)\b"
    r"|(?:modified )?cockcroft|mdrd|ckd-epi|schwartz|fridericia|bazett|echocardiogra|muga", re.I)
_CONSENT = re.compile(r"\b(informed consent|consent|willing|willingness|comply|compliance|sign(?:ed|s|ing)?\b(?! of\b)|agree|able to understand|cooperat(?:e|ion)\b|contracepti|birth control)", re.I)
_INVESTIGATOR = re.compile(r"\b(investigator|judg(e)?ment|opinion|discretion|deemed|considered)", re.I)


# a time after the trial's own treatment: "within 4 months after the last dose of study agent"
_THE_TRIALS_OWN = re.compile(r"\b(?:after|following)\b.*\b(?:study|trial|protocol)\s+(?:agents?|drugs?|treatments?|therapy|medications?"
                             r"|interventions?|products?|vaccines?|vaccinations?|injections?|infusions?)\b", re.I)
# nouns in -ment that name no finding a record lists
_ABSTRACT_NOUNS = frozenset("treatment management requirement impairment involvement enrollment enrolment assessment development placement "
                            "replacement adjustment improvement measurement environment agreement commitment statement judgment judgement "
                            "establishment employment engagement achievement commencement department".split())
# consent as the moment a period is counted from: "within 1 month before the time of informed consent"
_CONSENT_AS_TIME = re.compile(r"\b(?:before|prior\s+to|after|since|preceding|following|until|at|from)\s+(?:the\s+)?(?:time\s+of\s+|date\s+of\s+|day\s+of\s+)?"
                              r"(?:(?:signing|signature\s+of|giving|obtaining|providing)\s+)?(?:the\s+|an?\s+)?(?:written\s+)?(?:informed\s+)?consent(?:\s+form)?\b", re.I)


def classify_review(text: str) -> str:
    if _INVESTIGATOR.search(text):
        return "investigator_judgement"
    if _CONSENT.search(_CONSENT_AS_TIME.sub(" ", text)):
        return "consent"
    return "not_understood"
