"""Precision and recall of numeric thresholds against brat gold annotations: Chia and the COVID-19 set.

Gold: every Has_value relation from a Measurement, Person (age) or Observation entity to a Value
entity whose text is numeric ("≥ 18 years", "< 1.5 x ULN", "1-3"). Gold value text is read by the
small independent reader below, not by the library's grammar. Predictions: eligibility.thresholds
of each criterion line, with those read inside a criterion left for review (hints, never evaluated)
also scored apart: "precision_of_rules" / "recall_of_rules" count the evaluated rules alone. A prediction matches a gold pair on the same line when the variable, the
operator and the value(s) agree, values compared after unit conversion (gold "=" matches any
operator, as Chia often keeps "=" of a stripped "≥", and so does a gold value whose span leaves
its comparator out: "up to 7 centimeters" marked as "7 centimeters"). A gold variable that lists analytes ("ALT/AST",
"AST or ALT") matches any of them, "BP > 140/90" is a systolic and a diastolic bound, a visual acuity in a Snellen fraction ("< 20/200")
is its decimal acuity (0.1), an alcohol amount ("alcohol > 40 g/day") the intake, a gold that
names a sex instead of the variable ("> 1.4 mg/dL in women") matches on the value alone, and a
variable outside the lexicon matches a prediction whose words it contains or is contained in
("Estimated IQ" / "IQ"), or one of the analytes it names ("Hematologic ANC"). When one gold pair
covers a group ("ALT/AST > 3 x ULN") that the library reads as a threshold per analyte, the
readings after the first that restate it are counted apart ("predictions_restating_a_group_gold"),
neither hit nor miss. Neither gold marks every value of the text
("Age > 18 years" is often left out), so precision is also given over the lines where the gold
marks at least one value. Time windows ("within 4 weeks") and how long a finding has lasted
("diabetes for at least 1 year") are temporal annotations in both golds, not Measurement values,
and are left out of the predictions; so are bounds on a finding's grade ("Grade ≥ 2 neuropathy"),
which neither gold marks as a Measurement's value.

Chia keeps one criterion per line in separate inclusion / exclusion files. The COVID-19 set keeps a
whole trial per file, its sections under "Inclusion Criteria:" / "Exclusion Criteria:" headings,
and its text lost every "≥" and "≤" (a double space is left where one stood): a gold value right
after such a gap matches any operator, and is counted in "gold_values_after_lost_sign". Chia's text
lost most of them too, each to a bare "=" ("Age = 18 years"): its gold values read the same way.
The library leaves such a bare "=" for review (it cannot tell "≥" from "≤" or "="), so
"recall_without_lost_signs" is the recall over the values whose sign the text kept.

Run: .venv/bin/python benchmarks/score_gold.py [--corpus chia|covid] [--limit N] [--show 20]
Reads ../shared/data/; prints JSON; exits 0 with a note when the corpus is absent.
"""

from __future__ import annotations

import argparse
import bisect
import json
import math
import re
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
CORPORA = {
    "chia": DATA / "chia" / "chia_without_scope",
    "covid": DATA / "covid19-structured" / "annotated" / "700_annotated_trials_new",
}

_WORD_OPS = [
    (">=", r"and over|or over|at least|no less than|not less than|minimum of|minimum|greater than or equal to|more than or equal to|equal to or greater than|greater or equal to|more or equal to|equal or more than|equal or greater than|equal or superior to|superior or equal to|and up|or more|or older|or greater|or above|and above|and older|or higher"),
    ("<=", r"within|at most|no more than|not more than|no greater than|not greater than|no higher than|not higher than|less or equal to|equal or less than|equal or lower than|equal or inferior to|inferior or equal to|maximum of|maximum|less than or equal to|equal to or less than|or less|or younger|or below|up to|not exceeding|or lower"),
    (">", r"greater than|more than|over|above|exceeding|older than|higher than|in excess of"),
    ("<", r"less than|under|below|younger than|lower than|fewer than"),
]
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_SECTION_HEADING = re.compile(r"\s*(inclus|exclus)ion criteria\b[^:]*:?\s*$", re.I)
_NUMBER = r"[-+]?\d+(?:[.,]\d+)?"
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "twelve": 12}


_SECOND_BOUND = re.compile(r"\s*(?:,|\band\b|\bor\b|\bto\b)?\s*(?=(?:>=|<=|>|<|less than|greater than|more than|under|over|older than|younger than|below|above)(?:\s+or\s+equal\s+to)?\s*\d)", re.I)


# comparators written in several words, turned to a sign first so that their "or" / "and" is not
# read as a second bound ("equal or greater than 70", "at least 18 years and not more than 45 years")
_SPELLED_OPS = [
    (r"(?:equal|equals)\s+(?:to\s+)?or\s+(?:greater|more|higher|over|above|superior)(?:\s+(?:than|to))?"
     r"|(?:greater|more|higher|over|above)\s+(?:than\s*)?(?:or\s+|/\s*)equals?(?:\s+to)?|at\s*/\s*above|>\s*or\s+equal(?:\s+to)?"
     r"|\b(?:not|no)\s+(?:less|lower|fewer|younger)\s+than|\bat\s+least|\bminimum\s+of", ">="),
    (r"(?:equal|equals)\s+(?:to\s+)?or\s+(?:less|lower|below|under|inferior)(?:\s+(?:than|to))?"
     r"|(?:less|lower|below|under)\s+(?:than\s*)?(?:or\s+|/\s*)equals?(?:\s+to)?|at\s*/\s*below|<\s*or\s+equal(?:\s+to)?"
     r"|\b(?:not|no)\s+(?:more|greater|higher|older)\s+than|\bnot\s+exceeding|\bat\s+most|\bmaximum\s+of|\bup\s+to", "<="),
]
_SCORE_SET = re.compile(r"\s*(\d)(?:\s*(?:,|-|\bor\b|\band\b|,\s*or)\s*(\d))+\s*")


def parse_gold(text: str) -> list:
    """[(op, low, high, unit)] from a gold value text: one bound, or two ("> 18 and < 90 years"); [] when not numeric."""
    # "< 100.000/µl": a count with a European thousands separator
    t = re.sub(r"(?<![\d.,])(\d{1,3})\.(\d{3})(?=\s*(?:cells?|cels|elements|per|/)\s*(?:/\s*)?(?:µ|μ|u|mc|m|mm|l\b))", r"\1\2", text, flags=re.I)
    t = re.sub(r"(?<=\d),(?=\d{1,2}\b)", ".", t)  # decimal comma
    t = t.replace("⁄", "/").replace("∕", "/")  # "110 mg⁄dL": a fraction or division slash
    t = _compound_periods(t)
    t = t.replace("<U+2266>", "≤").replace("<U+2267>", "≥")  # Chia's text keeps "≦" and "≧" as their code points
    # Word's Symbol font: "³ 10.5g/dl", "£ 1" were "≥" and "≤" (read so by the library too)
    t = re.sub(r"(?<![^\s(\[:])[³£](?= ?\d)", lambda sign: "≥" if sign.group() == "³" else "≤", t)
    t = re.sub(r">\s*(?:or|/)\s*=|>_|=\s*/\s*>", ">=", re.sub(r"<\s*(?:or|/)\s*=|<_|=\s*/\s*<", "<=", t))
    t = re.sub(r"\b(between(?:\s+\w+)?)\s+[<>]=?\s*(?=\d)", r"\1 ", t, flags=re.I)  # "between ages >=18 and 65"
    for pattern, symbol in _SPELLED_OPS:
        t = re.sub(pattern, f" {symbol} ", t, flags=re.I)
    if _SCORE_SET.fullmatch(t):  # "0, 1 or 2", "1-2-3": a set of grades, held as its bounds
        digits = [int(d) for d in re.findall(r"\d", t)]
        if digits == list(range(digits[0], digits[-1] + 1)) and len(digits) > 1:
            return [("between", float(digits[0]), float(digits[-1]), "")]
    t = " ".join(t.replace("≥", ">=").replace("≤", "<=").replace("=>", ">=").replace("=<", "<=").replace("×", "x").replace("＜", "<").replace("＞", ">").split())
    for word, number in _WORD_NUMBERS.items():
        t = re.sub(rf"\b{word}\b(\s*\(\d+\))?", str(number), t, flags=re.I)
    parts = [part for part in _SECOND_BOUND.split(t) if part.strip()]
    bounds = [bound for bound in (_parse_bound(part) for part in parts) if bound]
    if len(bounds) == 2 and bounds[0][3] == "" and bounds[1][3]:  # "> 18 and < 90 years": the unit is written once
        bounds[0] = (*bounds[0][:3], bounds[1][3])
    return bounds


_WEEKS_AND_DAYS = re.compile(r"\b(\d+)\s*(?:weeks?|wks?)\s*(?:and|\+)?\s*(\d)\s*days?\b", re.I)
_YEARS_AND_MONTHS = re.compile(r"\b(\d+)\s*(?:years?|yrs?)\s*(?:and)?\s*(\d{1,2})\s*months?\b", re.I)


def _compound_periods(t: str) -> str:
    """"23 weeks and 6 days": one period, in days (and every other period of the text with it, so that a
    range "between 20 weeks and 23 weeks and 6 days" keeps one unit)."""
    if _WEEKS_AND_DAYS.search(t):
        t = _WEEKS_AND_DAYS.sub(lambda m: f"{int(m.group(1)) * 7 + int(m.group(2))} days", t)
        t = re.sub(r"\b(\d+)\s*(?:weeks?|wks?)\b", lambda m: f"{int(m.group(1)) * 7} days", t, flags=re.I)
    if _YEARS_AND_MONTHS.search(t):
        t = _YEARS_AND_MONTHS.sub(lambda m: f"{int(m.group(1)) * 12 + int(m.group(2))} months", t)
        t = re.sub(r"\b(\d+)\s*(?:years?|yrs?)\b", lambda m: f"{int(m.group(1)) * 12} months", t, flags=re.I)
    return t


def _parse_bound(t: str):
    numbers = re.findall(_NUMBER, t)
    if not numbers:
        return None
    # "> 5N": five times the normal, as French protocols write it
    limit = "ULN" if re.search(r"(?:\b|(?<=x))ul[ni]\b|\bunl\b|upper limit|upper normal limit|times normal|x normal|(?<=\d)n\b", t, re.I) else (
        "LLN" if re.search(r"(?:\b|(?<=\dx))lln\b|lower limit", t, re.I) else None)
    range_match = re.search(rf"(?:between\s+|from\s+)?({_NUMBER})\s*(?:[a-zA-Z%/µ]+\d?\s*)?(?:-|to|and|–)\s*({_NUMBER})", t)
    if range_match and not re.match(r"\s*[<>]", t):
        low, high = (float(x.replace(",", "")) for x in range_match.groups())
        unit = t[range_match.end():].strip()
        return ("between", low, high, limit or _unit_text(unit))
    op = None
    # "score ≥ 20": the sign may follow a word; "<= (<=) 1", "<= the age of 35": words may follow the sign
    symbol = re.search(rf"(>=|<=|>|<|=)[^\d<>=]{{0,15}}?(?={_NUMBER})", t)
    if symbol:
        op = {"=": None}.get(symbol.group(1), symbol.group(1))
    else:
        for candidate, pattern in _WORD_OPS:
            if re.search(rf"\b(?:{pattern})\b", t, re.I):
                op = candidate
                break
        if op is None:
            op = "=="
    number_match = re.search(_NUMBER, t)
    value = float(number_match.group(0).replace(",", ""))
    unit = re.sub(rf"\b(?:{'|'.join(p for _, p in _WORD_OPS)})\b", "", t[number_match.end():], flags=re.I)
    return (op, value, None, limit or _unit_text(unit))


def _unit_text(text: str) -> str:
    text = re.sub(r"\b10\s?\^?\s?(3|6|9|12)(?=\s*(?:cells?\s*)?/)", r"10^\1", text)  # "x 109/L": 10^9 that lost its superscript
    text = re.sub(r"\b(of age|old|in age|times|x|the|institutional|normal)\b", " ", text, flags=re.I).strip(" .,;()")
    return text


def load_gold(ann: Path, txt: Path):
    with txt.open(encoding="utf-8", newline="") as handle:  # offsets count the \r of CRLF files
        text = handle.read()
    line_starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]
    entities, gold = {}, []
    for line in ann.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if parts[0].startswith("T") and len(parts) >= 3:
            head = parts[1].split(" ", 1)
            offsets = [int(x) for x in re.findall(r"\d+", head[1])]
            start, end = offsets[0], offsets[-1]
            # A discontinuous value ("greater than ... 10 g/dL") is read whole from the text.
            surface = text[start:end] if ";" in head[1] and "\n" not in text[start:end] else parts[2]
            entities[parts[0]] = (head[0], start, surface)
    for line in ann.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if parts[0].startswith("R") and len(parts) >= 2 and parts[1].lower().startswith("has_value"):
            _, arg1, arg2 = parts[1].split()
            variable, value = entities.get(arg1[5:]), entities.get(arg2[5:])
            if not variable or not value or variable[0] not in ("Measurement", "Person", "Observation"):
                continue
            for parsed in parse_gold(value[2]):
                # COVID: a double space where the sign stood; Chia: a bare "=" where "≥" or "≤" stood
                lost_sign = text[max(0, value[1] - 2):value[1]] == "  " and parsed[0] == "==" or parsed[0] is None
                if lost_sign:
                    parsed = (None, *parsed[1:])
                line_index = bisect.bisect_right(line_starts, value[1]) - 1
                gold.append({"line": line_index, "variable_text": variable[2], "entity": variable[0], "value_text": value[2],
                             "parsed": parsed, "lost_sign": lost_sign})
    return text, gold


_SEX_WORDS = {"men", "women", "male", "males", "female", "females", "man", "woman", "boys", "girls"}
_QUALIFIERS = re.compile(r"^(?:(?:serum|plasma|blood|baseline|fasting|screening|estimated|calculated|measured|confirmed|current|resting"
                         r"|awake|preoperative|pre-operative|elevated|abnormal|increased|known|expected|anticipated)\s+)+", re.I)
_COMPANIONS = re.compile(r"\s+(?:level|levels|count|value|values|concentration|score|status|class|classification)$", re.I)
_LIVER_ENZYMES = re.compile(r"^(?:liver enzymes?|(?:serum )?transaminases?|aminotransferases?|liver function tests?|lfts?)$", re.I)
_BLOOD_PRESSURE = re.compile(r"^(?:\w+\s+)?(?:blood pressure|bp)(?:\s+\w+)?$", re.I)


def gold_variable(lexicon, entity: str, text: str) -> frozenset[str]:
    """The variables a gold variable text may stand for: one, or each of a list ("ALT/AST",
    "AST or ALT", "Karnofsky/Lansky"); "*" when the gold names a sex instead ("> 1.4 mg/dL in women")."""
    stripped = text.strip().lower()
    if stripped in _SEX_WORDS:  # before Person: Chia marks "in women" as a Person too
        return frozenset({"*"})
    if entity == "Person" and not re.search(r"weigh|height|bmi|body mass", text, re.I):
        return frozenset({"age"})  # Chia's Person holds ages ("aged", "old") and, now and then, body size
    if re.fullmatch(r"old|years?|aged?|ages|aging|years old", stripped):
        return frozenset({"age"})
    if re.fullmatch(r"(?:weeks? of )?gestation|gestational weeks?", stripped):  # "No more than 20 wk of gestation"
        return frozenset({"gestational_age"})
    if re.search(r"\b(?:alcohol|ethanol)\b", stripped) and not re.search(r"abuse|dependence|disorder", stripped):
        return frozenset({"alcohol_intake"})  # "alcohol > 40 g/day": the intake, which the lexicon names only with a bound
    if re.fullmatch(r"(?:documented |subjective )?(?:fever|febrile)|t", stripped):  # "Fever > 38C", "T > 100.5 F": the temperature
        return frozenset({"temperature"})
    if stripped in ("systolic", "diastolic"):  # "hypertension with systolic > 200 mmHg": the pressure by its phase
        return frozenset({"sbp" if stripped == "systolic" else "dbp"})
    whole = _one_variable(lexicon, text)
    found = {whole}
    if whole.startswith("text:"):
        parts = [p for p in re.split(r"\s*(?:/|\bor\b|\band/or\b|\band\b|,)\s*", re.sub(r"[()\[\]]", " ", text), flags=re.I) if p.strip()]
        mapped = {_one_variable(lexicon, p) for p in parts} if len(parts) > 1 else set()
        found |= {v for v in mapped if not v.startswith("text:")}
        # "spartate aminotransferase (AST)": the short form in brackets, when the long one is misspelled
        found |= {v for v in (_one_variable(lexicon, inner) for inner in re.findall(r"\(([^)]+)\)", text)) if not v.startswith("text:")}
    if whole.startswith("text:") and len(found) == 1:
        # "Hematologic ANC", "Breast - Karnofsky score": an analyte named inside words the lexicon lacks
        from eligibility.tokens import tokenize

        found |= {lexeme.g.split(":", 1)[1] for lexeme in lexicon.tag(tokenize(text)) if lexeme.g.startswith("@lab:")}
    if len(found) > 1:
        found.discard(whole)
    return frozenset(found)


def _one_variable(lexicon, text: str) -> str:
    text = " ".join(re.sub(r"\s*[(\[][^)\]]*[)\]]", " ", text).split()) or text  # "alanine transaminase (ALT)"
    core = _COMPANIONS.sub("", _QUALIFIERS.sub("", text.strip())) or text
    if _LIVER_ENZYMES.match(core):
        return "@liver_enzymes"
    for candidate in (text, core):
        found = lexicon.find_term(candidate, ("@lab:",))
        if found:
            return found
    for candidate in (text, core):
        # "Proteinuria": a condition its value defines, measured as that value (urine protein)
        condition = lexicon.concepts.get(lexicon.find_term(candidate, ("@cond:",)) or "")
        if condition is not None and condition.measured_by:
            return condition.measured_by
    if _BLOOD_PRESSURE.match(text) and not re.search(r"systolic|diastolic|mean", text, re.I):
        return "@blood_pressure"
    if re.search(r"\bage\b|years old", text, re.I):
        return "age"
    from eligibility.lexicon import text_key

    return "text:" + text_key(core)


def variable_matches(gold: frozenset[str], predicted: str) -> bool:
    if predicted in gold or "*" in gold:
        return True
    # "post-bronchodilator FEV1/FVC", where the gold variable is "FEV1/FVC" and the timing a qualifier beside it
    if predicted.endswith(("_pre_bronchodilator", "_post_bronchodilator")) and any(predicted.startswith(g + "_") for g in gold):
        return True
    if "@liver_enzymes" in gold and predicted in ("alt", "ast", "text:transaminase", "text:liver enzyme", "text:lft",
                                                  "text:liver function test"):
        return True
    if not predicted.startswith("text:"):
        return False
    # a name outside the lexicon: the same words, or one name inside the other ("Estimated IQ" / "IQ")
    words = set(predicted[5:].split())
    return any(g.startswith("text:") and (words <= set(g[5:].split()) or set(g[5:].split()) <= words) for g in gold)


def _restates(p, g: dict, units, analytes) -> bool:
    """A prediction on another member of a matched group gold, with the same operator and value."""
    op, low, _, unit = g["parsed"]
    return (variable_matches(g["variable"], p.variable) and op in (None, "==", p.op) and p.op not in ("between", "in")
            and same_value(p, low, unit, p.variable, p.value, p.unit, units, analytes))


def expand_blood_pressure(g: dict) -> list[dict]:
    """"BP > 140/90 mmHg": a systolic and a diastolic bound."""
    if "@blood_pressure" not in g["variable"] and not (g["variable"] == {"sbp"} and "systolic" not in g["variable_text"].lower()):
        return [g]
    pair = re.search(r"(\d+)\s*/\s*(\d+)", g["value_text"])
    op, _, high, unit = g["parsed"]
    if not pair or op == "between":
        return [g]
    unit = re.sub(r"^/\s*\d+\s*", "", unit)
    return [{**g, "variable": frozenset({name}), "parsed": (op, float(number), high, unit)}
            for name, number in (("sbp", pair.group(1)), ("dbp", pair.group(2)))]


_SNELLEN = re.compile(r"\b(20|6)\s*/\s*(\d{1,3})\b")


def snellen_as_decimal(g: dict) -> dict:
    """"Visual acuity < 20/200", "20/32 - 20/320", "20/40 or better": Snellen fractions as the decimal acuity
    they stand for (20/200 = 0.1), as the library reads them; the better acuity is the larger decimal."""
    if "visual_acuity" not in g["variable"]:
        return g
    fractions = [int(a) / int(b) for a, b in _SNELLEN.findall(g["value_text"])]
    if not fractions:
        return g
    text = g["value_text"].lower()
    if len(fractions) == 2:
        return {**g, "parsed": ("between", min(fractions), max(fractions), "")}
    op = g["parsed"][0]
    if re.search(r"or better|better than", text):
        op = ">=" if "or better" in text else ">"
    elif re.search(r"or worse|worse than", text):
        op = "<=" if "or worse" in text else "<"
    return {**g, "parsed": (op, fractions[0], None, "")}


def same_value(prediction, gold_value: float, gold_unit: str, variable: str, value: float, unit: str, units, analytes) -> bool:
    if gold_unit in ("ULN", "LLN") or unit in ("ULN", "LLN"):
        return gold_unit == unit and math.isclose(gold_value, value, rel_tol=1e-6)
    if not gold_unit or not unit:
        return math.isclose(gold_value, value, rel_tol=1e-6)
    try:
        number, parsed_unit = units.parse_quantity_text(f"1 {gold_unit}")
        analyte = analytes.get(variable)
        converted = units.convert_for(analyte, units.quantity(gold_value * number, parsed_unit), unit)
        return math.isclose(converted.magnitude, value, rel_tol=1e-6)
    except Exception:
        return math.isclose(gold_value, value, rel_tol=1e-6)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--corpus", choices=sorted(CORPORA), default="chia")
    parser.add_argument("--limit", type=int, default=0, help="at most this many files")
    parser.add_argument("--show", type=int, default=15, help="examples of misses to print")
    args = parser.parse_args()
    folder = CORPORA[args.corpus]
    if not folder.exists():
        print(json.dumps({"skipped": f"{folder} is not present"}))
        return 0
    sys.path.insert(0, str(ROOT))
    from eligibility import units
    from eligibility.compiler import Criterion, compile_criterion
    from eligibility.criteria import _BULLET
    from eligibility.lexicon import get_lexicon
    from eligibility.thresholds import criterion_thresholds

    lexicon = get_lexicon()
    files = sorted(folder.glob("*.ann"))[: args.limit or None]
    tp = fp = fn = tp_in_review = fp_in_review = 0
    gold_total = unmapped = lost_signs = tp_lost = fn_lost = fp_on_annotated = gold_in_sets = group_restatements = 0
    misses, false_positives = [], []
    by_variable = defaultdict(Counter)
    start = time.perf_counter()
    for ann in files:
        txt = ann.with_suffix(".txt")
        text, gold = load_gold(ann, txt)
        kind = "exclusion" if ann.name.endswith("_exc.ann") else "inclusion"
        lines = _LINE_BREAK.split(text)
        gold_by_line = defaultdict(list)
        seen_pairs = set()
        for g in gold:
            g["variable"] = gold_variable(lexicon, g["entity"], g["variable_text"])
            for one in expand_blood_pressure(snellen_as_decimal(g)):
                # "Age: >=40 and <=80 years" linked from both "Age" and "age": one threshold, annotated twice
                pair = (one["line"], one["variable"], one["value_text"], one["parsed"])
                if pair not in seen_pairs:
                    seen_pairs.add(pair)
                    gold_by_line[one["line"]].append(one)
        # A trial text that repeats a criterion (one copy per cohort) is annotated on one copy only:
        # each distinct line is scored once, against its most annotated copy.
        copies = defaultdict(list)
        for index, line in enumerate(lines):
            copies[line.strip()].append(index)
        for same in copies.values():
            richest = max(same, key=lambda i: len(gold_by_line.get(i, ())))
            gold_by_line[same[0]] = gold_by_line.get(richest, [])
            for g in gold_by_line[same[0]]:
                gold_total += 1
                lost_signs += g["lost_sign"]
                unmapped += all(v.startswith(("text:", "@")) for v in g["variable"])
        for index, line in enumerate(lines):
            if not line.strip() or copies[line.strip()][0] != index:
                continue
            heading = _SECTION_HEADING.match(line)
            if heading:
                kind = heading.group(1).lower() + "ion"
                continue
            body = _BULLET.match(line.strip())  # Chia keeps "1." and "a." in its lines
            text = body.group("body").strip() if body and body.group("body").strip() else line.strip()
            rule, _ = compile_criterion(text, kind)
            predictions = [p for p in criterion_thresholds(Criterion(index, kind, text, (0, 0), rule))
                           if p.op != "within" and p.window not in ("duration", "grade")]
            open_gold = list(gold_by_line.get(index, []))
            matched_groups: list[dict] = []
            for p in predictions:
                match = None
                for g in open_gold:
                    op, low, high, unit = g["parsed"]
                    if not variable_matches(g["variable"], p.variable):
                        continue
                    if p.op == "in":  # a score set ("ECOG 0-2", "NYHA III or IV"): the gold range, or one of its values
                        ok = (low == p.value and high == p.high) if op == "between" else (
                            op in (None, "==") and p.value <= low <= p.high)
                    elif op == "between" and p.op == "between":
                        ok = same_value(p, low, unit, p.variable, p.value, p.unit, units, lexicon.analytes) and \
                             same_value(p, high, unit, p.variable, p.high, p.unit, units, lexicon.analytes)
                    elif op in (None, "==", p.op) and p.op != "between":  # no sign in the gold's span: any operator
                        ok = same_value(p, low, unit, p.variable, p.value, p.unit, units, lexicon.analytes)
                    else:
                        ok = False
                    if ok:
                        match = g
                        break
                if match is None and any(_restates(p, g, units, lexicon.analytes) for g in matched_groups):
                    # "ALT/AST > 3 x ULN", "Transaminases > 3 x ULN": one gold pair for a group the library reads
                    # as one threshold per analyte; the second reading restates the first, neither hit nor miss
                    group_restatements += 1
                    continue
                if match:
                    tp += 1
                    tp_in_review += p.in_review
                    tp_lost += match["lost_sign"]
                    open_gold.remove(match)
                    if "@liver_enzymes" in match["variable"] or len(match["variable"]) > 1:
                        matched_groups.append(match)
                    by_variable[p.variable]["tp"] += 1
                    if p.op == "in":  # "ECOG 0, 1 or 2" may be annotated value by value: the set holds them all
                        for g in [g for g in open_gold if variable_matches(g["variable"], p.variable) and g["parsed"][0] in (None, "==")
                                  and p.value <= g["parsed"][1] <= p.high]:
                            open_gold.remove(g)
                            gold_in_sets += 1
                else:
                    fp += 1
                    fp_in_review += p.in_review
                    fp_on_annotated += bool(gold_by_line.get(index))
                    by_variable[p.variable]["fp"] += 1
                    if len(false_positives) < args.show:
                        false_positives.append({"line": line.strip()[:140], "predicted": [p.variable, p.op, p.value, p.high, p.unit],
                                                "gold_on_line": [(g["variable_text"], g["value_text"]) for g in gold_by_line.get(index, [])]})
            for g in open_gold:
                fn += 1
                fn_lost += g["lost_sign"]
                by_variable[min(g["variable"])]["fn"] += 1
                if len(misses) < args.show:
                    misses.append({"line": line.strip()[:140], "gold": [g["variable_text"], g["value_text"]], "gold_parsed": g["parsed"]})
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = (tp + gold_in_sets) / (tp + gold_in_sets + fn) if tp + fn else 0.0  # gold values found, one set may hold several
    print(json.dumps({
        "corpus": args.corpus, "files": len(files), "gold_numeric_pairs": gold_total, "gold_variables_outside_lexicon": unmapped,
        "gold_values_after_lost_sign": lost_signs,
        "predictions": tp + fp, "true_positives": tp, "false_positives": fp, "false_negatives": fn,
        "precision": round(precision, 4), "recall": round(recall, 4),
        # the gold marks values on some lines only: precision over the lines where it marks any
        "precision_on_annotated_lines": round(tp / max(1, tp + fp_on_annotated), 4),
        "recall_without_lost_signs": round((tp + gold_in_sets - tp_lost) / max(1, tp + gold_in_sets - tp_lost + fn - fn_lost), 4),
        # thresholds read inside a criterion left for review (hints, never evaluated), and the score
        # of the evaluated rules alone
        "predictions_in_review": tp_in_review + fp_in_review, "true_positives_in_review": tp_in_review,
        "precision_of_rules": round((tp - tp_in_review) / max(1, tp + fp - tp_in_review - fp_in_review), 4),
        "recall_of_rules": round((tp - tp_in_review + gold_in_sets) / max(1, tp + gold_in_sets + fn), 4),
        "gold_values_inside_a_matched_set": gold_in_sets, "predictions_restating_a_group_gold": group_restatements,
        "seconds": round(time.perf_counter() - start, 1),
        "top_variables": {k: dict(v) for k, v in sorted(by_variable.items(), key=lambda kv: -sum(kv[1].values()))[:15]},
        "false_positive_examples": false_positives, "miss_examples": misses,
    }, indent=1, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
