"""The criterion grammar: pyparsing over the tagged token stream.

The input is one criterion as lexemes joined by single spaces ("@lab:platelets < 20 x 10^9 / l
with @cond:bleeding"). Known terms arrive as one "@kind:id" lexeme each, so the grammar speaks of
analytes, conditions, drugs and procedures without listing them. Every production produces a
`Parsed` record (kind, fields, span); the grammar knows nothing of units, patients or evaluation,
and `build.py` is the one place that turns `Parsed` records into rule-tree nodes.

The BNF is in docs/grammar.md.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, Iterable

import pyparsing as pp

from .lexicon import get_lexicon
from .resources import data_json
from .tokens import tokenize
from .units import SPELLED_UNITS

# No packrat: criteria are short and the grammar backtracks little, so its bookkeeping costs more
# than it saves (measured: 9.5 ms vs 3.8 ms a criterion on the seed trial).


def _sex_with_modifier(tokens) -> str:
    """"non-pregnant, non-lactating female" -> "female!not_pregnant!not_breastfeeding": each state the
    modifier denies travels with the sex."""
    modifier = " ".join(tokens[:-1])
    denied = [flag for flag, pattern in (("pregnant", "pregnan"), ("breastfeeding", "lactat|breast|nursing")) if re.search(pattern, modifier)]
    return tokens[-1] + "".join(f"!not_{flag}" for flag in denied)


def _words(nested) -> list[str]:
    return [w for item in nested for w in (_words(item) if isinstance(item, list) else [item])]


def _names_a_term(t) -> bool:
    """Whether a free finding's names hold a known term."""
    def words(item):
        return [w for part in item for w in words(part)] if isinstance(item, (list, tuple, pp.ParseResults)) else [str(item)]
    return any(w.startswith("@") for w in words(t[0].fields["names"]))


def _each_a_finding(tokens):
    """Marks a list of names where each must name a finding of its own ("since prior radiotherapy to
    the sternum, pelvis, ..." is not a list of findings)."""
    parsed = tokens[0]
    return Parsed(parsed.kind, {**parsed.fields, "each_a_finding": True}, parsed.start, parsed.end)


@dataclass
class Parsed:
    """One production of the grammar: what it is, its parts, and where it stands in the input."""

    kind: str
    fields: dict[str, Any] = field(default_factory=dict)
    start: int = 0
    end: int = 0

    def __repr__(self) -> str:  # pragma: no cover - debugging aid
        return f"Parsed({self.kind}, {self.fields})"


# -- vocabulary helpers ---------------------------------------------------------------------------

_END = r"(?=\s|$)"
# A character of a context that stays within its sentence and clause: a period standing alone as a
# token ends a sentence; one inside a token ("2.5", "e.g") does not.
IN_SENTENCE = r"(?:[^,;().]|(?<! )\.)"
# "at screening or known history of Child-Pugh class C": when a value is measured ends at an "or", at
# a sign ("at the screening and >= 12 at baseline" holds another bound), and at a word that opens a
# condition ("prior to first dose unless approved by the Investigator")
IN_CLAUSE = r"(?:(?! or | and/or |(?<= )or |(?<= )and/or | [<>]=? | (?:unless|except|excluding|if|provided|whichever|but) )[^,;().]|(?<! )\.)"
# "at Screening (Visit 1)", "at baseline (Day -1)": the visit's label says no more than its name
VISIT_NOTE = r"(?: \( (?:visit|v|day|week|study day) (?:- ?)?\d+[a-z]? \))?"


# when a finding or a value is checked: "at screening", "during the time of randomization visit"
CHECKED_AT_POINT = r"(?:screening|baseline|enrollment|enrolment|randomi[sz]ation|study entry|entry|registration|inclusion)(?: visit)?"
CHECKED_AT = rf"(?:at|during) (?:the )?(?:time of )?{CHECKED_AT_POINT}"

_STATE_WORDS_ALONE = frozenset("treated untreated former going experiencing a an the being".split())


def _norm_phrase(phrase: str) -> str:
    return " ".join(t.norm for t in tokenize(phrase))


def tok(*words: str) -> pp.ParserElement:
    """Exactly one of `words` as a whole token."""
    return phrase(words)


def alternation(phrases: Iterable[str]) -> str:
    """A regex matching any of `phrases` (each tokenized like criteria), longest first."""
    normed = sorted({_norm_phrase(p) for p in phrases if p.strip()}, key=len, reverse=True)
    return "(?:" + "|".join(re.escape(p) for p in normed) + ")" + _END


_OLDER = re.compile(r"(?:\S+ ){1,4}?(?:or|and) (?:older|younger)(?: |$)")


def _sign(op) -> str:
    return op[0] if isinstance(op, pp.ParseResults) else str(op)


def _inclusivity_disagrees(r, ops: list) -> bool:
    """"inclusive" written after strict signs, or "exclusive" after non-strict ones."""
    return "bound_inclusive" in r and any(_sign(op) in ("<", ">") for op in ops) != ("exclusive" in str(r["bound_inclusive"]))


def _statuses_with_negation(r) -> list:
    """The statuses written, and those the negation itself says: "No active infection" is none now,
    not none ever; "No prior treatment with ..." none ever."""
    statuses = _all(r, "status")
    if not statuses and "checked_at" in r and "window" not in r:
        # "Present with STEMI at the time of entry or randomization": found then, so now, not ever
        statuses = ["current"]
    said = " ".join(map(str, _all(r, "negation"))) if "negation" in r else ""
    if re.search(r"\b(?:active|current)\b", said):
        return [*statuses, "current"]
    past = re.search(r"\b(?:prior|previous|past|history|never)\b|\bnot (?:have )?had\b", said)
    if past:
        # "No prior treatment with imatinib", "No history of diabetes": none ever, though "treatment with"
        # alone would say now, and a bare name may mean now or ever
        return [*(s for s in statuses if s != "current"), "history" if past.group() == "history" else "previous"]
    return statuses


def phrase(phrases: Iterable[str], name: str | None = None) -> pp.ParserElement:
    """Any of `phrases` as whole tokens, longest first."""
    phrases = list(phrases)
    return pp.Regex(alternation(phrases)).set_name(name or repr(_norm_phrase(phrases[0])))


def after_comma(phrases: Iterable[str], name: str | None = None) -> pp.ParserElement:
    """Any of `phrases`, a comma or semicolon before it or not, as one token: a connective read in one step."""
    phrases = list(phrases)
    return pp.Regex(rf"(?:[,;] )?{alternation(phrases)}").set_name(name or repr(_norm_phrase(phrases[0])))


def term(kind: str) -> pp.ParserElement:
    return pp.Regex(rf"@{kind}:\w+{_END}").set_name(kind)


def _phrases(key: str) -> list[str]:
    return data_json("phrases.json")[key]


class _Tagged(pp.ParseElementEnhance):
    """`expr` read as one Parsed of `kind`, with its start and end; one step where pyparsing's
    Located and a parse action would take three."""

    def __init__(self, kind: str, expr: pp.ParserElement, build):
        super().__init__(expr)
        self.kind, self.build = kind, build
        self.saveAsList = False  # its result is one Parsed, not a list
        self.skipWhitespace = self.callPreparse = True  # its start is its first token, whatever the inner element
        self.set_name(kind)

    def parseImpl(self, instring, loc, do_actions=True):
        end, tokens = self.expr._parse(instring, loc, do_actions, callPreParse=False)
        if not do_actions:  # a look-ahead: only the end matters
            return end, tokens
        return end, Parsed(self.kind, self.build(tokens), loc, end)


def _tagged(kind: str, expr: pp.ParserElement, build) -> pp.ParserElement:
    return _Tagged(kind, expr, build)


class Guarded(pp.ParseExpression):
    """Alternatives tried in order, each only where its look-ahead regex (None: always) matches, and
    not after any of the earlier branches named in `covered_by` was tried."""

    def __init__(self, branches: list[tuple]):
        super().__init__([branch[1] for branch in branches])
        self.guards = [re.compile(branch[0]) if branch[0] else None for branch in branches]
        self.covered_by = [{i for i, other in enumerate(branches) if any(other is covering for covering in branch[2])}
                           if len(branch) > 2 else set() for branch in branches]
        self.mayReturnEmpty = any(e.mayReturnEmpty for e in self.exprs)

    def parseImpl(self, instring, loc, do_actions=True):
        error = None
        tried = set()
        for index, (guard, alternative) in enumerate(zip(self.guards, self.exprs)):
            if guard is not None and guard.match(instring, loc) is None or not self.covered_by[index].isdisjoint(tried):
                continue
            tried.add(index)
            try:
                return alternative._parse(instring, loc, do_actions)
            except pp.ParseException as failure:
                if error is None or failure.loc > error.loc:
                    error = failure
        raise error or pp.ParseException(instring, loc, "no clause reads this", self)


class Longest(pp.Or):
    """pyparsing's Or (the longest alternative wins) without its second pass: each alternative is
    parsed once, with its actions, and the longest result kept. Ties go to the earlier one."""

    def parseImpl(self, instring, loc, do_actions=True):
        best, error = None, None
        for alternative in self.exprs:
            try:
                end, tokens = alternative._parse(instring, loc, do_actions)
            except pp.ParseException as failure:
                if error is None or failure.loc > error.loc:
                    error = failure
                continue
            if best is None or end > best[0]:
                best = (end, tokens)
                if end >= len(instring.rstrip()):  # nothing can be longer than the rest of the text
                    break
        if best is not None:
            return best
        raise error or pp.ParseException(instring, loc, self.errmsg, self)


def _window_fields(r) -> dict:
    return {"amount": _named(r, "amount"), "reference": _named(r, "reference"), "single": _named(r, "single"),
            "op": _named(r, "op"), "note": _named(r, "note"), "ended": _named(r, "ended"), "bracketed": "bracketed" in r,
            "except": _first_parsed(r["except"]) if "except" in r else None}


def _indication_items(r):
    """Each concept after "for" with the words said before it: ("@cond:breast_cancer", ["metastatic"])."""
    for item in r["indication"] if "indication" in r else ():
        if isinstance(item, pp.ParseResults):
            said = [str(q) for q in item]
            tag = next((i for i, q in enumerate(said) if q.startswith("@")), None)
            if tag is not None:
                yield said[tag], said[:tag]


def _indication(r) -> list[str]:
    """The concepts after "for" ("hospitalization for heart failure"): what the finding was for."""
    return [tag.split(":", 1)[1] for tag, _ in _indication_items(r)]


def _indication_qualifiers(r) -> list[str]:
    """The words that narrow what a finding was for ("for metastatic breast cancer"): a record's reason
    names the disease, rarely its stage."""
    return [word for _, before in _indication_items(r) for word in before if word in _NARROWING_PURPOSE or word.startswith("stage ")]


_STAGE_GROUP = r"(?:i{1,3}|iv|0)[a-c]?"
# how far or how bad the disease a treatment was for: a record's reason names the disease only
_NARROWING_PURPOSE = frozenset("metastatic advanced recurrent relapsed refractory unresectable inoperable early localized locally "
                               "castration-resistant severe significant serious moderate uncontrolled stage initial".split())


def _measured_in(words: list[str]) -> bool:
    """An analyte followed closely by a comparator, or a period of time ("Use of any of the following
    within 14 days:"): a requirement, or part of one, not a description."""
    signs = {"<", ">", "<=", ">=", "="}
    return any(w.startswith("@lab:") and signs & set(words[i + 1:i + 5]) for i, w in enumerate(words)) or any(
        re.fullmatch(r"\d+(?:\.\d+)?", w) and i + 1 < len(words) and re.match(r"(?:day|week|month|year|hour|h|hr|wk|mo)s?$", words[i + 1])
        # but "tests measured within 28 days prior to registration:" says when the values below are taken
        and not _MEASURING_WORDS.intersection(words[max(0, i - 4):i])
        for i, w in enumerate(words))


_MEASURING_WORDS = frozenset("measured obtained performed done drawn collected assessed tests test values labs laboratory function"
                             " functions parameters counts results".split())


def _first_parsed(results) -> "Parsed | None":
    for item in results:
        if isinstance(item, Parsed):
            return item
    return None


def _labs_of(parsed) -> list | None:
    parsed = parsed if isinstance(parsed, Parsed) else _first_parsed(parsed)
    return parsed.fields.get("labs") if parsed is not None else None


def _with_tails(core: pp.ParserElement, tails: dict[str, pp.ParserElement], build, opening: pp.ParserElement | None = None) -> pp.ParserElement:
    """`core` optionally followed by one of `tails`; a Parsed of the tail's kind when one is there.

    The core is parsed once whatever follows. `opening`, when given, is what every tail starts with,
    looked at once instead of by each tail.
    """
    options = pp.MatchFirst([pp.Group(expr)(kind) for kind, expr in tails.items()])
    if opening is not None:
        options = pp.FollowedBy(opening) + options
    located = pp.Located(core + pp.Opt(options))

    def action(tokens):
        if len(tokens) == 1:
            tokens = tokens[0]
        start, inner, end = tokens[0], tokens[1], tokens[-1]
        main = _first_parsed(inner)
        for kind in tails:
            if kind in inner:
                return Parsed(kind, build(kind, main, inner[kind]), start, end)
        return main

    return located.add_parse_action(action)


def _all_groups(results: pp.ParseResults, name: str) -> list:
    """Every match of a grouped, accumulated name ("names*"), each as its own list."""
    if name not in results:
        return []
    value = results[name]
    items = value.as_list() if isinstance(value, pp.ParseResults) else [value]
    if items and not isinstance(items[0], list):
        return [items]
    return items


_OR_WORDS = frozenset({"or", "and/or", ", or", ", and/or", "; or", "; and/or"})


def _qualifier_choices(results: pp.ParseResults) -> tuple[list[str], list[list[str]]]:
    """"Acute or chronic pancreatitis": either kind, not one that is both. The qualifiers read before
    the name, split into those that hold together and each run joined by "or", found in the order
    the tokens came."""
    qualifiers = _all(results, "pre_qualifiers")
    if len(qualifiers) < 2:
        return qualifiers, []
    words = [t for t in results if isinstance(t, str)]
    choices: list[list[str]] = []
    for i in range(len(words) - 2):
        if words[i] in qualifiers and words[i + 1] in _OR_WORDS and words[i + 2] in qualifiers:
            if choices and choices[-1][-1] == words[i]:
                choices[-1].append(words[i + 2])
            else:
                choices.append([words[i], words[i + 2]])
    chosen = {q for group in choices for q in group}
    return [q for q in qualifiers if q not in chosen], choices


def _one_parsed(value) -> "Parsed | None":
    while isinstance(value, (pp.ParseResults, list)):
        value = value[0] if len(value) else None
    return value if isinstance(value, Parsed) else None


def _status(statuses: list[str]) -> str | None:
    """One status from an introducer's words: "received prior | treatment with" is past, and
    "current or prior use of" is any time, a history."""
    if not statuses:
        return None
    if "current" in statuses and ({"previous", "history"} & set(statuses)):
        return "history"
    return statuses[-1]


def _side_by_side(results: pp.ParseResults) -> dict:
    """Clauses written next to each other with no connective: both hold ("veterans aged 18-80")."""
    return {"parts": [x for x in results if isinstance(x, Parsed)], "seps": []}


def _named(results: pp.ParseResults, name: str, default=None):
    return results[name] if name in results else default


def _all(results: pp.ParseResults, name: str) -> list:
    if name not in results:
        return []
    value = results[name]
    if isinstance(value, pp.ParseResults):
        return value.as_list()
    return [value]


# -- the grammar ----------------------------------------------------------------------------------


def criterion_parser() -> pp.ParserElement:
    return _parsers()["criterion"]


def bare_finding_parser() -> pp.ParserElement:
    """A criterion that is one name and nothing else ("Structural lung abnormalities"); tried only
    when the criterion grammar finds nothing it can compute."""
    return _parsers()["bare_finding"]


@lru_cache(maxsize=1)
def _parsers() -> dict[str, pp.ParserElement]:
    lexicon = get_lexicon()
    p = lexicon.phrases
    expr = pp.Forward()  # a whole criterion, also read inside some brackets
    aliases = data_json("unit_aliases.json")["aliases"]

    comma, semicolon, colon = tok(","), tok(";"), tok(":")
    lpar, rpar = tok("("), tok(")")
    slash = tok("/", "per")
    number = pp.Regex(rf"\d*\.?\d+{_END}").set_name("number")
    # "10^9", or written out after a times sign: "1.5 x 1,000,000,000/L", "1.5 x 1000/µL"
    power = pp.Regex(rf"(?:10\^-?\d+|(?<=[x*] )1000(?:000)*){_END}").set_name("power of ten")
    roman = pp.Regex(rf"(?:iv|v|i{{1,3}}){_END}").set_name("roman numeral")
    lab, concept = term("lab"), pp.Regex(rf"@(?:cond|drug|proc):\w+{_END}").set_name("concept")

    # Connective words end a clause; each clause alternative must reach one.
    boundary_pattern = alternation(
        [",", ";", ":", "(", ")", "or", "and", "and/or", "with", "without", "independent of", "independently of", "either",
         *p["exception"], *p["definition"], *p["caused_by"], *p["examples"], *p["conditional"], *p["conditional_absent"], *p["conditional_female"],
         *p["conditional_male"]]
    )
    boundary_token = pp.Regex(boundary_pattern).set_name("connective")
    # "CRP > 35 mg/L Ferritin > 500 ng/mL": a value, then the next analyte with no comma between
    juxtaposed_pattern = r"(?:" + "|".join(f"(?<={re.escape(end)})" for end in (
        "0 ", "1 ", "2 ", "3 ", "4 ", "5 ", "6 ", "7 ", "8 ", "9 ", "% ", " l ", " ml ", " dl ", " uln ", " mm3 ", " ul ", " mmhg ", " min ",
        " years ", " year ", " old ",  # "Patient over 18 years weighing between 65 and 85 kg"
        # "Total bilirubin (≤1.5 X ULN) AST and ALT (≤ 2.5 X ULN)": a bracketed bound, then the next analyte;
        # a bracketed number alone may be an item's number ("(1) hemoglobin < 10 g/dL")
        "% ) ", " l ) ", " dl ) ", " uln ) ", " mm3 ) ", " ul ) ",
    )) + r")(?=@lab:)"
    # "COVID-19 patients ≥ 18 years of age": a finding, then the age of those who have it
    juxtaposed_pattern += (r"|(?<= )(?=(?:patients|subjects|participants|adults|volunteers|individuals)"
                           r" (?:(?:aged?|@lab:age) )?(?:>=|<=|>|<|\d))")
    # one regex for the two: a boundary is tested at the end of every clause tried
    boundary = pp.FollowedBy(pp.Regex(f"{boundary_pattern}|{juxtaposed_pattern}").set_name("connective")) | pp.StringEnd()

    # Units: scale, atoms and denominators, as the tokens that spell them.
    # units spelled in several words ("millimeters of mercury", "pack - years"): the spellings the unit reader knows
    unit_words = [w for w in aliases if w not in ("in",)] + ["k", "thou", "g", "cells"] + [spelled for spelled, _ in SPELLED_UNITS]
    degrees = [f"{sign} {scale}" for sign in ("°", "º", "degrees", "degree", "deg") for scale in ("c", "f", "celsius", "fahrenheit")]
    unit_atom = phrase(unit_words + degrees, "unit")
    time_units = [w for w, target in aliases.items() if target in ("min", "h", "day", "week", "month", "year", "s")]
    time_unit = phrase(time_units, "time unit")
    scale = pp.Opt(tok("x", "*")) + power | tok("k", "thou")  # "1.0 thou/mm3": thousands
    numerator = scale + pp.Opt(unit_atom) | unit_atom
    # Only the body-surface 1.73 m², a day's 24 hours and 100 mL (a decilitre) take a number in a denominator: "140/90 mmHg"
    # is two pressures.
    denominator = pp.Opt(tok("1.73", "24") | pp.Regex(rf"100(?= (?:ml|cc){_END})")) + unit_atom | power + pp.Opt(unit_atom)
    unit = pp.Group(numerator + pp.ZeroOrMore(slash + denominator) | pp.OneOrMore(slash + denominator))

    uln_words = phrase(
        ["uln", "upper limit of normal", "upper limit of normal uln", "the upper limit of normal uln", "upper limit normal uln",
         "upper limit of the normal range", "upper limit of normal range",
         "upper limit of normal value", "upper limit of the normal value", "upper limit of normal values",
         "upper normal limit", "institutional upper limit of normal", "upper limit of the normal",
         "institutional uln", "upper limit of the institutional normal range", "upper limits of normal",
         "unl", "upper normal limit", "the upper normal limit", "upper normal value", "upper limit normal",
         "normal", "the normal", "institutional normal", "the institutional normal", "upper normal", "upper limit",
         "the upper limit of normal", "the uln", "times uln", "iuln", "institutional uln (iuln)", "upper normality limit", "upper limit of norm", "upper limits of norm",
         "institutional upper limits of normal", "the institutional upper limits of normal", "upper limit of the normal value",
         "upper limit of the reference range", "upper reference limit", "upper limit of the laboratory reference range",
         "upper normal limits", "the upper normal limits", "upper limit of normal value", "the upper limit of normal value",
         "upper limits of institution's normal (ULIN) range", "upper limit of institution's normal (ULIN) range",
         "upper limits of institution's normal range", "upper limit of institution's normal range", "ulin",
         "upper limit of institutional normal", "upper limits of institutional normal", "upper normal level", "upper normal levels",
         "upper level of normal", "upper levels of normal", "the upper level of normal", "upper limit of reference range",
         "upper limit of institutional norm", "upper limit of the institutional norm", "upper value of the normal range",
         "upper value of normal", "upper institutional limit of normal", "upper institutional limit of the normal range",
         "ulrr", "upper limit of the reference range (ulrr)", "upper limit of reference range (ulrr)",
         "upper limit of the normal laboratory range", "upper limit of the normal reference range", "upper limit or normal",
         "upper limit for normal", "upper limits of the institutional norm", "upper normal range", "upper limit of local institution",
         "upper limit of normal for the institution", "upper limit of normal for the laboratory", "upper limits of the normal range",
         # the patient's reference range is the one for their age
         "upper limit of normal for age", "upper limit normal for age", "upper limit of institutional normal for age",
         "upper normal limits for age", "upper normal limit for age", "uln for age"],
        "ULN",
    ).add_parse_action(pp.replace_with("ULN"))
    # "ALAT < 3 N", "bilirubin > 2N": the French "N" (normale) for the upper limit; not newtons ("25 N/cm2")
    uln_words = uln_words | pp.Regex(rf"n(?= (?:[,;.)]|or|and|and/or)(?: |$)|$)").add_parse_action(pp.replace_with("ULN"))
    lln_words = phrase(
        ["lln", "lower limit of normal", "lower limit of the normal range", "lower normal limit",
         "institutional lower limit of normal", "the lower limit of normal", "the lln"],
        "LLN",
    ).add_parse_action(pp.replace_with("LLN"))
    times = tok("x", "*", "times", "times of", "time", "fold", "fold of", "-fold", "folds", "folds of", "- fold", "- fold than", "fold than")
    reference_limit = uln_words | lln_words
    limit_value = _tagged(
        "value",
        number("number") + pp.Opt(times)
        + pp.Opt(tok("the", "institutional", "the institutional", "local", "the local", "site", "the site", "the site's", "laboratory",
                     "the laboratory", "the site laboratory", "site laboratory", "the local laboratory", "local laboratory",
                     "the institutional laboratory", "institution ' s", "the institution ' s", "institutions '", "the institutions '"))
        # "≤ 2.0 x normal institutional limits": the upper one, with a multiple; alone, the range
        + (tok("normal institutional limits", "institutional normal limits", "normal institutional limit",
               "institutional normal limit").add_parse_action(pp.replace_with("ULN"))("limit") | reference_limit("limit"))
        + pp.Opt(tok("range", "value")) + pp.Opt(lpar + pp.Opt(tok("uln", "lln", "unl", "iuln", "ulin", "ulrr") | pp.Regex(rf"(?:adjusted )?for @lab:age(?: and sex| and gender)?{_END}")) + rpar)
        + pp.Opt(tok("for the institution", "of the institution", "for institution", "for the lab", "for the laboratory", "institutional", "for age", "for age and sex", "per institutional standards")
                 | pp.Regex(rf"(?:for|adjusted for) @lab:age(?: and sex| and gender)?{_END}"))
        | reference_limit("limit"),
        lambda r: {"number": _named(r, "number", "1"), "unit": [], "limit": r["limit"]},
    )
    quantity = _tagged(
        "value",
        number("number") + pp.Opt(unit("unit")) + pp.Opt(tok("points", "point", "pts").suppress()),  # "IPSS ≥ 12 points"
        lambda r: {"number": r["number"], "unit": list(_named(r, "unit", [])), "limit": None},
    )
    value = limit_value | quantity
    time_quantity = _tagged(
        "value", number("number") + pp.Group(time_unit)("unit"),
        lambda r: {"number": r["number"], "unit": list(r["unit"]), "limit": None},
    )

    symbol_op = pp.Regex(rf"(?:<=|>=|!=|<|>|=){_END}").set_name("comparator")
    # every spelling in one regex, each operator's in its own group, tried in the lexicon's order
    word_op_names = list(p["comparators_prefix"])
    word_op = pp.Regex("|".join(f"(?P<op{i}>{alternation(phrases)})" for i, phrases in enumerate(p["comparators_prefix"].values())))
    word_op.set_name("comparator in words").add_parse_action(
        lambda t: next(op for i, op in enumerate(word_op_names) if t.get(f"op{i}")))
    prefix_op = word_op | (symbol_op + pp.Opt(tok("to", "than")))  # "> or =" before ">"
    longer_bound = prefix_op.copy().add_condition(lambda t: t[0] in (">=", ">"))  # "at least 5 years", "> 6 months"
    shorter_bound = prefix_op.copy().add_condition(lambda t: t[0] in ("<", "<="))  # "less than 5 years", "< 30 days"
    criterion_ends = pp.FollowedBy(pp.Regex(r"(?:[.;)] ?)*$"))
    copula = alternation(["is", "are", "be", "of", "must be", "should be", "was", "known to be", "to be", "that is", "which is"])
    comparator = pp.Opt(pp.Regex(rf"{copula}(?: (?:a|an){_END})?|(?:a|an){_END}")) + prefix_op("op")
    # "2 days and less than 21 days": "and" joins a second bound, no sign after the first
    postfix_op = ~pp.Regex(r"and (?:more|less|greater|higher|lower|under) than(?= |$)") + pp.MatchFirst(
        phrase(phrases).add_parse_action(pp.replace_with(op)) for op, phrases in p["comparators_postfix"].items()
    )

    # Analytes, with the words that may sit between an analyte and its comparator.
    lab_filler = phrase(
        ["level", "levels", "count", "counts", "interval", "intervals", "value", "values", "concentration", "concentrations", "of", ":", "prolongation", "elevation", "elevations",
         "exam", "exam score", "test score", "test", "global score", "- 17", "- 21", "- 24", "17 - item", "21 - item", "24 - item",
         "result", "results", "measurement", "ratio", "rate", "score", "status", "class", "grade", "index",
         "functional class", "classification", "classification stage", "class stage", "functional classification", "stage", "performance status", "performance score", "performance", "performance statuses", "scale", "in serum", "in plasma",
         "in blood", "serum", "plasma", "blood", "must be", "should be", "is", "are", "was", "were", "absolute", "total",
         "at screening", "at baseline", "measured", "calculated", "estimated", "by cockcroft - gault",
         # when, as usual: the value at the screening, "Age at study entry ≥ 18 years" (not "at diagnosis", another value)
         "at the screening visit", "at screening visit", "at the time of screening", "at enrollment", "at enrolment", "at study entry",
         "at entry", "at time of entry", "at the time of entry", "at the time of enrollment", "at the time of enrolment",
         "at inclusion", "at randomization", "at randomisation", "at registration", "at study enrollment",
         "at informed consent", "at the time of informed consent", "at signing informed consent", "at signing the informed consent",
         "at signing the informed consent form", "at signing the icf", "at signing icf", "at the time of signing informed consent",
         "at the time of signing the informed consent", "at the time of signing the informed consent form", "at the time of signing the icf",
         "at the time of consent", "at consent",
         # "Most recent systolic blood pressure prior to enrollment < 110 mmHg": the last value before it
         *(f"{before} {event}" for before in ("prior to", "before") for event in (
             "enrollment", "enrolment", "randomization", "randomisation", "registration", "inclusion", "study entry")),
         "cockcroft - gault", "(", ")", "-", "who criteria", "criteria", "total score", "at rest", "in ambient air",
         "at rest in ambient air", "on room air", "in room air", "on ambient air", "at room air", "by pulse oximetry",
         "of the patient", "of the subject", "of the participant", "averaging", "average", "mean", "fasting", "fasted", "non - fasting",
         "nonfasting", "national glycohemoglobin standardization program", "ngsp", "dcct", "ifcc", "dcct / ngsp"],
        "analyte filler",
    )
    lab_prefix_words = alternation(
        ["serum", "plasma", "blood", "the", "a", "an", "baseline", "screening", "total", "absolute",
         "patients", "subjects", "participants", "with", "having", "has", "have", "adequate",
         "resting", "supine", "sitting", "best", "seated", "awake", "fasting", "mean", "average", "averaged", "mean of triplicate",
         "average of triplicate", "triplicate", "mean triplicate", "known", "confirmed", "expected", "current", "seric", "castrate levels of",
         "castrate level of", "castration levels of", "castrate", "anticipated", "room air", "room-air", "resting room air",
         "subject's", "patient's", "participant's", "elevated", "increased", "raised", "decreased", "reduced", "low", "high", "prolonged", "shortened", "abnormal",
         "elevation of", "elevations of", "elevated levels of", "elevated level of", "prolongation of", "normal",
         "abnormally high", "abnormally low", "current known", "initial", "recent", "most recent", "latest", "estimated",
         "calculated", "measured", "pretreatment", "pre-treatment", "preoperative", "pre-operative", "postoperative",
         "post-operative", "patients with", "subjects with", "who", "those who", "that", "hematologic", "haematologic",
        "hematology", "haematology", "biochemistry", "chemistry", "random", "non - fasting", "nonfasting", "peripheral",
        "peripheral blood", "total peripheral", "corrected", "central laboratory", "local laboratory", "central lab", "local lab",
        *p["presence"], *p["person_words"]])
    # one regex: "adults", "children" only before an age ("adults aged 18 to 65"), where they add nothing to
    # the age (not "women", a sex)
    age_ahead = (r"(?=(?: (?:patients?|subjects?|participants?|volunteers?))?(?: (?:who are|,))?(?: @lab:age" + _END
                 + r"| (?:aged? )?(?:(?:at least|over|under|older than|younger than|more than|less than|<=|>=|<|>) )?\d+(?: (?:-|to) \d+)?"
                 r" (?:years?|yrs?)(?: |$)))")
    lab_prefix = pp.Regex(rf"(?:{lab_prefix_words}|adults?(?: of(?= \d))?{age_ahead}"
                          # the Nordic specimen prefixes, on a known analyte only: "B-Platelet count", "fS-glucose", not "B-cell"
                          rf"|(?:b|p|s|u|fs|fp) -(?= @lab:)"
                          # opening the criterion only: "living with children aged < 5" is not the patient's age
                          rf"|(?<!.)(?:children|child|infants?|adolescents?|neonates?|newborns?|toddlers|kids|teenagers|youths?|elderly"
                          rf"|pediatric|paediatric){age_ahead}(?: ,(?= @lab:age{_END}))?"
                          rf"|(?<!.)(?:volunteers?|outpatients?|inpatients?)(?= @lab:age{_END}))").set_name("analyte prefix")
    list_conj = after_comma(("and/or", "or", "and", "nor")) | comma | slash | tok("&", "+")
    analyte_list = (
        pp.ZeroOrMore(lab_prefix) + lab("labs*")
        + pp.ZeroOrMore(pp.Group(list_conj)("conj*") + pp.Opt(lab_prefix) + lab("labs*"))
    )

    timepoint = tok("at") + time_quantity("timepoint") + pp.Opt(tok("after", "post") + pp.Opt(tok("transfusion", "infusion", "dose")))
    # "on day -2", "on 24-hour urine collection", "on 5 L/min supplemental oxygen"
    context_words = pp.Regex(rf"(?:(?!@)[a-z][\w'-]*|-?\d[\w.-]*|-|/){_END}")
    # "within 28 days prior to randomization": when the value must have been measured (shown, kept)
    measured_within = pp.Regex(
        r"(?:, (?=at |on ))?(?:within|in the (?:last|past|previous)|obtained within|measured within|at (?:the )?(?:screening|baseline)(?: visit)?"
        rf"|at (?:the )?time of [\w@]{IN_CLAUSE}*?|on (?:two|three|2|3) (?:consecutive|separate) (?:occasions|measurements)"
        rf"|at (?:the )?(?:screening|baseline|enrol?lment|randomi[sz]ation|registration|inclusion|visit|study entry)\b{IN_CLAUSE}*?"
        # "HbA1c <= 10.5% prior to randomization": measured before it, however long before
        rf"|(?:prior to|before) (?:the )?(?:screening|randomi[sz]ation|enrol?lment|registration|inclusion|study entry|baseline)\b(?: visit)?"
        # "... prior to start of treatment", "before the first dose of study drug"
        rf"|(?:prior to|before) (?:the )?(?:(?:start|initiation|beginning) of (?:the )?(?:study )?(?:treatment|therapy|drug|medication|dosing)"
        rf"|first (?:dose|administration|infusion)(?: of (?:the )?(?:study |investigational )?(?:drug|treatment|medication|therapy|product))?"
        rf"|(?:study )?(?:treatment|therapy|drug) (?:start|initiation)|dosing|day 1|study start|start of (?:the |this )?(?:study|trial))\b"
        # an age's date: "19 years or older on screening", "aged 20 years or older at informed consent"
        rf"|on (?:(?:the )?(?:day|date) of )?(?:screening|enrol?lment|randomi[sz]ation|entry|study entry|inclusion|(?:@proc:)?surgery|admission"
        rf"|(?:(?:signing |giving |providing )(?:of )?)?(?:the )?(?:written )?(?:informed )?consent(?: form)?"
        # "on the day of consenting to the study", "on the day the informed consent form will be signed"
        rf"|consenting(?: to (?:the |this )?(?:study|trial))?)\b"
        rf"|on the (?:day|date) (?:that |when )?(?:the )?(?:written )?(?:informed )?consent(?: form)? (?:is|was|will be|has been) signed\b"
        rf"|at (?:the )?(?:(?:time|date) of )?(?:signing (?:the |of )?)?(?:(?:informed )?consent\b(?: form)?|icf\b)|at (?:study )?entry\b"
        # "from 20 to 75 years of age when signing informed consent": the date of the age, not a condition
        rf"|when (?:signing|giving|providing) (?:the |an? )?(?:written )?(?:(?:informed )?consent\b(?: form)?|icf\b)"
        # "≥ 1 and ≤ 21 years of age when enrolled onto this study": the date of the age, not a condition
        rf"|when (?:first )?(?:enrol?led|registered|randomi[sz]ed|screened|consented)(?: (?:on|onto|in|into|to|for|on to) (?:the |this )?(?:study|trial|protocol))?\b"
        # "life expectancy of at least 12 weeks from the first dose of study treatment": counted from when
        rf"|from (?:the )?(?:time of )?(?:first dose|start|initiation|randomi[sz]ation|enrol?lment|registration|study entry|entry|screening|inclusion)\b{IN_CLAUSE}*?)"
        rf"(?: {IN_CLAUSE}+?)?{VISIT_NOTE}(?= [,;).]|$)"
    ).add_parse_action(lambda t: t[0].removeprefix(", "))  # "..., at time of consent": the comma sets it off
    # "Hemoglobin ≥ 9 g/dL (at screening)", "≥ 20 years (at the time of giving consent)": when, in brackets
    measured_or_bracketed = measured_within | pp.Suppress(lpar) + measured_within + pp.Suppress(rpar)
    # "LVEF by ECHO or MUGA", "as measured by echocardiogram (ECHO) or multigated acquisition scan (MUGA)":
    # how the value is obtained, known modalities only, so that "or" joins methods and nothing else
    method_name = phrase(p["measurement_methods"], "measurement method") + pp.Opt(lpar + pp.Regex(r"[a-z][a-z0-9-]{1,8}") + rpar)
    methods = method_name + pp.Opt(tok("scan")) + pp.ZeroOrMore(tok("or", "and/or", ", or", ",") + method_name + pp.Opt(tok("scan")))
    measured_by = pp.Combine(
        pp.Regex(r"(?:as )?(?:(?:measured|assessed|determined|evaluated|calculated|estimated|documented|confirmed) )?"
                 r"(?:by|on|via|using|per|based on|according to)(?: either)?(?: the| an?)?"
                 # "on screening echocardiogram", "by 2-D echocardiogram": which of the usual ones
                 r"(?: (?:screening|baseline|2 ?- ?d|2d|two ?- ?dimensional))?(?= )")
        + methods,
        join_string=" ", adjacent=False,
    )
    # "eGFR MDRD formula ≤ 60", "CrCl > 60 mL/min, Cockcroft and Gault": the method named alone
    methods_alone = pp.Combine(methods, join_string=" ", adjacent=False)
    # "Creatinine clearance (by Cockcroft-Gault) ≥ 60 mL/min", "Glucose (finger stick) ≤ 275 mg/dL": how
    # the value is obtained, in brackets between the analyte and its comparator
    # "Calculated creatinine clearance, using Cockcroft and Gault formula, > 60 mL/min": set off by commas
    lab_filler = lpar + (measured_by | method_name) + rpar | comma + measured_by + comma | lab_filler
    # "≤ 2 on the Eastern Cooperative Oncology Group (ECOG) scale": the scale the value is read on
    scale_note = pp.Regex(r"(?:on|according to|by) the (?:\S+ ){0,8}?(?:scale|score|classification)(?= |$)")
    measurement_context = pp.Combine(
        tok("after", "following", "post", "despite", "while on", "on")
        + pp.Opt(tok("therapy", "treatment", "stable", "adequate"))
        + pp.Opt(tok("with", "of"))
        + pp.ZeroOrMore(concept | tok("or", "and", ",") | context_words),
        join_string=" ", adjacent=False,
    )

    def _analytes(r):
        conj = [" ".join(c) for c in _all(r, "conj")]
        return {"labs": [x.split(":", 1)[1] for x in _all(r, "labs")], "conj": conj}

    inclusive = phrase(["inclusive", "( inclusive )", ", inclusive", "both inclusive", "( both inclusive )", ", both inclusive",
                        "[ inclusive ]", "limits included", "( limits included )", ", limits included", "extremes included",
                        ", extremes included", "exclusive", "( exclusive )", ", exclusive", "both exclusive", "( both exclusive )"],
                       "inclusivity")
    range_sep = tok("-", "to", "and", "through", "~")
    range_intro = tok("between", "from", "in the range of", "range", "range between", "range of", "range from", "ranging from", "ranging between", "ranging", "within the range of", "within the range", "within a range of",
                      "within", "of", "in the range", "in range",
                      "between and including", "between , and including ,")

    def _range(r):
        fields = _analytes(r) if "labs" in r else {"labs": [], "conj": []}
        high = _one_parsed(r["high"])
        if "bracket_unit" in r and high is not None and not high.fields.get("unit") and not high.fields.get("limit"):
            # "BMI 18-30 (kg/m2)": the unit of both bounds, written once in brackets
            high = Parsed("value", {**high.fields, "unit": list(r["bracket_unit"])}, high.start, high.end)
        fields.update(low=r["low"], high=high if high is not None else r["high"], inclusive="exclusive" not in " ".join(_all(r, "incl")),
                      timepoint=_named(r, "timepoint"), context=_named(r, "context"), age_words="age_words" in r)
        return fields

    def _cmp(r):
        fields = _analytes(r) if "labs" in r else {"labs": [], "conj": []}
        fields.update(op=r["op"], value=r["value"], timepoint=_named(r, "timepoint"),
                      context=_named(r, "context"), method=_named(r, "method"), age_words="age_words" in r or "aged" in r,
                      restated=_named(r, "restated"))
        if "op_again" in r and _sign(r["op"]) == "=" and _sign(r["op_again"]) in (">=", "<="):
            # "Age = 18 years and above": a "≥" the source lost to "=", which the words after it restore
            fields["op"] = r["op_again"]
        elif "op_again" in r and _sign(r["op_again"])[:1] != _sign(r["op"])[:1]:
            # "at least 18 years or older" says it twice; "at least 18 years or younger" cannot be read
            fields["op"] = "conflicting"
        if _inclusivity_disagrees(r, [r["op"]]):  # "age ≥ 40 years, inclusive" says it twice; "> 40, inclusive" two things
            fields["op"] = "conflicting"
        return fields

    age_words = (
        pp.Regex(rf"(?:-\s+)?(?:years?\s+(?:-\s+)?)?(?:of\s+(?:-\s+)?|in\s+)?@lab:age{_END}")  # "18 years-of-age"
        | phrase(["of age", "years of age", "old", "years old", "year old", "age", "in age", "/ o", "/o", "yo", "y.o", "y . o .", "y . o", ". o", "- old", "years - old", "year - old"], "age words")
    ).set_name("age words")
    # How or when the value is measured ("at rest", "on electrocardiogram", "detected within 24 hours"):
    # kept as the comparison's context. Not words that make it conditional ("in patients with", "if").
    lab_context = pp.Regex(
        # "at Visit 101 and at Visit 102", "at screening and day 1": several visits, each a time of measurement
        r"(?:at (?:the )?(?:visit|day|week|screening|baseline)(?: -?\d+\w*)?(?:(?: ,)? (?:and|or|and/or) (?:at )?(?:the )?(?:visit|day|week|screening|baseline)(?: -?\d+\w*)?)+(?= [,;).]|$)"
        r"|(?:screening|baseline)(?= [,;)]|$)"  # "Hemoglobin under 6.5 mmol/l screening"
        r"|on (?:room|ambient) air\b"
        r"|(?:at|in|while|during|after|following|detected|measured|obtained|assessed|by|using|calculated|confirmed|documented"
        r"|determined|recorded|estimated|performed|taken|via|breathing|as measured|as determined|as calculated|as assessed|as documented"
        r"|predicted|of predicted|of the predicted|of their predicted|of normal predicted|of expected|of the expected|according to|as per|based on)"
        r"(?= |$)(?! (?:patients?|subjects?|women|men|woman|man|those|participants?|cases?|children|child|females?|males?|adults?"
        r"|the presence|the absence|the cases?|presence|absence|pediatric|paediatric|addition|combination|boys|girls|infants?|adolescents?"
        rf"|elderly|pregnan\w*|individuals?|people|persons?)\b)(?: (?!{boundary_pattern}|\.(?:\s|$))\S+)*)" + VISIT_NOTE
    )
    # "> 100 x 10^9/L (100,000/mm3)", "> 100 millimeters of mercury (mmHg)", "< 40 mg/L (or ug/mL)"
    # "(7.1 mM)", "(or mmol/L)", "(i.e., >1.5 mg/dL)": the same threshold in other words
    restated_value = pp.Opt(tok("i.e.,", "i.e.", "ie,", "ie", "or", "equivalent to", "=")) + pp.Opt(symbol_op) + quantity("restated")
    restated = lpar + (restated_value | pp.Opt(tok("or")) + unit) + rpar
    # a number in it: "9-12 (mmol/L)" gives the unit of both bounds, which is no restatement
    restated_number = lpar + restated_value + rpar
    # "HbA1c 7.0-10.5 % (53-91 mmol/mol)": both bounds restated at once
    restated_range = lpar + pp.Opt(tok("i.e.,", "i.e.", "ie,", "ie", "or", "equivalent to")) + number + pp.Opt(unit) + range_sep + number + unit + rpar
    def range_body_of(intro: pp.ParserElement, separator: pp.ParserElement) -> pp.ParserElement:
        # "between 23 and 45 kilograms per square meter (kg/m^2), inclusive": the unit restated in brackets
        # "between 7.8 mM (140 mg/dL) and 15 mM (270 mg/dL)": each bound restated in other units
        return (intro + value("low") + pp.Opt(restated_number) + separator + value("high") + pp.Opt(restated_number | restated_range)
                + pp.Opt(lpar + unit("bracket_unit") + rpar) + pp.Opt(age_words("age_words"))
                + pp.Opt(inclusive("incl*")) + pp.Opt(timepoint) + pp.Opt((measured_or_bracketed | lab_context)("context")))

    # "≥19 to 65 years of age": a sign before the first bound of a written range
    range_body = range_body_of(pp.Opt(range_intro), range_sep) | range_body_of(tok(">="), tok("to", "-"))
    # after words the lexicons do not know, "2 and 3" is a list ("Sub-studies 2 and 3"), not a range
    free_range_body = range_body_of(range_intro, range_sep) | range_body_of(pp.Empty(), tok("-", "to", "through", "~"))
    # a number, its unit, a separator and the second number: a cheap look-ahead before trying a range
    range_ahead = pp.FollowedBy(pp.Regex(r"(?:\S+ ){0,24}?\d*\.?\d+ (?:\S+ ){0,8}?(?:-|to|and|through|~) \d"))
    analyte_range = _tagged("range", range_ahead + analyte_list + pp.ZeroOrMore(lab_filler) + range_body, _range)
    normal_range = _tagged(
        "normal_range",
        analyte_list + pp.ZeroOrMore(lab_filler) + pp.Opt(tok(",")).suppress() + pp.Opt(tok("is", "are", "must be", "should be", "be"))
        + (phrase(p["normal_range"], "within normal limits") | phrase(p["outside_normal_range"], "outside normal limits")("outside"))
        # "(WNL) for institution", "per institutional standards": whose limits, which are the patient's reference range
        + pp.Opt(lpar + tok("wnl") + rpar).suppress()
        + pp.Opt(pp.Regex(r"(?:for|per|as per|according to|by) (?:the )?(?:institution|institutional (?:standards|guidelines|normals|limits|values)"
                          r"|local (?:laboratory|lab) (?:standards|values|ranges?)|(?:the )?(?:local )?(?:laboratory|lab)"
                          r"|(?:the patient's )?(?:age|@lab:age)(?: and (?:sex|gender))?)(?= |$)")).suppress(),
        lambda r: {**_analytes(r), "outside": "outside" in r},
    )
    measured_when = measured_or_bracketed | lab_context
    # "(confirmed by repeat analysis)", "(by Cockcroft-Gault)": how the value is obtained, shown in the text
    method_note = lpar + pp.Regex(r"(?:confirmed|measured|as|by|using|per|according|calculated|estimated|determined|assessed"
                                  r"|obtained|performed|via|based|repeated|centrally|local|central|on|with (?=bazett|fridericia|fredericia))\b[^()]*?(?= \))") + rpar
    method_note = method_note | lpar + methods_alone + rpar  # "(Chronic Kidney Disease Epidemiology Collaboration [CKD-EPI] equation)"
    # "Hemoglobin ≥ 9 g/dL for male and female participants": a bound for everyone
    both_sexes = pp.Regex(r"(?:(?:for|in) (?:both )?(?:(?:males? and females?|men and women|male and female)(?: (?:participants|patients|subjects))?"
                          r"|both sexes|both genders)|\( (?:males? and females?|men and women|both sexes) \))(?= |$)").suppress()
    cmp_tail = (
        comparator + value("value") + pp.Opt(restated) + pp.Opt(age_words("age_words")) + pp.Opt(postfix_op("op_again"))
        + pp.Opt(inclusive("bound_inclusive")) + pp.Opt(timepoint) + pp.Opt(method_note)
        # "as measured by ECHO or MUGA within 4 weeks before the first dose": how, then when
        + pp.Opt(pp.Opt(comma).suppress() + (measured_by | methods_alone)("context") + pp.Opt(measured_or_bracketed)
                 + pp.FollowedBy(boundary_token | rpar | pp.StringEnd())
                 | scale_note("context") | measurement_context("context") | measured_when("context"))
        # "< 60 mL/min/1.73 m2 at visit 1 (using the MDRD calculation)"
        + pp.Opt(method_note + pp.FollowedBy(boundary_token | rpar | pp.Regex(r"(?:[.;,?] )*[.;,?]?$")))
        + pp.Opt(both_sexes)
    )
    # "Hepatic enzymes (AST, ALT) ≤ 2.5 x ULN", "creatine phosphatase (CK) < 1.5 x ULN": a label the
    # lexicons do not know, then the analytes it means in brackets
    bracketed_labs = pp.Suppress(pp.Regex(r"(?:(?!@|\(|\)|[<>=]|\d)\S+ ){1,5}(?=\( @lab:)")) + lpar + analyte_list + rpar
    analyte_cmp = _tagged(
        "cmp",
        (analyte_list | bracketed_labs) + (
            # "Total bilirubin (≤ 1.5 x ULN)": the threshold in brackets
            pp.FollowedBy(pp.Regex(r"(?:[^()\s]+ ){0,4}\( (?:[<>=]|less|more|greater|at |under|over|up |no |not |below|above|exceed)"))
            + pp.ZeroOrMore(~lpar + lab_filler) + lpar + cmp_tail + rpar
            + pp.Opt(measured_when("context"))  # "(< 50 ng/dL) at study entry"
            | pp.ZeroOrMore(lab_filler) + pp.Opt((measured_by | methods_alone)("method") + pp.ZeroOrMore(lab_filler)) + cmp_tail
            | pp.ZeroOrMore(lab_filler) + value("value") + pp.Opt(age_words("age_words")) + postfix_op("op") + pp.Opt(timepoint)
            + pp.Opt(measured_when("context"))
        ),
        _cmp,
    )
    # "18 years of age or older", "≥ 18 years old", "18 to 65 years of age": age named by its unit.
    bare_cmp = _tagged(
        "cmp",
        pp.ZeroOrMore(lab_prefix) + (
            comparator + value("value") + (age_words("age_words") + pp.Opt(postfix_op("op_again"))
                                           | pp.FollowedBy(pp.Regex(r"(?:or|and) (?:older|younger)(?= |$)")) + postfix_op("op_again"))
            | value("value") + pp.Opt(age_words("age_words")) + postfix_op("op") + pp.Opt(age_words("age_words"))
            + pp.ZeroOrMore(phrase(p["person_words"]))
            # "≥ 20 years (at the time of giving consent)"; not "within 3 years before screening", a window
            | ~pp.Regex(r"(?:within|in the (?:last|past|previous)|during)(?= )") + comparator + value("value")
            + pp.FollowedBy(pp.Opt(measured_or_bracketed) + pp.StringEnd())
            # "older than 18 years, scheduled for ...": only an age is older or younger
            | pp.Regex(r"(?=(?:older|younger) than \d)")("aged") + comparator + value("value") + pp.Opt(age_words("age_words"))
        ) + pp.Opt(measured_or_bracketed("context"))
        # "those under 18 years", not "who are at least 2 years post-menopausal" (a duration)
        | pp.OneOrMore(phrase(p["person_words"])) + comparator + value("value") + pp.Opt(measured_within("context"))
        + (age_words("age_words") | boundary),
        _cmp,
    )
    bare_range = _tagged("range", range_ahead + pp.Opt(lab_prefix) + range_body, _range)
    # "under the age of 18": the comparator before the analyte's name
    age_term = pp.Regex(rf"@lab:age{_END}")
    cmp_before_age = _tagged(
        "cmp",
        pp.ZeroOrMore(lab_prefix) + comparator + pp.Opt(tok("the")) + age_term("labs*") + value("value")
        + pp.Opt(age_words("age_words")) + pp.Opt(measured_within("context")),
        _cmp,
    )
    # "> 30 to < 80 years", ">/=18 and </=65 years of age", "< 18 or > 65 years": two bounds on one variable
    def _double(r):
        fields = _analytes(r) if "labs" in r else {"labs": [], "conj": []}
        fields.update(op=r["op"], value=r["value"], op2=r["op2"], value2=r["value2"], joiner=r["joiner"],
                      age_words="age_words" in r, timepoint=None, context=_named(r, "context"))
        if _inclusivity_disagrees(r, [r["op"], r["op2"]]):  # "BMI > 27 and < 40 kg/m2, inclusive"
            fields["op"] = "conflicting"
        return fields

    from_bound = tok("from", "aged from", "ages from").add_parse_action(pp.replace_with(">="))  # "from 20 to less than 75 years"
    # "1 to < 6 years", "between 2 to <17 years": a lower bound written bare, the upper one with its sign
    implied_low = pp.Opt(tok("between", "from")) + pp.Empty().add_parse_action(pp.replace_with(">="))("op") + value("value") + pp.Opt(
        age_words("age_words")) + tok("to", "-")("joiner") + pp.FollowedBy(prefix_op)
    double_tail = (
        ((comparator | from_bound("op")) + value("value") + pp.Opt(restated) + pp.Opt(age_words("age_words"))
         + pp.Opt(tok("and", "to", "-", ",") | tok("or", "and/or"), default="and")("joiner")
         | implied_low)
        + ~tok("within") + prefix_op("op2") + value("value2") + pp.Opt(restated)
        + pp.Opt(age_words("age_words")) + pp.Opt(inclusive("bound_inclusive")) + pp.Opt(measured_when("context"))
    )
    analyte_double = _tagged("double_cmp", analyte_list + pp.ZeroOrMore(lab_filler) + double_tail, _double)
    bare_double = _tagged("double_cmp", pp.ZeroOrMore(lab_prefix) + double_tail, _double)

    scale_value = number | roman
    score = lab.copy().add_condition(lambda t: lexicon.analytes[t[0].split(":", 1)[1]].kind == "score")
    scale_set = _tagged(
        "scale_set",
        pp.ZeroOrMore(lab_prefix) + score("lab") + pp.ZeroOrMore(lab_filler) + pp.Opt(tok("=", ":")) + pp.Opt(prefix_op("op"))
        + scale_value("values*")
        + pp.ZeroOrMore(pp.Group(list_conj | range_sep)("conj*") + scale_value("values*"))
        + pp.Opt(postfix_op("op"))  # "NYHA class III or greater"
        # "MMSE 21-26, inclusive": a written set holds its bounds ("exclusive" is left unread, for review)
        + pp.Opt(phrase(["inclusive", "( inclusive )", ", inclusive", "both inclusive"], "inclusive").suppress())
        + pp.Opt(measured_when("context"))
        + ~pp.FollowedBy(pp.Regex(r"(?:, )?(?:and|but) (?:<|<=|>|>=) \d")),  # "MMSE >= 11 and <= 26": two bounds
        lambda r: {"labs": [r["lab"].split(":", 1)[1]], "values": _all(r, "values"),
                   "conj": [" ".join(c) for c in _all(r, "conj")], "op": _named(r, "op"), "context": _named(r, "context")},
    )

    # Time windows and reference points.
    reference_words = pp.Combine(
        pp.OneOrMore(~(tok(",", ";", ":", "(", ")", "or", "and", "and/or", "nor", "but", "while", "if", "with", "without", "except", "unless", "including",
                           "that", "which", "who", "such", "e.g", "eg", "i.e", "ie", "especially", "namely", "particularly")) + pp.Regex(rf"(?:(?:@\w+:)?[a-z0-9][\w'./-]*|-(?= [a-z0-9])|/(?= (?:registration|randomi[sz]ation|enrol?lment|screening|baseline|visit|cycle|placebo|inclusion|entry|dosing)\b)){_END}"))[1, 8],
        join_string=" ", adjacent=False)
    # "prior to initiation of study treatment with atezolizumab": the study's treatment, not the patient's
    study_treatment_with = pp.Regex(r"(?:the )?(?:(?:initiation|start|first dose|beginning|the first dose) of )?(?:the )?"
                                    r"(?:study|protocol|trial) (?:treatment|therapy|drug|medication|intervention) with (?:@drug:\w+|[a-z][\w-]*)(?= |$)")
    # never an age: "Patients with COPD >= 40 years of age" is how old, not how long ago
    reference = ~pp.Regex(r"(?:@lab:age|age|old)(?: |$)") + (study_treatment_with | reference_words | phrase(p["reference_points"], "reference point"))
    relation = phrase(p["window_relation"], "before")
    relation_besides_of = phrase([words for words in p["window_relation"] if words != "of"], "before")
    longer = r"(?:whichever|whatever) (?:is |was )?(?:the )?(?:longer|greater|later|longest)(?: of the (?:two|2))?"
    whichever_longer = rf"(?:\( {longer} \)|, {longer}(?: ,)?|{longer})(?= |$)"
    # "5 half-lives", "5 x the elimination half-life (t1/2) of the drug", "5 drug half-lives, if known": a wait
    # counted in half-lives of what was taken
    half_life = (r"\d+(?:\.\d+)? (?:- |x |times |× )?(?:the )?(?:(?:drug|drugs|elimination|plasma|terminal|pharmacokinetic|pk"
                 r"|pharmacokinetic / pharmacodynamic|pk / pd) )?half ?-? ?li(?:ves?|fe)(?: \( t ?(?:½|1⁄2|1/2) \))?"
                 r"(?: of (?:the |a |an |any |that |each |such |this |its |another )?(?:(?!whichever |whatever |before |or )[\w-]+ ){0,3}?"
                 r"(?:drugs?|agents?|compounds?|products?|medications?|treatments?|therap(?:y|ies)|substances?|interventions?|study|vaccines?"
                 r"|biologics?|@drug:\w+)(?: \( t ?(?:½|1⁄2|1/2) \))?)?(?: , if known)?"
                 # "or twice the duration of the biological effect of the drug": another wait of the same exposure
                 r"(?:(?: ,)? or twice the duration of (?:the |its )?biological effect(?: of (?:the |a |an |any |that |this )?"
                 r"(?:(?!whichever |prior |before )[\w-]+ ){0,4}?(?:drugs?|agents?|compounds?|products?|medications?|treatments?|therap(?:y|ies)"
                 r"|vaccines?|@drug:\w+))?)?")
    # "within 4 weeks (6 weeks for nitrosoureas) prior to entering the study": a longer window for some
    def window_note(after_reference: bool) -> pp.ParserElement:
        # "or within five half-lives of Day 0, whichever is longer": after the reference, the same reference again
        again = (r"(?: (?:prior to|before|preceding|of|from) (?:(?!or |and )[^,;()]){1,40}?)?" if after_reference else "")
        return _tagged("unknown", lpar + pp.Regex(r"[^()]*\d[^()]*?(?= \))") + rpar
                       # "within 4 weeks or 5 half-lives, whichever is longer": longer for some exposures
                       | pp.Regex(rf"(?:, )?(?:or|/) (?:within )?(?:a period of )?{half_life}"
                                  # "within 3 months or 5 half-lives prior to baseline": either wait excludes, so the longer
                                  + rf"(?:{again} {whichever_longer}|(?= (?:prior|before|preceding|of|from)(?: |$)|$))"),
                       lambda r: {})
    note_before_reference, note_after_reference = window_note(after_reference=False), window_note(after_reference=True)
    # "within 5 half-lives or 30 days (whichever is longer)": the half-lives first, the days still the least wait
    half_lives_first = _tagged("unknown", pp.Regex(rf"(?:{half_life}|\d+(?:\.\d+)? half ?-? ?li(?:ves?|fe) of [^,;()]{{1,40}}?) (?:, )?or(?= )"), lambda r: {})
    longer_of_two = pp.Regex(whichever_longer).suppress()
    # "within 60 days or 5 half-lives of screening (whichever is longer)": said after the reference
    after_half_lives = longer_of_two.copy().add_condition(lambda s, loc, t: re.search(r"half ?-? ?li(?:ves?|fe)\b[^()]*$", s[max(0, loc - 120):loc]) is not None)
    # "within the last 5 years (except basal cell carcinoma) prior to enrollment": what the period does not count
    window_exception = pp.Group(lpar + phrase([w for w in p["exception"] if w != "unless"], "except").suppress() + pp.Opt(comma).suppress() + expr + rpar)
    # "must have been discontinued", "was completed": the end of a treatment, dated by the window that follows
    # (not "started", which dates how long it has lasted)
    ended = pp.Regex(r"(?:(?:must|should|will) (?:be|have been) |(?:was|were|has been|have been|is|are|be) )?"
                     r"(?:completed|discontinued|stopped|ended|finished|ceased)(?= |$)").set_name("ended")
    recent_sign = prefix_op.copy().add_condition(
        lambda s, loc, t: t[0] in ("<", "<=") and re.search(r"\brecent(?:ly)?\b[^()]{0,80}\( ?$", s[:loc]) is not None)
    # "prior", "ago" with nothing after: before the screening
    unreferenced = tok("prior", "before", "earlier", "previously", "ago").suppress() + pp.FollowedBy(
        pp.StringEnd() | tok(".", ",", ";", ")", "or", "and", "and/or"))
    # both need a number of days or weeks close ahead: a cheap look-ahead spares trying them after every finding
    window = _tagged(
        "window",
        pp.FollowedBy(pp.Regex(r"(?:\S+ ){0,8}(?:\d|(?:last|past|previous|preceding|the prior (?:day|week|month|year)|the (?:day|week|month|year) (?:prior|before)|within a (?:day|week|month|year))(?: |$))")) + (
            # "within ≤ 4 weeks": the sign says no more than "within" does
            phrase(p["window_within"], "within") + (
                pp.Opt(tok("the")) + pp.Opt(tok("<=", "<")) + time_quantity("amount")
                + pp.Opt(note_before_reference("note") | window_exception("except"))
                + pp.Opt(relation + pp.Opt(reference("reference")) | unreferenced) + pp.Opt(note_after_reference("note"))
                + pp.Opt(after_half_lives)
                | half_lives_first("note") + time_quantity("amount") + longer_of_two + pp.Opt(relation + pp.Opt(reference("reference"))))
            # "at least 4 months of adjuvant chemotherapy" is how long it lasted, not how long before it;
            # "completed at least 4 weeks prior to enrollment": when it ended is when it last happened
            | ended("ended") + (prefix_op | pp.Empty().add_parse_action(pp.replace_with(">=")))("op") + time_quantity("amount")
            + pp.Opt(note_before_reference("note")) + (relation_besides_of + reference("reference") | unreferenced)
            # "Chemotherapy less than 3 weeks prior", "surgery < 2 weeks ago": before now, which is the screening
            | prefix_op.copy().add_condition(lambda t: t[0] in ("<", "<="))("op") + time_quantity("amount") + unreferenced
            | (longer_bound("op") + time_quantity("amount") + pp.Opt(note_before_reference("note"))
               + relation_besides_of
               | pp.Opt(prefix_op.copy().add_condition(lambda t: t[0] not in (">=", ">"))("op")) + time_quantity("amount")
               + pp.Opt(note_before_reference("note")) + relation) + reference("reference")
            | tok("in", "within", "during") + pp.Opt(tok("the")) + tok("last", "past", "previous", "preceding", "prior") + time_unit("single")
            + pp.Opt(relation + reference("reference"))  # "within the last month prior to screening"
            # "myocardial infarction (within the past 6 months)"; not "Diabetes (< 5 years)", which may say how
            # long it has lasted
            | lpar("bracketed") + (phrase(p["window_within"], "within") + pp.Opt(tok("the")) + pp.Opt(tok("<=", "<"))
                                   | tok("last", "past", "previous", "the last", "the past", "the previous")
                                   # "Recent myocardial infarction (< 1 month)": the sign says how recent "recent" is
                                   | recent_sign)
            + time_quantity("amount") + pp.Opt(relation + pp.Opt(reference("reference"))) + rpar
            # "in the month prior to screening"
            | tok("in", "within", "during") + tok("the") + time_unit("single") + relation + reference("reference")
            # "within a month of treatment", "within one year"
            | tok("within") + tok("a", "one") + time_unit("single") + pp.Opt(relation + reference("reference"))),
        _window_fields,
    )
    # "Cancer that has not been in complete remission for at least 5 years", "unless disease-free for > 5
    # years": active, or ended, within that time
    remission_window = _tagged(
        "window",
        (pp.Regex(r"(?:, )?(?:that|which) (?:has|have|had) not been (?:in (?:complete |full |clinical |continuous )?remission|disease - free|disease free)"
                  r" for(?= )")
         + longer_bound.suppress()
         | pp.Regex(r"(?:, )?(?:that|which) (?:has|have|had) been in (?:complete |full |clinical )?remission for(?= )")
         + shorter_bound.suppress())
        + time_quantity("amount") + pp.Opt(relation + reference("reference"))
        # the last exception only: in "unless disease-free for 5 years, or basal cell carcinoma" an exception follows
        | pp.Regex(r"(?:, )?unless (?:(?:the )?(?:patient|subject|participant|malignancy|cancer|disease) (?:has|have) been |(?:they|it) (?:has|have) been )?"
                   r"(?:in (?:complete |full |clinical |continuous )?remission|disease - free|disease free|free of disease) for(?= )")
        + longer_bound.suppress()
        + time_quantity("amount") + pp.Opt(relation + reference("reference")) + criterion_ends,
        _window_fields,
    )
    washout = _tagged(
        "washout",
        pp.FollowedBy(pp.Regex(r"(?:\S+ ){0,7}\d")) + pp.Opt(tok("except", "except for", "excluding", "unless", "with", "after")) + pp.Opt(tok("a")) + pp.Opt(tok("minimum of", "minimum", "at least", "min"))
        + time_quantity("amount") + pp.Opt(tok("for", "of")) + tok("washout", "wash - out", "washout period")
        + pp.Opt(relation + pp.Opt(reference("reference"))),
        lambda r: {"amount": r["amount"], "reference": _named(r, "reference")},
    )

    # "for at least 6 months", "diagnosed at least 1 year before screening": how long it has lasted
    # and "Type 1 diabetes ≥ 12 months" with no "for" ("bare"): for a condition, how long; for a
    # procedure it could be how long ago. One look-ahead for all the forms.
    bare = pp.Empty().add_parse_action(lambda: "bare")("bare")
    duration = _tagged(
        "duration",
        pp.FollowedBy(pp.Regex(r"(?:(?:diagnosed|documented|present|confirmed|known) )?(?:for|lasting|with a duration of)(?: \S+){0,5} \d"
                               r"|of(?: \S+){0,3} \d\S* \S+ (?:'s |in )?duration"
                               r"|(?:diagnosed|diagnosis|documented|confirmed|onset) (?:\S+ ){0,5}\d"
                               r"|of (?:>|>=|at least|more than|greater than) \d"
                               r"|(?:\( )?(?:>|>=) \d|since (?:\S+ ){1,3}\d")) + (
            pp.Opt(tok("diagnosed", "documented", "present", "confirmed", "known"))
            + tok("for", "for a period of", "for a duration of", "for a minimum of", "lasting", "with a duration of")
            + pp.Opt(prefix_op("op")) + time_quantity("amount") + pp.Opt(postfix_op("op"))
            + pp.Opt(tok("duration")) + pp.Opt(relation + pp.Opt(reference("reference")))
            # "Stable antiretroviral treatment since at least 2 weeks": how long, said as from when
            | tok("since") + longer_bound("op") + time_quantity("amount") + pp.Opt(relation + pp.Opt(reference("reference")))
            | tok("diagnosed", "diagnosis", "documented", "confirmed", "onset") + longer_bound("op") + time_quantity("amount")
            + relation + pp.Opt(reference("reference"))
            # "asthma of at least 6 months duration"
            | tok("of") + pp.Opt(prefix_op("op")) + time_quantity("amount") + tok("duration", "'s duration", "in duration")
            # "a diagnosis of psoriatic arthritis of >= 6 months", ending the criterion
            | tok("of") + longer_bound("op") + time_quantity("amount")
            + criterion_ends
            | prefix_op("op") + time_quantity("amount") + tok("duration", "in duration")  # "rheumatoid arthritis ≥ 3 months duration"
            | bare + longer_bound("op") + time_quantity("amount") + ~(relation | tok("ago"))
            | bare + lpar + longer_bound("op") + time_quantity("amount") + rpar),  # "Chronic HCV infection (≥ 6 months)"
        lambda r: {"op": _named(r, "op", "for"), "amount": r["amount"], "reference": _named(r, "reference"), "bare": "bare" in r},
    )

    # "Recent (< 30 days) coronary revascularization", "chronic (> 6 months) hepatitis C": the period
    # in brackets says how recent, or how long; a bracketed period after other words is left unread
    # "Current or recent (within 4 weeks prior to Cycle 1 Day 1) treatment with ...": now, or within the period
    recent_period = _tagged(
        "window", (pp.Opt(tok("current or", "current /", "current ,", "ongoing or", "active or", "current and/or")) + tok("recent", "recently")
                   | tok("current"))
        # "within" is a sign too (as in "within 1.5 x ULN"): the words first
        + lpar + (phrase(p["window_within"], "within") + pp.Opt(tok("the")) + pp.Opt(tok("last", "past", "previous")) | shorter_bound)
        + time_quantity("amount") + pp.Opt(relation + pp.Opt(reference("reference"))) + rpar,
        lambda r: {"amount": r["amount"], "reference": _named(r, "reference"), "single": None, "op": None, "note": None, "leading": True})
    lasting_period = _tagged(
        "duration", tok("chronic", "persistent", "longstanding", "long - standing", "long standing") + lpar + longer_bound("op")
        + time_quantity("amount") + rpar,
        lambda r: {"op": r["op"], "amount": r["amount"], "reference": None})
    # "At least 8 weeks of metformin monotherapy", "at least 6 months on antiretroviral treatment": how long
    # it has lasted, before its name
    lead_duration = _tagged(
        "duration", longer_bound("op") + time_quantity("amount")
        + (tok("of", "of continuous", "of stable", "of ongoing") | tok("on") + pp.FollowedBy(pp.Regex(r"(?:\S+ )?@(?:drug|proc):"))),
        lambda r: {"op": r["op"], "amount": r["amount"], "reference": None})
    bracketed_period = pp.FollowedBy(pp.Regex(
        r"(?:(?:current|ongoing|active) (?:or |/ |, |and/or ))?(?:recent|recently|chronic|persistent|longstanding|long - standing|long standing) \("
        r"|current \( (?:within|in|<|<=)"
        r"|(?:\S+ ){1,3}?\d+(?:\.\d+)? \S+ o[fn](?: |$)")
    ) + (recent_period("window") | lasting_period("duration") | lead_duration("duration"))

    # Findings: conditions, drugs, procedures, with status, qualifiers and windows.
    # "HER2-negative breast cancer", "ALK-positive NSCLC": a tumour's marker and its status, which a record
    # must name for the finding to count ("breast cancer" alone leaves it unknown)
    marker_status = pp.Regex(
        rf"(?:{alternation(p['tumour_markers'])}) (?:- )?(?:negative|positive|mutant|mutated|mutation - positive|wild - type|wildtype"
        rf"|amplified|rearranged|overexpressing|expressing|deficient|proficient|high|low)(?: ,(?= \S))?{_END}"
    ).add_parse_action(lambda t: t[0].removesuffix(" ,").replace(" - ", "-").replace(" ", "-"))
    # "genotype 1a/1b": a virus's genotypes, made one lexeme by normalise_genotypes
    # "stage_iiib/iv": a cancer's stage groups, made one lexeme by normalise_stages (not any "stage iii" said)
    qualifier = (phrase(p["qualifiers"], "qualifier") | marker_status | pp.Regex(rf"genotype [1-6][a-e]?(?:/[1-6][a-e]?)*{_END}").set_name("genotype")
                 | pp.Regex(rf"stage_{_STAGE_GROUP}(?:/{_STAGE_GROUP})*{_END}").set_name("stage").add_parse_action(lambda t: t[0].replace("_", " ")))
    person_word = phrase([w for w in p["person_words"] if w not in ("be", "are", "is")], "patients")  # "Patients must not have ..."
    generic_head = phrase(p["generic_heads"], "generic head") | pp.Regex(rf"@cond:(?:infection|other_disease){_END}")
    # "not adequately treated hypothyroidism": a qualifier of the finding, not its denial
    # "not controlled", "not well controlled": a qualifier ("uncontrolled"), not a denial of what follows
    negation = pp.Regex(r"(?!not (?:(?:adequately|well|well-controlled|optimally|sufficiently|properly) \S|controlled(?: |$)))"
                        + alternation(p["negation"])).set_name("negation")
    # the three in one regex, in this order of precedence; the group that matched names the status
    status = pp.Regex("|".join(f"(?P<status_{name}>{alternation(p[name])})" for name in ("previous", "history", "current")))
    status.set_name("status").add_parse_action(lambda t: next(name for name in ("previous", "history", "current") if t.get(f"status_{name}")))
    presence = phrase(p["presence"], "presence of")
    concept_item = pp.Group(pp.ZeroOrMore(qualifier)("qualifiers") + concept("concept") + pp.Opt(generic_head))
    concept_list = (
        pp.Opt(tok("either", "both", "any of", "any")) + concept_item("items*")
        + pp.ZeroOrMore(pp.Group(list_conj)("conj*") + pp.ZeroOrMore(presence) + concept_item("items*"))
        + pp.Opt(pp.Group(pp.OneOrMore(qualifier))("shared_qualifiers") + (concept("shared_head") | generic_head))
    )
    indication = tok("for", "for the treatment of", "to treat", "as treatment for", "as treatment of") + pp.Group(concept_list)("indication")

    def _finding(r, mode=None):
        items = []
        for item in _all(r, "items"):
            group = item if isinstance(item, list) else [item]
            quals = [q for q in group[:-1] if not str(q).startswith("@")]
            concept_tag = next((q for q in group if str(q).startswith("@")), None)
            items.append({"concept": concept_tag.split(":", 1)[1], "qualifiers": quals})
        shared = _all(r, "shared_qualifiers")
        indication_items = _indication(r)
        statuses = _statuses_with_negation(r)
        qualifiers, choices = _qualifier_choices(r)
        return {
            "items": items,
            "conj": [" ".join(c) for c in _all(r, "conj")],
            "shared_qualifiers": shared,
            "shared_head": _named(r, "shared_head", "").split(":", 1)[-1] or None,
            "status": _status(statuses),
            "window": _named(r, "window"),
            "washout": _named(r, "washout"),
            "indication": indication_items,
            "indication_qualifiers": _indication_qualifiers(r),
            "negated": "negation" in r,
            "pre_qualifiers": [*qualifiers, *_all(r, "requirement")],
            "requirements": _all(r, "requirement"),
            "relative": _all(r, "relative"),
            "qualifier_choices": choices,
            "grade": _named(r, "grade"),
            "duration": _named(r, "duration"),
            "mode": mode,
        }

    # "Grade ≥ 2 peripheral neuropathy", "neuropathy of CTCAE grade 2 or higher", "grade 3-4 neutropenia":
    # how severe the finding must be, on the grade its record carries
    grading_system = pp.Regex(r"(?:nci )?(?:ctcae|common terminology criteria for adverse events|nci|who)(?: (?:v|version) ?[\d.]+)?(?= |$)")
    grade_values = (number("grade_low") + (range_sep | tok("or")) + number("grade_high")
                    | pp.Opt(prefix_op("grade_op")) + number("grade_low") + pp.Opt(postfix_op("grade_op")))
    grade = _tagged(
        "grade",
        pp.FollowedBy(pp.Regex(r"(?:\S+ ){0,10}grades?(?: |$)"))
        + pp.Opt(tok("of", "with")) + pp.Opt(prefix_op("grade_op")) + pp.Opt(grading_system) + tok("grade", "grades") + grade_values,
        lambda r: {"op": _named(r, "grade_op"), "low": r["grade_low"], "high": _named(r, "grade_high")},
    )
    requirement_words = rf"(?:(?!(?:{boundary_pattern}|within|in|during|prior|before|since|at|for|that|which|who|will|\d\S*)(?: |$))\S+(?: |$))+"
    finding_tail = pp.ZeroOrMore(
        grade("grade") | duration("duration") |
        # "Neuropathy, grade 2 or greater": a comma sets the grade off (not "..., grade 3 hypertension", a finding's)
        comma.suppress() + grade("grade") + ~pp.FollowedBy(pp.Regex(r"(?:\S+ ){0,2}@\w+:")) |
        # "History of myocardial infarction, within the past 2 years": a comma sets the period off
        # (not one a comma then opens "with ..." after: "Systemic treatment, within 14 days ..., with strong inhibitors of
        # CYP3A" is the treatment the "with" names, dated)
        window("window") | comma.suppress() + window("window") + ~pp.FollowedBy(pp.Regex(r", (?:with|including|such as)(?= )"))
        | remission_window("window") | washout("washout") | indication
        # and "History of pancreatitis (acute or chronic)": both kinds, so the finding itself
        | tok("events", "event", "episodes", "diagnosed", "documented", "confirmed", "are present", "is present", "present",
              "( acute or chronic )", "( chronic or acute )", "( acute or chronic pancreatitis )", ", acute or chronic",
              "( controlled or uncontrolled )", "( uncontrolled or controlled )", "( symptomatic or asymptomatic )",
              ", treated or untreated")  # (set off on both sides, or in brackets, the normaliser drops it)
        # "(CTCAE v4)", "(NCI CTCAE version 4.03)": the grading system a grade is read on
        | pp.Regex(r"\( (?:nci )?(?:- )?(?:ctcae|common terminology criteria for adverse events)[^()]{0,30}? \)")
        # how it is assessed ("measurable disease per RECIST 1.1"): shown in the text, not a requirement of its own
        | pp.Regex(r"(?:per|according to|as per|as defined by|by|using) (?:recist|irecist|mrecist|rano|iwg|who|cheson|lugano|imwg|ctcae|nci)\b[^,;()]*")
        # "Type 2 diabetes diagnosed by American Diabetes Association criteria": how it was diagnosed
        | pp.Regex(r"(?:(?:diagnosed|defined|confirmed|established) )?(?:by|according to|per|as per|based on|using) (?:the )?"
                   r"(?:@?[a-z0-9'&/:_-]+ ){0,6}?(?:criteria|classification|guidelines?|definition)(?= |$)")
        # "arrhythmias requiring anti-arrhythmic therapy": a narrower finding, which a record must show
        # "infection requiring systemic antibiotics, antiviral agents, or antifungal agents": a list of treatments
        # "filgrastim to support blood counts": a drug given for a purpose, a narrower exposure
        | pp.Regex(rf"to (?:support|treat|prevent|control|manage|maintain|stimulate|raise|increase|boost|reduce|lower) {requirement_words}")
        .add_condition(lambda s, loc, t: re.search(r"@drug:\w+ $", s[max(0, loc - 60):loc]) is not None)
        .add_parse_action(lambda t: t[0].strip())("requirement*")
        | pp.Regex(rf"(?:requiring|that requires?|which requires?|needing|in need of) {requirement_words}"
                   rf"(?:(?:, (?:or |and/or |and )?|or |and/or )(?:(?!{boundary_pattern})\S+ )?@drug:\w+(?: |$))*")
        .add_parse_action(lambda t: t[0].strip())("requirement*")
        # "NSCLC which is accessible to biopsy", "hypertension that is not controlled by medication": a
        # clause narrowing the finding, for review beside it
        | pp.Regex(rf"(?:that|which|who) (?:is|are|was|were|has|have|had|remains?|persists?|involves?|affects?|causes?|limits?"
                   rf"|prevents?|precludes?|interferes?|would|could|may|might|can|cannot|does|did|do|will|makes?|occurred|developed"
                   rf"|resulted|results|meets?|met|shows?|showed|fulfil\w*|satisf\w*|is not|are not)"
                   rf"(?: (?!(?:{boundary_pattern})(?: |$))\S+)+(?=(?: [,;.)])|$)")("relative*")
        # when it is found: at the screening the criterion is checked at ("Positive test for HIV at screening")
        | pp.Regex(rf"{CHECKED_AT}(?: (?:or|and|and/or) (?:at )?(?:the )?{CHECKED_AT_POINT})?(?= |$)")("checked_at")
    )
    finding_prefix = bracketed_period | status("status*") | presence | qualifier("pre_qualifiers*")
    # "Known or suspected", "History or symptoms of", "Current or chronic history of": one introducer
    # "History of or active brain metastases": past or present, so any time; "active" is no narrowing here
    present_too = tok("active", "ongoing", "current", "present").add_parse_action(pp.replace_with("current"))("status*")
    # (beside a status only: "chronic or active lung disease" is either kind, "untreated or active" too)
    either_word = after_comma(("or", "and/or"))
    # "mild, moderate, or severe": commas in a run of qualifiers that ends in "or" are that "or"
    listed_or = pp.Regex(r",(?= )").add_parse_action(pp.replace_with(", or")) + pp.FollowedBy(
        qualifier + pp.ZeroOrMore(pp.Regex(r",(?= )") + qualifier) + either_word)
    # "relapsed/refractory multiple myeloma": a slash between two qualifiers is that "or" too
    slash_or = tok("/").add_parse_action(pp.replace_with("or")) + pp.FollowedBy(qualifier)
    qualifier_run = qualifier("pre_qualifiers*") + pp.OneOrMore((listed_or | slash_or) + qualifier("pre_qualifiers*"))
    coordinated = ((qualifier_run | present_too + pp.FollowedBy(either_word + status) | status("status*") + either_word + present_too
                    | finding_prefix)
                   + pp.ZeroOrMore(either_word + finding_prefix))
    # "No history of or active brain metastases": none ever
    negated_history = negation.copy().add_condition(lambda t: re.search(r"\b(?:history|prior|previous|past)\b", " ".join(map(str, t))))
    negated_at_any_time = pp.Regex(r"(?:, )?(?:or|and/or)(?= (?:active|ongoing|current|present) )").add_parse_action(
        pp.replace_with("history"))("status*") + present_too
    finding = _tagged(
        "finding",
        pp.ZeroOrMore(person_word) + pp.Opt(negated_history("negation") + negated_at_any_time | negation("negation"))
        + pp.ZeroOrMore(coordinated)
        + pp.Opt(grade("grade"))
        + concept_list + finding_tail,
        _finding,
    )
    allergy = _tagged(
        "finding",
        pp.Opt(negation("negation")) + pp.ZeroOrMore(presence) + phrase(p["allergy"], "allergy to") + pp.ZeroOrMore(presence) + concept_list + finding_tail,
        lambda r: _finding(r, "allergy"),
    )
    participation = _tagged(
        "finding",
        pp.ZeroOrMore(presence | status("status*")) + phrase(p["participation"], "participation in") + pp.ZeroOrMore(presence) + concept_list + finding_tail,
        lambda r: _finding(r, "participation"),
    )

    # A finding the lexicons do not know, named after an explicit introducer ("history of X").
    stop_words = (
        [",", ";", ":", "(", ")", "or", "and", "and/or", "with", "without", "within", "in", "during", "for", "prior", "before",
         "since", "after", "except", "excluding", "unless", "including", "such as", "e.g", "other than", "defined", "due",
         "caused", "who", "which", "that", "at", "of", "as", "if", "than", "per", "from", "by", "to", "not", "no", "are", "is", "was", "were", "been",
         "be", "must", "should", "will", "can", "may", "has", "have", "had", "the", "this", "more", "less", "greater",
         "over", "under", "above", "below", "up", "exceeding", "higher", "lower", "between", "equal", "minimum",
         "maximum", "least", "most", "range", "ranging", "inclusive", "level", "levels", "count", "value", "score",
         "patient", "patients", "subject", "subjects", "participant", "participants", "women", "men", "he", "she",
         "they", "positive", "negative", "aged", "age", "recovered", "recovery", "resolved",
         # words of a heading or a pointer, never of a name: "the following", "criteria", "as below"
         "following", "follows", "below", "either", "criteria", "criterion",
         # verbs and adverbs a name does not hold: "has never received a ..."
         "never", "ever", "received", "receive", "receiving", "taken", "taking", "undergone", "undergoing",
         "discontinue", "discontinued", "stop", "stopped", "completed", "ended", "finished", "ceased", "agree", "agrees", "consider", "considered", "expected", "likely",
         # words that grant or point, never part of a name: "adjuvant tamoxifen allowed", "per protocol"
         "allowed", "permitted", "acceptable", "only", "protocol", "compatible", "lab",
         # a sex is not a finding: "male, or female of non-childbearing potential"; nor a state
         "male", "males", "female", "females", "man", "woman", "naive", "naïve", "status", "identified", "responsive",
         # joins and verbs that end a name: "18 years of age, but < 76 years", "established at least 3 months"
         "but", "however", "meaning", "established", "lost", "point", "points", "based on",
         # what is to come is not on any record: "Intent to perform surgery", "Planned major surgery"
         "intent", "intention", "intends", "planned", "plans", "plan", "scheduled", "anticipated", "awaiting",
         # how sure, or which most of all, never a name: "cancer, particularly breast cancer or known or suspected ..."
         "known", "suspected", "particularly", "especially", "notably"])
    # Words of a name, one regex each (a pyparsing element a word costs several times more).
    not_stop = rf"(?!{alternation(stop_words)})"
    free_word_pattern = rf"{not_stop}(?:[a-z][a-z0-9'’+/.-]*|-|['’]){_END}"  # "high - dose": hyphens are split off
    free_word = pp.Regex(free_word_pattern).set_name("free word")
    free_text = pp.Group(
        pp.Regex(rf"{free_word_pattern}(?: (?:of the |of |to the |to |on )?{free_word_pattern}){{0,6}}")
        .add_parse_action(lambda t: t[0].split())
    ).set_name("free text")
    # a state alone names nothing: "Previously treated or other known brain metastases", "a known"
    free_text.add_condition(lambda t: not (len(t[0]) == 1 and t[0][0] in _STATE_WORDS_ALONE))
    free_intro = phrase(p["free_finding_intro"], "history of")
    # a qualifier before an introducer: "Uncontrolled foo disease" is not every foo disease
    free_prefix_word = bracketed_period | status("status*") | qualifier("pre_qualifiers*") | free_intro("intro*") | presence
    free_prefix = free_prefix_word + pp.ZeroOrMore(after_comma(("or", "and/or")) + free_prefix_word)
    allergy_intro = phrase(p["allergy"], "allergy to")
    # a known term may carry modifiers the lexicon does not know ("craniospinal radiotherapy"): they become
    # qualifiers; a longer name that merely contains a term ("anti-cancer therapy") is a name of its own
    name_word_pattern = rf"{not_stop}(?:@(?:cond|drug|proc):\w+|[a-z][a-z0-9'’+/.-]*|-|['’]){_END}"
    name_with_terms = pp.Group(
        pp.Regex(rf"{name_word_pattern}(?: (?:of the |of |to the |to |on )?{name_word_pattern}){{0,6}}")
        .add_parse_action(lambda t: ["#name", *t[0].split()])
    )
    name_with_terms.add_condition(lambda t: any(w.startswith("@") for w in t[0]) and any(
        not w.startswith("@") and w not in ("#name", "-") for w in t[0]))  # a term and words of its own
    free_item = Longest([pp.Group(pp.ZeroOrMore(qualifier | free_word) + concept + pp.Opt(generic_head)), free_text, name_with_terms])
    free_list = free_item("names*") + pp.ZeroOrMore(pp.Group(list_conj)("conj*") + free_item("names*"))
    def _free(r):
        qualifiers, choices = _qualifier_choices(r)
        return {"names": [list(n) for n in _all_groups(r, "names")], "conj": [" ".join(c) for c in _all(r, "conj")],
                "status": _status(_statuses_with_negation(r)), "intro": _all(r, "intro"), "allergy": "allergy" in r,
                # "... requiring hospitalization": a narrower finding, which a record must show (never dropped)
                "qualifiers": [*qualifiers, *_all(r, "requirement")], "qualifier_choices": choices,
                "window": _named(r, "window"), "washout": _named(r, "washout"),
                "grade": _named(r, "grade"), "duration": _named(r, "duration"), "indication": _indication(r), "indication_qualifiers": _indication_qualifiers(r),
                "negated": "negation" in r, "relative": _all(r, "relative")}

    allergy_part = allergy_intro("allergy") + pp.ZeroOrMore(presence)
    free_head = pp.ZeroOrMore(person_word) + (
        (negation("negation") + pp.ZeroOrMore(free_prefix) | pp.OneOrMore(free_prefix)) + pp.Opt(allergy_part) | allergy_part)
    # A list of names when the whole list reads, else its first name alone (the rest stays for review).
    free_finding = _tagged(
        "free_finding",
        free_head + pp.Opt(grade("grade")) + free_item("names*")
        + (pp.OneOrMore(pp.Group(list_conj)("conj*") + free_item("names*")) + finding_tail + boundary | finding_tail + boundary),
        _free,
    )

    finding_words, finding_suffixes = frozenset(p["finding_words"]), tuple(p["finding_suffixes"])
    # "Major surgery, radiotherapy, chemotherapy, or cytokine therapy within 28 days": known and unknown
    # names with no introducer, in a list a period ends; each must name a finding of its own
    timed_list = _tagged(
        "free_finding",
        pp.FollowedBy(pp.Regex(r"(?:\S+ ){2,40}?(?:within|in the (?:last|past|previous)|during the (?:last|past|previous)) "))
        + free_item("names*") + pp.OneOrMore(pp.Group(list_conj)("conj*") + free_item("names*"))
        + pp.FollowedBy(pp.Regex(r"(?:within|in the (?:last|past|previous)|during the (?:last|past|previous)) ")) + finding_tail,
        _free,
    ).add_condition(lambda t: all(any(w.startswith("@") or w in finding_words or w.endswith(finding_suffixes) for w in _words(words))
                                  for words in t[0].fields["names"])).add_parse_action(_each_a_finding)

    # A bare name with no introducer ("Structural lung abnormalities", "Active bleeding diathesis"):
    # the builder keeps it only where naming a finding is what the line can mean.
    # A whole criterion only: inside a list, "surgery of the stomach or small intestine" would split
    # into two names. Not a known term alone, which the criterion grammar reads with its status.
    # A list of such names ("Cardiac angioplasty or stenting") only when each names a finding of its own.
    bare_name = Longest([free_text, name_with_terms])
    bare_finding = _tagged("free_finding", pp.Opt(grade("grade")) + bare_name("names*")
                           + pp.ZeroOrMore(pp.Group(list_conj)("conj*") + bare_name("names*")) + finding_tail,
                           lambda r: {**_free(r), "bare": True})

    # A comparison on a variable outside the analyte lexicon ("Grade ≥ 2"): named by its words.
    # "Serum digoxin level of > 2.0 ng/ml": a drug's level is a variable named by the drug
    # "GAD-7", "BIS-11": an instrument's name with its number of items
    # "Tumor size > 10 cm": a finding's measure, named by the finding
    variable_word = pp.Regex(rf"[a-z][a-z0-9]{{1,5}} - \d{{1,3}}{_END}|{free_word_pattern}|@drug:\w+{_END}"
                             r"|@cond:\w+(?= (?:size|diameter|volume|burden|length|thickness|depth|area)(?: |$))"
                             # "Headache attacks lasting 4-72 hours", "Insomnia Severity Index score ≥ 13": a
                             # condition's name opening a variable of more words
                             # (not its stage or grade: "CKD stage 4-5" says which of the condition, not a measure)
                             rf"|@cond:\w+(?= (?!(?:stages?|grades?|class|classes|classification|types?){_END}){free_word_pattern})"
                             # "Headache ≥ 18 days per month": how often the condition comes, a variable of its own
                             r"|@cond:\w+(?= (?:<|>|<=|>=) \d+(?:\.\d+)? (?:days?|nights?|times|episodes?|attacks?) (?:per|/|a|each) )").set_name("free word")
    # "Prothrombin Ratio (TR)": the abbreviation restates the name and is not part of it
    abbreviation = pp.Suppress(lpar + pp.Regex(rf"{free_word_pattern}(?: {free_word_pattern}){{0,2}}") + rpar)
    free_variable = pp.Group(variable_word + variable_word[0, 4] + pp.Opt(abbreviation))
    # "Prednisone > 10 mg/day within 4 weeks prior to screening", "metformin ≥ 1500 mg/day for at least 8
    # weeks": a drug's dose, and when or for how long it was taken
    dosed_drug = _tagged(
        "cmp",
        pp.ZeroOrMore(lab_prefix | status("status*")) + pp.Opt(tok("stable")("stable")) + pp.Group(term("drug"))("free")
        + comparator + value("value") + (window("window") | duration("duration")),
        lambda r: {**_cmp(r), "free": list(r["free"]), "window": _named(r, "window"), "duration": _named(r, "duration"),
                   "status": _all(r, "status"), "stable": "stable" in r},
    )
    free_cmp = _tagged(
        "cmp",
        # "International Prostate Symptom Score (IPSS) ≥ 12": the abbreviation after a filler word
        pp.ZeroOrMore(lab_prefix) + free_variable("free") + pp.ZeroOrMore(abbreviation | lab_filler) + cmp_tail,
        lambda r: {**_cmp(r), "free": list(r["free"])},
    )
    # "A score of ≥ 1 on the Modified Medical Research Council Dyspnoea Scale (mMRC)": the scale, named after its value
    scale_word = pp.Regex(r"(?:scale|questionnaire|index|inventory|instrument)(?= |$)")
    scale_name = pp.Group((~scale_word + (variable_word | concept))[1, 8] + scale_word + pp.Opt(abbreviation))
    scored = ((comparator + value("value") | value("value") + postfix_op("op")) + pp.Opt(tok("points", "point"))
              + tok("on the", "on", "in the", "according to the", "as measured by the"))
    known_scale = analyte_list + pp.Opt(tok("scale", "questionnaire")) + pp.Opt(abbreviation)
    score_on_scale = _tagged(
        "cmp",
        # "Score 26 or higher on the Montreal Cognitive Assessment", "> 25 points on the Beck Depression Inventory"
        # without "score" before it, a known scale only ("CFS ≥ 2 and ≤ 4 on the Oxford scale": a second bound)
        pp.Regex(r"(?:(?:a|the) )?(?:total |mean |average |baseline )?score (?:of )?(?=[<>]|at least|greater|less|more|no more|up to|above|below|\d)")
        + scored + (known_scale | scale_name("free")) + pp.Opt(measured_when("context"))
        | scored + known_scale + pp.Opt(measured_when("context")),
        lambda r: {**_cmp(r), **({"free": list(r["free"])} if "free" in r else {})},
    )
    second_bound_ahead = pp.FollowedBy(pp.Regex(  # a cheap look-ahead: two comparators close together
        r"(?:\S+ ){1,10}?(?:[<>]=?|less|more|greater|fewer|lower|higher|above|below|under|over|at least|at most)"
        r"(?= ).{0,40}? (?:and|or|and/or|to|-|,) (?:[<>]=?|less|more|greater|fewer|lower|higher|above|below|under|over|at least|at most)(?= )"))
    free_double = _tagged(  # "AUDIT score of < 5 or > 26"
        "double_cmp",
        second_bound_ahead + pp.ZeroOrMore(lab_prefix) + free_variable("free") + pp.ZeroOrMore(lab_filler) + double_tail,
        lambda r: {**_double(r), "free": list(r["free"])},
    )
    free_range = _tagged(
        "range",
        range_ahead + pp.ZeroOrMore(lab_prefix) + free_variable("free") + pp.ZeroOrMore(lab_filler) + free_range_body,
        lambda r: {**_range(r), "free": list(r["free"])},
    )

    # "No more than 2 prior chemotherapy regimens", "At least 1 measurable lesion": a count of what follows.
    def counted_word(prepositions: str) -> pp.ParserElement:
        return pp.Regex(rf"(?!{boundary_pattern}|(?:{prepositions})(?:\s|$))(?:@\w+:\w+|[a-z][a-z0-9'’+/.-]*|-){_END}")

    # a count's noun phrase ends at a preposition or a verb ("... must be documented", "... will be allowed")
    prepositions = ("for|in|on|at|to|by|from|per|within|during|since|before|after|than|the|containing|including|that|which|who"
                    "|will|would|be|been|must|should|can|could|may|might|shall|are|is|was|were|do|does|did|allowed|permitted")
    # not a unit, a multiple or an ordinal's ending ("2.5 times the ULN", "1st degree", "120 points")
    not_counted = ("|of|times|time|x|fold|points?|st|nd|rd|th|-|percent|%|per|or|and"
                   "|males?|females?|men|women|man|woman|boys|girls|patients?|subjects?|participants?")  # "> 480 female": a sex
    counted_words = counted_word(prepositions + not_counted) + counted_word(prepositions)[0, 7]  # "lines of therapy"
    count_value = _tagged(  # a count, or a share ("> 10% leukemic blasts in the bone marrow")
        "value", number("number") + (pp.Group(tok("%", "percent"))("unit") | ~unit),
        lambda r: {"number": r["number"], "unit": list(_named(r, "unit", [])), "limit": None})
    # what the count is of, read to the next comma or bracket ("for recurrent or refractory disease" stays whole)
    # not past a comparison: "at least 1 inflammatory marker > ULN" is a count of markers above it
    # nor past another bound joined to it: "at least 5 swollen joints and at least 5 tender joints"
    another = r"(?:and|or|and/or) (?:at (?:least|most)|no (?:more|less|fewer)|(?:more|less|fewer|greater) than|up to|\d|[<>]|@lab:)"
    counted_rest = pp.Regex(rf"(?:(?!\.(?:\s|$)|[<>]=?\s|{another})[^,;()\s]+(?: |$))*(?!\.(?:\s|$)|[<>]=?(?:\s|$)|{another})[^,;()\s]+(?=\s|$)")
    count_cmp = _tagged(
        "cmp",
        pp.ZeroOrMore(person_word | tok("must have", "have", "has", "had", "who have", "who has", "received", "have received",
                                        "has received", "who have received", "must have received", "with"))
        # "50 or more moderate to severe hot flushes": a severity cut off from what it grades counts nothing
        + prefix_op("op") + count_value("value") + pp.Group(counted_words)("free").add_condition(
            lambda t: t[0][-1] not in ("mild", "moderate", "severe")) + pp.Opt(counted_rest("context")),
        lambda r: {"labs": [], "conj": [], "op": r["op"], "value": r["value"], "timepoint": None, "context": _named(r, "context"),
                   "age_words": False, "free": list(r["free"])},
    )

    # "≤ 5 x ULN" with no variable: another threshold for the variable named before it
    # ("AST ≤ 2.5 x ULN (≤ 5 x ULN in patients with liver metastases)"); on its own, for review.
    bound = _tagged(
        "bound",
        comparator + value("value") + pp.Opt(restated) + pp.Opt(measured_when("context")),
        lambda r: {"op": r["op"], "value": r["value"], "context": _named(r, "context")},
    )

    # "Hgb < 11 g/dL in women or 12 g/dL in men": the second value keeps the first one's sign
    unsigned_bound = _tagged("bound", value("value") + pp.Opt(restated), lambda r: {"op": None, "value": r["value"], "context": None})
    # "AST ≤ 2.5 x ULN (5 x ULN if liver metastases are present)": a multiple of the limit that keeps
    # the sign of the threshold before it; alone, for review
    unsigned_limit = _tagged("bound", limit_value("value"), lambda r: {"op": None, "value": r["value"], "context": None})
    sex_condition = (  # "QTc > 470 ms for women": the condition is the sex
        _tagged("sex", phrase(p["conditional_female"], "for women"), lambda r: {"values": ["female"]})
        | _tagged("sex", phrase(p["conditional_male"], "for men"), lambda r: {"values": ["male"]})
    )
    # "Hemoglobin ≥ 12 g/dL for men and ≥ 11 g/dL for women": a threshold for each sex
    sex_thresholds = _tagged(
        "sex_thresholds",
        analyte_cmp("first") + sex_condition("first_sex") + pp.Opt(comma | semicolon) + pp.Opt(tok("and", "&", "or", "and/or"))
        + (analyte_cmp | bound | unsigned_bound)("second") + sex_condition("second_sex")
        + pp.Opt((measured_when | measurement_context)("context")),  # "... for men at screening", "on the screening ECG": said of both
        lambda r: {"first": r["first"], "first_sex": r["first_sex"], "second": r["second"], "second_sex": r["second_sex"],
                   "context": _named(r, "context")},
    )
    # "For males HDL-C < 40 mg/dL, for females HDL-C < 45 mg/dL", "Males with hemoglobin > 17.5 g/dL or
    # females > 15.5 g/dL": the sex first
    sex_lead = (
        _tagged("sex", pp.Regex(r"(?:(?:for|in) )?(?:females?|women|woman)(?: (?:patients|subjects|participants))?(?: with)?(?= )"),
                lambda r: {"values": ["female"]})
        | _tagged("sex", pp.Regex(r"(?:(?:for|in) )?(?:males?|men|man)(?: (?:patients|subjects|participants))?(?: with)?(?= )"),
                  lambda r: {"values": ["male"]})
    )
    sex_first_thresholds = _tagged(
        "sex_thresholds",
        pp.FollowedBy(pp.Regex(r"(?:(?:for|in) )?(?:males?|females?|men|women|man|woman)(?: |$)"))
        + sex_lead("first_sex") + pp.Opt(comma) + analyte_cmp("first") + pp.Opt(comma | semicolon) + pp.Opt(tok("and", "&", "or", "and/or"))
        + sex_lead("second_sex") + pp.Opt(comma) + (analyte_cmp | bound | unsigned_bound)("second")
        + pp.Opt((measured_when | measurement_context)("context")),
        lambda r: {"first": r["first"], "first_sex": r["first_sex"], "second": r["second"], "second_sex": r["second_sex"],
                   "context": _named(r, "context")},
    ).add_condition(  # one variable for both; "Males with a PSA > 4 and females with CA-125 > 35" are two requirements
        lambda t: _labs_of(t[0].fields["second"]) in (None, [], _labs_of(t[0].fields["first"])))

    # "Blood pressure > 140/90 mmHg": systolic and diastolic in one.
    mmhg = tok("mmhg", "mm hg", "millimeters of mercury", "millimetres of mercury", "millimeter of mercury", "millimeter mercury")
    blood_pressure = _tagged(
        "blood_pressure",
        pp.ZeroOrMore(~tok("blood pressure") + lab_prefix) + pp.ZeroOrMore(qualifier) + tok("blood pressure", "bp", "arterial blood pressure", "arterial pressure", "arterial hypertension", "hypertension")
        + pp.ZeroOrMore(tok("(") + pp.Regex(r"[^)]*?(?= \))") + tok(")") | lab_filler) + pp.Opt(tok("defined as", "of", "with"))
        + (prefix_op("op") + number("systolic") + tok("/") + number("diastolic")
           + pp.Opt(mmhg)
           + pp.Opt(lpar + tok("mmhg", "mm hg") + rpar)
           # "blood pressure > 140 mm Hg systolic and/or > 90 mm Hg diastolic": each named after its value
           | prefix_op("op") + number("systolic") + tok("mmhg", "mm hg") + tok("systolic") + after_comma(("and/or", "or", "and"))("conj")
           + prefix_op("second_op") + number("diastolic") + tok("mmhg", "mm hg") + tok("diastolic"))
        + pp.Opt(lab_context("context"))
        # "Hypertensive (>160/100 mmHg)": a pair of values in mmHg is a blood pressure, named or not
        | prefix_op("op") + number("systolic") + tok("/") + number("diastolic") + mmhg + pp.Opt(lab_context("context")),
        lambda r: {"op": r["op"], "systolic": r["systolic"], "diastolic": r["diastolic"], "second_op": _named(r, "second_op"),
                   "conj": _named(r, "conj")},
    )

    # "At least 4 weeks since prior chemotherapy": any such exposure ended that long ago.
    exposure_end = tok("the completion of therapy with", "completion of therapy with", "the completion of treatment with",
                       "completion of treatment with", "the last treatment with", "last treatment with", "treatment with", "therapy with",
                       "the last dose of", "last dose of", "the last administration of", "the completion of", "completion of",
                       "the end of", "end of", "the last", "last", "receipt of", "the receipt of", "administration of", "use of", "the use of")
    bare_free_finding = _tagged("free_finding", free_list + finding_tail + boundary, _free)
    # "At least 7 days or 3 half-lives, whichever is longer, since prior monoclonal antibodies"
    since_half_lives = _tagged("unknown", pp.Regex(rf"(?:\( )?(?:, )?(?:or|/) (?:within )?{half_life} {whichever_longer}(?: \))?(?: ,)?"),
                               lambda r: {})
    since = _tagged(
        "since",
        pp.Opt(tok("no", "not")("negation"))
        # "Four weeks must have elapsed since major surgery": at least that long
        + (prefix_op("op") + time_quantity("amount") + pp.Opt(since_half_lives("half_lives"))
           | time_quantity("amount") + pp.FollowedBy(pp.Regex(r"(?:must|should|have|has|shall) (?:have )?(?:elapsed|passed)\b|must elapse\b"))
           + pp.Empty().add_parse_action(pp.replace_with(">="))("op"))
        + tok("since", "from", "after", "elapsed since", "must have elapsed since", "have elapsed since", "has elapsed since",
              "must have elapsed from", "must have elapsed from the time of", "from the time of", "since the time of",
              "must have passed since", "must have lapsed since", "have elapsed after", "must have elapsed after", "has elapsed from", "have elapsed from", "must elapse since",
              "must elapse from", "must elapse after", "must have elapsed following", "following")
        # "since the last dose of prior X", "since completion of X": the end of the exposure
        + (pp.Opt(exposure_end)
           # "At least 1 week since prior and no concurrent CYP3A4 inhibitors": none in the window, none now
           + (tok("prior and no concurrent", "prior and no current", "previous and no concurrent", "prior and no other concurrent",
                  "prior and no other current", "previous and no other concurrent")("no_concurrent")
              + Longest([participation, finding, bare_free_finding])  # a list that mixes known and unknown names
              # a known list that ends the clause, or else the longest: "since prior valproic acid or other
              # HDAC inhibitors" covers the whole list
              | (participation | finding) + ~pp.FollowedBy(list_conj)
              | Longest([participation, finding, free_finding.copy().add_parse_action(_each_a_finding),
                         # "since limited field radiotherapy": words of their own around a known term
                         # (after "since" or "from" only: "3 months after definitive surgery" may be still to come)
                         bare_free_finding.copy().add_condition(_names_a_term).add_condition(
                             lambda s, loc, t: re.search(r"\b(?:since|from)\s*$", s[max(0, loc - 12):loc]) is not None)
                         .add_parse_action(_each_a_finding)]))("finding")
           # the end of an exposure names one as "prior" does: "since the completion of myelosuppressive therapy"
           # (not a bare "treatment": which one the sentence says elsewhere)
           | exposure_end + ~pp.Regex(r"(?:(?:study|the) )?(?:treatments?|therapy|therapies|medications?|drugs?)(?= [,;.)]|$)")
           + bare_free_finding.copy().add_parse_action(_each_a_finding)("finding"))
        + pp.Opt(pp.Regex(r"(?:and|with) (?:recovered|recovery)\b.*")("recovered"))
        # "(6 weeks for nitrosoureas)", "for other types of cancer": which exposures count, for review
        + pp.Opt(pp.Regex(r"(?:\( |(?:for|as|to|in|of|on|at|from|during|via|including|excluding) ).*")("qualifier")),
        lambda r: {"op": r["op"], "amount": r["amount"], "finding": _first_parsed(r["finding"]) if isinstance(r["finding"], pp.ParseResults) else r["finding"],
                   "negated": "negation" in r, "no_concurrent": "no_concurrent" in r, "qualifier": _named(r, "qualifier"),
                   "recovered": _named(r, "recovered"), "half_lives": _named(r, "half_lives")},
    )

    # Sex, pregnancy and breast-feeding.
    sex_word = phrase(p["male"], "male").add_parse_action(pp.replace_with("male")) | phrase(p["female"], "female").add_parse_action(pp.replace_with("female"))
    # "male or non-pregnant female": the modifier travels with its sex as "female!not_pregnant"
    # "of either gender", "both sexes": the two of them
    any_sex = phrase(["both genders", "either gender", "any gender", "all genders", "both sexes", "either sex", "any sex",
                      "of either sex", "of either gender", "of both sexes", "of both genders", "of any gender", "of any sex",
                      "regardless of gender", "regardless of sex"], "either sex").add_parse_action(lambda: ["male", "female"])
    sex_item = (
        (phrase(p["nonpregnant_modifiers"], "non-pregnant") + sex_word).add_parse_action(_sex_with_modifier)
        | sex_word
        | any_sex
    )
    sex = _tagged(
        "sex",
        pp.ZeroOrMore(pp.Regex(rf"(?:patients|subjects|participants|(?:both|either)(?! (?:genders?|sex|sexes){_END})){_END}"))
        # "Healthy adult males or females between 18 and 84": "adult" says no more than the age does
        + pp.Opt(pp.Regex(rf"(?:(?<!.)|(?<=is )|(?<=be ))an?{_END}")) + pp.Opt(tok("healthy")("healthy")) + pp.Opt(tok("adult")("adult")) + sex_item("values*")
        + pp.ZeroOrMore((list_conj | tok("and", "or")) + pp.Opt(tok("a", "an")) + sex_item("values*"))  # "a man or a woman"
        + pp.ZeroOrMore(tok("adults", "adult")("adult") | tok("patients", "subjects", "participants", "volunteers", "outpatients", "inpatients", "individuals", "persons",
                            "aged", "of", "gender", "sex", "healthy",
                            "of any race", "of any ethnicity", "of any race or ethnicity", "of all races", "any race", "who are",
                            ", of any race", ", of any ethnicity", ", of any race or ethnicity", ", of all races", ", any race")
                       # "Male or female children between the ages of 10 and 35": young people, whose age is written next
                       | pp.Regex(r"(?:children|adolescents|infants|minors)(?= (?:@lab:age|between|from|\(|\d|<|>|over|under|older|younger)(?: |$))")),
        lambda r: {"values": _words(_all(r, "values")), "healthy": "healthy" in r, "adult": "adult" in r},
    )
    negative_test = pp.Regex(  # "a negative serum or urine β-hCG pregnancy test"
        r"(?:a )?negative (?:[a-zß-ω0-9/.-]+ ){0,6}?(?:\( [^()]{1,40} \) )?(?:pregnancy tests?|(?:β|beta) ?-? ?hcg(?: pregnancy)?(?: test)?|hcg(?: test)?)"
        # "(serum or urine)", "(beta-human chorionic gonadotropin [b-HCG])": which test, not whom it binds
        r"(?: \( (?![^()]*\b(?:if|for|women|woman|females?|childbearing|child|reproductive|potential|only|unless|except)\b)"
        r"(?:[^()]|\( [^()]{1,30} \)){1,80} \))?"
        r"(?: results?)?(?=\s|$)").add_parse_action(pp.replace_with("not_pregnant"))
    positive_test = pp.Regex(  # "a positive urinary pregnancy test result"
        r"(?:a )?positive (?:(?:serum|urine|urinary|blood|or|and/or|β|beta|-|hcg) ){0,5}(?:pregnancy tests?|(?:β|beta) ?-? ?hcg(?: test)?)"
        r"(?: results?)?(?=\s|$)").add_parse_action(pp.replace_with("pregnant"))
    flag_word = (
        negative_test
        | positive_test
        | phrase(p["not_pregnant"], "negative pregnancy test").add_parse_action(pp.replace_with("not_pregnant"))
        # "planning to become pregnant during the study": an intent, which only the patient can state
        | phrase(p["planning_pregnancy"], "planning to become pregnant").add_parse_action(pp.replace_with("planning_pregnancy"))
        | phrase(p["pregnant"], "pregnant").add_parse_action(pp.replace_with("pregnant"))
        | phrase(p["breastfeeding"], "breast-feeding").add_parse_action(pp.replace_with("breastfeeding"))
        | phrase(p["postmenopausal"], "postmenopausal").add_parse_action(pp.replace_with("postmenopausal"))
        # "Current smokers", "Non-smoker": whether the patient smokes now (not "history of smoking", not "ex-smokers")
        | phrase(p["non_smoker"], "non-smoker").add_parse_action(pp.replace_with("not_smoker"))
        | phrase(p["smoker"], "smoker").add_parse_action(pp.replace_with("smoker"))
        # "Healthy volunteers", "Healthy adult subjects": no disease on record
        | phrase(["healthy volunteers", "healthy volunteer", "healthy subjects", "healthy subject", "healthy adults", "healthy adult",
                  "healthy children", "healthy infants", "healthy adolescents", "healthy toddlers",
                  "healthy adult subjects", "healthy adult volunteers", "healthy participants", "healthy individuals", "healthy persons",
                  "healthy people", "healthy adult participants", "healthy"], "healthy").add_parse_action(pp.replace_with("healthy_volunteer"))
    )
    # not "at 20 weeks", "in 30 to 32 weeks of gestation": a stage of the pregnancy, not when it is asked
    # when the test is done, up to a requirement joined after it ("... prior to receiving study drug and be willing to use ...")
    flag_when = pp.Regex(rf"(?:<=? (?=\d)|(?:prior to|before|at the time of|within|during|by|no more than|no later than|performed|obtained|done"
                         rf"|(?:at|on|in|from)\b(?!{IN_SENTENCE}*\d))\b)(?:(?! (?:and|or) (?:be|must|should|agree|agrees|use|uses|using|practice|have|has|is|are|will|willing)\b){IN_SENTENCE})*")
    flags = _tagged(
        "flags",
        pp.Opt(negation("negation")) + pp.ZeroOrMore(tok("women who are", "patients who are", "subjects who are", "currently", "is", "are", "be", "being", "who are", "who is", "women", "female", "females", "a",
                                                         "the patient is", "the participant is", "the subject is", "she is",
                                                         "must have", "must have had", "should have", "have", "has", "must be", "should be"))
        + flag_word("flags*") + pp.ZeroOrMore(list_conj + pp.Opt(tok("currently")) + flag_word("flags*"))
        + pp.ZeroOrMore(tok("patients", "women", "woman", "subjects", "participants", "females", "mothers", "female"))
        + pp.Opt(duration("duration"))  # "Postmenopausal for at least 12 months"
        + pp.Opt(flag_when("when")),  # "... a negative pregnancy test within 7 days of registration"
        lambda r: {"flags": _all(r, "flags"), "negated": "negation" in r, "duration": _named(r, "duration"), "when": _named(r, "when")},
    )
    # "WOCBP must have a negative pregnancy test": a requirement for women who can become pregnant
    childbearing = _tagged("flags", phrase(p["childbearing_potential"], "women of childbearing potential"),
                           lambda r: {"flags": ["childbearing_potential"], "negated": False})
    # on its own, a whole criterion ("Women of childbearing potential" as an exclusion); inside a
    # sentence it is the sentence's subject, which the builder does not take as a requirement
    childbearing_alone = _tagged("flags", phrase(p["childbearing_potential"], "women of childbearing potential"),
                                 lambda r: {"flags": ["childbearing_potential"], "negated": False, "alone": True})
    childbearing_requirement = _tagged(
        "conditional",
        pp.Opt(tok("all")) + childbearing("condition") + pp.Opt(tok("must have", "must each have", "must", "should have", "must have had", "need", "needs to have", "need to have",
                                               "are required to have", "must be", "who are", "should be", "must also have"))
        + flags("main"),
        lambda r: {"main": r["main"], "condition": r["condition"]},
    )

    # "Negative pregnancy test within 7 days, for women of childbearing potential only", "(if female of
    # childbearing potential)": whom the requirement binds, said after it
    whom = (r"(?:(?:only )?(?:for|in|if)(?: an?| all| the)? )?(?:(?:women|woman|females?|female (?:patients?|subjects?|participants?)"
            r"|patients?|subjects?|participants?|those|she is|patient is|subject is) )?(?:of|with) (?:child ?-? ?bearing|reproductive)"
            r" (?:potential|age)(?: \( (?:wocbp|fcbp|focbp) \))?(?: only)?|(?:only )?(?:for|in) (?:wocbp|fcbp|focbp)(?: only)?")
    # only where the requirement ends: inside a list ("pregnant, of childbearing potential and ...") it is an item
    childbearing_after = _tagged("flags", pp.Regex(rf"(?:(?:, )?(?:{whom})|\( (?:{whom}) \))(?=(?: [.;,?])*$| \))"),
                                 lambda r: {"flags": ["childbearing_potential"], "negated": False})
    flags_for_childbearing = _tagged("conditional", flags("main") + childbearing_after("condition"),
                                     lambda r: {"main": r["main"], "condition": r["condition"]})
    # "For women of childbearing potential, a negative pregnancy test": whom it binds, said first
    childbearing_first = _tagged(
        "conditional",
        pp.Opt(tok("for", "in", "if", "for all", "if a", "if an", "for a")) + childbearing("condition") + comma
        + pp.Opt(tok("must have", "a", "documentation of", "documentation of a")) + flags("main"),
        lambda r: {"main": r["main"], "condition": r["condition"]},
    )

    age_clause = analyte_range | analyte_double | analyte_cmp | bare_range | bare_double | bare_cmp | cmp_before_age
    sex_age = _tagged(
        "and_clause",
        sex("first") + pp.Opt(comma) + pp.Opt(tok("aged", "age", "who are", "of", "between the", "between")) + age_clause("second"),
        lambda r: {"parts": [r["first"], r["second"]]},
    )
    # "Male or female non-smokers", "Male or female Japanese subjects": the sex, and words the grammar
    # does not know, which stay for review beside it (a lone "Male or" must not become a list of its own)
    sex_with_words = _tagged(
        "sex_words",
        sex("first") + _tagged("unknown", pp.Regex(rf"(?:(?!{boundary_pattern}|@lab:)\S+ )*(?!{boundary_pattern}|@lab:)\S+{_END}"), lambda r: {})("second"),
        lambda r: {"parts": [r["first"], r["second"]]},
    )
    # "Healthy volunteers aged 18-45"
    flags_age = _tagged(
        "and_clause",
        flags("first") + pp.Opt(comma) + pp.Opt(tok("aged", "age", "who are", "of")) + age_clause("second"),
        lambda r: {"parts": [r["first"], r["second"]]},
    )

    # "Veterans aged 18-80", "English speakers aged 18 or older": words the grammar does not know
    # before an age stay for review beside it; not when they negate, condition, or name someone
    # else whose age it is ("a child aged under 5").
    other_person = alternation(["no", "not", "non", "never", "without", "except", "unless", "other than", "if", "when", "whose",
                                "history", "prior", "previous", "child", "children", "kid", "kids", "infant", "infants", "baby",
                                "babies", "son", "daughter", "parent", "parents", "mother", "father", "partner", "partners",
                                "spouse", "caregiver", "caregivers", "sibling", "siblings", "household", "contact", "contacts",
                                "donor", "donors", "member", "members", "relative", "relatives", "newborn", "newborns", "offspring",
                                *p["ageless_things"]])
    # and the words stop at the age: "Surgical patients 60 years of age or older"
    age_ahead = r"\d[\d.]* (?:(?:-|to|and) \d[\d.]* )?(?:years?|yrs?)(?: |$)"
    def words_before_an_age(stops: str = "") -> pp.ParserElement:
        """Words the grammar does not know, up to an age and to any of `stops` (a regex)."""
        return _tagged("unknown", pp.Regex(rf"(?:(?!{boundary_pattern}|{other_person}|@|{age_ahead}{stops})\S+ )+"), lambda r: {})

    lead_words = words_before_an_age()
    # "Adult patients up to age 75", "Phase 1 patient at least 18 yrs of age": the words stop at the comparator
    lead_words_to_comparator = words_before_an_age(rf"|(?:{word_op.pattern})|(?:<=|>=|<|>|=)(?:\s|$)")
    lead_words_to_range = words_before_an_age(
        r"|(?:between|from|ranging|aged?|of|who|which|that|whose|males?|females?|m[ae]n|wom[ae]n)(?:\s|$)")
    lead_age = _tagged(
        "and",
        lead_words + (analyte_range | analyte_cmp).add_condition(lambda t: t[0].fields["labs"] == ["age"])
        | lead_words_to_comparator + (cmp_before_age | bare_cmp.copy().add_condition(
            # "60 years or older" is an age by its words; "for 5 years" is not
            lambda s, l, t: bool(t[0].fields.get("age_words")) or _OLDER.match(s, t[0].start) is not None))
        # "Adult patients 18-75 years of age"; not "... relative who is 18-70 years of age", nor words
        # beside a sex ("Male or female Type 2 diabetic patients 18 to 60 years of age"), which an "or" parts
        | lead_words_to_range + bare_range.copy().add_condition(lambda t: bool(t[0].fields.get("age_words"))),
        _side_by_side,
    )

    # "Patients 3 to 16 years of age undergoing adenotonsillectomy": an age, then words of another
    # requirement kept for review beside it; not words that make the age conditional ("for women").
    def _about_age(tokens) -> bool:
        parsed = tokens[0]
        if parsed.kind == "and_clause":
            parsed = _one_parsed(parsed.fields["parts"][-1])
        if parsed is None:
            return False
        labs = parsed.fields.get("labs") or []
        if labs:
            return labs == ["age"]
        value = _one_parsed(parsed.fields.get("value") or parsed.fields.get("high"))
        units = value.fields.get("unit") if value is not None else None
        return bool(parsed.fields.get("age_words")) or bool(units and units[-1] in ("year", "years", "yr", "yrs"))

    condition_words = alternation(["for", "in", "if", "when", "whenever", "among", "unless", "except", "only", "provided", "depending",
                                   "per", "according", "on", "at", "after", "before", "during", "within", "while", "as", "of", "than",
                                   "to", "by", "from", "but", "not", "no", "nor", "whose", "whichever",
                                   # a duration, not an age: "2 years post-menopausal", "5 years since diagnosis"
                                   "post", "since", "ago", "prior", "following", "earlier", "previously", "duration",
                                   "past", "beyond", "postmenopausal", "post-menopausal", "menopausal", "amenorrhea",
                                   "amenorrheic", "of", "elapsed", "passed"])
    trailer = _tagged("unknown", pp.Regex(rf"(?!{condition_words})(?:(?!{boundary_pattern})\S+(?: |$))*(?!{boundary_pattern})\S+{_END}"),
                      lambda r: {})
    age_then_words = _tagged(
        "and", (sex_age | age_clause).copy().add_condition(_about_age) + trailer,
        _side_by_side,
    )

    # "NYHA class III or IV heart failure", "Heart failure NYHA class ≥ III": the finding and its class
    scale_with_finding = _tagged("scale_finding", scale_set("first") + finding("second"), lambda r: {"parts": [r["first"], r["second"]]})
    finding_with_scale = _tagged("and_clause", finding("first") + scale_set("second"), lambda r: {"parts": [r["first"], r["second"]]})

    adult = _tagged("adult", pp.Opt(tok("male or female", "male and female")) + tok("adult", "adults") + pp.Opt(tok("patients", "patient", "subjects", "participants", "volunteers")), lambda r: {})
    # Connective words end a clause; each alternative must reach one, so the first alternative
    # that reads a whole clause wins (an ordered choice, cheaper than trying all for the longest).
    def near(pattern: str, within: int) -> str:
        """A regex for: `pattern` starts within the next `within` tokens of this clause."""
        return rf"(?:\S+ ){{0,{within}}}(?:{pattern})"

    def ahead(pattern: str, within: int) -> pp.ParserElement:
        return pp.FollowedBy(pp.Regex(near(pattern, within)))

    lab_near, concept_near, number_near = near(r"@lab:", 5), near(r"@(?:cond|drug|proc):", 14), near(r"\d", 8)
    has_later_lab = ahead(r"@lab:", 24)  # "Heart failure NYHA class ≥ III": a scale after the finding
    has_sex_condition = ahead(r"(?:for|in|if(?: a| the patient is)?) (?:men|women|males?|females?|man|woman)(?:\s|$)", 16)
    # "No QTc > 450 msec for males or > 470 msec for females": neither sex's threshold
    negated_clause = _tagged("not", negation + pp.Opt(tok("a", "an")) + (analyte_range | has_sex_condition + sex_thresholds | analyte_cmp)("inner"),
                             lambda r: {"inner": r["inner"]})
    sex_near = near(r"(?:male|female|men|women|man|woman|males|females|boys|girls|genders?|sex|sexes)(?:\s|$)", 3)
    flag_near = near(r"pregnan|breast|lactat|nursing|negative|non|not|postmenopaus|menopaus|healthy|conceiv|smok|tobacco|cigarette", 6)

    def first_of(*alternatives):
        return pp.MatchFirst([alternative + boundary for alternative in alternatives])

    introducer_first = alternation(
        [*p["negation"], *p["history"], *p["current"], *p["previous"], *p["free_finding_intro"], *p["qualifiers"], *p["presence"],
         *p["allergy"]])
    # Each alternative behind a look-ahead on what it needs close by; one regex test decides whether
    # to try it, which keeps the cost of alternatives that cannot apply low.
    lab_terms = (lab_near, first_of(scale_set, scale_with_finding, analyte_range, normal_range, analyte_double,
                                    has_sex_condition + sex_thresholds, analyte_cmp, negated_clause, cmp_before_age))
    # a list may mix known and unknown names: the longer reading wins
    known_terms = (concept_near, first_of(allergy, participation, has_later_lab + finding_with_scale)
                   | Longest([finding + boundary, free_finding + boundary, timed_list + boundary]))
    clause = Guarded([
        (near(r"(?:women|females?|female|wocbp|fertile|sexually)(?:\s|$)", 1), first_of(childbearing_first, childbearing_requirement, childbearing_alone)),
        (r"(?:(?:for|in) )?(?:males?|females?|men|women|man|woman)(?: \S+){0,4}? @lab:", first_of(sex_first_thresholds)),
        (sex_near, first_of(sex_age, sex)),
        (flag_near, first_of(flags_age, flags_for_childbearing, flags)),
        (sex_near, first_of(sex_with_words)),
        lab_terms,
        known_terms,
        # the known-term branch tries a free finding too; near an analyte, the words before it are no
        # finding's name ("calculated or measured creatinine clearance", "a man or woman aged 18")
        (introducer_first, first_of(free_finding), (lab_terms, known_terms)),
        (number_near, first_of(blood_pressure, since, score_on_scale, bare_range, bare_double, bare_cmp, free_range, free_double, dosed_drug, free_cmp, count_cmp,
                               bound, unsigned_limit)),
        (near("adults?(?:\\s|$)", 3), first_of(adult)),
        # the words before an age: an age named, or years that say they are one
        (near(r"(?:@lab:age|(?:years?|yrs?) (?:old|of @lab:age|(?:or|and) (?:older|younger|over|above))|old)(?:\s|$)", 12), first_of(lead_age)),
        (near(r"(?:@lab:age|years?|yrs?|old)(?:\s|$)", 12), first_of(age_then_words)),
    ]).set_name("clause")

    # Connectives, lowest precedence last.
    exception_word = after_comma(p["exception"], "except")
    end_punct = pp.ZeroOrMore(tok(".", ";", ",", "?", "etc", "etc ."))
    definition_word = colon | after_comma(p["definition"], "characterized by") + pp.Opt(colon)  # "defined as:"
    caused_word = after_comma(p["caused_by"], "caused by")
    examples_word = after_comma(p["examples"], "including")
    or_word = after_comma(("or", "and/or"))
    and_word = after_comma(("and", "with", "plus", "in combination with", "along with", "as well as", "accompanied by", "together with"))
    without_word = after_comma(("without", "but no", "but not", "and no", "and not", "with no", "and without",
                                "independent of", "independently of"))
    # Words up to the next connective, read in one step.
    unknown = _tagged("unknown", pp.Regex(rf"(?:(?!{boundary_pattern})\S+(?: |$))*(?!{boundary_pattern})\S+{_END}"), lambda r: {})
    # "(or creatinine clearance ≥ 60 mL/min)": an alternative to what comes before, not its definition
    # "(i.e., SBP > 160 mmHg)": what the words before mean, read as their definition
    parenthesized = _tagged("paren", lpar + pp.Opt(tok("or")("alternative"))
                            + pp.Opt((phrase(p["definition"], "i.e.") + pp.Opt(comma)).suppress()) + expr + rpar,
                            lambda r: {"inner": _first_parsed(r), "alternative": "alternative" in r})
    # "Heart failure (NYHA class III or IV)": a clause and its bracketed definition.
    # the words up to the closing bracket, left unread: "(5 times ULN if due to liver metastasis)"
    bracket_words = pp.Regex(r"[^()]+?(?= \))")
    rest_of_bracket = _tagged("unknown", bracket_words, lambda r: {})
    bracketed_exception = lpar + phrase(p["exception"], "except") + bracket_words + rpar
    # "Inflammatory bowel disease (e.g. Crohn's disease)": instances of what the main phrase names
    # read when they parse whole ("(e.g., serum creatinine > 2 mg/dL or BUN > 50 mg/dL)"), else kept as words
    bracketed_examples = (lpar + phrase(p["examples"], "such as").suppress() + pp.Opt(comma).suppress()
                          + (expr + pp.FollowedBy(rpar) | rest_of_bracket) + rpar)
    segment = _with_tails(
        clause | parenthesized | unknown,
        {"bracketed_examples": bracketed_examples + boundary,
         # "Uncontrolled hypertension (SBP > 180 mmHg or DBP > 100 mmHg) at randomization": when it is checked
         "defined": parenthesized + pp.Opt(pp.Regex(rf"{CHECKED_AT}(?= |$)").suppress()) + boundary,
         "bracketed_except": _tagged("unknown", bracketed_exception, lambda r: {}) + boundary},
        lambda kind, main, tail: {"label": main, "body": _first_parsed(tail).fields["inner"],
                                  "alternative": _first_parsed(tail).fields["alternative"]} if kind == "defined"
        else {"main": main, ("examples" if kind == "bracketed_examples" else "exception"): _first_parsed(tail)},
        opening=lpar,
    )

    def _nary(kind):
        def build(r):
            parts = r.as_list()
            items = [x for x in parts if isinstance(x, Parsed)]
            seps = [x for x in parts if not isinstance(x, Parsed)]
            return {"parts": items, "seps": seps}
        return build

    list_separator = pp.Regex(rf"[,;]{_END}|{juxtaposed_pattern}").set_name("list separator").add_parse_action(pp.replace_with("implicit"))
    implicit_expr = _tagged("list", segment + pp.ZeroOrMore(list_separator + segment), _nary("list"))
    and_expr = _tagged(
        "and",
        implicit_expr + pp.ZeroOrMore(
            (and_word.add_parse_action(lambda t: "with" if t[0].lstrip(",; ") == "with" else "and") | without_word.add_parse_action(pp.replace_with("without")))
            + implicit_expr
        ),
        _nary("and"),
    )
    or_expr = _tagged("or", pp.Opt(tok("either")) + and_expr + pp.ZeroOrMore(or_word.suppress() + and_expr), _nary("or"))
    rest_unknown = _tagged("unknown", pp.Regex(r"\S.*"), lambda r: {})
    etc = after_comma(("etc", "etc .", "and so on", "and others"))
    # Each level parses its core once and then looks for an optional tail, so packrat reuses it.
    described = _with_tails(
        or_expr,
        {"caused_by": caused_word + rest_unknown, "examples": examples_word + or_expr + pp.Opt(etc)},
        lambda kind, main, tail: {"main": main, ("cause" if kind == "caused_by" else "examples"): _first_parsed(tail)},
    )
    # "≤ 5 x ULN in patients with liver metastases", "Hemoglobin ≥ 10 g/dL if female": a requirement
    # that applies to some patients only
    conditional_word = after_comma(p["conditional"], "in patients with")
    # "Platelets ≥ 30,000/µL in the absence of bone marrow involvement": a requirement for the patients without it
    absent_word = after_comma(p["conditional_absent"], "in the absence of")
    ends_clause = pp.FollowedBy(rpar | end_punct + pp.StringEnd())
    tail_to_end = described + ends_clause | rest_of_bracket | rest_unknown

    def bracketed(word: pp.ParserElement) -> pp.ParserElement:  # "(for patients > 10 years of age)", "(in the absence of ...)"
        return lpar + word + (described + pp.FollowedBy(rpar) | rest_of_bracket) + rpar + ends_clause

    exception_expr = _with_tails(
        described,
        {"except": exception_word + tail_to_end,
         "conditional": conditional_word + tail_to_end
         | pp.Opt(comma) + sex_condition + ends_clause | bracketed(conditional_word),
         "absent_condition": absent_word + tail_to_end | bracketed(absent_word)},
        lambda kind, main, tail: {"main": main, ("exception" if kind == "except" else "condition"): _first_parsed(tail)},
    )
    # the words before the first ":" or "defined as", in one regex
    definition_start = rf"(?::|(?:, )?{alternation(p['definition'])}){_END}"
    definition_label = pp.Regex(rf"(?:(?!{definition_start})\S+ )+(?={definition_start})")
    definition_label.add_parse_action(lambda t: t[0].split())
    # not a label but a requirement of its own: "Creatinine < 1.5 x ULN or: CrCl ≥ 40 mL/min", "Peak
    # ferritin > 500 ng/mL and one or more of the following: ..."; a description may hold a sign
    # ("parameters consistent with < grade 2 toxicity:")
    definition_label.add_condition(lambda t: t[-1] not in ("or", "and", "and/or") and not _measured_in(list(t)))
    definition_expr = _tagged(
        "defined",
        pp.Group(definition_label)("label_words") + definition_word + pp.Opt(tok("either")) + exception_expr,
        lambda r: {"label": None, "label_words": " ".join(r["label_words"]), "body": _first_parsed(r)},
    ).add_parse_action(_with_confirmed_finding)
    # "If a subject is diabetic, HbA1c at Screening is < 9.0%": the condition first
    condition_first = _tagged(
        "conditional",
        phrase(p["conditional"], "if") + pp.Opt(tok("a subject is", "the subject is", "a patient is", "the patient is", "patient is",
                                                    "subject is", "they are", "he or she is", "there is", "there are"))
        + segment("condition") + comma + pp.Opt(tok("then")) + exception_expr("main") + pp.FollowedBy(rpar | pp.StringEnd()),
        lambda r: {"condition": r["condition"], "main": r["main"]},
    )
    expr <<= (exception_expr + pp.FollowedBy(rpar | pp.StringEnd())) | condition_first | definition_expr
    return {"criterion": (expr + end_punct + pp.StringEnd()).set_name("criterion"),
            "bare_finding": (bare_finding + end_punct + pp.StringEnd()).set_name("bare finding")}


_CONFIRMING = frozenset(("confirmed", "documented", "proven", "diagnosed", "verified"))


def _with_confirmed_finding(lexeme_text: str, loc: int, tokens) -> None:
    """"Breast cancer confirmed by biopsy": the words before "confirmed by" read as a criterion of their
    own, kept beside the definition as `confirmed` (that reading, and where the verb stands) for the
    builder, which takes it when the words after the verb say nothing it can check."""
    defined = tokens[0]
    words = lexeme_text[defined.start:defined.end].split(" ")
    offsets = list(itertools.accumulate((len(w) + 1 for w in words[:-1]), initial=defined.start))
    verb = next((i for i in range(len(words) - 1) if words[i] in _CONFIRMING and words[i + 1] == "by"), None)
    while verb is not None and verb > 0 and words[verb - 1] in ("as", ","):  # "NSCLC, as confirmed by ..."
        verb -= 1
    if verb is None or verb == 0 or any(w in (":", ";", "(", ")") for w in words[:verb]):
        return
    try:
        finding = criterion_parser().parse_string(" " * defined.start + " ".join(words[:verb]), parse_all=True)[0]
    except (pp.ParseBaseException, RecursionError):
        return
    defined.fields["confirmed"] = (finding, offsets[verb])


def parse(lexeme_text: str) -> Parsed:
    """Parse one criterion's lexeme string; raises pyparsing.ParseBaseException if it cannot."""
    return criterion_parser().parse_string(lexeme_text, parse_all=True)[0]


def parse_bare_finding(lexeme_text: str) -> Parsed | None:
    try:
        return bare_finding_parser().parse_string(lexeme_text, parse_all=True)[0]
    except pp.ParseBaseException:
        return None
