"""compile_trial: source -> criteria -> tokens -> parse -> rule tree, for every criterion."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, fields, replace
from functools import lru_cache
from typing import Any

import pyparsing as pp

from . import grammar
from .build import Builder, all_review, alternative_thresholds, classify_review
from .criteria import OTHER_PEOPLE, Item, split_criteria
from .errors import SourceError
from .lexicon import Lexeme, formula_names, formula_word, get_lexicon
from .readings import COMPARED_NUMBER, readings_in
from .nodes import STUDIED_CLASSES, AllOf, Amount, AnyOf, Between, Compare, Defined, Finding, Flag, Node, Not, OneOf, Review, Sex
from .resources import data_json
from .sources import TrialSource, read_source
from .statements import statement
from .tokens import tokenize

# Beyond this many lexemes a line is a paragraph, not a criterion; it goes to review unparsed.
MAX_LEXEMES = 160
# Lines that fill a criteria list without saying anything; never to become a rule.
_PLACEHOLDER = re.compile(
    r"^\W*(not specified|none|n/?a|not applicable|nil|no (?:inclusion|exclusion) criteria|see (?:above|below|disease characteristics|.*criteria)"
    r"|other protocol[- ]defined (?:inclusion/exclusion |inclusion |exclusion )?criteria may apply|tbd|to be determined)\W*$", re.I)
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


@lru_cache(maxsize=16384)
def compile_criterion(text: str, kind: str = "inclusion") -> tuple[Node, tuple[str, ...]]:
    """The rule tree of one criterion and the problems met while compiling it.

    Cached: trials repeat their criteria word for word ("Pregnant or breast-feeding"), and the
    result is immutable.
    """
    clean = text.strip()
    if _PLACEHOLDER.match(clean):
        return Review(clean, "not_a_criterion", span=(0, len(clean))), ()
    dated = _AT_CONSENT_OPENING.match(clean)
    if dated and dated.end() < len(clean):  # "At the time of signing the ICF, participant must be ...": when it holds
        rule, problems = compile_criterion(clean[dated.end():], kind)
        if not all_review(rule):
            return _shift(rule, -dated.end()), problems
        # read whole instead, the consent would be a part: an alternative to what it dates
        return Review(clean, classify_review(clean), span=(0, len(clean))), problems
    numbered = _ITEM_NUMBER.match(clean)
    if numbered:  # "7. Platelet count less than 100,000/mm3": a list's number the splitter left on the item
        rule, problems = compile_criterion(clean[numbered.end():], kind)
        return _shift(rule, -numbered.end()), problems
    womens = _WOMENS_REQUIREMENT.match(clean) if kind == "inclusion" and len(_sentence_starts(clean)) == 1 else None
    if womens:  # "Women must not be pregnant or breastfeeding": binds women only; a man meets it
        rest = len(clean) - len(clean[womens.end():].lstrip())
        rule, problems = compile_criterion(clean[rest:], kind)
        if not all_review(rule):
            women = Sex(("female",), span=(0, womens.end()))
            return AnyOf((Not(women, span=women.span), _shift(rule, -rest)), span=(0, len(clean))), problems
    by_sentence = _compile_sentences(clean, kind)
    if by_sentence is not None:
        return by_sentence
    excluded = _EXCLUDED_TAIL.search(clean)
    if excluded and excluded.start() > 0 and len(_sentence_starts(clean[: excluded.start()])) == 1:
        # "Patients who have an uncontrolled infection are not eligible": the sentence names whom it
        # excludes, whichever list it stands in
        rule, problems = compile_criterion(clean[: excluded.start()], "exclusion")
        if not all_review(rule):
            if kind == "exclusion":
                return rule, problems
            return (rule.item if isinstance(rule, Not) else Not(rule, span=rule.span)), problems
    included = _INCLUDED_TAIL.search(clean)
    if kind == "inclusion" and included and included.start() > 0 and len(_sentence_starts(clean[: included.start()])) == 1:
        # "Male and female subjects between 40-85 years old will be enrolled": the sentence names whom it takes
        rule, problems = _compile_sentence(clean[: included.start()], kind)
        if not all_review(rule):
            return rule, problems
    return _compile_sentence(clean, kind)


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
    if review.hints or review.reason == "not_a_criterion" or not COMPARED_NUMBER.search(review.text):
        return ()
    start = review.span[0] if review.span else 0
    return tuple(_shift(rule, -start - offset) for offset, rule in readings_in(review.text, kind, compile_criterion))


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
        rule, sentence_problems = compile_criterion(sentence, kind)
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


def _sentence_starts(clean: str) -> list[int]:
    return [0] + [m.end() for m in _SENTENCE_BREAK.finditer(clean)
                  if clean[: m.start() + 1].split()[-1].lower().strip("([{\"'").rstrip(".") not in _ABBREVIATIONS]


# "7. Platelets ...", "h. PTT ...", "- Life expectancy ...": a list's mark the splitter left on the item (not "e. g.")
# "5.3 Platelets: ...": a numbered section; not "1.5 ULN", a value
_ITEM_NUMBER = re.compile(r"(?:\d{1,2}[.)]|[a-z][.)]|-|\d{1,2}\.\d{1,2}(?=\s+[A-Z][a-z]{2}))\s+(?=[A-Za-z])(?![A-Za-z]\.)")
_POINTER = re.compile(r"\(?\s*(?:please\s+)?(?:see|refer\s+to)\s+(?:the\s+)?(?:appendix|section|table|protocol|attachment|annex)\b[^.;]{0,40}[.)]*\s*", re.I)
_SENTENCE_BREAK = re.compile(r"(?<=[A-Za-z0-9%)\]])\.\s+(?=[A-Z(])")
_ABBREVIATIONS = {"e.g", "i.e", "eg", "ie", "vs", "dr", "no", "approx", "ca", "fig", "incl", "al", "et al", "st", "mr", "mrs", "ms", "cf", "viz", "nr"}
_HEDGE = re.compile(
    r"(?:this|these|note|notes|however|but|except|exception|unless|if|when|where|whereas|patients? with|subjects? with|participants? with"
    r"|those|in addition|also|additionally|otherwise|for|i\.?e|e\.?g|such as|including|examples?|refer|see|please|only|nb)\b", re.I)


# "History of allergic reactions attributed to compounds of similar chemical or biologic composition
# to paclitaxel": an allergy to the drug named, and to others like it that no list can name
_SIMILAR_COMPOUNDS = re.compile(
    r"(?P<lead>(?:(?:no|any|known|prior|previous)\s+)*(?:(?:history|h/o)\s+of\s+)?(?:known\s+)?)"
    r"(?P<similar>(?:an?\s+)?(?:severe\s+|serious\s+)?(?:allergic|hypersensitivity)\s+reactions?\s+(?:attributed|attributable)\s+to\s+"
    r"(?:any\s+)?compounds?\s+of\s+similar\s+(?:chemical|biologic\w*)(?:\s+(?:or|and|and/or)\s+(?:chemical|biologic\w*))?\s+composition\s+(?:to|as)\s+)"
    r"(?P<drugs>.+)$", re.I)


def _similar_compounds(clean: str, kind: str) -> tuple[Node, tuple[str, ...]] | None:
    match = _SIMILAR_COMPOUNDS.match(clean)
    if not match:
        return None
    negated = re.match(r"\s*no\b", match.group("lead"), re.I) is not None
    named, problems = compile_criterion(("No " if negated else "") + "allergy to " + match.group("drugs").rstrip(" ."), kind)
    if all_review(named):
        return None
    similar = Review(match.group("similar").strip(), "not_understood", span=(match.start("similar"), match.end("similar")))
    span = (0, len(clean))
    # spans of the drugs as written, not as in the "[No ]allergy to ..." read in their place
    named = _shift(named, len("allergy to ") + (3 if negated else 0) - match.start("drugs"))
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
    if not match:
        return None
    span = (0, len(clean))
    condition, problems = compile_criterion(match.group("condition"), "inclusion")
    requirement, more = compile_criterion(match.group("requirement").rstrip(" ."), "inclusion")
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
    own, problems = compile_criterion("History of " + match.group("rest"), kind)
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
    treated, problems = compile_criterion(match.group("treatment"), kind)
    inner = treated.item if isinstance(treated, Not) else treated
    if not isinstance(inner, Finding) or inner.category not in ("procedure", "drug") or inner.window or inner.indication:
        return None
    words = match.group("stage").rstrip(" .")
    stage = Review(words, "not_understood", span=(match.start("stage"), match.start("stage") + len(words)))
    span = (0, len(clean))
    both = AllOf((inner, stage), span=span)
    return (Not(both, span=span) if isinstance(treated, Not) else both), problems


_SCREENING_LEAD = re.compile(r"at (?:the )?(?:time of )?(?:screening|baseline)(?: visit)?(?: \( visit \d+ \))? , ")


def _compile_sentence(clean: str, kind: str) -> tuple[Node, tuple[str, ...]]:
    whole = (_similar_compounds(clean, kind) or _conditional_requirement(clean, kind) or _own_or_family_history(clean, kind)
             or _treated_at_a_stage(clean, kind))
    if whole is not None:
        return whole
    lexemes = _normalised(_without_authorities(_without_restated_acronyms(
        _formulas_as_one_word(get_lexicon().tag(_head_shared(_without_expansions(tokenize(clean), clean))), clean), clean), clean))
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
    named = _condition_named_as_persons(unled) if any(isinstance(n, Review) for n in rule.walk()) else None
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
    if _agreement_excludes(rule, kind):
        # "Any condition that could interfere with ... informed consent, or compliance": what the condition
        # would impair, not a patient's consent or compliance that excludes
        return Review(clean, "consent", hints=() if all_review(rule) else (rule,), span=(0, len(clean))), problems
    if kind == "exclusion" and _NEGATED_OPENING.match(clean) and any(isinstance(n, Not) for n in rule.walk()):
        # "Exclusion: No prior chemotherapy" read as written excludes everyone without chemotherapy;
        # its author almost surely meant the opposite, which is a guess: the reviewer decides
        hint = rule.item if isinstance(rule, Not) else rule
        return Review(clean, "negated_exclusion", hints=(hint,), span=(0, len(clean))), problems
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
    if kind == "inclusion" and _SAYS_EXCLUDED.search(_BRACKETED.sub("", clean)) and not all_review(rule):
        # "Patients known to be HIV-positive and taking HAART therapy are not eligible due to ...": read
        # as a requirement, it would refuse everyone without HIV
        return Review(clean, classify_review(clean), hints=(rule,), span=(0, len(clean))), problems
    unbracketed = _BRACKETED.sub("", clean)
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
    if kind == "inclusion" and _numbers_split_alternatives(rule):
        # "KDOQI Stage 3, 4, or 5, not receiving dialysis": a list of numbers read as clauses joins
        # what follows it by their "or", any of which would then meet the criterion alone
        return Review(clean, classify_review(clean), hints=(rule,), span=(0, len(clean))), problems
    if kind == "inclusion" and _PROSPECTIVE.search(clean) and _treatment_read(rule):
        # "Nab-paclitaxel with gemcitabine therapy is appropriate for the patient": a treatment to
        # come, which no record holds yet; read as a record it would require the drug already taken
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


def _suspicion_left_open(node: Node, start: int) -> Node:
    """The rule with each condition named after `start`, outside any negation, open when absent."""
    if isinstance(node, Not):
        return node
    if isinstance(node, Finding) and node.category in ("condition", "any") and node.span and node.span[0] >= start:
        return replace(node, absence_unknown=True)
    return _with_children(node, lambda child: _suspicion_left_open(child, start))


def _permits(bracket: str) -> bool:
    """Whether a bracket grants something ("(transfusion allowed)", "(... are eligible)")."""
    if _DENIED.search(bracket):  # "(transfusions are not allowed within 2 weeks)" restricts
        return False
    return bool(_PERMISSION_CLAUSE.search(bracket) or _SAYS_ELIGIBLE.search(bracket) or _ALLOWED.search(bracket))


_ALLOWED = re.compile(r"\b(?:allowed|permitted|acceptable)\b", re.I)
_DENIED = re.compile(r"\b(?:not|never|no longer)\s+(?:be\s+)?(?:allowed|permitted|acceptable|eligible)\b|\bnot\s+(?:be\s+)?(?:allow|permit)", re.I)


def _read_inside_a_permission(rule: Node, clean: str) -> bool:
    """A computable part of the rule read from a bracket that grants something."""
    brackets = [m.span() for m in _BRACKETED.finditer(clean) if _permits(m.group())]
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
    return _with_children(node, lambda child: _left_for_review(child, clean, matches, reason, hinted))


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
_FOR_THE_DISEASE = re.compile(r"\bfor\s+(?:this|the|their|his|her|that)\s+(?:\w+\s+)?(?:cancer|disease|tumou?r|malignancy|condition|indication)\b", re.I)


def _sites_unsaid(node: Node, for_the_disease: bool) -> Node:
    """"Prior pituitary tumor, surgery, radiation treatment", "Ocular infections or surgery", "Prior
    surgery or chemotherapy for this cancer": a bare "surgery" or "radiation" beside a disease or a
    site, or for one, is of that site; read as any, a hysterectomy would exclude. Which site is for review."""
    if not isinstance(node, (AllOf, AnyOf)):
        return node
    items = tuple(_sites_unsaid(item, for_the_disease) for item in node.items)
    sited = for_the_disease or any(isinstance(n, Review) or isinstance(n, Finding) and (n.category == "condition" or n.concept.startswith("text:"))
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
    node = _with_children(node, lambda child: _groups_of_each_sex(child, clean))
    if not isinstance(node, AllOf):
        return node
    # a woman's state ("Postmenopausal women and men aged ≥ 50") names her sex too, as do words left
    # for review ("Men and nonpregnant, nonlactating women")
    sexes = [_sex_named(item) for item in node.items if _sex_named(item)]
    if not any(isinstance(item, Sex) for item in node.items) or not any(set(a).isdisjoint(b) for a in sexes for b in sexes):
        return node
    if not all(isinstance(item, Sex) for item in node.items if _sex_named(item)):
        start, end = node.span or (0, len(clean))
        return Review(clean[start:end], "conditional", hints=(node,), span=(start, end))
    if not isinstance(node.items[0], Sex):
        start, end = node.span or (0, len(clean))
        return Review(clean[start:end], "conditional", hints=(node,), span=(start, end))
    groups: list[list[Node]] = []
    for item in node.items:
        if isinstance(item, Sex) or not groups:
            groups.append([])
        groups[-1].append(item)
    return AnyOf(tuple(group[0] if len(group) == 1 else AllOf(tuple(group), span=_joined_span(group)) for group in groups), span=node.span)


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
    node = _with_children(node, lambda child: _sex_beside_its_qualifiers(child, clean, kind))
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


_AGREEMENTS = frozenset({"informed_consent", "willing_to_comply"})


def _agreement_excludes(rule: Node, kind: str) -> bool:
    """An exclusion met by a patient's consent or willingness: always a misreading."""
    return kind == "exclusion" and bool(_asserted_flags(rule) & _AGREEMENTS)


@lru_cache(maxsize=1)
def _organ_words() -> tuple[frozenset[str], frozenset[str]]:
    organs = get_lexicon().phrases["organ_adjectives"]
    return frozenset(organs["adjectives"]), frozenset(organs["heads"])


_AFTER_SHARED_HEAD = frozenset({",", ";", ".", "(", ")", ":", "or", "and", "and/or", "except", "including", "such", "e.g", "eg"})


def _head_shared(tokens: list) -> list:
    """"Clinically significant cardiac, renal or hepatic disease": the head noun after the last organ
    adjective is read after each ("cardiac disease, renal disease or hepatic disease"), so that each
    names its finding; the copies take no room in the text."""
    adjectives, heads = _organ_words()
    for index, token in enumerate(tokens):
        if token.norm not in heads or index == 0 or tokens[index - 1].norm not in adjectives:
            continue
        if index + 1 < len(tokens) and tokens[index + 1].norm not in _AFTER_SHARED_HEAD:
            continue  # "infectious or metabolic diseases affecting the CNS": what follows may bind them all
        listed, at = [index - 1], index - 2
        while at >= 0:
            step = at
            if tokens[step].norm in ("or", "and", "and/or"):
                step -= 1
            if step >= 0 and tokens[step].norm == ",":
                step -= 1
            if step < 0 or step == at and tokens[at].norm != "," or tokens[step].norm not in adjectives:
                break
            listed.append(step)
            at = step - 1
        if len(listed) < 2:
            continue
        out = list(tokens)
        for position in sorted(listed[1:], reverse=True):  # each adjective but the last, from the end
            adjective = tokens[position]
            out.insert(position + 1, replace(token, start=adjective.end, end=adjective.end))
        return out
    return tokens


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
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")
_LOST_SIGN = re.compile(r"\s*\d+(?:\.\d+)?\s*(?:[x×*]|times)?\s*(?:the\s+)?(?:ULN|LLN|upper limits? of normal|lower limits? of normal)\b"
                        r"(?!.{0,30}\b(?:or (?:more|higher|greater|less|lower|above|below)|and (?:above|below)))"
                        # "20 = Age < 80 years": a "≤" the source turned into "="
                        r"|\s*\d+(?:\.\d+)?\s*=\s*[A-Za-z]", re.I)
_LIST_NUMBER = re.compile(r"\s*(?:\d{1,2}[a-c]?|[ivx]{1,4}|[IVX]{1,4})\s*[.,;]?\s*")
_CONTRAINDICATED = re.compile(r"\bcontra-?\s?indicat\w*\s+(?:to|for|with|of|against)\b|\bcontra-?\s?indicating\b"
                              # "Allergy to penicillin, cephalosporins or vancomycin": each is an allergy, never a drug taken
                              r"|\b(?:allerg\w*|hypersensitiv\w*|intoleran\w*|sensitivity|idiosyncratic\s+reactions?)\s+(?:to|or)\b", re.I)
# "Previous failure to respond to a TNF antagonist or anakinra": among exclusions, not every patient who took it
_FAILED_ON = re.compile(r"\b(?:fail(?:ed|ure|ing)?|lack\s+of\s+(?:response|efficacy)|(?:inadequate|poor|insufficient)\s+response|refractory"
                        r"|resistan(?:t|ce)|progress\w*\s+(?:on|after|during|while))\b", re.I)
_PROSPECTIVE = re.compile(r"\b(?:appropriate|suitable|candidates?|recommended|(?:planned|scheduled)(?! (?:first|start|initiation|day|date|dose|randomi))"
                          r"|intend(?:s|ed)?|plan(?:s|ning)? to"
                          r"|will (?:receive|undergo|be (?:treated|given|receiving|undergoing))|to be (?:treated|given)|eligible (?:for|to receive)"
                          r"|fit (?:for|to receive)|unsuitable|unfit|ineligible)\b", re.I)


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
                or not any(_NUMBER_START.match(word) for word in window)):
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


_PERSON = frozenset("patient patients subject subjects participant participants individual individuals volunteer volunteers "
                    "person persons people candidate candidates".split())
_LEAD_WORDS = frozenset("the a an each all any study".split())
_QUESTION_OPENINGS = frozenset("does do did is are was has have".split())
_AUXILIARIES = ("must have", "should have", "must be", "should be", "will have", "has", "have", "had",
                "is", "are", "was", "were", "must", "should", "will", "shall")
# words that make the rest a permission or a condition, not a fact about the patient
_PERMISSION = frozenset("eligible ineligible allowed permitted excluded included may can could might acceptable unless except if "
                        "provided whereas however".split())


def _without_subject_lead(lexemes: list) -> list | None:
    """The lexemes after "The patient has", "Subjects who have", "Participants must be"; None when
    the criterion does not open with a person, or what follows grants or conditions something."""
    words = [lexeme.g for lexeme in lexemes]
    i = 0
    asked = words[0] in _QUESTION_OPENINGS if words else False  # "Does the patient have ...?", "Is the patient ...?"
    if asked:
        i = 1
    while i < len(words) and words[i] in _LEAD_WORDS:
        i += 1
    if asked and (i >= len(words) or words[i] not in _PERSON):  # "Have a score of ...": no question, the person unsaid
        asked, i = False, 0
    unsaid = not asked and i == 0 and bool(words) and words[0] in ("has", "have", "had")  # "Has a history of ...": the person unsaid
    if not unsaid and (i >= len(words) or words[i] not in _PERSON):
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


_SIGNS = frozenset({"<", ">", "<=", ">=", "="})
_NUMBER_START = re.compile(r"\d|10\^")


@lru_cache(maxsize=1)
def _authority_patterns() -> tuple[re.Pattern, re.Pattern]:
    """The first word any authority's name opens with (a quick test most criteria fail), and the names
    with the words around them."""
    listed = data_json("phrases.json")["authorities"]["names"]
    first_words = re.compile(r"\b(?:" + "|".join(sorted({re.escape(re.split(r"[\s/-]", name)[0]) for name in listed})) + ")", re.I)
    names = "|".join(re.escape(name).replace("\\ ", r"\s+") for name in sorted(listed, key=len, reverse=True))
    edition = r"(?:\s*[™®])?(?:,?\s*[\w-]+\s+edition(?:,?\s*text\s+revision)?)?(?:\s*\(\s*[A-Z][\w/-]*\s*[™®]?\s*\))?"
    one = rf"(?:the\s+)?(?:\d{{4}}\s*-?\s*)?(?:(?:revised|modified|updated|current)\s+)?(?:{names}){edition}"
    return first_words, re.compile(
        rf"(?:,?\s*\b(?:according\s+to|using|per|by|as\s+(?:defined|determined|assessed|diagnosed|confirmed)\s+by|based\s+on|meeting"
        rf"|that\s+meets?|fulfilling|following|under)\s+)?\b{one}(?:\s*(?:and|/|-|,)\s*{one})*"
        rf"(?:\s+(?:\d{{4}}\s+)?(?:diagnostic\s+)?(?:criteria|guidelines?|classification|definitions?|consensus|recommendations))?(?![\w-])", re.I)


def _formulas_as_one_word(lexemes: list, text: str) -> list:
    """"eGFR < 60 mL/min/1.73 m2 as estimated by the Modification of Diet in Renal Disease (MDRD) method":
    an equation's long name is one word, the one the measurement methods know it by, so that its
    words ("Renal Disease") are not read as a finding of the patient's."""
    for match in reversed(list(formula_names().finditer(text))):
        start, end = match.span()
        inside = [i for i, lexeme in enumerate(lexemes) if start <= lexeme.start and lexeme.end <= end]
        if not inside or any(lexeme.start < end and lexeme.end > start for lexeme in (*lexemes[:inside[0]], *lexemes[inside[-1] + 1:])):
            continue  # a token runs across the name's edge: leave the words as they are
        lexemes = [*lexemes[:inside[0]], Lexeme(formula_word(match.group("name")), start, end), *lexemes[inside[-1] + 1:]]
    return lexemes


def _without_authorities(lexemes: list, text: str) -> list:
    """"Probable Alzheimer's disease using the National Institute of Neurological and Communicative
    Disorders and Stroke ... criteria": the body whose criteria a diagnosis follows, whose words name
    no finding of the patient's."""
    first_words, authority = _authority_patterns()
    spans = [m.span() for m in authority.finditer(text)] if first_words.search(text) else []
    if not spans:
        return lexemes
    kept = [lexeme for lexeme in lexemes if not any(start <= lexeme.start and lexeme.end <= end for start, end in spans)]
    emptied = {i for i in range(len(kept) - 1) if kept[i].g == "(" and kept[i + 1].g == ")"}  # "(according to DSM-IV criteria)"
    kept = [lexeme for i, lexeme in enumerate(kept) if i not in emptied and i - 1 not in emptied]
    return kept or lexemes


def _without_restated_acronyms(lexemes: list, text: str) -> list:
    """"Lower Urinary Tract Symptoms (LUTS)", "ECOG performance score (ECOG)": brackets that restate
    the words before them, as their initials or as the same term, say nothing more; and the words an
    acronym spells are one name, the acronym ("Psoriasis Area and Severity Index (PASI)"), whatever links them."""
    kept: list = []
    index = 0
    while index < len(lexemes):
        lexeme = lexemes[index]
        restated = _terms_restated(lexemes, index, kept)
        if restated:  # "aspartate aminotransferase/alanine aminotransferase (AST/ALT)": the names again, shorter
            index = restated
            continue
        if lexeme.g == "(" and index + 2 < len(lexemes) and lexemes[index + 2].g == ")" and kept:
            inner = lexemes[index + 1]
            # "eject fraction (EF)": a known term in brackets names what the words before may not;
            # "post-bronchodilator forced expiratory volume (FEV1)": nor the term the one before narrows
            if inner.g.startswith("@") and (inner.g in {k.g for k in kept[-6:]} or kept[-1].g.startswith(inner.g + "_")):
                index += 3
                continue
            acronym = text[inner.start:inner.end].lower()
            if (inner.g.startswith("@") and kept[-1].g.startswith("@") and len(acronym) >= 2 and acronym.isalpha()
                    and _initials(text[kept[-1].start:kept[-1].end]).endswith(acronym)):
                # "Karnofsky performance status (PS)": the last words of the term before, not the term "PS" names alone
                index += 3
                continue
            covered = _spelled_by(text[inner.start:inner.end], kept, text)
            if covered and inner.g.startswith("@"):
                words = kept[-covered:]
                if not any(w.g.startswith("@") for w in words):
                    # "Eastern Co-operative Oncology Group (ECOG)": words the lexicons miss, named by the known acronym
                    del kept[-covered:]
                    index += 3
                    end = words[-1].end
                    if index < len(lexemes) and lexemes[index].g == inner.g:  # "... Group (ECOG) performance status"
                        end = lexemes[index].end
                        index += 1
                    kept.append(Lexeme(inner.g, words[0].start, end, inner.term))
                    continue
                if all(w.g.startswith("@") for w in words):
                    # "Total Bilirubin (TB)": the known term's initials, not the other term the acronym also names
                    index += 3
                    continue
            elif covered:
                words = kept[-covered:]
                if any(w.g in _LINK_WORDS or w.g in ("'", "’", "'s", "’s") for w in words[1:-1]):  # else the words read as they are
                    # "upper limit of normal (ULN)", "Quality of Life (QOL)", "Physician's Global Assessment
                    # (PGA)": the acronym names them in one word
                    del kept[-covered:]
                    kept.append(Lexeme(inner.g, words[0].start, words[-1].end))
                index += 3
                continue
        kept.append(lexeme)
        index += 1
    return kept


_LINK_WORDS = frozenset("of and the in for to &".split())
_TERM_SEPARATORS = frozenset({"/", "and", "or", "and/or", ","})


def _terms_restated(lexemes: list, index: int, kept: list) -> int:
    """Where a bracket of two or more known terms that name the terms just before it ends; 0 if not one."""
    if lexemes[index].g != "(" or not kept:
        return 0
    close = next((k for k in range(index + 1, min(len(lexemes), index + 9)) if lexemes[k].g == ")"), None)
    if close is None:
        return 0
    inner = [lexeme.g for lexeme in lexemes[index + 1:close]]
    terms = [g for g in inner if g.startswith("@")]
    if len(set(terms)) < 2 or any(not g.startswith("@") and g not in _TERM_SEPARATORS for g in inner):
        return 0
    return close + 1 if set(terms) <= {k.g for k in kept[-10:]} else 0


def _without_expansions(tokens: list, text: str) -> list:
    """"VAS (Visual analog scale)", "CNS (central nervous system) metastases": a bracket that spells out
    the acronym before it stands for it, so the lexicons see the words, not split by the bracket."""
    kept: list = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.norm == "(" and kept:
            acronym = text[kept[-1].start:kept[-1].end]
            close = next((i for i in range(index + 2, min(index + 10, len(tokens))) if tokens[i].norm in (")", "(")), None)
            if (2 <= len(acronym) <= 6 and acronym.isalpha() and sum(c.isupper() for c in acronym) >= 2
                    and close is not None and tokens[close].norm == ")"):
                if _initials(text[tokens[index + 1].start:tokens[close - 1].end], skipping=_LINK_WORDS) == acronym.lower():
                    spelled = tokens[index + 1:close]
                    lexicon = get_lexicon()
                    if not lexicon.tag([kept[-1]])[0].g.startswith("@") and any(
                            lexeme.g.startswith("@") for lexeme in lexicon.tag(spelled)):
                        # the words, which the lexicons know and the letters not, over the span of all;
                        # else the letters, as the author named it ("eGFR (Epidermal growth factor receptor)")
                        spelled[0] = replace(spelled[0], start=kept[-1].start)
                        spelled[-1] = replace(spelled[-1], end=tokens[close].end)
                        kept[-1:] = spelled
                    else:
                        kept[-1] = replace(kept[-1], end=tokens[close].end)
                    index = close + 1
                    continue
        kept.append(token)
        index += 1
    return kept


def _initials(words: str, skipping: frozenset = frozenset()) -> str:
    """"central nervous system" -> "cns"; the words in `skipping` give none."""
    return "".join(w[0] for w in re.findall(r"[a-z]+", words.lower()) if w not in skipping)


def _spelled_by(acronym: str, before: list, text: str) -> int:
    """How many of the lexemes before an acronym it spells, by their initials (0: none)."""
    letters = acronym.lower()
    if not (2 <= len(letters) <= 6 and letters.isalpha()):
        return 0

    def spell(position: int, remaining: str) -> int | None:  # lexemes used, reading backwards
        if not remaining:
            return 0
        if position < 0:
            return None
        lexeme = before[position]
        word = text[lexeme.start:lexeme.end].lower()
        joining = (lexeme.g in ("'s", "’s", "'", "’", "-")  # "Physician's", "Anti-Mullerian"
                   or lexeme.g == "s" and position and before[position - 1].g in ("'", "’"))
        if joining and len(remaining) < len(letters):
            rest = spell(position - 1, remaining)
            return None if rest is None else rest + 1
        if position and before[position - 1].g == "-" and len(remaining) < len(letters) and word[:1].isalpha():
            # "Co-operative": the second half of a hyphenated word gives no initial of its own
            rest = spell(position - 1, remaining)
            if rest is not None:
                return rest + 1
        if not word[:1].isalpha():
            return None
        initials = _initials(word)  # a known term may be several words
        for spelled in dict.fromkeys((initials, word[0])):
            if remaining.endswith(spelled):
                rest = spell(position - 1, remaining[: len(remaining) - len(spelled)])
                if rest is not None:
                    return rest + 1
        if lexeme.g in _LINK_WORDS and len(remaining) < len(letters):
            rest = spell(position - 1, remaining)
            return None if rest is None else rest + 1
        return None

    return spell(len(before) - 1, letters) or 0


def _normalised(lexemes: list) -> list:
    """The tagged lexemes with marks and phrases that carry nothing removed, and connectives made what
    they mean, each pass in turn."""
    for step in (_without_stray_marks, _without_visit_labels, _without_method_notes, _without_test_showing,
                 _bounds_around_a_name, _share_of_the_total, _transaminases_named, _ratio_named_in_parts, _stable_dose_of_a_drug, _dose_words_around_a_drug, _introducer_said_again,
                 _sign_before_scale,
                 _named_after_amount,
                 _modifier_comma_dropped, _analyte_named_twice, _same_analyte_restated, _score_classes_as_points, _measure_of_condition,
                 _negative_infection, _without_complement_condition, _usual_bound_named_for_the_rest, _condition_before_its_bound, _alternative_bound_bracketed,
                 _sex_bound_bracketed, _sex_before_bound, _age_of_the_people_named,
                 _without_unopened_closers, _groups_joined_by_or,
                 _spaced_dash_as_colon, _without_everyone, _without_either_way, _but_before_a_bound, _without_completed,
                 _first_diagnosed, _unit_after_open_bound, _measured_either_way, _dose_unbracketed, _limit_without_article,
                 _age_after_a_finding, _without_citations, _age_plus, _age_range_named_twice, _age_named_in_range,
                 _inclusive_signs_in_range, _untreated_as_none_prior):
        lexemes = step(lexemes)
    return lexemes


def _without_stray_marks(lexemes: list) -> list:
    """Marks that carry nothing: an asterisk after a word or a number that points to a footnote ("Less
    than 75 years* of age", "Platelets <50,000*"; a multiplication is followed by a number), a colon or comma after "or" ("ULN or: CrCl"), a
    plural's "(s)" ("lesion(s)")."""
    kept = []
    skip_closing = skip_sign = skip_equals = False
    for index, lexeme in enumerate(lexemes):
        following = lexemes[index + 1].g if index + 1 < len(lexemes) else ""
        if (lexeme.g in ("*", "**", "***") and kept and (kept[-1].g[-1:].isalpha() or kept[-1].g.endswith(")")) and kept[-1].g != "x"
                and not _NUMBER_START.match(following)):
            continue
        if lexeme.g in ("*", "**", "***") and kept and kept[-1].g[-1:].isdigit() and following in ("", ",", ";", ".", ")", "and", "or", "*", "**"):
            continue  # "Platelets <50,000*": a footnote's mark after a number that nothing multiplies
        if lexeme.g in (":", ",") and kept and kept[-1].g in ("or", "and", "and/or"):  # "ULN or: CrCl", "X-Ray or, Ferritin"
            continue
        if lexeme.g in ("*", "•", "·") and (not kept or kept[-1].g in (":", ",", ";")) and (following[:1].isalpha() or following[:1] == "@"):
            continue  # "adequate liver function: *total bilirubin ..., *albumin ...": a list's marks inside the line
        if lexeme.g == "=" and following in ("<", "<=", ">", ">="):  # "ALT = ≤ 2.5 x ULN": a sign said twice
            continue
        if lexeme.g == "or" and following == "=" and kept and kept[-1].g in ("<=", ">="):  # "Age ≥ or = 18": said twice
            skip_equals = True
            continue
        if lexeme.g == "=" and skip_equals:
            skip_equals = False
            continue
        if (lexeme.g == "s" and kept and kept[-1].g == "(" and following == ")" and len(kept) > 1
                and kept[-2].end == kept[-1].start):  # "lesion(s)": a plural marker
            kept.pop()
            skip_closing = True
            continue
        if lexeme.g == ")" and skip_closing:
            skip_closing = False
            continue
        if (lexeme.g == "(" and kept and (kept[-1].g in _SIGNS and following in _SIGNS or kept[-1].g in ("than", "to") and following in _SIGNS
                                           or kept[-1].g == "percent" and following in ("%", "percent"))
                and index + 2 < len(lexemes) and lexemes[index + 2].g == ")"):
            # "less than or equal to (</=) 1", "less than (<)88 percent (%)": the sign or the unit said twice
            skip_closing = True
            skip_sign = True
            continue
        if skip_sign and (lexeme.g in _SIGNS or lexeme.g in ("%", "percent")):
            skip_sign = False
            continue
        kept.append(lexeme)
    return kept


_EITHER_WAY_ENDS = frozenset(", ; ( ) . and or for within at in since prior before after during on from to if unless except "
                             "who which that".split())


def _without_either_way(lexemes: list) -> list:
    """"Oxygen saturation between 90 and 95% with or without supplemental oxygen": a condition either
    way, which asks nothing; up to the next punctuation or "and"."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(1, len(words) - 3):
        if words[index:index + 3] == ["with", "or", "without"]:
            end = next((k for k in range(index + 3, len(words)) if words[k] in _EITHER_WAY_ENDS or words[k][:1].isdigit()
                        or words[k][:1] in "<>="), len(words))
            return lexemes[:index] + lexemes[end:]
    return lexemes


_LIMIT_WORDS = frozenset({"uln", "iuln", "lln", "iulnr", "ulnr", "institutional", "upper", "lower", "normal"})


def _limit_without_article(lexemes: list) -> list:
    """"Serum creatinine =< the IULN", "within the institutional normal limits": the article before a
    limit of normal, which the grammar reads without it."""
    return _without_word_between(lexemes, ("the",), lambda g: g in _SIGNS or g in ("within", "than"), _LIMIT_WORDS.__contains__)


_CITATION = re.compile(r"(?:[a-z][a-z'-]+ (?:(?:et al \.?|et al|and [a-z][a-z'-]+|& [a-z][a-z'-]+) )?,? ?)?(?:19|20)\d\d[a-z]?")
_AFTER_A_CITATION = frozenset({"", ",", ";", ".", ")", "and", "or", "and/or"})


def _without_citations(lexemes: list) -> list:
    """"... guidelines (2005)", "[Celli, 2004]", "(Cheson et al, 2003)": a reference to the literature,
    which asks nothing; read as a definition, its year would be a requirement of its own. Only where a
    clause ends after it."""
    words = [lexeme.g for lexeme in lexemes]
    for index, word in enumerate(words):
        if word not in ("(", "["):
            continue
        close = next((k for k in range(index + 1, min(index + 9, len(words))) if words[k] in (")", "]")), None)
        if close is None or close == index + 1 or not _CITATION.fullmatch(" ".join(words[index + 1:close])):
            continue
        if (words[close + 1] if close + 1 < len(words) else "") in _AFTER_A_CITATION:
            return _without_citations(lexemes[:index] + lexemes[close + 1:])
    return lexemes


_YEAR_WORDS = frozenset({"year", "years", "yr", "yrs"})


def _age_after_a_finding(lexemes: list) -> list:
    """"Patients with COPD >= 40 years of age": the finding, and the patients' age beside it; read
    together, the age would be how long ago the finding began."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(len(words) - 4):
        if not (words[index].startswith(("@cond:", "@drug:", "@proc:")) and words[index + 1] in _SIGNS
                and _NUMBER_START.match(words[index + 2]) and words[index + 3] in _YEAR_WORDS):
            continue
        after = words[index + 4:index + 6]
        if after[:1] == ["old"] or after == ["of", "@lab:age"] or after == ["of", "age"]:
            joined = Lexeme("and", lexemes[index + 1].start, lexemes[index + 1].start)
            return lexemes[:index + 1] + [joined] + lexemes[index + 1:]
    return lexemes


_UNTREATED = re.compile(r"(?<!\S)(?:(?:(?:previously|prior) )?untreated (?:with|by) |(?:(?:treatment|therapy) -? ?)?na[iï]ve (?:to|for) )")


def _untreated_as_none_prior(lexemes: list) -> list:
    """"Previously untreated with chemotherapy", "Naïve to anti-TNF therapy": none before, which read as
    a qualifier of the treatment ("untreated chemotherapy") would require it."""
    words = [lexeme.g for lexeme in lexemes]
    text = " ".join(words) + " "
    match = _UNTREATED.search(text)
    if not match:
        return lexemes
    first = text[:match.start()].count(" ")
    last = first + match.group().count(" ")
    if last >= len(lexemes) or not lexemes[last].g.startswith(("@drug:", "@proc:")):
        return lexemes
    start, end = lexemes[first].start, lexemes[last - 1].end
    return lexemes[:first] + [Lexeme("no", start, end), Lexeme("prior", start, end)] + lexemes[last:]


_AGE_NAMED = ("of", "@lab:age")


def _age_plus(lexemes: list) -> list:
    """"Age 18+", "18+ years of age": that age or older. Only an age: "proteinuria ≥ 2+" is a grade."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(1, len(words)):
        if words[index] != "+" or not _NUMBER_START.match(words[index - 1]):
            continue
        following = words[index + 1:index + 2]
        if following and following[0] in _YEAR_WORDS:
            end = index + 2
            end += 2 if words[end:end + 2] == list(_AGE_NAMED) else 1 if words[end:end + 1] == ["old"] else 0
        elif "@lab:age" in words[max(0, index - 3):index] and (not following or following[0] in (",", ";", ".", "and", "or", ")")):
            end = index + 1
        else:
            continue
        plus = lexemes[index]
        older = [Lexeme("or", plus.start, plus.end), Lexeme("older", plus.start, plus.end)]
        return lexemes[:index] + lexemes[index + 1:end] + older + lexemes[end:]
    return lexemes


def _age_range_named_twice(lexemes: list) -> list:
    """"18 years of age to 75 years of age", "between 18 years old and 75 years old": the first "of age"
    or "old" is said again at the range's end, where the grammar reads it."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(1, len(words) - 4):
        if words[index] not in _YEAR_WORDS or not _NUMBER_START.match(words[index - 1]):
            continue
        named = 2 if words[index + 1:index + 3] == list(_AGE_NAMED) else 1 if words[index + 1] == "old" else 0
        after = index + 1 + named
        joiner, high, unit = (words[after:after + 3] + ["", "", ""])[:3]
        if named and joiner in ("to", "-", "and", "through") and _NUMBER_START.match(high) and unit in _YEAR_WORDS:
            return lexemes[:index + 1] + lexemes[after:]
    return lexemes


def _age_named_in_range(lexemes: list) -> list:
    """"between the ages of 18 and 65", "from birth to 21 years": the age named inside its range, read as
    "age between 18 and 65", "age from 0 to 21 years"."""
    words = [lexeme.g for lexeme in lexemes]
    for index, word in enumerate(words):
        if word == "between" and "@lab:age" in words[index + 1:index + 3]:
            named = words.index("@lab:age", index + 1)
            after = named + 1 + (words[named + 1:named + 2] == ["of"])
            if after < len(words) and (_NUMBER_START.match(words[after]) or words[after] == ">="):
                return lexemes[:index] + [lexemes[named], lexemes[index]] + lexemes[after:]
        if word == "from" and words[index + 1:index + 3] == ["birth", "to"] and "@lab:age" in words[max(0, index - 3):index]:
            birth = lexemes[index + 1]
            return lexemes[:index + 1] + [replace(birth, g="0")] + lexemes[index + 2:]
    return lexemes


def _inclusive_signs_in_range(lexemes: list) -> list:
    """"between ≥ 18 and ≤ 65": the inclusive bounds a range already means, read as "between 18 and 65"."""
    words = [lexeme.g for lexeme in lexemes]
    for index, word in enumerate(words):
        if word == "between" and words[index + 1:index + 2] == [">="] and "and" in words[index + 3:index + 6]:
            joint = words.index("and", index + 3)
            closing = joint + 1 if words[joint + 1:joint + 2] == ["<="] else None
            return _inclusive_signs_in_range([x for k, x in enumerate(lexemes) if k not in (index + 1, closing)])
    return lexemes


_BEFORE_A_DRUG = frozenset({"with", "of", "on", "taking", "receiving", "using", ",", ";", "or", "and", "and/or", "("})


def _dose_unbracketed(lexemes: list) -> list:
    """"Methylprednisolone (≥ 8 mg/day)", "treatment with aspirin (>325mg/day)": a daily dose in
    brackets after its drug, read as written without them. Not after words that describe the drug
    ("daily aspirin", "high dose steroids"), which the dose would leave behind as a name of its own."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(len(words) - 4):
        if not (words[index].startswith("@drug:") and words[index + 1] == "(" and words[index + 2] in _SIGNS
                and (index == 0 or words[index - 1] in _BEFORE_A_DRUG)):
            continue
        close = next((k for k in range(index + 3, min(index + 10, len(words))) if words[k] in ("(", ")")), None)
        inside = words[index + 3:close] if close is not None and words[close] == ")" else []
        if inside and _NUMBER_START.match(inside[0]) and "/" in inside and inside[-1] in ("day", "d", "daily"):
            return lexemes[:index + 1] + lexemes[index + 2:close] + _dose_unbracketed(lexemes[close + 1:])
    return lexemes


_WAYS_OF_MEASURING = frozenset({"calculated", "measured", "estimated", "computed", "derived", "observed"})


def _measured_either_way(lexemes: list) -> list:
    """"Calculated or measured (Cockcroft and Gault formula) creatinine clearance < 30 mL/min": a value
    however it was got, which asks nothing of its own; read as an alternative, "calculated" would be
    a finding that meets the criterion alone."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(len(words) - 2):
        if not (words[index] in _WAYS_OF_MEASURING and words[index + 1] in ("or", "and/or", "/")):
            continue
        if words[index + 2].startswith("@lab:"):  # "calculated or measured creatinine clearance", the second way in the term
            return lexemes[:index] + lexemes[index + 2:]
        if words[index + 2] not in _WAYS_OF_MEASURING:
            continue
        end = index + 3
        if end < len(words) and words[end] == "(":  # the formula or method, in brackets
            close = next((k for k in range(end, min(end + 10, len(words))) if words[k] == ")"), None)
            end = close + 1 if close is not None else end
        if end < len(words) and words[end].startswith("@lab:"):
            return lexemes[:index] + lexemes[end:]
    return lexemes


_BOUND_OPENINGS = frozenset({"less", "more", "greater", "fewer", "lower", "higher", "younger", "older", "above", "below", "under",
                             "over", "up", "exceeding", "maximum", "minimum", "max", "min"}) | _SIGNS
_BOUND_OPENINGS_OF_TWO = frozenset({"at least", "at most", "no more", "no less", "no greater", "not more", "not less", "not greater",
                                    "not exceeding", "no higher", "not higher", "no lower", "not lower"})
_COUNT_WORDS = frozenset({"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"})
_DURATION_WORDS = frozenset({"days", "day", "weeks", "week", "wks", "wk", "months", "month", "mo", "mos", "years", "year", "yrs", "yr"})


def _without_completed(lexemes: list) -> list:
    """"less than 37 completed weeks": whole weeks, as any count of weeks is; the word would stand
    between the number and its unit."""
    return _without_word_between(lexemes, ("completed", "complete", "full"), lambda g: g[:1].isdigit(), _DURATION_WORDS.__contains__)


def _first_diagnosed(lexemes: list) -> list:
    """"Asthma first diagnosed at least 6 months prior to Visit 1": a disease is diagnosed first, or not
    at all; the word would join the name of an unknown finding."""
    return _without_word_between(lexemes, ("first", "initially", "originally"), lambda g: g.startswith("@cond:"),
                                 lambda g: g == "diagnosed")


_OPEN_BOUND_WORDS = frozenset({"more", "over", "older", "above", "greater", "higher", "longer", "less", "fewer", "younger", "under",
                               "below", "shorter"})


def _unit_after_open_bound(lexemes: list) -> list:
    """"18 or more years of age", "for 2 or more weeks", "treated 5 or more years ago": the unit of time
    written after the bound it belongs before ("18 years or more"). The words move, the spans stay, so
    the four still cover the text they came from, in order."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(len(words) - 3):
        if (words[index][:1].isdigit() and words[index + 1] in ("or", "and") and words[index + 2] in _OPEN_BOUND_WORDS
                and words[index + 3] in _DURATION_WORDS):
            spans = lexemes[index + 1:index + 4]
            reordered = [replace(spans[0], g=words[index + 3]), replace(spans[1], g=words[index + 1]), replace(spans[2], g=words[index + 2])]
            return _unit_after_open_bound(lexemes[:index + 1] + reordered + lexemes[index + 4:])
    return lexemes


def _without_word_between(lexemes: list, dropped: tuple[str, ...], before, after) -> list:
    """The lexemes without each word of `dropped` whose neighbours' spellings meet `before` and `after`."""
    words = [lexeme.g for lexeme in lexemes]
    return [lexeme for index, lexeme in enumerate(lexemes)
            if not (lexeme.g in dropped and 0 < index < len(words) - 1 and before(words[index - 1]) and after(words[index + 1]))]


def _but_before_a_bound(lexemes: list) -> list:
    """"At least 6 years of age but less than 18 years", "bilirubin > 1.5 mg/dL but < 3 mg/dL": a second
    bound joined by "but" is an "and". Not "but in patients with ...", an alternative; not after a bare count
    ("at least 1 but no more than 3 prior regimens", said of what follows); not a duration's second bound
    unless the bounds are ages ("arthritis for more than 6 weeks but less than 1 year" is no age)."""
    if not any(lexeme.g == "but" for lexeme in lexemes):
        return lexemes
    words = [lexeme.g for lexeme in lexemes] + ["", ""]
    of_age = "@lab:age" in words or "old" in words or "younger" in words or "older" in words

    def second_bound(index: int) -> bool:
        opening = 1 if words[index + 1] in _BOUND_OPENINGS else 2 if f"{words[index + 1]} {words[index + 2]}" in _BOUND_OPENINGS_OF_TWO else 0
        if not opening:
            return False
        before = words[index - 1] if words[index - 1] != "," else words[index - 2]
        if before in _SIGNS or before[:1].isdigit() or before in _COUNT_WORDS or not any(
                w in _BOUND_OPENINGS or f"{w} {words[k + 1]}" in _BOUND_OPENINGS_OF_TWO for k, w in enumerate(words[:index])):
            return False  # "18 years of age, but < 76 years" lost its first sign
        number = next((k for k in range(index + 1, min(index + 6, len(words))) if words[k][:1].isdigit()), None)
        return number is None or words[number + 1] not in _DURATION_WORDS or of_age

    return [Lexeme("and", lexeme.start, lexeme.end) if lexeme.g == "but" and index > 0 and second_bound(index) else lexeme
            for index, lexeme in enumerate(lexemes)]


_EVERYONE_WHO = frozenset({"either", "any", "both", "all"})
_EVERYONE_WHAT = frozenset({"gender", "genders", "sex", "sexes", "race", "races", "ethnicity", "ethnicities"})
_ETHNIC_WHAT = frozenset({"group", "groups", "origin", "origins", "background", "backgrounds"})


def _without_everyone(lexemes: list) -> list:
    """"45 years and older, of either gender", "..., of any race or ethnic group": a phrase said of
    everyone, after the requirement."""
    words = [lexeme.g for lexeme in lexemes]

    def what_ends(at: int) -> int | None:  # "gender", "ethnic group": where the word or pair ends
        if at < len(words) and words[at] in _EVERYONE_WHAT:
            return at + 1
        if at < len(words) and words[at] == "ethnic":
            return at + 2 if at + 1 < len(words) and words[at + 1] in _ETHNIC_WHAT else at + 1
        return None

    for index in range(1, len(words) - 1):
        end = what_ends(index + 1) if words[index] in _EVERYONE_WHO else None
        if end is None:
            continue
        while end + 1 < len(words) and words[end] in ("or", "and", ",", "and/or") and what_ends(end + 1):
            end = what_ends(end + 1)  # "of any race, ethnic group or gender"
        start = index - (words[index - 1] == "of")
        start -= start > 0 and words[start - 1] == ","
        if start > 0:
            return lexemes[:start] + lexemes[end:]
    return lexemes


_INTRODUCING_VERBS = ("received", "undergone", "had", "taken", "used", "been treated with", "been given", "received treatment with")


def _introducer_said_again(lexemes: list) -> list:
    """"Patients who have received radiation therapy or have undergone major surgery within 4 weeks": the
    verb said again after "or" before a known term adds nothing the first did not say."""
    words = [lexeme.g for lexeme in lexemes]
    if not any(f" {verb} " in f" {' '.join(words)} " for verb in _INTRODUCING_VERBS):
        return lexemes
    kept, index = [], 0
    while index < len(lexemes):
        kept.append(lexemes[index])
        repeated = _repeated_verb(words, index) if words[index] in ("or", "and", "and/or") and index > 0 else 0
        index += 1 + repeated
    return kept


def _repeated_verb(words: list[str], index: int) -> int:
    """How many words after the connective at `index` repeat an introducing verb said before it, with a
    known term next ("or have undergone @proc:major_surgery"); 0 when they do not."""
    rest = " ".join(words[index + 1:index + 6]) + " "
    earlier = f" {' '.join(words[:index])} "
    if not any(f" {verb} " in earlier for verb in _INTRODUCING_VERBS):
        return 0
    for auxiliary in ("have ", "has ", ""):
        for verb in _INTRODUCING_VERBS:
            if rest.startswith(f"{auxiliary}{verb} "):
                length = len(f"{auxiliary}{verb}".split())
                following = words[index + 1 + length] if index + 1 + length < len(words) else ""
                if following.startswith(("@cond:", "@drug:", "@proc:")):
                    return length
    return 0


_DOSE_WORDS = frozenset({"dose", "doses", "dosage", "dosages", "regimen", "regimens", "dosing"})


def _stable_dose_of_a_drug(lexemes: list) -> list:
    """"On a stable dose of metformin for at least 8 weeks": the drug, said to be stable, which a record
    must state (taking it is not enough); read as a name, "dose of metformin" would be no drug."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(len(words) - 3):
        if (words[index] == "stable" and words[index + 1] in _DOSE_WORDS and words[index + 2] == "of"
                and words[index + 3].startswith("@drug:")):
            return lexemes[:index + 1] + lexemes[index + 3:]
    return lexemes


_DOSE_BEFORE = re.compile(r"(?:(?:concomitant|current|chronic|regular) )?(?:use|dose|doses|dosage|daily dose|treatment|therapy|intake) (?:of|with) $")
_DOSE_AFTER = re.compile(r"^(?:(?:at|in) (?:a |an )?(?:(?:total |daily |mean )?(?:dose|doses|dosage|dosages))(?: of)? )?"
                         r"(?=(?:[<>]=?|greater|more|less|higher|lower|above|below|over|under|exceeding|at least|at most|up to|no more|not more|not exceeding) )")


def _dose_words_around_a_drug(lexemes: list) -> list:
    """"Use of prednisone at a dose > 10 mg/day": the words that say it is a dose go, so that the
    drug stands before its bound ("prednisone > 10 mg/day", a dose the build reads as one)."""
    words = [lexeme.g for lexeme in lexemes]
    bounded = [(i, found) for i, w in enumerate(words) if w.startswith("@drug:")
               for found in [_DOSE_AFTER.match(" ".join(words[i + 1:]) + " ")] if found]
    if len(bounded) != 1:
        return lexemes
    index, after = bounded[0]
    dropped_after = len(after.group(0).split())
    before = _DOSE_BEFORE.search(" ".join(words[:index]) + " ")
    dropped_before = len(before.group(0).split()) if before else 0
    if before and before.start() > 0 and not words[index - dropped_before - 1] in (",", ";", ":"):
        dropped_before = 0  # only where the words open the criterion or a clause
    return lexemes[:index - dropped_before] + [lexemes[index]] + lexemes[index + 1 + dropped_after:]


@lru_cache(maxsize=1)
def _ratios() -> dict[tuple[str, str], str]:
    """Analytes named as one over another ("FEV1/FVC"), by the ids of the two."""
    lexicon = get_lexicon()
    ratios = {}
    for analyte in lexicon.analytes.values():
        for name in analyte.names:
            top, slash, bottom = name.partition("/")
            parts = [lexicon.tag(tokenize(side)) for side in (top, bottom)] if slash else []
            # not "PT/INR" or "SBP/DBP", names of one of the two
            if (parts and all(len(side) == 1 and side[0].g.startswith("@lab:") for side in parts)
                    and analyte.id not in (parts[0][0].term, parts[1][0].term)):
                ratios[(parts[0][0].term, parts[1][0].term)] = analyte.id
    return ratios


def _transaminases_named(lexemes: list) -> list:
    """"Transaminases ≤ 2.5 x ULN", "transaminases or bilirubin > 2 x ULN": AST and ALT, which the word
    names together, read as "AST/ALT"; not where no threshold follows ("elevated transaminases")."""
    words = [lexeme.g for lexeme in lexemes]
    for index, word in enumerate(words):
        if word not in ("transaminases", "transaminase"):
            continue
        after = words[index + 1:index + 3]
        if after[:1] and (after[0] in _BOUND_SIGNS or after[0] in ("less", "greater", "no", "not", "within")
                          or after[0] in ("or", "and", "and/or") and after[1:] and after[1].startswith("@lab:")):
            start = index - (index > 0 and words[index - 1] in ("liver", "hepatic", "serum", "plasma"))  # "liver transaminases"
            here = replace(lexemes[index], start=lexemes[start].start)
            both = [replace(here, g="@lab:ast", term="ast"), replace(here, g="/", term=None), replace(here, g="@lab:alt", term="alt")]
            return _transaminases_named(lexemes[:start] + both + lexemes[index + 1:])
    return lexemes


def _ratio_named_in_parts(lexemes: list) -> list:
    """"FEV1/forced vital capacity (FVC) < 70%": a ratio whose second analyte is spelled out, one term."""
    if "/" not in [lexeme.g for lexeme in lexemes]:
        return lexemes
    merged: list = []
    for lexeme in lexemes:
        if (len(merged) >= 2 and lexeme.term and merged[-1].g == "/" and merged[-2].term
                and (merged[-2].term, lexeme.term) in _ratios()):
            ratio = _ratios()[(merged[-2].term, lexeme.term)]
            merged[-2:] = [Lexeme(f"@lab:{ratio}", merged[-2].start, lexeme.end, ratio)]
            continue
        merged.append(lexeme)
    return merged


_SCALE_WORDS = frozenset({"class", "grade", "stage", "score", "status", "classification"})


def _sign_before_scale(lexemes: list) -> list:
    """"Heart failure > NYHA class II": a sign written before the scale it bounds, read after it."""
    out = list(lexemes)
    analytes = get_lexicon().analytes
    for index in range(len(out) - 2):
        sign, scale = out[index], out[index + 1]
        if sign.g not in _SIGNS or not scale.g.startswith("@lab:") or analytes[scale.g[5:]].kind != "score":
            continue
        after = index + 2
        while after < len(out) and out[after].g in _SCALE_WORDS:
            after += 1
        if after < len(out) and re.fullmatch(r"\d+(?:\.\d+)?|i{1,3}|iv|v", out[after].g):
            out[index:after] = out[index + 1:after] + [sign]
    return out


_OPENING_MODIFIERS = frozenset("active current ongoing known suspected chronic severe significant uncontrolled untreated "
                                "symptomatic documented confirmed".split())


def _modifier_comma_dropped(lexemes: list) -> list:
    """"Active, uncontrolled infection", "Severe, uncontrolled hypertension": a comma after the opening
    modifier joins two modifiers of one finding; read as a list, the modifier would be an item of its own."""
    words = [lexeme.g for lexeme in lexemes]
    if (len(words) > 3 and words[0] in _OPENING_MODIFIERS and words[1] == ","
            and not (words[2] in _OPENING_MODIFIERS and words[3] in (",", "or", "and", "and/or"))):
        return lexemes[:1] + lexemes[2:]
    return lexemes


_NAMED_AGAIN_WORDS = frozenset({"must", "should", "be", "is", "of", ":", "by", "per", "according", "to", "using", "(", "-"})


def _analyte_named_twice(lexemes: list) -> list:
    """"Performance status must be ECOG 0-1": the analyte named in general, then by its own name."""
    words = [lexeme.g for lexeme in lexemes]
    for index, word in enumerate(words[:3]):
        if not word.startswith("@lab:"):
            continue
        following = index + 1
        while following < len(words) and words[following] in _NAMED_AGAIN_WORDS:
            following += 1
        if following > index + 1 and following < len(words) and words[following] == word:
            return lexemes[:index] + lexemes[following:]
    return lexemes


def _same_analyte_restated(lexemes: list) -> list:
    """"AST (AST; formerly SGOT)", "ALT (ALT/SGPT)": one analyte named again by its other names, which
    the lexicon reads as the same term; read once, as "AST"."""
    words = [lexeme.g for lexeme in lexemes]
    for index, word in enumerate(words):
        if not word.startswith("@lab:"):
            continue
        following = index + 1
        while following < len(words) and words[following] in _RESTATING_WORDS:
            following += 1
        if following == index + 1 or following >= len(words) or words[following] != word:
            continue
        between = words[index + 1:following]
        if not _RESTATING_MARKS.intersection(between):  # "age 18 or older, or age of consent": two mentions
            continue
        end = following + 1
        opened = between.count("(") - between.count(")")
        while opened > 0 and end < len(words) and words[end] == ")":
            end, opened = end + 1, opened - 1
        if opened != 0:
            continue
        return _same_analyte_restated(lexemes[:index + 1] + lexemes[end:])
    return lexemes


_RESTATING_MARKS = frozenset({"(", "/", "formerly", "also", "known", "i.e.", "ie"})
_RESTATING_WORDS = frozenset({"(", ")", ";", "/", ",", "or", "formerly", "also", "called", "known", "as", "i.e.", "ie"})
_CONDITION_OPENERS = frozenset({"patients", "subjects", "participants", "those", "case", "cases", "the"})


def _without_complement_condition(lexemes: list) -> list:
    """"ALT <= 2.5 x ULN for subjects without liver metastases and <= 5 x ULN for subjects with liver
    metastases": the first bound's condition is the other's negation, read as the "ALT <= 2.5 x ULN or
    <= 5 x ULN for subjects with liver metastases" the grammar knows."""
    words = [lexeme.g for lexeme in lexemes]
    if "without" not in words or "with" not in words:
        return lexemes
    without = words.index("without")
    start = without - 1 - (words[without - 1] in _CONDITION_OPENERS)
    if start < 1 or words[start] not in ("for", "in") or not any(w in _SIGNS for w in words[:start]):
        return lexemes
    joint = next((k for k in range(without + 2, len(words) - 1) if words[k] in ("and", "or", ",", ";")
                  and words[k + 1] in _SIGNS), None)
    if joint is None:
        return lexemes
    named = words[without + 1:joint]
    with_at = next((k for k in range(joint + 2, len(words)) if words[k] == "with" and words[k + 1:k + 1 + len(named)] == named
                    and words[k - 1 - (words[k - 1] in _CONDITION_OPENERS)] in ("for", "in")), None)
    if with_at is None or with_at + 1 + len(named) < len(words) - (words[-1] == "."):
        return lexemes  # the other condition must be the same words, and end the criterion
    joined = replace(lexemes[joint], g="or")
    return lexemes[:start] + [joined] + lexemes[joint + 1:]


_BOUND_SIGNS = {"<": "upper", "<=": "upper", ">": "lower", ">=": "lower"}
_NAMED_AGAIN_FILLER = frozenset({"and", "or", "/", ",", "(", ")", "count", "counts", "level", "levels", "value", "values", "of"})


def _usual_bound_named_for_the_rest(lexemes: list) -> list:
    """"AST > 2.5 x ULN if no liver metastases (> 5 x ULN in patients with liver metastases)": the usual
    bound said to be for the patients without what the other bound names, which the other bound's
    condition already says; read without the "if no" ("if without ... and =< 5 x ULN if ...")."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(1, len(words) - 4):
        opener = next((len(o) for o in _WITHOUT_OPENERS if tuple(words[index:index + len(o)]) == o), 0)
        if not opener or not words[index + opener].startswith("@cond:"):
            continue
        if words[index - 1] not in ("uln", "lln") and not any(w in _BOUND_SIGNS for w in words[max(0, index - 6):index]):
            return lexemes
        condition, after = words[index + opener], words[index + opener + 1:]
        after = after[1:] if after[:2] in ([",", "or"], [",", "and"]) else after
        # the other bound next, and the same condition in its words
        if after[:1] not in (["("], ["and"], ["or"], [","]) or not any(w in _BOUND_SIGNS for w in after[1:3]) or condition not in after:
            return lexemes
        return lexemes[:index] + lexemes[index + opener + 1:]
    return lexemes


def _condition_before_its_bound(lexemes: list) -> list:
    """"AST ≤ 2.5 x ULN; if liver metastases, AST ≤ 5 x ULN", "...; for patients with liver metastases,
    bilirubin must be ≤ 5 x ULN": a second bound for some patients, the analytes said again after their
    condition, read as the bracketed "(if liver metastases, ≤ 5 x ULN)" the grammar knows; read as it
    stands, the bound became part of the condition."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(1, len(words) - 4):
        if words[index] not in (";", ",", ".") or not (words[index + 1] == "if" or words[index + 1] in ("for", "in")
                                                       and words[index + 2] in _CONDITION_OPENERS):
            continue
        labs = {w for w in words[:index] if w.startswith("@lab:")}
        comma = next((k for k in range(index + 2, len(words)) if words[k] == ","), None)
        if not labs or comma is None or any(w in _BOUND_SIGNS or w[:1].isdigit() or w in (";", "(", ")") for w in words[index + 2:comma]):
            return lexemes
        sign = next((k for k in range(comma + 1, len(words)) if words[k] in _BOUND_SIGNS), None)
        again = words[comma + 1:sign] if sign else []
        end = len(words) - (words[-1] in (".", ";"))
        if (not again or {w for w in again if w.startswith("@lab:")} != labs
                or not all(w.startswith("@lab:") or w in _NAMED_AGAIN_FILLER or w in _REQUIRING_WORDS for w in again)
                or sign + 1 >= end or not words[sign + 1][:1].isdigit() or any(w in (";", "(", ")", "if") for w in words[sign:end])):
            return lexemes
        # in the order written, the analytes said again dropped: "AST ≤ 2.5 x ULN (if liver metastases, ≤ 5 x ULN)"
        opening = replace(lexemes[index], g="(")
        closing = replace(lexemes[end - 1], g=")", start=lexemes[end - 1].end)
        return lexemes[:index] + [opening] + lexemes[index + 1:comma + 1] + lexemes[sign:end] + [closing] + lexemes[end:]
    return lexemes


_REQUIRING_WORDS = frozenset({"must", "should", "be", "is", "are"})
_WITHOUT_OPENERS = (("if", "no"), ("if", "without"), ("in", "absence", "of"), ("in", "the", "absence", "of"))


def _alternative_bound_bracketed(lexemes: list) -> list:
    """"AST ≤ 3 x ULN or ≤ 5 x ULN if liver metastases": a second bound for some patients, read as
    the bracketed "AST ≤ 3 x ULN (≤ 5 x ULN if liver metastases)" the grammar knows."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(1, len(words) - 3):
        if words[index] == "or" and words[index + 1].startswith("@lab:"):
            # "AST and ALT <= 2.5 x ULN, OR AST and ALT <= 5 x ULN if liver metastases": the analytes said again
            sign = next((k for k in range(index + 1, len(words)) if words[k] in _SIGNS), None)
            again = words[index + 1:sign] if sign else []
            if (again and all(w.startswith("@lab:") or w in _NAMED_AGAIN_FILLER for w in again)
                    and {w for w in again if w.startswith("@lab:")} == {w for w in words[:index] if w.startswith("@lab:")}):
                shortened = lexemes[:index + 1] + lexemes[sign:]
                bracketed = _alternative_bound_bracketed(shortened)
                return lexemes if bracketed is shortened else bracketed
        if words[index] in (";", ",") and words[index + 1] == "(" and words[index + 2] in _BOUND_SIGNS:
            # "AST ≤ 2.5 x ULN; (≤ 5 x ULN if hepatic metastasis is present)": the bracket goes with the bound
            return _alternative_bound_bracketed(lexemes[:index] + lexemes[index + 1:])
        if words[index] not in ("or", "and", "&", ";") or words[index + 1] not in _BOUND_SIGNS or not words[index + 2][:1].isdigit():
            continue
        last_lab = max((k for k in range(index) if words[k].startswith("@lab:")), default=None)
        first_sign = next((w for w in words[last_lab:index] if w in _BOUND_SIGNS), None) if last_lab is not None else None
        # the same way ("ALP > 2.5 x ULN, or > 5 x ULN in ..."); "Age < 18 or > 65 ..." bounds a range
        if (first_sign is None or _BOUND_SIGNS[first_sign] != _BOUND_SIGNS[words[index + 1]]
                or words[index - 1] == "(" or any(w in (";", "(", ")") for w in words[index + 1:])):
            return lexemes
        condition = next((j for j in range(index + 3, len(words)) if words[j] == "if"
                          or words[j] in ("in", "for") and j + 1 < len(words) and words[j + 1] in _CONDITION_OPENERS), None)
        if condition is None or any(w in ("or", "and/or", "(", ")") for w in words[index + 1:condition]):
            return lexemes
        start = index - (words[index - 1] in (",", ";"))  # "QTcF < 450 msec; or < 480 msec if ...": one alternative
        end = len(words) - (words[-1] == ".")
        opening = replace(lexemes[index], g="(", start=lexemes[start].start)
        closing = replace(lexemes[end - 1], g=")", start=lexemes[end - 1].end)
        return lexemes[:start] + [opening] + lexemes[index + 1:end] + [closing] + lexemes[end:]
    return lexemes


_MALE_WORDS = frozenset(data_json("phrases.json")["male"])
_SEX_WORDS = _MALE_WORDS | frozenset(data_json("phrases.json")["female"])


def _sex_bound_bracketed(lexemes: list) -> list:
    """"QTc < 500 msec for men (470 msec for women)", "Hb >= 12 g/dL (men) and >= 11 g/dL (women)": each
    sex's bound, read as the "QTc < 500 msec for men or < 470 msec for women" the grammar knows; a bound
    that gives no sign takes the first one's."""
    words = [lexeme.g for lexeme in lexemes]
    if "(" not in words or not _SEX_WORDS.intersection(words):
        return lexemes
    sign = next((w for w in words if w in _SIGNS), None)
    if sign is None:
        return lexemes
    for index in range(2, len(words) - 2):
        if words[index] != "(":
            continue
        # "(males)", "(male patients)"
        named = 1 + (words[index + 2] in _GROUP_WORDS and words[index + 1] in ("male", "female"))
        if (words[index + 1] in _SEX_WORDS and index + named + 1 < len(words) and words[index + named + 1] == ")"
                and any(w[:1].isdigit() for w in words[max(0, index - 5):index])):
            said = replace(lexemes[index], g="for", end=lexemes[index].start)
            return _sex_bound_bracketed(lexemes[:index] + [said] + lexemes[index + 1:index + named + 1] + lexemes[index + named + 2:])
        if words[index - 1] in _SEX_WORDS and words[index - 2] in ("for", "in"):
            closing = next((j for j in range(index + 1, len(words)) if words[j] in ("(", ")")), None)
            if (closing is None or words[closing] != ")" or words[closing - 1] not in _SEX_WORDS
                    or not any(w[:1].isdigit() for w in words[index + 1:closing])):
                return lexemes
            opened = [replace(lexemes[index], g="or", end=lexemes[index].start)]
            if words[index + 1][:1].isdigit():
                opened.append(replace(lexemes[index], g=sign, start=lexemes[index].end))
            return lexemes[:index] + opened + lexemes[index + 1:closing] + lexemes[closing + 1:]
    return lexemes


def _sex_before_bound(lexemes: list) -> list:
    """"Creatinine: Male > 1.3 mg/dL, Female > 1.2 mg/dL": each sex named before its bound, read as the
    "Creatinine > 1.3 mg/dL for males, > 1.2 mg/dL for females" the grammar knows."""
    words = [lexeme.g for lexeme in lexemes]
    named = [k for k, w in enumerate(words) if w in _SEX_WORDS and k + 1 < len(words)
             and (words[k + 1] in _SIGNS or words[k + 1] == ":" and k + 2 < len(words) and words[k + 2] in _SIGNS)]
    if len(named) != 2 or {words[k] in _MALE_WORDS for k in named} != {True, False}:
        return lexemes
    if not any(w.startswith("@lab:") for w in words[:named[0]]) or any(w.startswith("@lab:") for w in words[named[0]:]):
        return lexemes
    out = list(lexemes[:named[0]])
    for index, start in enumerate(named):
        sign = start + 1 + (words[start + 1] == ":")
        end = named[index + 1] if index + 1 < len(named) else len(words)
        while end > sign and words[end - 1] in (",", ";", "and", "or", "."):
            end -= 1
        bound = lexemes[sign:end]
        if not bound or any(w in _SEX_WORDS or w in ("(", ")") for w in words[sign:end]):
            return lexemes
        said = [replace(lexemes[start], g="for", end=lexemes[start].start), lexemes[start]]
        joint = lexemes[end:named[index + 1]] if index + 1 < len(named) else lexemes[end:]
        out += bound + said + joint
    return out


_TEST_WORDS = frozenset({"-", "test", "tests", "testing", "pcr", "rt", "rt-pcr", "serology", "serologies", "antibody", "antibodies",
                         "antigen", "screen", "screening", "result", "results", "status", "naat", "rapid", "swab"})


def _negative_infection(lexemes: list) -> list:
    """"HIV negative", "HCV-negative": an infection the patient tests negative for, read as "negative for
    HIV"; only infections, as "ER negative" or "EGFR negative" say nothing of a finding."""
    lexicon = get_lexicon()
    words = [lexeme.g for lexeme in lexemes]
    for index, word in enumerate(words):
        if not word.startswith("@cond:") or "infection" not in lexicon.ancestors(word[6:]) | lexicon.possible_classes(word[6:]):
            continue
        tested = index + 1
        while tested < len(words) and words[tested] in _TEST_WORDS:
            tested += 1
        if index > 0 and words[index - 1] == "negative" and (tested > index + 1 or tested == len(words)):
            # "Negative HIV test", "Negative SARS-CoV-2 PCR test at screening": negative for the infection
            named = lexemes[index]
            return (lexemes[:index] + [replace(named, g="for", end=named.start)] + [replace(named, end=lexemes[tested - 1].end)]
                    + lexemes[tested:])
        after = tested + (tested < len(words) and words[tested] == "-")
        if after >= len(words) or words[after] not in ("negative", "seronegative"):
            continue
        if after + 1 < len(words) and words[after + 1] in ("for", "to"):
            continue  # "HIV negative for 6 months" is a duration; "negative to" names another test
        named = lexemes[index]
        said = [replace(lexemes[after], g="negative", start=named.start, end=named.start),
                replace(lexemes[after], g="for", start=named.start, end=named.start)]
        return lexemes[:index] + said + [replace(named, end=lexemes[after].end)] + lexemes[after + 1:]
    return lexemes


_COMPARATOR_OPENINGS = frozenset({*_SIGNS, "less", "more", "greater", "lower", "higher", "above", "below", "under", "over",
                                  "at", "no", "not", "exceeding", "fewer"})


def _measure_of_condition(lexemes: list) -> list:
    """"Anemia (< 9 g/dL)", "Hypertriglyceridaemia (> 3 mmol/l)": a threshold in brackets after a
    condition that a value defines, read as that value's ("hemoglobin < 9 g/dL"); so is one right
    after it ("Bradycardia < 50 bpm", "Tachycardia above 100 bpm"), bracketed where it ends."""
    concepts = get_lexicon().concepts
    for index in range(len(lexemes) - 2):
        word = lexemes[index].g
        concept = concepts.get(word[6:]) if word.startswith("@cond:") else None
        if concept is None or not concept.measured_by:
            continue
        if lexemes[index + 1].g == "(" and lexemes[index + 2].g in _COMPARATOR_OPENINGS:
            sign = lexemes[index + 2]
            name = Lexeme(f"@lab:{concept.measured_by}", sign.start, sign.start, concept.measured_by)
            return lexemes[:index + 2] + [name] + lexemes[index + 2:]
        end = _threshold_end(lexemes, index + 1)
        if end is not None:
            sign, last = lexemes[index + 1], lexemes[end - 1]
            opened = [Lexeme("(", sign.start, sign.start), Lexeme(f"@lab:{concept.measured_by}", sign.start, sign.start, concept.measured_by)]
            return lexemes[:index + 1] + opened + lexemes[index + 1:end] + [Lexeme(")", last.end, last.end)] + lexemes[end:]
    return lexemes


_THRESHOLD_WORDS = frozenset({"than", "or", "equal", "to", "least", "most", "more", "less", "greater", "lower", "higher", "above",
                              "below", "under", "over", "exceeding", "of", "a"})
_THRESHOLD_STOPS = frozenset({",", ";", ".", ":", "and", "or", "and/or", "(", ")", "[", "]", "at", "on", "in", "for", "by", "during",
                              "despite", "with", "without", "requiring", "that", "which", "who", "unless", "except", "if", "within",
                              "while", "when", "after", "before", "prior", "since", "due", "as"})
_COUNTED_WORDS = re.compile(r"(?:years?|yrs?|months?|mos?|weeks?|wks?|days?|hours?|hrs?|h|minutes?|grades?|episodes?|occasions?)$")


def _threshold_end(lexemes: list, start: int) -> int | None:
    """Where a threshold that starts at `start` ("< 50 bpm", "above 100 beats per minute") ends; None
    when no number follows its comparator, or the number counts time, grades or episodes."""
    if start + 1 < len(lexemes) and lexemes[start].g == "of":  # "Bradycardia of less than 50 beats per minute"
        start += 1
    if start >= len(lexemes) or lexemes[start].g not in _COMPARATOR_OPENINGS or lexemes[start].g in ("no", "not"):
        return None
    index = start + 1
    while index < len(lexemes) and lexemes[index].g in _THRESHOLD_WORDS and not lexemes[index].g[0].isdigit():
        index += 1
    if index >= len(lexemes) or not _NUMBER_START.match(lexemes[index].g) or index - start > 4:
        return None
    index += 1
    following = [lexeme.g for lexeme in lexemes[index:index + 2]]
    if following and (_COUNTED_WORDS.match(following[0])
                      # "> 2 times per week" counts; "> 1.5 x ULN", "< 100 x 10^9/L" measure
                      or following[0] in ("x", "times") and not (following[1:] and re.match(r"uln|upper|the|10\^|\d", following[1]))):
        return None
    while index < len(lexemes) and lexemes[index].g not in _THRESHOLD_STOPS:
        index += 1
    return index


_CLASS_WORDS = frozenset({"class", "classes", "classification", "grade", "score", "stage", "status", "of", "category"})


def _score_classes_as_points(lexemes: list) -> list:
    """"Child-Pugh class B or C": lettered classes of a score, read as the points they stand for
    (">= 7"); classes that are not one run of points ("A or C") are left as written."""
    analytes = get_lexicon().analytes
    words = [lexeme.g for lexeme in lexemes]
    for index, word in enumerate(words):
        analyte = analytes.get(word[5:]) if word.startswith("@lab:") else None
        if analyte is None or not analyte.classes:
            continue
        points = {letter: (low, high) for letter, low, high in analyte.classes}
        first = index + 1
        while first < len(words) and words[first] in _CLASS_WORDS:
            first += 1
        letters, last = [], first
        while last < len(words) and words[last] in points:
            letters.append(words[last])
            if last + 2 < len(words) and words[last + 1] in (",", "or", "and/or", "-", "to") and words[last + 2] in points:
                last += 2
            else:
                last += 1
        order = [letter for letter, _, _ in analyte.classes]
        spots = sorted(order.index(letter) for letter in set(letters))
        if not letters or spots != list(range(spots[0], spots[-1] + 1)) or len(spots) == len(order):
            continue
        low, high = points[order[spots[0]]][0], points[order[spots[-1]]][1]
        lowest, highest = analyte.classes[0][1], analyte.classes[-1][2]
        written = (f">= {low:g}" if high == highest else f"<= {high:g}" if low == lowest else f"{low:g} - {high:g}")
        while last < len(words) and words[last] in _CLASS_WORDS - {"of"}:  # "B or C classification"
            last += 1
        read = replace(lexemes[first], g=written, end=lexemes[last - 1].end)
        return lexemes[:index + 1] + [read] + lexemes[last:]
    return lexemes


_WEEK_WORDS = frozenset({"weeks", "week", "wks", "wk"})
_BOUND_WORDS = frozenset({"to", "-", "and", "between", "than", "less", "more", "greater", "fewer", "at", "least", "most", "or", "no", "not",
                          "equal", "under", "over", "above", "below", "up", "from", "of", "in", *_WEEK_WORDS, *_SIGNS})


# names read after their amount: each word naming one, its analyte and the units the amount may take
_NAMED_AFTER_AMOUNT = {
    **dict.fromkeys(("gestation", "gestational", "@lab:gestational_age"), ("gestational_age", _WEEK_WORDS)),
    "@lab:life_expectancy": ("life_expectancy", _DURATION_WORDS),
}


def _named_after_amount(lexemes: list) -> list:
    """"< 37 weeks of gestation", "30 to 32 weeks' gestation", "Greater than 12 weeks life expectancy":
    a quantity named by the words after its amount, read as if named before it."""
    words = [lexeme.g for lexeme in lexemes]
    for index, word in enumerate(words):
        named = _NAMED_AFTER_AMOUNT.get(word)
        if named is None:
            continue
        analyte, units = named
        amount_unit = index - 1 - (index > 1 and words[index - 1] in ("of", "'", "’"))
        if amount_unit < 1 or words[amount_unit] not in units or not words[amount_unit - 1][:1].isdigit():
            continue
        start = amount_unit - 1
        while start > 0 and (words[start - 1][:1].isdigit() or words[start - 1] in _BOUND_WORDS):
            start -= 1
        while words[start] in ("of", "in"):  # "infants of 30 weeks' gestation": the number's own words only
            start += 1
        end = index + 1 + (word == "gestational" and index + 1 < len(words) and words[index + 1] == "age")
        name = replace(lexemes[index], g=f"@lab:{analyte}", term=analyte, start=lexemes[start].start, end=lexemes[start].start)
        # the unit stretches over the words read in front, so that spans still cover them
        unit_read = replace(lexemes[amount_unit], end=lexemes[end - 1].end)
        return lexemes[:start] + [name] + lexemes[start:amount_unit] + [unit_read] + lexemes[end:]
    return lexemes


_PEOPLE = frozenset("children child adults adult adolescents adolescent infants infant neonates newborns toddlers patients patient "
                    "subjects subject participants participant volunteers men women males females boys girls".split())
_AGE_WORDS = frozenset({"year", "years", "yr", "yrs", "old", "@lab:age", "months"})


def _age_of_the_people_named(lexemes: list) -> list:
    """"Children (< 18 years old)", "Adult patients (18 years or older)": the age of whom the criterion
    opens with, read as if unbracketed; "Subjects between the ages of 18 and 65" as "aged between"."""
    words = [lexeme.g for lexeme in lexemes]
    opening = next((i for i, w in enumerate(words[:4]) if w in _PEOPLE), None)
    if opening is None:
        return lexemes
    after = opening + 1 + (opening + 1 < len(words) and words[opening + 1] in _PEOPLE)
    if after + 3 < len(words) and words[after:after + 2] == ["between", "the"] and words[after + 2] == "@lab:age":
        age, between = lexemes[after + 2], lexemes[after]
        return lexemes[:after] + [replace(age, start=between.start), replace(between, start=age.end, end=age.end)] + lexemes[after + 3:]
    if after < len(words) and words[after] == "(":
        closing = next((j for j in range(after + 1, len(words)) if words[j] in ("(", ")")), None)
        inner = words[after + 1:closing] if closing is not None and words[closing] == ")" else []
        if (inner and (inner[0] in _SIGNS or _NUMBER_START.match(inner[0]) or inner[0] in _COMPARATOR_OPENINGS or inner[0] == "@lab:age")
                and _AGE_WORDS & set(inner) and any(_NUMBER_START.match(w) for w in inner)
                # a sign, a range or "or older" says how: "(age 18 years)" lost its sign
                and {*_SIGNS, *_COMPARATOR_OPENINGS, "-", "to", "or"} & set(inner)):
            return lexemes[:after] + lexemes[after + 1:closing] + lexemes[closing + 1:]
    return lexemes


def _spaced_dash_as_colon(lexemes: list) -> list:
    """"Adequate liver function - serum bilirubin < 1.5 x ULN": a spaced dash after words, before an
    analyte, sets a label off as a colon would ("non-HDL" and "AST - ALT" keep theirs)."""
    out = list(lexemes)
    for index in range(1, len(out) - 1):
        before, dash, after = out[index - 1], out[index], out[index + 1]
        if (dash.g == "-" and after.g.startswith("@lab:") and (before.g[:1].isalpha() or before.g.startswith("@cond:"))
                and before.end < dash.start and dash.end < after.start):
            out[index] = replace(dash, g=":")
    return out


_GROUP_WORDS = frozenset({"those", "patients", "subjects", "participants", "individuals"})


_SEX_GROUPS = {"males": "female", "men": "female", "male": "female", "females": "male", "women": "male", "female": "male"}


def _other_sex_named(lexemes: list, index: int, sex_word: str) -> bool:
    """Whether the other sex's group is named after the "and" at `index`, before the clause ends and
    not right after it ("males and females" is one list of sexes)."""
    for lexeme in lexemes[index + 2:index + 10]:
        if lexeme.g in (",", ";", "or", "(", ")", ":"):
            return False
        if lexeme.g in _SEX_GROUPS and _SEX_GROUPS[lexeme.g] != _SEX_GROUPS[sex_word]:
            return True
    return False


def _groups_joined_by_or(lexemes: list) -> list:
    """"Patients with diabetes and those requiring insulin": two groups of patients, either of which the
    criterion names; read as "and", a patient would need to be in both."""
    out, index = [], 0
    while index < len(lexemes):
        lexeme = lexemes[index]
        if lexeme.g == "and" and out and out[-1].g in _SEX_GROUPS and _other_sex_named(lexemes, index, out[-1].g):
            out.append(replace(lexeme, g="or"))  # "HIV-infected adult males and non-pregnant females": either group
            index += 1
            continue
        if lexeme.g == "and" and out and index + 2 < len(lexemes) and lexemes[index + 1].g in _GROUP_WORDS:
            out.append(replace(lexeme, g="or"))
            index += 2  # the group word; then "with", "who have", "who are": the "or" joins what they have
            if lexemes[index].g == "with":
                index += 1
            elif lexemes[index].g == "who":
                index += 2 if index + 2 < len(lexemes) and lexemes[index + 1].g in ("have", "has", "are", "is", "had") else 1
            continue
        out.append(lexeme)
        index += 1
    return out


_VISIT_NAMES = frozenset("screening baseline randomization randomisation enrollment enrolment entry inclusion registration visit".split())
_VISIT_LABEL = re.compile(r"(?:(?:visit|v|day|week|study day|period) (?:- )?-?\d+[a-z]?(?: ,)? ?)+")


def _without_visit_labels(lexemes: list) -> list:
    """"within 12 months prior to Screening (Visit 1)": the visit's label adds nothing to its name."""
    words = [lexeme.g for lexeme in lexemes]
    kept, index = [], 0
    while index < len(lexemes):
        if words[index] == "(" and index > 0:
            inner = words[index + 1:index + 4]
            if inner[:1] == ["visit"] and len(inner) == 3 and re.fullmatch(r"-?\d+[a-z]?", inner[1]) and inner[2] == ")":
                index += 4
                continue
            if len(inner) >= 2 and re.fullmatch(r"v\d+", inner[0]) and inner[1] == ")":
                index += 3
                continue
            closing = words.index(")", index) if ")" in words[index:index + 12] else -1
            if (closing > 0 and (words[index - 1] in _VISIT_NAMES or re.fullmatch(r"-?\d+[a-z]?", words[index - 1]))
                    and _VISIT_LABEL.fullmatch(" ".join(words[index + 1:closing]))):
                index = closing + 1  # "at Visit 2 (Day -1)", "at baseline (Week 0)"
                continue
        kept.append(lexemes[index])
        index += 1
    return kept


# "(as diagnosed clinically)", "(confirmed by repeat analysis)": how a finding was established, which
# no record answers; with no number or comparator in it, it bounds nothing
_METHOD_BRACKET = re.compile(r"(?:as )?(?:(?:diagnosed|confirmed|documented|established|proven|determined|assessed|verified)"
                             r"(?: (?:by|clinically|with|on|using|via)\b| clinically$)|diagnosed clinically)")


_REFERENCE_BRACKET = re.compile(r"(?:see |refer to |per |as per |as defined in |defined in )?(?:the )?(?:protocol )?"
                                r"(?:appendix|appendices|attachment|annex|section|table)(?: [a-z0-9.-]+){1,2}")


def _without_method_notes(lexemes: list) -> list:
    """The lexemes without bracketed notes of how a finding was established, or of the scale a value
    was read on when it is the one already named."""
    words = [lexeme.g for lexeme in lexemes]
    kept, index = [], 0
    while index < len(lexemes):
        if words[index] == "(" and index > 0 and ")" in words[index + 1:index + 14]:
            closing = words.index(")", index)
            inner = words[index + 1:closing]
            if (_METHOD_BRACKET.match(" ".join(inner)) and "(" not in inner
                    and not any(w[:1].isdigit() or w in _SIGNS or w.startswith("@lab:") for w in inner)):
                index = closing + 1
                continue
            if _REFERENCE_BRACKET.fullmatch(" ".join(inner)):
                index = closing + 1  # "Creatinine clearance (Appendix C) ≥ 30 mL/min": where the protocol says more
                continue
            if (1 <= len(inner) <= 2 and inner[0].startswith("@lab:") and inner[0] in words[:index]
                    and inner[1:] in ([], ["scale"], ["score"], ["criteria"], ["classification"])):
                index = closing + 1  # "performance status of 0-2 (Zubrod scale)": the scale named again
                continue
        kept.append(lexemes[index])
        index += 1
    return kept


def _share_of_the_total(lexemes: list) -> list:
    """"Direct bilirubin < 35% of total bilirubin": a share, which the percent says; the total it is of
    is the analyte's own."""
    words = [lexeme.g for lexeme in lexemes] + [""] * 4
    for index in range(1, len(lexemes) - 1):
        if words[index - 1] not in ("%", "percent") or words[index] != "of":
            continue
        end = index + 1 + (words[index + 1] == "the")
        total = words[end] == "total"
        end += total
        end += words[end] in ("serum", "plasma")
        named = words[end].startswith("@lab:") or words[end] in ("bilirubin", "bili")
        end += named
        if total or named:
            return lexemes[:index] + lexemes[end:]
    return lexemes


_FLIPPED = {"<": ">", "<=": ">="}


def _bounds_around_a_name(lexemes: list) -> list:
    """"18 <= BMI <= 30 kg/m2", "140 mmHg <= sitSBP < 200 mmHg": the name between its bounds, read as
    "BMI >= 18 and <= 30 kg/m2"."""
    words = [lexeme.g for lexeme in lexemes]
    for middle in range(2, len(words) - 2):
        if not words[middle].startswith("@lab:") or words[middle + 1] not in _FLIPPED or not words[middle + 2][:1].isdigit():
            continue
        sign = middle - 1
        if words[sign] not in _FLIPPED:
            return lexemes
        number = next((k for k in range(sign - 1, max(sign - 6, -1), -1) if words[k][:1].isdigit()), None)
        if number is None or any(w in _SIGNS or w.startswith("@") for w in words[number + 1:sign]):
            return lexemes
        flipped = replace(lexemes[sign], g=_FLIPPED[words[sign]])
        joined = replace(lexemes[middle + 1], g="and", end=lexemes[middle + 1].start)
        return (lexemes[:number] + [lexemes[middle], flipped] + lexemes[number:sign] + [joined]
                + lexemes[middle + 1:])
    return lexemes


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


_TESTS_SHOWING = frozenset({"ecg", "ecgs", "ekg", "electrocardiogram", "electrocardiograms"})
_TEST_MODIFIERS = frozenset({"a", "an", "standard", "resting", "12", "-", "lead", "screening", "baseline"})


def _without_test_showing(lexemes: list) -> list:
    """"A standard 12-lead ECG demonstrating QTc > 450 msec": the test that shows the value, said before it."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(1, len(words) - 1):
        if words[index] in ("demonstrating", "showing", "with") and words[index - 1] in _TESTS_SHOWING and words[index + 1].startswith("@lab:"):
            start = index - 1
            while start > 0 and words[start - 1] in _TEST_MODIFIERS:
                start -= 1
            return lexemes[:start] + lexemes[index + 1:]
    return lexemes


def _without_unopened_closers(lexemes: list) -> list:
    """"Creatinine clearance (CrCl) >80 mL/min );": a closing bracket nothing opened is a typo."""
    kept, depth = [], {")": 0, "]": 0}
    opener = {"(": ")", "[": "]"}
    for lexeme in lexemes:
        if lexeme.g in opener:
            depth[opener[lexeme.g]] += 1
        elif lexeme.g in depth:
            if not depth[lexeme.g]:
                continue
            depth[lexeme.g] -= 1
        kept.append(lexeme)
    return kept


_POSITIVE_FOR = frozenset({"positive", "infected", "seropositive"})
_AGE_OPENINGS = frozenset({"over", "under", "aged", "age", "ages", "@lab:age", "between", "from", "older", "younger", ">=", ">", "<=", "<",
                           "at", "of"})


def _condition_named_as_persons(lexemes: list) -> list | None:
    """"HIV-positive patients over 18 years", "Type 1 diabetes mellitus patients": a condition said of the
    persons, read as the condition (then what follows). Not "HIV-negative patients", who are without it."""
    if not lexemes or not lexemes[0].g.startswith("@cond:"):
        return None
    i = 1
    if i < len(lexemes) and lexemes[i].g == "-":
        i += 1
    if i < len(lexemes) and lexemes[i].g in _POSITIVE_FOR:
        i += 1
    if i >= len(lexemes) or lexemes[i].g not in _PERSON:
        return None
    following = lexemes[i + 1:]
    if not following:
        return lexemes[:1]
    if following[0].g == "with":  # "HIV-infected patients with no previous AIDS event"
        return [lexemes[0], *following]
    if following[0].g in _AGE_OPENINGS or following[0].g[:1].isdigit():
        # "HIV-1 infected subjects >= 18 years of age": both hold ("and", which an exclusion's list would not say)
        return [lexemes[0], Lexeme("and", lexemes[i].start, lexemes[i].end), *following]
    return None  # "HIV-positive patients receiving cART", "MDS patients in high IPSS risk group": the persons narrowed


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


_EXCLUDED_TAIL = re.compile(
    r"[\s,]*(?:are|is|will be|shall be|would be)\s+(?:not eligible|ineligible|excluded|not included)"
    r"(?:\s+(?:for|from|in)\s+(?:(?:this|the)\s+)?(?:study|trial|protocol))?"
    r"(?:\s+(?:due\s+to|because\s+of|given)\s+[^.;]*)?\s*\.?\s*$", re.I)  # "... due to possible interactions": why
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


def _compile_item(item: Item, index: int, context: str = "") -> Criterion:
    if item.children:
        # "Age:" / "Life expectancy:" above "- 18 and over": the header names what its items measure.
        header = item.text.rstrip(" :：")
        measures = header if get_lexicon().find_term(header, ("@lab:",)) else ""
        children = tuple(_compile_item(child, i, measures) for i, child in enumerate(item.children))
        mode = item.group_mode or ("all" if item.kind == "inclusion" else "any")
        combined = (AnyOf if mode == "any" else AllOf)(tuple(c.rule for c in children))
        if mode == "count":  # "at least 2 of the following": a count the rule tree does not hold
            rule, diagnostics = Review(item.text, "not_understood", hints=(combined,), span=(0, len(item.text))), []
        elif _ABOUT_SOMEONE_ELSE.match(item.text + ("" if item.text.rstrip().endswith((":", "：")) else ":")):
            # "Donor eligibility:" above "- Age 18 to 60 years": the donor's requirements, not the patient's
            rule, diagnostics = Review(item.text, "conditional", hints=(combined,), span=(0, len(item.text))), []
        else:
            rule, diagnostics = _header_rule(item, combined)
        return Criterion(index, item.kind, item.text, (item.start, item.end), rule, children, diagnostics=tuple(diagnostics))
    rule, diagnostics = compile_criterion(item.text, item.kind)
    if item.whose and not all_review(rule):
        # under "DONOR INCLUSION CRITERIA:": the donor's requirement, which the patient's record would answer wrongly
        rule = Review(item.text, "conditional", hints=(rule,), span=(0, len(item.text)))
        diagnostics = (*diagnostics, f"a requirement of the {item.whose}, not of the patient; left for review")
    if context and not any(n.kind in ("compare", "between", "one_of") for n in rule.walk()):
        with_context, context_diagnostics = compile_criterion(f"{context} {item.text}", item.kind)
        if any(n.kind in ("compare", "between", "one_of") for n in with_context.walk()):
            rule, diagnostics = _shift(with_context, len(context) + 1), context_diagnostics
    return Criterion(index, item.kind, item.text, (item.start, item.end), rule, diagnostics=tuple(diagnostics))


def _shift(node: Node, offset: int) -> Node:
    """A tree compiled from "<header> <text>", with spans moved back into <text>."""
    span = (max(0, node.span[0] - offset), max(0, node.span[1] - offset)) if node.span else None
    return replace(_with_children(node, lambda child: _shift(child, offset)), span=span)


def _with_children(node: Node, change) -> Node:
    """The node with `change` applied to each node it holds (items, an inner node, hints)."""
    changes = {}
    for f in fields(node):
        value = getattr(node, f.name)
        if isinstance(value, Node):
            changes[f.name] = change(value)
        elif isinstance(value, tuple) and value and isinstance(value[0], Node):
            changes[f.name] = tuple(change(v) for v in value)
    return replace(node, **changes) if changes else node


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


def _header_rule(item: Item, combined: Node) -> tuple[Node, list[str]]:
    """The rule of a header with sub-items: its own condition, if any, with its children's.

    A header that makes its list conditional ("For women of childbearing potential:") cannot be
    evaluated as a plain conjunction, so it goes to review with the children as hints.
    """
    text = re.sub(r"\b(?:the\s+)?(?:presence\s+of\s+)?(?:any|one|all|each|both|either|at least one|one or more)\b[^:]*\bfollowing\b.*$",
                  "", item.text, flags=re.I).strip(" :：,")
    if not text or re.fullmatch(r"(?i)(the|patients?|subjects?|participants?|must|have|has|with|who|meet|meets|any of|presence of|following| )+", text):
        return combined, []
    listing = _LISTING_HEADER.search(item.text)
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
    if _PERIOD.search(item.text):
        # "Use of any of the following within 14 days:": the period belongs to every item, which
        # read alone would count any use ever
        return Review(item.text, "not_understood", hints=(combined,), span=(0, len(item.text))), []
    rule, diagnostics = compile_criterion(text, item.kind)
    if isinstance(rule, Review):
        return Defined(text, combined, span=(0, len(text))), []
    # a heading ("Clinical Assessments at Screening:", "Medical History and Concurrent Diseases") read
    # only in part, or as names the lexicons do not know, is a label: joined to its list, a misread
    # name would decide the whole list. A sentence with sub-items keeps its own requirements.
    uncertain = any(isinstance(n, Review) or (isinstance(n, Finding) and n.concept.startswith("text:")) for n in rule.walk())
    if uncertain and _looks_like_heading(item.text):
        return Defined(text, combined, span=(0, len(text))), []
    # "Endocrine therapy:", "Radiotherapy": a topic whose items say what is required of it
    if ((item.text.rstrip().endswith((":", "：")) or len(text.split()) <= 3)
            and all(isinstance(n, Finding) for n in rule.walk() if not n.children())):
        return Defined(text, combined, span=(0, len(text))), []
    return AllOf((rule, combined)), diagnostics


_PERIOD = re.compile(r"\b\d+(?:\.\d+)?\s*(?:-\s*)?(?:days?|weeks?|months?|years?|hours?|hrs?|wks?)\b", re.I)
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
