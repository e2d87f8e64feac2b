"""Whole-criterion statements of a yes/no fact about the patient that no measurement settles:
"Signed written informed consent", "Willing and able to comply with study procedures", "Women of
childbearing potential must use effective contraception".

Read by vocabulary, not by the grammar: such a criterion is recognised only when every word of it
belongs to the statement's small vocabulary, so a criterion that also asks for anything else
("... and ECOG 0-1") is never mistaken for one. The patient's record answers it with a flag
(`informed_consent`, `willing_to_comply`, `able_to_swallow`, `uses_contraception`); without one the answer is unknown.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import Lexeme, get_lexicon
from .nodes import TREATMENT_TOXICITY, AllOf, AnyOf, Finding, Flag, Node, Not, Review, Sex

_PUNCTUATION = frozenset(",;:.()[]-/'\"")
_NUMBER = re.compile(r"\d+(?:\.\d+)?$")


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[frozenset[str], frozenset[str], dict[str, frozenset[str]]]:
    statements = get_lexicon().phrases["administrative_statements"]
    triggers = {flag: frozenset(words) for flag, words in statements["triggers"].items()}
    words = frozenset(statements["words"]) | frozenset(statements["negations"]) | frozenset().union(*triggers.values())
    return words, frozenset(statements["negations"]), triggers


def statement(lexemes: list[Lexeme], span: tuple[int, int], whole: bool = True) -> Node | None:
    """The rule of a consent, compliance, contraception or toxicity-recovery statement, else None; `whole`
    when the lexemes are the whole criterion, not a part the rest of it may join to."""
    return (administrative_statement(lexemes, span) or contraception_statement(lexemes, span)
            or recovery_statement(lexemes, span, whole))


def _words(lexemes: list[Lexeme]) -> list[str]:
    return [lexeme.g for lexeme in lexemes if lexeme.g not in _PUNCTUATION]


_ABLE = frozenset({"able", "ability", "unable", "inability"})


def _taking_by_mouth_said_as_swallowing(norms: list[str]) -> list[str]:
    """"Able to take oral medication", "able to ingest oral medications": able to swallow it."""
    norms = ["swallow" if word == "ingest" or word in ("take", "receive") and 1 < i < len(norms) - 1 and norms[i - 1] == "to"
             and norms[i - 2] in _ABLE and norms[i + 1] in ("oral", "orally") else word for i, word in enumerate(norms)]
    # "Able to swallow selumetinib/placebo capsules": what is swallowed says nothing more
    return [word for word in norms if not word.startswith("@drug:") and word != "placebo"] if "swallow" in norms else norms


def _bracketed(lexemes: list[Lexeme]) -> set[str]:
    """The words inside brackets: "Adequate contraception (no hormonal methods)" denies a kind, not the statement."""
    depth, inside = 0, set()
    for lexeme in lexemes:
        depth += {"(": 1, "[": 1, ")": -1, "]": -1}.get(lexeme.g, 0)
        if depth > 0:
            inside.add(lexeme.g)
    return inside


_FOLLOWING = frozenset({"follow", "abide"})
_WILL_OR_CAN = _ABLE | {"willing", "willingness", "unwilling", "unwillingness", "agree", "agrees", "capable", "incapable"}


def _said_of_the_patient(norms: list[str]) -> list[str]:
    """The words that may say what the patient does: "follow-up" is a visit, and "follow the participant
    according to the protocol" the investigator's; following is the patient's when able or willing to."""
    if not _WILL_OR_CAN.intersection(norms):
        return [word for word in norms if word not in _FOLLOWING]
    return [word for i, word in enumerate(norms) if not (word == "follow" and norms[i + 1:i + 2] == ["up"])]


def administrative_statement(lexemes: list[Lexeme], span: tuple[int, int]) -> Node | None:
    """The flag rule a criterion made only of a statement's words stands for, else None."""
    words, negations, triggers = _vocabulary()
    norms = _taking_by_mouth_said_as_swallowing(_words(lexemes))
    if not norms or any(norm not in words for norm in norms):
        return None
    flags = [Flag(flag, span=span) for flag, trigger in triggers.items() if trigger.intersection(_said_of_the_patient(norms))]
    if not flags or negations.intersection(_bracketed(lexemes)):
        return None
    rule = flags[0] if len(flags) == 1 else AllOf(tuple(flags), span=span)
    # "Unable or unwilling to provide informed consent or to comply": not able to do all of it
    return Not(rule, span=span) if negations.intersection(norms) else rule


@lru_cache(maxsize=1)
def _contraception_vocabulary() -> dict:
    phrases = get_lexicon().phrases["contraception_statement"]
    return {key: frozenset(value) for key, value in phrases.items() if not key.startswith("_")}


def contraception_statement(lexemes: list[Lexeme], span: tuple[int, int]) -> Node | None:
    """"Women of childbearing potential must agree to use adequate contraception during the study":
    the flag `uses_contraception`, required of those the sentence names (women of childbearing
    potential, or men) and of everyone when it names both or neither; None unless every word of the
    criterion is the statement's (a pregnancy test, a definition of menopause, a condition with "if"
    are not)."""
    vocabulary = _contraception_vocabulary()
    norms = _words(lexemes)
    triggers = vocabulary["triggers"].intersection(norms)
    if not triggers or (triggers == {"birth"} and "control" not in norms):  # "from birth to 21 years" is an age
        return None
    if any(norm not in vocabulary["words"] and not _NUMBER.match(norm) for norm in norms):
        return None
    if vocabulary["negations"].intersection(_bracketed(lexemes)):
        return None
    flag: Node = Flag("uses_contraception", span=span)
    women, men = vocabulary["women"].intersection(norms), vocabulary["men"].intersection(norms)
    # "Refuses to use an adequate means of contraception (including male patients)": men too, not men only
    if "including" in norms or "also" in norms:
        women = men = frozenset()
    condition: Node | None = None
    if women and not men:
        condition = (Flag("childbearing_potential", span=span) if vocabulary["childbearing"].intersection(norms)
                     else Sex(("female",), span=span))
    elif men and not women:
        condition = Sex(("male",), span=span)
    if vocabulary["negations"].intersection(norms):  # "WOCBP unwilling to use contraception": those who will not
        refusal = Not(flag, span=span)
        return AllOf((condition, refusal), span=span) if condition else refusal
    return AnyOf((Not(condition, span=span), flag), span=span) if condition else flag


@lru_cache(maxsize=1)
def _recovery_vocabulary() -> dict[str, frozenset[str]]:
    phrases = get_lexicon().phrases["recovery_statement"]
    return {key: frozenset(value) for key, value in phrases.items() if not key.startswith("_")}


# versions and editions of the grading criteria, which are no grades: "CTCAE v4.03", "version 5.0"
_VERSION = re.compile(r"\b(?:v|version) ?\d+(?: ?\.\d+)?|\bv\d+(?: \.\d+)?|(?<= )\.\d+\b|\b\d+\.\d+\b")
_EDITION = re.compile(r"v?\d*\.?\d+$")  # "v4", "3.0", ".03": an edition's number, which the grade bound leaves out
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4"}
# a comparison said in words, taken out before the words that deny or affirm are counted
_COMPARING = re.compile(r"\b(?:no|not) (?:more|greater|higher|worse) than\b|\bat (?:least|most)\b|\bup to\b")
_GRADE_BOUNDS = [(re.compile(pattern), op) for pattern, op in (
    (r"grade (<=|<|>=|>) (\d)", None),
    (r"(<=|<|>=|>) (?:\w+ ){0,3}?grade (\d)", None),
    (r"\b(?:no|not) (?:more|greater|higher|worse) than (?:\w+ ){0,2}?grade (\d)", "<="),
    (r"\bup to (?:\w+ ){0,2}?grade (\d)", "<="),
    (r"\bat most (?:\w+ ){0,2}?grade (\d)", "<="),
    (r"\bat least (?:\w+ ){0,2}?grade (\d)", ">="),
    (r"\b(?:less|lower) than (?:or equal to )?(?:\w+ ){0,2}?grade (\d)", "<"),
    (r"\b(?:greater|more|higher|worse) than (?:\w+ ){0,2}?grade (\d)", ">"),
    (r"grade 0 (?:or|-|to|and) (\d)\b", "<="),
    (r"grade (\d) (?:or|and) (?:less|lower|below|better)\b", "<="),
    (r"grade (\d) (?:or|and) (?:more|higher|greater|above|worse)\b", ">="),
    (r"grade (\d) (?:-|to) [45]\b", ">="),
    (r"grade (\d)\b", "="),
)]


_TREATMENTS = frozenset({"therapy", "therapies", "treatment", "treatments", "chemotherapy", "radiotherapy", "immunotherapy"})


def recovery_statement(lexemes: list[Lexeme], span: tuple[int, int], whole: bool = True) -> Node | None:
    """"Recovered from toxicities of prior therapy to grade ≤ 1 (except alopecia)": no toxicity of a prior
    treatment above grade 1 now, alopecia aside; "Unresolved toxicity > grade 2 from prior therapy": one
    above grade 2. Read only when every word is the statement's, one grade is written, and the words
    that recover, persist or deny say one thing; "or baseline" leaves a toxicity above the grade for the
    reviewer, who knows the patient's baseline."""
    vocabulary = _recovery_vocabulary()
    norms = [_ROMAN.get(lexeme.g, lexeme.g) for lexeme in lexemes if lexeme.g == "-" or lexeme.g not in _PUNCTUATION]  # "grade 2-4"
    if not (vocabulary["recovery"] | vocabulary["presence"]).intersection(norms):
        return None
    if not vocabulary["toxicity"].intersection(norms) and not (
            # a part may be the first of a list the rest goes on: "Recovered from prior radiation therapy, surgery, or ..."
            whole and vocabulary["recovery"].intersection(norms) and "from" in norms
            and any(w in _TREATMENTS or w.startswith(("@proc:", "@drug:")) for w in norms)):
        return None  # "Recovered from prior therapy": from its effects, a toxicity unsaid
    exception_at = next((i for i, w in enumerate(norms) if w in vocabulary["exceptions"]
                         or w == "other" and norms[i + 1:i + 2] == ["than"]), len(norms))
    excepted = tuple(dict.fromkeys(w.split(":", 1)[1] for w in norms[exception_at:] if w.startswith("@cond:")))
    known = vocabulary["words"] | vocabulary["toxicity"] | vocabulary["recovery"] | vocabulary["presence"] | vocabulary["negations"] \
        | vocabulary["baseline"] | vocabulary["exceptions"]
    for index, word in enumerate(norms):
        if (word in known or word in ("@cond:cancer", "@drug:investigational_drug") or word.startswith(("@proc:", "@drug:"))
                or _EDITION.match(word)):
            continue
        if not (index > exception_at and word.startswith("@cond:")):
            return None
    if any(w in ("grade", "grades") or _NUMBER.match(w) for w in norms[exception_at:]):
        return None  # "except neuropathy ≤ grade 2": an exception with a bound of its own
    text = " ".join(norms[:exception_at]).replace("grade = ", "grade ")
    text = " ".join(re.sub(r" - (?!\d)", " ", _VERSION.sub(" ", text)).split())  # "NCI - CTCAE grade 2", but "grade 2 - 4"
    cues = _persists(norms[:exception_at], vocabulary)
    if cues is None:
        return None
    polarity, recovering = cues
    if not re.search(r"\bgrades?\b", text):
        procedures = {w.split(":", 1)[1] for w in norms[:exception_at] if w.startswith("@proc:")}
        if not all(leaves_a_toxicity(concept) for concept in procedures):
            return None  # "recovered from the effects of surgery": a wound healed, which no toxicity record need say
        return _ungraded(polarity, excepted, span)
    bound = _grade_bound(text)
    if bound is None:
        return None
    op, grade = bound
    if op in ("<=", "<") or op == "=" and re.search(r"\bto (?:\w+ ){0,3}?grade \d", text):
        # "(not) recovered to ≤ 1": the state recovered to, so a toxicity is one above it; "unresolved
        # toxicity ≤ grade 1" says no such thing
        if not recovering:
            return None
        op = {"<=": ">", "<": ">=", "=": ">"}[op]
    elif op == "=":
        return None
    # else "recovered from grade 2-4 toxicities", "unresolved toxicity > grade 2": the toxicity itself
    toxicity = Finding(TREATMENT_TOXICITY, "condition", "current", grade=(op, float(grade)), excepted=excepted, span=span)
    baseline = vocabulary["baseline"].intersection(norms[:exception_at])
    if not polarity:
        denied = Not(toxicity, span=span)
        return AnyOf((Review(_at_baseline(baseline), "recovery_scope", span=span), denied), span=span) if baseline else denied
    return AllOf((toxicity, Review(_at_baseline(baseline), "recovery_scope", span=span)), span=span) if baseline else toxicity


def _ungraded(persists: bool, excepted: tuple[str, ...], span: tuple[int, int]) -> Node:
    """"Recovered from the toxic effects of prior therapy", no grade said: a patient with no toxicity of
    a treatment now has recovered; one with any is left to the reviewer, who knows what the trial
    counts as recovered (often grade 1 or the patient's baseline)."""
    unsaid = Review("whether the patient's toxicities of prior treatment count as recovered (no grade is said)",
                    "recovery_scope", span=span)
    none = no_treatment_toxicity(span, excepted)
    # the review first: "not them, or ..." would read as a requirement for some patients only
    return AllOf((none.item, unsaid), span=span) if persists else AnyOf((unsaid, none), span=span)


# the treatments whose lasting effects a record holds as toxicities (concept treatment_toxicity)
_LEAVING_TOXICITIES = frozenset({"chemotherapy", "radiotherapy"})


def leaves_a_toxicity(concept: str) -> bool:
    """Whether a record holds a treatment's lasting effects as a toxicity: chemotherapy's, radiotherapy's,
    not surgery's (a wound not yet healed is no record)."""
    return bool(_LEAVING_TOXICITIES & get_lexicon().ancestors(concept))


def no_treatment_toxicity(span: tuple[int, int] | None, excepted: tuple[str, ...] = ()) -> Not:
    """No toxicity of a treatment now: what a recovery said without a grade asks at the least."""
    return Not(Finding(TREATMENT_TOXICITY, "condition", "current", excepted=excepted, span=span), span=span)


def _at_baseline(said: set[str]) -> str:
    return f"whether a toxicity above the grade is the patient's baseline ({', '.join(sorted(said))})"


def _grade_bound(text: str) -> tuple[str, str] | None:
    """The one grade bound the words write, as (op, grade); None for none or several."""
    if len(re.findall(r"\bgrades?\b", text)) != 1:
        return None
    for pattern, op in _GRADE_BOUNDS:
        found = pattern.search(text)
        if found:
            return (found.group(1), found.group(2)) if op is None else (op, found.group(1))
    return None


def _persists(norms: list[str], vocabulary: dict[str, frozenset[str]]) -> tuple[bool, bool] | None:
    """Whether the words say the toxicity persists (True) or has resolved (False), and whether they say it
    by its recovery; None when unclear."""
    words = _COMPARING.sub(" ", " ".join(norms)).split()
    recovery = [i for i, w in enumerate(words) if w in vocabulary["recovery"]]
    presence = [i for i, w in enumerate(words) if w in vocabulary["presence"]]
    negations = [i for i, w in enumerate(words) if w in vocabulary["negations"]]
    near = lambda cues: [n for n in negations if any(0 < cue - n <= 4 for cue in cues)]  # "failure to have fully recovered"
    if recovery and not presence:
        denied = near(recovery)
        return None if len(negations) > len(denied) or len(denied) > 1 else (bool(denied), True)
    if presence and not recovery:
        denied = near(presence)
        return None if len(negations) > len(denied) or len(denied) > 1 else (not denied, False)
    if recovery and presence:  # "unresolved toxicity, defined as having not resolved to grade ≤ 1"
        return (True, True) if len(negations) == 1 and near(recovery) else None
    return None
