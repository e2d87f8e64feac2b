"""Passes over the tagged lexemes of a criterion that remove what carries nothing and make connectives
what they mean, each in turn, before the grammar reads them (normalised); the passes over
measurements are in normalise_measures."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from .lexicon import Lexeme, formula_names, formula_word, get_lexicon
from .normalise_dipstick import dipstick_grades
from .normalise_alcohol import alcohol_amounts
from .normalise_examples import examples_before_a_period
from .normalise_ever import ever_said_last
from .normalise_waits import wait_after_its_list
from .normalise_doses import amount_a_day, dose_in_equivalents
from .normalise_genotypes import genotypes_as_qualifiers
from .normalise_markers import marker_signs_spelled
from .normalise_stages import stages_as_qualifiers
from .normalise_pack_years import pack_years_named
from .normalise_smoking import cigarettes_named
from .normalise_measures import (
    COMPARATOR_OPENINGS,
    DURATION_WORDS,
    GROUP_WORDS,
    NUMBER_START,
    SEX_WORDS,
    SIGNS,
    alternative_bound_bracketed,
    analyte_named_twice,
    condition_before_its_bound,
    corrected_calcium_named,
    measure_of_condition,
    snellen_as_decimal,
    temperature_in_both_scales,
    named_after_amount,
    pairs_joined,
    words_matched,
    negative_infection,
    ratio_named_in_parts,
    same_analyte_restated,
    score_classes_as_points,
    sex_before_bound,
    sex_after_bound,
    sex_bound_bracketed,
    sign_before_scale,
    transaminases_named,
    unit_abbreviated_again,
    usual_bound_named_for_the_rest,
    without_complement_condition,
)
from .resources import data_json

PERSON_WORDS = frozenset("patient patients subject subjects participant participants individual individuals volunteer volunteers "
                         "person persons people candidate candidates".split())




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


def formulas_as_one_word(lexemes: list, text: str) -> list:
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


def without_authorities(lexemes: list, text: str) -> list:
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


# "(Restasis®)", "(Precedex®)", "(DSM-IV-TR™ criteria)": a brand's name beside what it sells, a few words
_BRAND_BRACKET = re.compile(r"\((?![^()]*\b(?:e\.?\s?g|i\.?\s?e|such as|including|except)\b)[^()\d<>=≤≥]{1,40}[®™][^()\d<>=≤≥]{0,20}\)", re.I)


def without_brand_names(lexemes: list, text: str) -> list:
    """"Use of dexmedetomidine HCl (Precedex®) within 3 days": the brand in a bracket restates the drug
    before it; read, it is a second name the grammar takes for a definition."""
    if "®" not in text and "™" not in text:
        return lexemes
    spans = [m.span() for m in _BRAND_BRACKET.finditer(text) if m.start() > 0 and text[:m.start()].strip()]
    if not spans:
        return lexemes
    return [lexeme for lexeme in lexemes if not any(start <= lexeme.start and lexeme.end <= end for start, end in spans)] or lexemes


def without_restated_acronyms(lexemes: list, text: str) -> list:
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


def without_expansions(tokens: list, text: str) -> list:
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
    capitals = acronym[:1].isupper() and (sum(letter.isupper() for letter in acronym) >= 2 or len(acronym) == 2)

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
        # "electrocardiogram (ECG)", "gastrointestinal (GI)": capitals taken from inside one word
        inside = (remaining,) if (capitals and remaining == letters and lexeme.g in (word, f"@lab:{word}") and remaining[0] == word[0]
                                  and not word.startswith(remaining) and _spells_inside(remaining, word)) else ()
        for spelled in dict.fromkeys((initials, word[0], *inside)):
            if remaining.endswith(spelled):
                rest = spell(position - 1, remaining[: len(remaining) - len(spelled)])
                if rest is not None:
                    return rest + 1
        if lexeme.g in _LINK_WORDS and len(remaining) < len(letters):
            rest = spell(position - 1, remaining)
            return None if rest is None else rest + 1
        return None

    return spell(len(before) - 1, letters) or 0


def _spells_inside(letters: str, word: str) -> bool:
    """Whether the letters are in the word in order, one word's letters read as its acronym."""
    rest = iter(word)
    return all(letter in rest for letter in letters)


def normalised(lexemes: list) -> list:
    """The tagged lexemes with marks and phrases that carry nothing removed, and connectives made what
    they mean, each pass in turn."""
    for step in (_unclosed_brackets_closed, _inclusive_abbreviated, _suspended_prefixes, _grade_said_twice, _finding_shared_by_a_grade, _bound_for_a_condition, _pressure_named_by_its_phase, _months_of_age, _without_any_grade, _without_stray_marks, unit_abbreviated_again, _without_visit_labels, marker_signs_spelled, genotypes_as_qualifiers, stages_as_qualifiers, dipstick_grades, _without_method_notes, _without_grading_source, _without_even_if, _exception_said_plainly, examples_before_a_period, wait_after_its_list, _defined_by_the_following, _without_test_showing,
                 _bounds_around_a_name, _share_of_the_total, transaminases_named, corrected_calcium_named, ratio_named_in_parts, _stable_dose_of_a_drug, amount_a_day, dose_in_equivalents, _dose_unbracketed, _dose_words_around_a_drug, _introducer_said_again,
                 sign_before_scale, _better_or_worse,
                 named_after_amount, pack_years_named, cigarettes_named,
                 _modifier_comma_dropped, _status_commas_dropped, _comma_before_a_requirement, _denied_now_and_before, ever_said_last, _not_pregnant_joined, _confirmation_methods_joined, _evidence_run_joined, _who_performance_status, _both_diabetes_types, analyte_named_twice, same_analyte_restated, score_classes_as_points, measure_of_condition, snellen_as_decimal, temperature_in_both_scales, alcohol_amounts,
                 negative_infection, without_complement_condition, usual_bound_named_for_the_rest, condition_before_its_bound, alternative_bound_bracketed,
                 sex_bound_bracketed, sex_before_bound, sex_after_bound, _age_of_the_people_named,
                 _without_unopened_closers, _groups_joined_by_or,
                 _spaced_dash_as_colon, _without_everyone, _without_regardless, _kinds_or_other, _care_setting_named, _persons_either_way, _sexes_bracketed_after_persons, _without_either_way, _treated_either_way, _of_any_kind, _nursing_restated, _compound_periods, _objects_of_against, _without_either_before_bounds, _but_before_a_bound, _without_completed,
                 _first_diagnosed, _duration_named, _exposure_participle, _trial_of_a_drug, _vaccination_with_a_vaccine, _formulated_with, _class_before_its_scale, _unit_after_open_bound, _measured_either_way, _normal_as_a_limit, _limit_without_article, _minimum_before_the_name,
                 _age_after_a_finding, _without_citations, _age_limit_named, _age_plus, _allergy_after_its_drug, _count_or_more, _outside_a_range, _relative_after_a_bound, _age_range_named_twice, _age_named_in_range,
                 _inclusive_signs_in_range, _untreated_as_none_prior, _marrow_share_bracketed, _donations_listed):
        lexemes = step(lexemes)
    return lexemes


def _inclusive_abbreviated(lexemes: list) -> list:
    """"Age 18 to 55 years (incl.)": the range's "(inclusive)"."""
    if not any(lexeme.g == "incl" for lexeme in lexemes):
        return lexemes
    for index in range(len(lexemes) - 3):
        if [lexeme.g for lexeme in lexemes[index:index + 4]] == ["(", "incl", ".", ")"]:
            inclusive = replace(lexemes[index + 1], g="inclusive", end=lexemes[index + 2].end)
            return lexemes[:index + 1] + [inclusive] + lexemes[index + 3:]
    return lexemes


# the first part of a therapy's name said alone before the list's last ("chemo-, hormone-, immuno-, or radiotherapies")
_SUSPENDED_THERAPIES = {"chemo": "@proc:chemotherapy", "radio": "@proc:radiotherapy", "immuno": "@drug:immunotherapy",
                        "hormone": "@drug:hormonal_therapy", "hormonal": "@drug:hormonal_therapy", "bio": "@drug:biologic"}


def _suspended_prefixes(lexemes: list) -> list:
    """"Previous chemo-, hormone-, immuno-, or radiotherapies": each prefix the therapy the last names in
    full; read apart, "hormone-" and "immuno-" are words of their own and the list falls apart."""
    words = [lexeme.g for lexeme in lexemes]
    if "-" not in words:
        return lexemes
    out, index = [], 0
    while index < len(lexemes):
        following = words[index + 2] if index + 2 < len(words) else ""
        named = words[index] if words[index].startswith("@") else _SUSPENDED_THERAPIES.get(words[index])
        if (named and named.split(":", 1)[0] in ("@proc", "@drug") and index + 1 < len(words) and words[index + 1] == "-"
                and following in (",", "or", "and", "and/or", "/")
                and any(w.startswith(("@proc:", "@drug:")) for w in words[index + 2:index + 12])):
            out.append(replace(lexemes[index], g=named, term=named.split(":", 1)[1]))
            index += 2
            continue
        out.append(lexemes[index])
        index += 1
    return out


_GRADE_VALUE = re.compile(r"[0-5]|i{1,3}|iv|v")


_PRESSURE_PHASES = {"systolic": "sbp", "diastolic": "dbp"}
_MEASURED_HOW = frozenset({"consecutive", "measurements", "readings", "average", "mean", "repeated", "occasions"})


def _pressure_named_by_its_phase(lexemes: list) -> list:
    """"(systolic > 150 mmHg and/or diastolic > 100 mmHg)": the blood pressure named by its phase alone,
    when a bound in mmHg follows; not "systolic dysfunction"."""
    words = [lexeme.g for lexeme in lexemes]
    if not _PRESSURE_PHASES.keys() & set(words) or not any(w in ("mmhg", "hg") for w in words):
        return lexemes
    # "2 consecutive measurements of sitting BP of systolic > 180 mmHg": how it is measured is said of what follows
    said_how = next((index for index, word in enumerate(words) if word in _MEASURED_HOW), len(words))
    out = list(lexemes)
    for index, word in enumerate(words[:said_how]):
        if word in _PRESSURE_PHASES and index + 2 < len(words) and words[index + 1] in SIGNS and NUMBER_START.match(words[index + 2]):
            if any(w in ("mmhg", "hg") for w in words[index + 2:index + 9]):
                variable = _PRESSURE_PHASES[word]
                out[index] = replace(lexemes[index], g=f"@lab:{variable}", term=variable)
    return out


def _months_of_age(lexemes: list) -> list:
    """"Age < 1m", "aged 6m to 24m": a number of months, the only "m" an age is counted in."""
    words = [lexeme.g for lexeme in lexemes]
    if "m" not in words or "@lab:age" not in words[:words.index("m")]:
        return lexemes
    measured = [w for w in words if w.startswith("@lab:") and w != "@lab:age"]
    if measured:  # "age ... height 1.5 m": another measure may be in metres
        return lexemes
    return [replace(lexeme, g="months") if lexeme.g == "m" and index and NUMBER_START.match(words[index - 1]) else lexeme
            for index, lexeme in enumerate(lexemes)]


def _bound_for_a_condition(lexemes: list) -> list:
    """"Total bilirubin ≤ 1.5 x ULN (≤ 3 x ULN for Gilbert's syndrome)": a bound "for" a condition is the
    bound of the patients with it, as "if Gilbert's syndrome" says; read otherwise the line went to review."""
    words = [lexeme.g for lexeme in lexemes]
    if "for" not in words:
        return lexemes
    for index in range(2, len(words) - 1):
        if (words[index] == "for" and words[index + 1].startswith("@cond:") and words[index - 1] in ("uln", "lln")
                and "(" in words[:index] and words[index + 2:index + 3] == [")"]):
            return [*lexemes[:index], replace(lexemes[index], g="if"), *lexemes[index + 1:]]
    return lexemes


def _grade_said_twice(lexemes: list) -> list:
    """"Grade 3 or Grade 4 proteinuria": the grades of one finding, as "Grade 3 or 4 proteinuria" says;
    read apart, "Grade 3" names nothing."""
    words = [lexeme.g for lexeme in lexemes]
    if words.count("grade") < 2:
        return lexemes
    for index in range(len(words) - 3):
        if (words[index] == "grade" and _GRADE_VALUE.fullmatch(words[index + 1]) and words[index + 2] in ("or", "and/or", "/", "-", "to")
                and words[index + 3] == "grade" and index + 4 < len(words) and _GRADE_VALUE.fullmatch(words[index + 4])):
            return _grade_said_twice(lexemes[:index + 3] + lexemes[index + 4:])
    return lexemes


def _finding_shared_by_a_grade(lexemes: list) -> list:
    """"Neuropathy grade 3-4, or grade 2 with pain": the later grade is of the finding the first names."""
    words = [lexeme.g for lexeme in lexemes]
    if words.count("grade") < 2:
        return lexemes
    for index in range(2, len(words) - 2):
        if not (words[index] == "grade" and _GRADE_VALUE.fullmatch(words[index + 1]) and words[index - 1] == "or"):
            continue
        after = index + 2
        if after < len(words) and words[after].startswith("@"):
            continue  # "or grade 2 neuropathy": named again
        named = next((k for k in range(index - 2, max(-1, index - 9), -1) if words[k].startswith("@cond:")), None)
        if named is None or "grade" not in words[named + 1:index - 1] or any(w.startswith("@") for w in words[named + 1:index]):
            continue
        again = Lexeme(lexemes[named].g, lexemes[after - 1].end, lexemes[after - 1].end, lexemes[named].term)
        return [*lexemes[:after], again, *lexemes[after:]]
    return lexemes


def _without_any_grade(lexemes: list) -> list:
    """"Pleural or pericardial effusion of any grade", "(any grade)": present at all, as the finding alone says."""
    words = [lexeme.g for lexeme in lexemes]
    if "any" not in words:
        return lexemes
    for index in range(len(words) - 1):
        if words[index:index + 2] == ["any", "grade"] and index and words[index - 1] == "of":
            return lexemes[:index - 1] + lexemes[index + 2:]
        if words[index:index + 2] == ["any", "grade"] and index and words[index - 1] == "(" and words[index + 2:index + 3] == [")"]:
            return lexemes[:index - 1] + lexemes[index + 3:]
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
                and not NUMBER_START.match(following)):
            continue
        if lexeme.g in ("*", "**", "***") and kept and kept[-1].g[-1:].isdigit() and following in ("", ",", ";", ".", ")", "and", "or", "*", "**"):
            continue  # "Platelets <50,000*": a footnote's mark after a number that nothing multiplies
        if lexeme.g in (":", ",") and kept and kept[-1].g in ("or", "and", "and/or"):  # "ULN or: CrCl", "X-Ray or, Ferritin"
            continue
        if lexeme.g in ("*", "•", "·") and (not kept or kept[-1].g in (":", ",", ";")) and (following[:1].isalpha() or following[:1] == "@"):
            continue  # "adequate liver function: *total bilirubin ..., *albumin ...": a list's marks inside the line
        if lexeme.g == "=" and following in ("<", "<=", ">", ">="):  # "ALT = ≤ 2.5 x ULN": a sign said twice
            continue
        if lexeme.g == "(" and following == ")" and kept and (kept[-1].g in SIGNS or kept[-1].g in ("to", "than")):
            skip_closing = True  # "less than or equal to ()93 percent": a sign lost from its brackets, said in words before
            continue
        if lexeme.g == "or" and following == "=" and kept and kept[-1].g in ("<=", ">="):  # "Age ≥ or = 18": said twice
            skip_equals = True
            continue
        if lexeme.g == "=" and skip_equals:
            skip_equals = False
            continue
        if (lexeme.g in ("s", "es") and kept and kept[-1].g == "(" and following == ")" and len(kept) > 1
                and kept[-2].end == kept[-1].start):  # "lesion(s)": a plural marker
            kept.pop()
            skip_closing = True
            continue
        if lexeme.g == ")" and skip_closing:
            skip_closing = False
            continue
        if (lexeme.g == "(" and kept and (kept[-1].g in SIGNS and following in SIGNS or kept[-1].g in ("than", "to") and following in SIGNS
                                           or kept[-1].g == "percent" and following in ("%", "percent"))
                and index + 2 < len(lexemes) and lexemes[index + 2].g == ")"):
            # "less than or equal to (</=) 1", "less than (<)88 percent (%)": the sign or the unit said twice
            skip_closing = True
            skip_sign = True
            continue
        if skip_sign and (lexeme.g in SIGNS or lexeme.g in ("%", "percent")):
            skip_sign = False
            continue
        if (lexeme.g == "." and kept and kept[-1].g in _ABBREVIATED_UNITS and len(kept) > 1 and NUMBER_START.match(kept[-2].g)
                and following in ("and", "or", "to", ",", "of")):
            continue  # "TBUT > 5 sec. and < 10 sec.", "< 18 yrs. of age": the abbreviation's point, not the sentence's end
        if (lexeme.g == "least" and kept and kept[-1].g == "at" and following in (">=", ">")
                or lexeme.g == "most" and kept and kept[-1].g == "at" and following in ("<=", "<")):
            kept.pop()  # "At least ≥ 18 years": the sign says it again
            continue
        if lexeme.g == "&" and following in SIGNS:  # "≥ 18 years & ≤ 65 years of age"
            lexeme = replace(lexeme, g="and")
        if lexeme.g == "among" and NUMBER_START.match(following):  # "who is among 20 to 80 years of age"
            lexeme = replace(lexeme, g="between")
        kept.append(lexeme)
    return kept


_ABBREVIATED_UNITS = frozenset("sec secs min mins hr hrs wk wks mo mos yr yrs approx".split())


_EITHER_WAY_ENDS = frozenset(", ; ( ) . and or and/or for within at in since prior before after during on from to if unless except "
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


_PERIOD_PARTS = {("weeks", "days"): 7, ("week", "days"): 7, ("weeks", "day"): 7, ("wks", "days"): 7, ("years", "months"): 12,
                 ("year", "months"): 12, ("years", "month"): 12, ("yrs", "months"): 12}


def _compound_periods(lexemes: list) -> list:
    """"40 weeks and 6 days", "17 years 11 months": one period, in its smaller unit; read apart, the second
    number would be lost or taken for another bound."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(len(words) - 3):
        skip = 1 if index + 4 < len(words) and words[index + 2] in ("and", "+") else 0
        big, small = words[index + 1], words[index + 3 + skip] if index + 3 + skip < len(words) else ""
        if ((big, small) in _PERIOD_PARTS and words[index].isdigit() and words[index + 2 + skip].isdigit()
                and lexemes[index + 2 + skip].start - lexemes[index + 1].end <= 5):
            total = int(words[index]) * _PERIOD_PARTS[big, small] + int(words[index + 2 + skip])
            number = Lexeme(str(total), lexemes[index].start, lexemes[index + 2 + skip].end)
            return _compound_periods(lexemes[:index] + [number, lexemes[index + 3 + skip]] + lexemes[index + 4 + skip:])
    return lexemes


_AGENT_WORDS = frozenset("inhibitor inhibitors antagonist antagonists agonist agonists blocker blockers antibody antibodies "
                         "modulator modulators".split())
# one name apiece: the list ends where its last name does ("... against HPV or planned administration" goes on)
_AFTER_OBJECTS = frozenset({".", ";", ":", "(", ")", "within", "in", "during", "for", "at", "prior", "before", "since", "therapy",
                            "therapies", "treatment", "agents", "agent", "drugs", "antibodies", "inhibitors"})


def _objects_of_against(lexemes: list) -> list:
    """"Agents directed against EGFR and/or HER2", "interferon against HBV/HCV", "an agent targeting EGFR or
    HER2", "inhibitors of MEK or BRAF": what follows "against" is what the agent targets, one name; read as a
    list, its last item would be a finding of the patient's (HER2, HCV, BRAF)."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(len(words) - 3):
        if words[index + 2] not in _LIST_JOINS or not (
                words[index] in ("against", "targeting") or words[index] in ("of", "to") and index and words[index - 1] in _AGENT_WORDS):
            continue
        end = index + 1
        while end + 2 < len(words) and words[end + 1] in _LIST_JOINS and words[end + 2] not in _LIST_JOINS and (
                words[end + 2].startswith("@") or re.fullmatch(r"[a-z][a-z0-9-]*", words[end + 2])) and (
                end + 3 == len(words) or words[end + 3] in _LIST_JOINS or words[end + 3] in _AFTER_OBJECTS):
            end += 2
        if end == index + 1:
            continue
        name = "/".join(w.split(":", 1)[-1] if w.startswith("@") else w for w in words[index + 1:end + 1:2])
        joined = Lexeme(name, lexemes[index + 1].start, lexemes[end].end)
        return _objects_of_against(lexemes[:index + 1] + [joined] + lexemes[end + 1:])
    return lexemes


_NURSING_WORDS = frozenset({"nursing", "lactating", "breastfeeding", "breast-feeding", "feeding", "lactation"})


def _nursing_restated(lexemes: list) -> list:
    """"Pregnant or nursing (lactating) women": the same state in other words."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(1, len(words) - 2):
        if words[index] == "(" and words[index - 1] in _NURSING_WORDS and words[index + 2] == ")" and words[index + 1] in _NURSING_WORDS:
            return lexemes[:index] + lexemes[index + 3:]
    return lexemes


_EITHER_TREATED = (["treated", "or", "untreated"], ["untreated", "or", "treated"], ["treated", "or", "not"])


def _treated_either_way(lexemes: list) -> list:
    """"History of malignancy, treated or untreated, within the past 5 years": either way, which asks nothing,
    set off by commas or brackets."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(1, len(words) - 3):
        if words[index:index + 3] in _EITHER_TREATED and words[index - 1] in (",", "(") and (
                index + 3 == len(words) or words[index + 3] in (",", ")", ";", ".")):
            # the bracket's closer goes with its opener, the second comma with the first
            closer = index + 3 < len(words) and (words[index + 3] == ")" or words[index - 1] == "," and words[index + 3] == ",")
            return lexemes[:index - 1] + lexemes[index + 3 + closer:]
    return lexemes


_ANY_KIND = (["of", "any", "type"], ["of", "any", "types"], ["of", "any", "kind"], ["of", "any", "kinds"], ["of", "any", "sort"],
             ["of", "any", "form"], ["of", "any", "organ", "system"], ["of", "any", "organ"], ["of", "any", "site"], ["of", "any", "origin"])


def _of_any_kind(lexemes: list) -> list:
    """"History of malignancy of any type within 5 years": every kind of a condition is the condition."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(1, len(words) - 2):
        if words[index] == "of" and words[index - 1].startswith("@cond:"):
            for phrase in _ANY_KIND:
                if words[index:index + len(phrase)] == phrase:
                    return _of_any_kind(lexemes[:index] + lexemes[index + len(phrase):])
    return lexemes


# not "independent of transfusion", which asks for a value without it
def _kinds_or_other(lexemes: list) -> list:
    """"Active bacterial, viral, fungal, or other infection": kinds listed and then any other is any kind,
    the term itself ("active infection")."""
    words = [lexeme.g for lexeme in lexemes]
    if "other" not in words:
        return lexemes
    for index in range(2, len(words) - 1):
        if words[index] != "other" or not words[index + 1].startswith("@cond:") or words[index - 1] not in ("or", "and/or"):
            continue
        start = index - 1 - (words[index - 2] == ",")
        kinds = 0
        while start >= 1 and words[start - 1].isalpha() and words[start - 1] not in _KIND_LIST_STOPS:
            kinds += 1
            if start >= 2 and words[start - 2] == ",":
                start -= 2
            else:
                start -= 1
                break
        if kinds >= 2:
            return lexemes[:start] + lexemes[index + 1:]
    return lexemes


_KIND_LIST_STOPS = frozenset("active current known severe serious uncontrolled chronic acute history of no any the a an with or and".split())


_REGARDLESS = frozenset({"regardless", "irrespective"})
_REGARDLESS_ENDS = frozenset(", ; ( ) . : and and/or for within during since before after prior who which that if unless except but "
                             "with without".split())


def _without_regardless(lexemes: list) -> list:
    """"Participants over 18 years of age, regardless of race or gender", "ALT ≤ 5 x ULN regardless of
    liver metastases": what the requirement does not depend on asks nothing; up to the next mark."""
    words = [lexeme.g for lexeme in lexemes]
    if not _REGARDLESS.intersection(words):
        return lexemes
    for index in range(len(words) - 2):
        if words[index] in _REGARDLESS and words[index + 1] == "of":
            # up to the next mark or clause; "or" joins what it does not depend on ("race or gender") unless
            # a name or a number follows ("... or leukopenia with WBC < 4500/mm^3")
            end = next((k for k in range(index + 2, len(words)) if words[k] in _REGARDLESS_ENDS
                        or words[k] == "or" and k + 1 < len(words) and (words[k + 1][:1] in "@<>=" or words[k + 1][:1].isdigit())),
                       len(words))
            start = index - (index > 0 and words[index - 1] == ",")
            if start == 0:
                return lexemes  # "Regardless of age, ...": an opening, which the rest may explain
            closing = end < len(words) and words[end] == ")" and "(" in words[:start] and words[start - 1] == "("
            if closing:  # "(regardless of sexes)": the whole bracket
                return lexemes[:start - 1] + _without_regardless(lexemes[end + 1:])
            return lexemes[:start] + _without_regardless(lexemes[end:])
    return lexemes


_BOUND_WORDS = frozenset({*SIGNS, "less", "greater", "more", "lower", "higher", "above", "below", "under", "over"})


def _without_either_before_bounds(lexemes: list) -> list:
    """"Seated systolic blood pressure either < 100 mm Hg or > 150 mm Hg", "ECOG of either 0 or 1", "either
    partial or total gastrectomy": the alternatives "or" already joins, a bound or a single word each;
    "either" adds nothing. Not after "and", where it groups ("sirolimus and either cyclosporine or
    tacrolimus"), nor before longer alternatives, whose reach it marks."""
    words = [lexeme.g for lexeme in lexemes] + [""] * 5
    return [lexeme for index, lexeme in enumerate(lexemes)
            if not (words[index] == "either" and (words[index + 1] in _BOUND_WORDS and "or" in words[index + 2:]
                                                  or _one_word_each(words, index + 1) and words[index - 1] not in ("and", "&", "with", "plus")
                                                  # "4 courses of either cisplatin or carboplatin": the reach of "of" is the
                                                  # phrase's, which "either" marks; a score's values are plain
                                                  and (words[index - 1] != "of" or words[index + 1][:1].isdigit())))]


def _one_word_each(words: list[str], start: int) -> bool:
    """"0 or 1", "partial or total", "an IRB or IEC": one word (after an article) before "or" and after it."""
    first = start + (words[start] in ("a", "an", "the"))
    # "either platinum or paclitaxel that is unable to be desensitized": a clause after both, which "either" fences
    return (words[first + 1] == "or" and words[first] not in _EITHER_AS_ANY and bool(words[first + 2]) and words[first + 2] not in (",", ";", ".", "(")
            and words[first + 3] not in _CLAUSE_OPENERS)


_CLAUSE_OPENERS = frozenset({"that", "which", "who", "whose", "where", "requiring", "unable", "not", "if", "unless", "when"})


# "either eye", "either of the following": "either" as "any one", which the words after it need
_EITHER_AS_ANY = frozenset({"eye", "eyes", "side", "sides", "sex", "sexes", "gender", "genders", "arm", "arms", "leg", "legs", "breast", "ear",
                            "kidney", "lung", "hand", "foot", "of", "one", "parent", "group", "study", "trial", "part", "cohort", "", ":", ","})


_LIMIT_WORDS = frozenset({"uln", "iuln", "lln", "iulnr", "ulnr", "institutional", "upper", "lower", "normal"})
# words, not signs: "ALT < institutional normal" means the upper limit, "Hemoglobin below normal" the lower
_BELOW = frozenset({"below", "under", "lower", "less"})
_ABOVE = frozenset({">", ">=", "above", "over", "higher", "greater", "exceeding", "exceeds"})
_RANGE_WORDS = frozenset({"range", "limits", "values", "value", "levels", "level"})


def _normal_as_a_limit(lexemes: list) -> list:
    """"Hemoglobin below normal", "TSH above the normal range": the limit of normal on the side the bound
    faces, the lower one below; "normal" alone would read as the upper limit."""
    words = [lexeme.g for lexeme in lexemes] + [""]
    for index, word in enumerate(words[:-1]):
        if word != "normal" or words[index + 1] in ("limit", "limits") and index + 2 < len(words) and words[index + 2] == "of":
            continue
        before = index - 1
        while before >= 0 and words[before] in ("the", "institutional", "laboratory", "local", "than"):
            before -= 1
        ranged = words[index + 1] in _RANGE_WORDS
        side = ("lln" if before >= 0 and (words[before] in _BELOW or ranged and words[before] in ("<", "<="))
                else "uln" if before >= 0 and words[before] in _ABOVE and ranged else None)  # "above normal" is the upper limit already
        if side is None:
            continue
        end = index + 1 + ranged
        limit = replace(lexemes[index], g=side, end=lexemes[end - 1].end)
        return lexemes[:index] + [limit] + _normal_as_a_limit(lexemes[end:])
    return lexemes




def _limit_without_article(lexemes: list) -> list:
    """"Serum creatinine =< the IULN", "within the institutional normal limits": the article before a
    limit of normal, which the grammar reads without it."""
    return _without_word_between(lexemes, ("the",), lambda g: g in SIGNS or g in ("within", "than"), _LIMIT_WORDS.__contains__)


def _minimum_before_the_name(lexemes: list) -> list:
    """"Minimum weight of 50 kg", "a minimum PSA of > 2 ng/ml": the bound said before the value it
    bounds, read as "weight >= 50 kg" ("of" stands for the sign, or goes before one). Not "maximum",
    which is part of some names ("maximum urinary flow rate")."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(len(words) - 3):
        if words[index] != "minimum" or not words[index + 1].startswith("@lab:") or words[index + 2] != "of":
            continue
        start = index - 1 if index > 0 and words[index - 1] == "a" else index
        bound = [] if words[index + 3] in SIGNS else [replace(lexemes[index + 2], g=">=")]
        return lexemes[:start] + [lexemes[index + 1]] + bound + _minimum_before_the_name(lexemes[index + 3:])
    return lexemes


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
    for index in range(len(words) - 2):
        if not words[index].startswith(("@cond:", "@drug:", "@proc:")):
            continue
        # "Patients with asthma aged 18 years or older", "... who are aged 18 to 65": the age, named
        named = next((length for length in (3, 1) if words[index + 1:index + 1 + length] in (["who", "are", "@lab:age"], ["@lab:age"])), 0)
        if named:
            joined = Lexeme("and", lexemes[index + 1].start, lexemes[index + 1].start)
            return lexemes[:index + 1] + [joined] + lexemes[index + named:]
        # "... >= 40 years of age", "... 18 years or older": an age by its words
        sign = 1 if words[index + 1] in SIGNS else 0
        if not (NUMBER_START.match(words[index + 1 + sign] if index + 1 + sign < len(words) else "")
                and index + 2 + sign < len(words) and words[index + 2 + sign] in _YEAR_WORDS):
            continue
        after = words[index + 3 + sign:index + 5 + sign]
        if (after[:1] == ["old"] or after in (["of", "@lab:age"], ["of", "age"])
                or not sign and after in (["or", "older"], ["and", "older"])):
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


_RELATIVE_VERBS = frozenset("are is have has had will would need needs meet meets remain remains also must can cannot could should were was "
                            "do does did receive received require requires fulfill fulfil fulfills fulfils present live reside agree "
                            "undergo underwent plan intend wish want".split())
_BOUND_ENDINGS = frozenset({"years", "year", "age", "old", "older", "younger", "months", "greater", "higher", "more", "above", "over",
                            "less", "lower", "below", "under"})


def _relative_after_a_bound(lexemes: list) -> list:
    """"Adult patients > 18 years who need a CF-LVAD", "BMI of 35 kg/m2 or greater who will be undergoing
    bariatric surgery": a relative clause after a bound is a requirement of its own, as after a comma."""
    if not any(lexeme.g == "who" for lexeme in lexemes):
        return lexemes
    for index in range(2, len(lexemes) - 1):
        # "grade 3 or greater WHO astrocytic tumors": the organisation, which no verb follows
        if lexemes[index].g != "who" or lexemes[index - 1].g not in _BOUND_ENDINGS or lexemes[index + 1].g not in _RELATIVE_VERBS:
            continue
        if not any(lexeme.g[:1].isdigit() for lexeme in lexemes[max(0, index - 6):index]):
            continue
        comma = Lexeme(",", lexemes[index - 1].end, lexemes[index - 1].end)
        return lexemes[:index] + [comma] + _relative_after_a_bound(lexemes[index:])
    return lexemes


_OUTSIDE_RANGE = re.compile(r"outside (?:of )?(?:the )?(?:range|limits|interval) (?:of )?(?:from )?(?=\d\S* (?:-|to) \d)")


def _outside_a_range(lexemes: list) -> list:
    """"Systolic blood pressure outside the range of 100-160 mmHg": below the first bound or above the
    second, as "< 100 or > 160 mmHg" says it."""
    if not any(lexeme.g == "outside" for lexeme in lexemes):
        return lexemes
    matched = words_matched(lexemes, _OUTSIDE_RANGE)
    if matched is None:
        return lexemes
    _, first, low = matched
    outside = lexemes[first]
    return (lexemes[:first] + [Lexeme("<", outside.start, outside.end), lexemes[low], Lexeme("or", lexemes[low + 1].start, lexemes[low + 1].end),
                                Lexeme(">", lexemes[low + 1].start, lexemes[low + 1].end)] + _outside_a_range(lexemes[low + 2:]))


_COUNT_BOUNDS = {"more": ("at", "least"), "greater": ("at", "least"), "fewer": ("at", "most"), "less": ("at", "most")}
# what "N or more" may count without being a count of things: a grade, a class, a stage, a scale's points
_NOT_COUNTED_AFTER = frozenset({"grade", "grades", "class", "stage", "score", "level", "type", "nyha", "ecog", "tier", "category", "of"})
_NOT_COUNTED = frozenset({"times", "x", "of", "than", "years", "year", "months", "month", "weeks", "week", "days", "day", "hours", "hour",
                          "minutes", "min", "cycles", "cm", "mm", "kg", "mg", "g", "ml", "%", "percent", "points", "point", "ulns"})


def _count_or_more(lexemes: list) -> list:
    """"5 or more swollen joints", "2 or fewer prior regimens": a count of things, as "at least 5 swollen
    joints" says it. Not a grade, a class or a score ("Grade 2 or more neuropathy"), nor an amount in a
    unit or a period ("3 or more days")."""
    words = [lexeme.g for lexeme in lexemes]
    if "or" not in words:
        return lexemes
    for index in range(len(words) - 3):
        if (words[index + 1] != "or" or words[index + 2] not in _COUNT_BOUNDS or not words[index].isdigit()
                or (index and (words[index - 1] in _NOT_COUNTED_AFTER or words[index - 1].startswith("@lab:") or words[index - 1] in SIGNS))):
            continue
        following = words[index + 3]
        if following in _NOT_COUNTED or not (following[:1].isalpha() or following.startswith(("@cond:", "@drug:", "@proc:"))) \
                or following.startswith("@lab:"):
            continue
        number, bound = lexemes[index], lexemes[index + 2]
        first, second = _COUNT_BOUNDS[bound.g]
        said = [Lexeme(first, number.start, number.start), Lexeme(second, number.start, number.start), number]
        return lexemes[:index] + said + _count_or_more(lexemes[index + 3:])
    return lexemes


_AGE_NAMED = ("of", "@lab:age")


_AGE_LIMIT_SIGN = {"minimum": ">=", "min": ">=", "lower": ">=", "maximum": "<=", "max": "<=", "upper": "<="}


_ALLERGY_NOUNS = frozenset({"allergy", "allergies", "hypersensitivity", "hypersensitivities"})
_LIST_JOINS = frozenset({"or", "and", "and/or", ",", "/"})


def _allergy_after_its_drug(lexemes: list) -> list:
    """"Penicillin allergy", "Known penicillin or sulfa allergy": the allergy to the drugs named before it,
    which read apart is a free finding no record holds."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(1, len(words)):
        if words[index] not in _ALLERGY_NOUNS or not words[index - 1].startswith("@drug:"):
            continue
        start = index - 1
        while start >= 2 and words[start - 1] in _LIST_JOINS and words[start - 2].startswith("@drug:"):
            start -= 2
        noun = lexemes[index]
        to = Lexeme("to", noun.start, noun.end)
        return lexemes[:start] + [replace(noun, g="allergy"), to] + lexemes[start:index] + _allergy_after_its_drug(lexemes[index + 1:])
    return lexemes


def _age_limit_named(lexemes: list) -> list:
    """The registry's "Minimum Age: 18 Years", "Maximum Age: 70", "Age limit: 18-65": the bound the label names."""
    words = [lexeme.g for lexeme in lexemes]
    if "@lab:age" not in words[:3]:
        return lexemes
    at = words.index("@lab:age")
    if at == 1 and words[0] in _AGE_LIMIT_SIGN and words[2:3] == [":"] and len(words) > 3 and NUMBER_START.match(words[3]):
        sign = lexemes[2]
        return [lexemes[1], Lexeme(_AGE_LIMIT_SIGN[words[0]], sign.start, sign.end)] + lexemes[3:]
    if at == 0 and words[1:3] in (["limit", ":"], ["limits", ":"], ["range", ":"]):
        return [lexemes[0]] + lexemes[2:]
    return lexemes


def _age_plus(lexemes: list) -> list:
    """"Age 18+", "18+ years of age": that age or older. Only an age: "proteinuria ≥ 2+" is a grade."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(1, len(words)):
        if words[index] != "+" or not NUMBER_START.match(words[index - 1]):
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
        if words[index] not in _YEAR_WORDS or not NUMBER_START.match(words[index - 1]):
            continue
        named = 2 if words[index + 1:index + 3] == list(_AGE_NAMED) else 1 if words[index + 1] == "old" else 0
        after = index + 1 + named
        joiner, high, unit = (words[after:after + 3] + ["", "", ""])[:3]
        if named and joiner in ("to", "-", "and", "through") and NUMBER_START.match(high) and unit in _YEAR_WORDS:
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
            if after < len(words) and (NUMBER_START.match(words[after]) or words[after] == ">="):
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
        if not (words[index].startswith("@drug:") and words[index + 1] == "(" and words[index + 2] in COMPARATOR_OPENINGS
                and (index == 0 or words[index - 1] in _BEFORE_A_DRUG)):
            continue
        close = next((k for k in range(index + 3, min(index + 10, len(words))) if words[k] in ("(", ")")), None)
        inside = words[index + 3:close] if close is not None and words[close] == ")" else []
        number = next((i for i, w in enumerate(inside) if NUMBER_START.match(w)), None)
        if number is not None and number <= 3 and "/" in inside[number:] and inside[-1] in ("day", "d", "daily"):
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
                             "over", "up", "exceeding", "maximum", "minimum", "max", "min"}) | SIGNS
_BOUND_OPENINGS_OF_TWO = frozenset({"at least", "at most", "no more", "no less", "no greater", "not more", "not less", "not greater",
                                    "not exceeding", "no higher", "not higher", "no lower", "not lower"})
_COUNT_WORDS = frozenset({"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"})


def _without_completed(lexemes: list) -> list:
    """"less than 37 completed weeks", "for more than 14 consecutive days": whole weeks, unbroken days,
    as any count of them is; the word would stand between the number and its unit."""
    return _without_word_between(lexemes, ("completed", "complete", "full", "consecutive"), lambda g: g[:1].isdigit(),
                                 DURATION_WORDS.__contains__)


def _better_or_worse(lexemes: list) -> list:
    """"ECOG performance status 2 or better", "Karnofsky 70 or better", "NYHA class II or worse": a bound
    whose direction is the score's better end (analytes.json "better")."""
    words = [lexeme.g for lexeme in lexemes]
    if "better" not in words and "worse" not in words:
        return lexemes
    analytes = get_lexicon().analytes
    for index in range(1, len(words)):
        if words[index] not in ("better", "worse") or words[index - 1] not in ("or", "and"):
            continue
        scale = next((w[5:] for w in reversed(words[max(0, index - 8):index]) if w.startswith("@lab:")), None)
        better = analytes[scale].better if scale in analytes else ""
        if not better:
            continue
        if index >= 4 and words[index - 3] == "-" and NUMBER_START.match(words[index - 2]) and words[index] == "better":
            # "ECOG 0-1 or better": the range holds the better end already
            return lexemes[:index - 1] + lexemes[index + 1:]
        lower = (words[index] == "better") == (better == "lower")
        lexemes = lexemes[:index] + [replace(lexemes[index], g="less" if lower else "more")] + lexemes[index + 1:]
        words[index] = lexemes[index].g
    return lexemes


_EXPOSED_PARTICIPLES = ("received", "administered", "taken", "given", "used")
_WINDOW_OPENINGS = frozenset({"within", "during", "in", "since", "<", "<=", "less", "for"})


def _exposure_participle(lexemes: list) -> list:
    """"Other investigational therapy received within 30 days": what was taken, and when; the participle
    between them says again that it was taken, and would join the name of an unknown finding."""
    return _without_word_between(lexemes, _EXPOSED_PARTICIPLES, lambda g: g.startswith(("@drug:", "@proc:")),
                                 _WINDOW_OPENINGS.__contains__)


def _trial_of_a_drug(lexemes: list) -> list:
    """"Participation in another clinical trial involving an investigational agent": the trial and what it
    gives, joined as "with" joins them."""
    words = [lexeme.g for lexeme in lexemes] + [""]

    def gives_a_drug(at: int) -> bool:  # "an investigational agent", "any @drug": a known drug, after at most a determiner
        return words[at].startswith("@drug:") or words[at] in ("a", "an", "any", "another", "other") and words[at + 1].startswith("@drug:")

    return [replace(lexeme, g="with") if lexeme.g in _TRIAL_GIVING and 0 < index < len(lexemes) - 1
            and words[index - 1] == "@proc:clinical_trial_participation" and gives_a_drug(index + 1)
            else lexeme for index, lexeme in enumerate(lexemes)]


_TRIAL_GIVING = frozenset({"involving", "using", "testing", "evaluating", "investigating", "of"})


_CARRIERS = frozenset({"drug", "drugs", "medication", "medications", "agent", "agents", "product", "products", "compound", "compounds"})


def _formulated_with(lexemes: list) -> list:
    """"Hypersensitivity to docetaxel or other drugs formulated with polysorbate 80", "compounds containing
    boron or mannitol": what the carriers contain is what the patient reacts to, named as such."""
    words = [lexeme.g for lexeme in lexemes] + ["", ""]
    for index in range(1, len(lexemes) - 1):
        joined = 2 if words[index] == "formulated" and words[index + 1] in ("with", "in") else 1 if words[index] == "containing" else 0
        if not joined or words[index - 1] not in _CARRIERS or not words[index + joined].startswith("@drug:"):
            continue
        start = index - 1 - (words[index - 2] == "other" if index > 1 else 0)
        return lexemes[:start] + _formulated_with(lexemes[index + joined:])
    return lexemes


_CLASS_VALUE = re.compile(r"(?:i{1,3}|iv|v|[1-5]|-|or|to|and|,|/|through)$")


def _class_before_its_scale(lexemes: list) -> list:
    """"Class II-IV New York Heart Association (NYHA) heart failure": the classes said before the scale
    they are of, read as "NYHA II-IV heart failure"."""
    words = [lexeme.g for lexeme in lexemes]
    analytes = get_lexicon().analytes
    for index, word in enumerate(words):
        if word != "class":
            continue
        end = index + 1
        while end < len(words) and _CLASS_VALUE.match(words[end]):
            end += 1
        scale = words[end] if end < len(words) else ""
        analyte = analytes.get(scale[5:]) if scale.startswith("@lab:") else None
        if end == index + 1 or analyte is None or analyte.kind != "score":
            continue
        named = replace(lexemes[index], g=scale, term=lexemes[end].term)
        return lexemes[:index] + [named] + lexemes[index + 1:end] + lexemes[end + 1:]
    return lexemes


def _vaccination_with_a_vaccine(lexemes: list) -> list:
    """"Immunization with attenuated live vaccines", "vaccinated with live, attenuated vaccines": the
    vaccine given, which "with" would join to any vaccination as a second requirement."""
    words = [lexeme.g for lexeme in lexemes] + [""] * 5
    lexicon = get_lexicon()
    for index in range(len(lexemes) - 2):
        if words[index] not in ("@drug:vaccine", "vaccinated") or words[index + 1] != "with":
            continue
        given = index + 2 + (words[index + 2] in ("a", "an", "any", "the"))
        if words[given].startswith("@drug:") and "vaccine" in lexicon.ancestors(words[given][6:]):
            return lexemes[:index] + _vaccination_with_a_vaccine(lexemes[given:])
    return lexemes


_DURATION_BOUNDS = COMPARATOR_OPENINGS | {"up", "longer", "shorter", "minimum", "maximum"}


def _duration_named(lexemes: list) -> list:
    """"Diabetes duration > 12 years", "Duration of diabetes of at least 1 year": how long the disease has
    lasted, said as "diabetes for > 12 years"."""
    words = [lexeme.g for lexeme in lexemes] + [""] * 5

    def bound_follows(at: int) -> bool:  # "> 12 years", "of at least 1 year", "more than 6 months"
        at += words[at] == "of"
        return (words[at] in _DURATION_BOUNDS or NUMBER_START.match(words[at]) is not None) and any(
            w in DURATION_WORDS for w in words[at:at + 5])

    for index, word in enumerate(words[:len(lexemes)]):
        if word.startswith("@cond:") and words[index + 1] == "duration" and bound_follows(index + 2):
            skip = 2 + (words[index + 2] == "of")
            said = replace(lexemes[index + 1], g="for")
            return lexemes[:index + 1] + [said] + lexemes[index + skip:]
        if word == "duration" and words[index + 1] == "of" and words[index + 2].startswith("@cond:") and bound_follows(index + 3):
            named = lexemes[index + 2]
            said = replace(named, g="for", start=named.end)
            skip = 3 + (words[index + 3] == "of")
            return lexemes[:index] + [replace(named, start=lexemes[index].start), said] + lexemes[index + skip:]
    return lexemes


def _first_diagnosed(lexemes: list) -> list:
    """"Asthma first diagnosed at least 6 months prior to Visit 1": a disease is diagnosed first, or not
    at all; the word would join the name of an unknown finding."""
    return _diagnosis_dated(_without_word_between(lexemes, ("first", "initially", "originally"), lambda g: g.startswith("@cond:"),
                                                  lambda g: g == "diagnosed"))


_LONGER_BOUND = frozenset({"at least", ">=", ">", "more than", "over", "greater than", "longer than", "a minimum of", "minimum"})


def _diagnosis_dated(lexemes: list) -> list:
    """"Diagnosed with type 2 diabetes at least 3 months before screening", "Clinical diagnosis of UC at
    least 3 months before screening": the disease, diagnosed that long ago, as "Type 2 diabetes diagnosed at
    least 3 months before screening" says it; read as a wait since the disease, a patient without it would
    meet it and one who has had it for years would not."""
    words = [lexeme.g for lexeme in lexemes]
    if "diagnosed" not in words and "diagnosis" not in words:
        return lexemes
    for index in range(len(words) - 6):
        if words[index] not in ("diagnosed", "diagnosis") or words[index + 1] not in ("with", "of") or not words[index + 2].startswith("@cond:"):
            continue
        bound = next((length for length in (3, 2, 1) if " ".join(words[index + 3:index + 3 + length]) in _LONGER_BOUND), None)
        if bound is None:
            continue
        after = index + 3 + bound
        if not (words[after][:1].isdigit() and words[after + 1:after + 2] and words[after + 1] in DURATION_WORDS
                and words[after + 2:after + 3] and words[after + 2] in ("prior", "before", "ago")):
            continue
        disease = replace(lexemes[index + 2], start=lexemes[index].start)
        diagnosed = Lexeme("diagnosed", lexemes[index + 2].end, lexemes[index + 2].end)
        return lexemes[:index] + [disease, diagnosed] + lexemes[index + 3:]
    return lexemes


_OPEN_BOUND_WORDS = frozenset({"more", "over", "older", "above", "greater", "higher", "longer", "less", "fewer", "younger", "under",
                               "below", "shorter"})


def _unit_after_open_bound(lexemes: list) -> list:
    """"18 or more years of age", "for 2 or more weeks", "treated 5 or more years ago": the unit of time
    written after the bound it belongs before ("18 years or more"). The words move, the spans stay, so
    the four still cover the text they came from, in order."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(len(words) - 3):
        if (words[index][:1].isdigit() and words[index + 1] in ("or", "and") and words[index + 2] in _OPEN_BOUND_WORDS
                and words[index + 3] in DURATION_WORDS):
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
        # "BMI ≥ 20 but ≤ 40 kg/m2": a measure's bare number, its unit said once after the second
        measured = before[:1].isdigit() and index >= 3 and words[index - 2] in SIGNS and words[index - 3].startswith("@lab:")
        if before in SIGNS or before[:1].isdigit() and not measured or before in _COUNT_WORDS or not any(
                w in _BOUND_OPENINGS or f"{w} {words[k + 1]}" in _BOUND_OPENINGS_OF_TWO for k, w in enumerate(words[:index])):
            return False  # "18 years of age, but < 76 years" lost its first sign
        number = next((k for k in range(index + 1, min(index + 6, len(words))) if words[k][:1].isdigit()), None)
        return number is None or words[number + 1] not in DURATION_WORDS or of_age

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


# the patients named by where they are cared for
_CARE_PERSONS = frozenset({"inpatient", "inpatients", "outpatient", "outpatients"})
_EITHER_PERSON = PERSON_WORDS | _CARE_PERSONS


_CARE_SETTINGS = frozenset("admission admissions stay stays hospitalization hospitalisation hospitalizations clinic clinics setting "
                           "settings treatment treatments care visit visits procedure procedures surgery unit units basis".split())


def _care_setting_named(lexemes: list) -> list:
    """"Inpatient admission greater than 14 days", "outpatient clinic": the setting of care, not the patient
    ("Outpatients aged ≥ 18" are the patients), one word."""
    words = [lexeme.g for lexeme in lexemes]
    if "inpatient" not in words and "outpatient" not in words:
        return lexemes
    return pairs_joined(lexemes, lambda first, second, _: f"{first.g}-{second.g}"
                        if first.g in ("inpatient", "outpatient") and second.g in _CARE_SETTINGS else None)


def _persons_either_way(lexemes: list) -> list:
    """"Inpatients or outpatients ≥ 18 years of age", "Patients or volunteers aged 18 or older": the
    people named two ways at the opening are the patients; read as alternatives, the first would be
    an item of its own."""
    words = [lexeme.g for lexeme in lexemes[:4]]
    if len(words) == 4 and words[0] in _EITHER_PERSON and words[1] in ("or", "and", "and/or", "/") and words[2] in _EITHER_PERSON:
        return [Lexeme("patients", lexemes[0].start, lexemes[2].end)] + lexemes[3:]
    return lexemes


def _sexes_bracketed_after_persons(lexemes: list) -> list:
    """"Patients (male or female) aged ≥ 18 years", "Subjects (men/women)": the sexes named in brackets
    after the people, read as the "Patients male or female" the grammar knows."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(1, len(words)):
        if words[index] != "(" or words[index - 1] not in _BRACKETED_SEXES_AFTER or ")" not in words[index:]:
            continue
        closing = words.index(")", index)
        inside = words[index + 1:closing]
        if SEX_WORDS.intersection(inside) and all(w in SEX_WORDS or w in _SEX_LIST_JOINERS for w in inside):
            return lexemes[:index] + lexemes[index + 1:closing] + lexemes[closing + 1:]
    return lexemes


_BRACKETED_SEXES_AFTER = PERSON_WORDS | (_CARE_PERSONS - {"inpatient", "outpatient"}) | {"adults", "adult"}
_SEX_LIST_JOINERS = frozenset({"or", "and", "/", "and/or", ","})


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


_DOSE_BEFORE = re.compile(r"(?:(?:(?:concomitant|current|chronic|regular) )?(?:use|dose|doses|dosage|daily dose|treatment|therapy|intake) (?:of|with)"
                          r"|(?:(?:currently|presently) )?(?:receiving|taking|requiring|on)) $")
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
    if before and before.start() > 0 and not (words[index - dropped_before - 1] in (",", ";", ":", "who", "are", "is")
                                              or words[index - dropped_before - 1] in _PEOPLE):
        dropped_before = 0  # only where the words open the criterion or a clause, or follow whom it is of
    return lexemes[:index - dropped_before] + [lexemes[index]] + lexemes[index + 1 + dropped_after:]


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
        if (inner and (inner[0] in SIGNS or NUMBER_START.match(inner[0]) or inner[0] in COMPARATOR_OPENINGS or inner[0] == "@lab:age")
                and _AGE_WORDS & set(inner) and any(NUMBER_START.match(w) for w in inner)
                # a sign, a range or "or older" says how: "(age 18 years)" lost its sign
                and {*SIGNS, *COMPARATOR_OPENINGS, "-", "to", "or"} & set(inner)):
            return lexemes[:after] + lexemes[after + 1:closing] + lexemes[closing + 1:]
    return lexemes


def _spaced_dash_as_colon(lexemes: list) -> list:
    """"Adequate liver function - serum bilirubin < 1.5 x ULN": a spaced dash after words, before an
    analyte, sets a label off as a colon would ("non-HDL" and "AST - ALT" keep theirs)."""
    out = list(lexemes)
    for index in range(1, len(out) - 1):
        before, dash, after = out[index - 1], out[index], out[index + 1]
        # "Performance status - Karnofsky 70-100%": the generic name ("performance status" reads as ECOG) before the scale
        generic = before.g == "@lab:ecog" and after.g in ("@lab:karnofsky", "@lab:lansky")
        if (dash.g == "-" and after.g.startswith("@lab:") and (before.g[:1].isalpha() or before.g.startswith("@cond:") or generic)
                and before.end < dash.start and dash.end < after.start):
            out[index] = replace(dash, g=":")
    return out




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
        if lexeme.g == "and" and out and index + 2 < len(lexemes) and lexemes[index + 1].g in GROUP_WORDS:
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
            named = words[index + 1:closing] if closing > 0 else []
            if (named and named[0] in _VISIT_NAMES and named[1:] in ([], ["visit"], ["period"])
                    and (re.fullmatch(r"v\d+", words[index - 1]) or index > 1 and words[index - 2] == "visit"
                         and re.fullmatch(r"-?\d+[a-z]?", words[index - 1]))):
                index = closing + 1  # "at Visit 1 (Screening)": the visit's name adds nothing to its label
                continue
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


_CALCULATION_BRACKET = re.compile(r"(?:as )?(?:(?:calculated|estimated|measured|determined|assessed) )?(?:using|by|per|via|with|according to) "
                                  r"(?:the )?(?:[a-z'-]+ ){1,5}(?:method|formula|equation|calculation)"
                                  # "HbA1c (according to IFCC)", "(DCCT-aligned)": the standard its value is reported to
                                  r"|(?:accordingly|according) to (?:the )?(?:ifcc|dcct|ngsp|jscc)(?: standard)?|(?:ifcc|dcct|ngsp)(?: -)? aligned")


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
                    and not any(w[:1].isdigit() or w in SIGNS or w.startswith("@lab:") for w in inner)):
                index = closing + 1
                continue
            if words[index - 1].startswith("@lab:") and _CALCULATION_BRACKET.fullmatch(" ".join(inner)):
                index = closing + 1  # "Creatinine clearance (using Cockcroft-Gault method) < 30 mL/min": how it is had, as usual
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


_GRADING_SOURCE = re.compile(
    r"(?:^| )(?:, )?(?:per|according to|by|using|as per|as defined by|defined by|based on) (?:the )?(?:nci )?(?:- )?(?:ctcae|ctc)"
    r"(?: ,)?(?: (?:version|v) ?\d+(?:\.\d+)?(?: \.\d+)?| v\d+(?: \.\d+)?)?(?= [,;.)]| (?:and|or)\b|$)")


def _without_grading_source(lexemes: list) -> list:
    """"Peripheral neuropathy of grade ≥ 3 per the NCI CTCAE, v4.0": which grading the grade is read on,
    the usual one, says nothing more."""
    words = [lexeme.g for lexeme in lexemes]
    if "ctcae" not in words and "ctc" not in words:
        return lexemes
    text = " ".join(words)
    found = _GRADING_SOURCE.search(text)
    if not found:
        return lexemes
    start = found.start() + (text[found.start()] == " ")
    first = len(text[:start].split())
    last = first + len(text[start:found.end()].split())
    if not any(word == "grade" or word == "grades" for word in words[:first]) or first and words[first - 1] == "(":
        return lexemes  # "(per CTCAE version 4.03)" is a bracket the grade's reading drops already
    return lexemes[:first] + lexemes[last:]


_EXCEPTION_WORDINGS = (("with", "the", "exception", "of"), ("with", "exception", "of"), ("with", "the", "exceptions", "of"))


def _exception_said_plainly(lexemes: list) -> list:
    """"Radiation therapy within 4 weeks (with the exception of palliative radiotherapy)": "except", not
    a "with" that joins a finding named "exception"."""
    words = [lexeme.g for lexeme in lexemes]
    if "exception" not in words and "exceptions" not in words:
        return lexemes
    for index in range(len(words)):
        for wording in _EXCEPTION_WORDINGS:
            if tuple(words[index:index + len(wording)]) == wording:
                said = replace(lexemes[index], g="except", end=lexemes[index + len(wording) - 1].end)
                return _exception_said_plainly(lexemes[:index] + [said] + lexemes[index + len(wording):])
    return lexemes


_DEFINED_BY_THE_FOLLOWING = re.compile(
    r"(?:^|(?<= ))(?:, )?(?:as )?(?:defined|evidenced|shown|indicated|determined|demonstrated|assessed|measured|documented|confirmed)"
    r" (?:by|as) (?:all )?(?:of )?the following(?: (?:laboratory|lab|clinical|screening))?(?: (?:criteria|parameters|values|tests|results|requirements))?"
    r"(?: \( [^()]{1,40} \))? :(?= \S)")


def _defined_by_the_following(lexemes: list) -> list:
    """"Adequate hematologic function as defined by the following: WBC > 3,000/µL; ...": the label and
    its definition, as "Adequate hematologic function: WBC > 3,000/µL; ..." says them; not a header
    whose items follow on lines of their own."""
    words = [lexeme.g for lexeme in lexemes]
    if "following" not in words:
        return lexemes
    joined = " ".join(words)
    said = _DEFINED_BY_THE_FOLLOWING.search(joined)
    if said is None or said.start() == 0:
        return lexemes
    first = len(joined[:said.start()].split())
    last = first + len(said.group(0).split())
    return lexemes[:first] + [lexemes[last - 1]] + lexemes[last:]


_EVEN_WORDS = frozenset({"if", "when", "though", "in"})


def _without_even_if(lexemes: list) -> list:
    """"Known brain metastases, even if treated", "Severe cardiac arrhythmia (even if treated)": a case
    the criterion says it covers as well, which narrows nothing; only where the clause ends the criterion
    or its bracket, not "Male patients, even if surgically sterilized, agree to ...", which goes on."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(1, len(words) - 1):
        if words[index] != "even" or words[index + 1] not in _EVEN_WORDS or words[index - 1] in ("or", "and", "and/or"):
            continue
        if words[index - 1] == "(":
            closing = next((j for j in range(index, len(words)) if words[j] in ("(", ")")), None)
            if closing is None or words[closing] != ")":
                return lexemes
            return lexemes[:index - 1] + lexemes[closing + 1:]
        rest = words[index:-1] if words[-1] == "." else words[index:]
        if ";" in rest or "." in rest or "," in rest or rest.count("(") != rest.count(")"):
            return lexemes
        return lexemes[:index - (words[index - 1] == ",")]
    return lexemes


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
        if number is None or any(w in SIGNS or w.startswith("@") for w in words[number + 1:sign]):
            return lexemes
        flipped = replace(lexemes[sign], g=_FLIPPED[words[sign]])
        joined = replace(lexemes[middle + 1], g="and", end=lexemes[middle + 1].start)
        return (lexemes[:number] + [lexemes[middle], flipped] + lexemes[number:sign] + [joined]
                + lexemes[middle + 1:])
    return lexemes


_TESTS_SHOWING = frozenset({"ecg", "ecgs", "ekg", "electrocardiogram", "electrocardiograms"})
_TEST_MODIFIERS = frozenset({"a", "an", "standard", "resting", "12", "-", "lead", "screening", "baseline",
                             "the", "subject", "patient", "participant", "'s", "'", "s"})  # "The subject's screening ECG shows"
_SHOWING_VERBS = frozenset({"demonstrating", "showing", "with", "shows", "demonstrates", "reveals", "revealing", "indicating"})


def _without_test_showing(lexemes: list) -> list:
    """"A standard 12-lead ECG demonstrating QTc > 450 msec", "The subject's screening ECG shows a QTcF
    of ...": the test that shows the value, said before it."""
    words = [lexeme.g for lexeme in lexemes]
    for index in range(1, len(words) - 1):
        article = index + 2 < len(words) and words[index + 1] in ("a", "an")
        if (words[index] in _SHOWING_VERBS and words[index + 1 + article].startswith("@lab:")
                and (words[index - 1] in _TESTS_SHOWING or words[index - 1] == ")" and words[index - 2] in _TESTS_SHOWING)):
            start = index - 1
            if words[start] == ")" and start >= 3 and words[start - 2] == "(" and words[start - 3] in _TESTS_SHOWING:
                start -= 3  # "A 12-lead electrocardiograms (ECG) demonstrating QTcF > 450 msec"
            while start > 0 and words[start - 1] in _TEST_MODIFIERS:
                start -= 1
            if start > 0 and words[start - 1] == "normal":
                return lexemes  # "Normal ECG with QTc ≤ 450 msec": a normal tracing besides the value
            return lexemes[:start] + lexemes[index + 1 + article:]
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


# a bracket of examples may end anywhere after them: "(including radiotherapy, ..., or investigational
# therapy for cancer at least 2 weeks prior to study therapy" also says when the main must have ended
_EXAMPLES_OPENING = frozenset({"including", "e.g", "e.g.", "eg", "example", "examples", "such", "see"})


def _unclosed_brackets_closed(lexemes: list) -> list:
    """"Severe heart failure (EF < 40%, or NYHA class III or IV": a bracket the criterion never closes
    ends with it; not one of examples, nor one a semicolon or another sentence follows, whose end the
    criterion does not show."""
    opened = []
    for index, lexeme in enumerate(lexemes):
        if lexeme.g == "(":
            opened.append(index)
        elif lexeme.g == ")" and opened:
            opened.pop()
    if not opened:
        return lexemes
    after = [lexeme.g for lexeme in lexemes[opened[0] + 1:]]
    if ";" in after or "." in after[:-1] or not after or after[0] in _EXAMPLES_OPENING or after[:2] == ["for", "example"]:
        return lexemes
    end = len(lexemes)
    while end > 0 and lexemes[end - 1].g in (".", ";", ",", ":"):
        end -= 1
    closing = [replace(lexemes[end - 1], g=")", start=lexemes[end - 1].end)] * len(opened)
    return lexemes[:end] + closing + lexemes[end:]


_POSITIVE_FOR = frozenset({"positive", "infected", "seropositive"})
_SEX_JOINERS = frozenset({"and", "or", "/", "and/or", ","})
_AGE_OPENINGS = frozenset({"over", "under", "aged", "age", "ages", "@lab:age", "between", "from", "older", "younger", ">=", ">", "<=", "<",
                           "at", "of"})


def condition_named_as_persons(lexemes: list) -> list | None:
    """"HIV-positive patients over 18 years", "Type 1 diabetes mellitus patients": a condition said of the
    persons, read as the condition (then what follows). Not "HIV-negative patients", who are without it."""
    sexes = 0  # "Male and female COPD patients aged ≥ 40 years": the sexes first, then the persons with it
    while sexes < len(lexemes) and (lexemes[sexes].g in SEX_WORDS or sexes and lexemes[sexes].g in _SEX_JOINERS):
        sexes += 1
    if sexes and lexemes[sexes - 1].g in _SEX_JOINERS:
        return None
    if sexes:
        named = condition_named_as_persons(lexemes[sexes:])
        if named is None:
            return None
        person = next(lexeme for lexeme in lexemes[sexes + 1:] if lexeme.g in PERSON_WORDS)
        return [*lexemes[:sexes], person, Lexeme("with", person.start, person.end), *named]
    if lexemes and lexemes[0].g in _EVIDENTIAL and len(lexemes) > 2:  # "Known HIV-positive patients"
        named = condition_named_as_persons(lexemes[1:])
        return [lexemes[0], *named] if named is not None else None
    if (lexemes and lexemes[0].g == "adult" and len(lexemes) > 2 and lexemes[1].g.startswith("@proc:")
            and any(lexeme.g[:1].isdigit() for lexeme in lexemes)):
        lexemes = lexemes[1:]  # "Adult kidney transplant recipients > 18 years": the age says what "adult" does
    if not lexemes or not lexemes[0].g.startswith(("@cond:", "@proc:")):
        return None
    i = 1
    if i < len(lexemes) and lexemes[i].g == "-":
        i += 1
    if i < len(lexemes) and lexemes[i].g in _POSITIVE_FOR:
        i += 1
    # "Kidney transplant recipients aged ≥ 18": those who had the procedure
    persons = PERSON_WORDS if lexemes[0].g.startswith("@cond:") else _RECIPIENTS
    if i >= len(lexemes) or lexemes[i].g not in persons:
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




_RECIPIENTS = frozenset({"recipients", "recipient"})


_OPENING_MODIFIERS = frozenset("active current ongoing known suspected chronic severe serious significant uncontrolled untreated "
                                "symptomatic documented confirmed".split())
# how a finding is known, never an alternative to a state: "Active, known or suspected autoimmune disease"
_EVIDENTIAL = frozenset("known suspected documented confirmed".split())
_CHAINED_MODIFIERS = _OPENING_MODIFIERS | frozenset("concurrent unstable recurrent persistent progressive clinically".split())


def _both_diabetes_types(lexemes: list) -> list:
    """"Type 1 or type 2 diabetes mellitus", "Type I or II diabetes": the first type shares the disease
    the second names; read alone, "Type 1" names nothing."""
    words = [lexeme.g for lexeme in lexemes] + ["", "", "", ""]
    for index in range(len(lexemes) - 2):
        if words[index] != "type" or words[index + 1] not in ("1", "i") or words[index + 2] not in ("or", "and", "and/or", "/", ","):
            continue
        # "Type I or uncontrolled Type II diabetes": the second's qualifiers are its own
        qualified, qualifiers = index + 3, get_lexicon().phrases["qualifiers"]
        while qualified < index + 5 and (words[qualified] in qualifiers or " ".join(words[qualified:qualified + 2]) in qualifiers):
            qualified += 1 if words[qualified] in qualifiers else 2
        second = qualified + (words[qualified] == "type")
        if words[second] == "@cond:type2_diabetes":
            end = second + 1
        elif words[second] in ("2", "ii") and words[second + 1] == "@cond:diabetes":
            end = second + 2
        else:
            continue
        first = Lexeme("@cond:type1_diabetes", lexemes[index].start, lexemes[index + 1].end, "type1_diabetes")
        other = Lexeme("@cond:type2_diabetes", lexemes[second].start, lexemes[end - 1].end, "type2_diabetes")
        either = Lexeme("or", lexemes[index + 2].start, lexemes[index + 2].end)  # "Type I and Type II diabetes": either
        return [*lexemes[:index], first, either, *lexemes[index + 3:qualified], other, *lexemes[end:]]
    return lexemes


# "History of, or current, pancreatitis", "Has, or history of, brain metastases": the statuses the
# commas set apart are one alternative, as "History of or current pancreatitis" is
_STATUS_WORDS = frozenset({"history", "of", "current", "currently", "concurrent", "a", "active", "existing", "clinical", "evidence",
                           "has", "have", "had", "prior", "previous", "known", "suspected", "presence", "documented", "signs"})


def _status_commas_dropped(lexemes: list) -> list:
    words = [lexeme.g for lexeme in lexemes]
    if len(words) < 6 or words[0] not in _STATUS_WORDS:
        return lexemes
    first = next((k for k, w in enumerate(words) if w not in _STATUS_WORDS), len(words))
    if first == 0 or first > 3 or words[first:first + 2] != [",", "or"]:
        return lexemes
    second = next((k for k in range(first + 2, len(words)) if words[k] not in _STATUS_WORDS), len(words))
    if second == first + 2 or second > first + 6 or second >= len(words) - 1 or words[second] != ",":
        return lexemes
    return lexemes[:first] + lexemes[first + 1:second] + lexemes[second + 1:]


_NOT_PREGNANT_PAIR = re.compile(r"(?:non (?:- )?)?(?:non)?pregnant , (?:non (?:- )?)?(?:non)?(?:lactating|breastfeeding|nursing)(?= |$)")


def _not_pregnant_joined(lexemes: list) -> list:
    """"Non pregnant, non lactating female subjects aged ...": at the opening, the comma between the two
    states of one woman is "and"; as a list's comma it would part the first state from her."""
    words = [lexeme.g for lexeme in lexemes[:8]]
    if not _NOT_PREGNANT_PAIR.match(" ".join(words)):
        return lexemes
    comma = words.index(",")
    return lexemes[:comma] + [replace(lexemes[comma], g="and")] + lexemes[comma + 1:]


# how a diagnosis was made: a detail of the diagnosis, which a record of the disease stands for
_CONFIRMING_METHOD = re.compile(r"(?:histo(?:patho)?|cyto|patho|radio|microbio)log(?:ic(?:al)?(?:ly)?|y)|radiographic(?:al)?(?:ly)?|clinically|biopsy")
_CONFIRMED = frozenset({"confirmed", "proven", "proved", "documented", "diagnosed", "verified", "-proven", "- proven"})
_CONFIRMATION_NOUNS = frozenset({"diagnosis", "confirmation", "evidence", "documentation"})
_METHOD_LINKS = frozenset({"or", "and", "and/or", "/", "-", ","})


def _confirmation_methods_joined(lexemes: list) -> list:
    """"Histologically or cytologically confirmed, stage IV NSCLC", "Histologically/cytologically confirmed",
    "Histologically- or cytologically confirmed", "Histologic or cytologic diagnosis of NSCLC": the methods by
    which the diagnosis was made are one, "histologically confirmed" (or "histological confirmation of");
    read as they are, the "or" between the methods parts the line."""
    words = [lexeme.g for lexeme in lexemes]
    if not any(_CONFIRMING_METHOD.fullmatch(w) for w in words):
        return lexemes
    for start, word in enumerate(words):
        if not _CONFIRMING_METHOD.fullmatch(word):
            continue
        end, methods = start + 1, 1
        while end < len(words) and (words[end] in _METHOD_LINKS or _CONFIRMING_METHOD.fullmatch(words[end])):
            methods += bool(_CONFIRMING_METHOD.fullmatch(words[end]))
            end += 1
        if end >= len(words) or not _CONFIRMING_METHOD.fullmatch(words[end - 1]):
            continue
        if methods < 2 and not (words[end] in _CONFIRMED and words[end + 1:end + 2] == [","]):
            continue  # one method is a presence phrase as it is, but for a comma after it ("Histologically confirmed, stage IV")
        if words[end] in _CONFIRMED:
            said, after = "histologically confirmed", end + 1 + (words[end + 1:end + 2] == [","])
        elif words[end] in _CONFIRMATION_NOUNS and words[end + 1:end + 2] == ["of"]:
            said, after = "histological confirmation of", end + 2
        else:
            continue
        return [*lexemes[:start], Lexeme(said, lexemes[start].start, lexemes[after - 1].end), *lexemes[after:]]
    return lexemes


_EVIDENTIAL_NOUNS = frozenset({"history", "diagnosis", "signs", "sign", "symptoms", "symptom", "evidence", "presence"})


def _evidence_run_joined(lexemes: list) -> list:
    """"History, diagnosis, signs or symptoms of X": past or present, as "History or symptoms of X" says;
    the nouns between the first and the last are dropped."""
    words = [lexeme.g for lexeme in lexemes]
    if len(words) < 6 or words[0] not in _EVIDENTIAL_NOUNS:
        return lexemes
    index, nouns = 0, 1
    while True:
        link = index + 1
        link += words[link:link + 1] == [","] and words[link + 1:link + 2] in (["or"], ["and"], ["and/or"])
        if link + 1 < len(words) and words[link] in (",", "or", "and", "and/or") and words[link + 1] in _EVIDENTIAL_NOUNS:
            index, nouns = link + 1, nouns + 1
            continue
        break
    if nouns < 3 or words[index + 1:index + 2] != ["of"]:
        return lexemes
    joined = replace(lexemes[index], g="or", end=lexemes[index].start)
    return lexemes[:1] + [joined] + lexemes[index:]


_SCORE_VALUE = re.compile(r"[0-4]$")


def _who_performance_status(lexemes: list) -> list:
    """"WHO 0-1", "WHO ≤ 2": the WHO performance status, the ECOG scale under another name; only
    where a value of the scale follows ("patients who ..." is no score)."""
    words = [lexeme.g for lexeme in lexemes] + ["", "", ""]
    if "who" not in words:
        return lexemes
    for index, word in enumerate(words[:-3]):
        at = index + 1 + (words[index + 1] == "ps")
        at += words[at] in SIGNS - {"="}
        if word == "who" and _SCORE_VALUE.match(words[at]) and (index == 0 or words[index - 1] in (":", ",", "or", "and", "(", "status")):
            named = replace(lexemes[index], g="@lab:ecog", term="ecog")
            return lexemes[:index] + [named] + lexemes[index + 1:]
    return lexemes


_PERSON_LEAD = frozenset({"patients", "patient", "subjects", "subject", "participants", "participant", "with", "who", "have", "has", "having"})


_NOW_WORDS = frozenset({"current", "active", "present", "ongoing"})
_BEFORE_WORDS = frozenset({"past", "prior", "previous", "history"})


def _denied_now_and_before(lexemes: list) -> list:
    """"... and no current or past clinical evidence of decompensated liver disease": none now or before, which
    is none ever ("no history of"); read as "no current" or a past one, the denial was lost on the second."""
    words = [lexeme.g for lexeme in lexemes] + ["", "", "", "", ""]
    for index, word in enumerate(words[:len(lexemes)]):
        pair = {words[index + 1], words[index + 3]}
        if word == "no" and words[index + 2] == "or" and pair & _NOW_WORDS and pair & _BEFORE_WORDS and len(pair) == 2:
            said_history = words[index + 4:index + 6] == ["history", "of"]
            first, last = lexemes[index + 1], lexemes[index + 3]
            restated = [] if said_history else [Lexeme("history", first.start, first.end), Lexeme("of", last.start, last.end)]
            return [*lexemes[:index + 1], *restated, *lexemes[index + 4:]]
    return lexemes


def _comma_before_a_requirement(lexemes: list) -> list:
    """"Active infection, requiring antibiotics": what the finding requires narrows it; after a comma, read as
    an item of a list, the drug would be an alternative to the finding."""
    return [lexeme for index, lexeme in enumerate(lexemes)
            if not (lexeme.g == "," and 0 < index < len(lexemes) - 1 and lexemes[index + 1].g in ("requiring", "needing"))]


def _modifier_comma_dropped(lexemes: list) -> list:
    """"Active, uncontrolled infection", "Serious, uncontrolled, concurrent infection": commas between
    the opening modifiers join modifiers of one finding; read as a list, each would be an item of its own.
    Not "Mild, moderate, or severe ...", modifiers that "or" makes alternatives; but "Active, known or
    suspected ..." is active, known or suspected."""
    words = [lexeme.g for lexeme in lexemes] + [""]
    # "Patients with active, uncontrolled infection": the modifiers open the finding after whom it is of
    start = 0
    while start < len(words) - 1 and words[start] in _PERSON_LEAD:
        start += 1
    if len(words) - start < 4 or words[start] not in _OPENING_MODIFIERS or words[start + 1] != ",":
        return lexemes
    if len(words) - start < 5 and not words[start + 2].startswith("@"):  # "Active, non-infectious pneumonitis"
        return lexemes
    commas = [start + 1]
    index = start + 2
    while words[index] in _CHAINED_MODIFIERS and words[index + 1] == ",":
        commas.append(index + 1)
        index += 2
    if words[index] in _OPENING_MODIFIERS and words[index + 1] in ("or", "and", "and/or"):
        if len(commas) > 1 or words[index] not in _EVIDENTIAL:
            return lexemes  # "Severe, uncontrolled or symptomatic hypertension": alternatives
    elif len(commas) > 1 and words[index] in ("or", "and", "and/or"):
        return lexemes  # "Active, chronic, or recurrent infection"
    return [lexeme for position, lexeme in enumerate(lexemes) if position not in commas]


# "radiotherapy to > 25% of the bone marrow", "radiation involving more than 30% of marrow-bearing areas"
_MARROW_SHARE = re.compile(
    r"(?<=@proc:radiotherapy )(?:treatment )?(?:to|involving|that included|including|of|for) (?:up to )?(?P<share>(?:[<>]=?|more than|greater than|less than|at least|over|above|in excess of) \d+(?:\.\d+)? %) "
    r"of (?:the |his or her |their |the patient ' s )?(?:functioning |functional |active |hematopoietic |haematopoietic |total )?"
    r"(?:bone )?marrow(?: (?:- )?(?:bearing|containing|producing|forming)(?: (?:areas?|bones?|sites?|regions?))?"
    r"| (?:areas?|reserve|cavity|capacity|volume))?(?= |$)")


def _marrow_share_bracketed(lexemes: list) -> list:
    """"Prior radiotherapy to > 25% of the bone marrow": how much marrow it took in, which no record
    says: a bracket beside the exposure, for review, as "(> 25% of bone marrow)" is (an exposure the
    patient never had settles it)."""
    words = [lexeme.g for lexeme in lexemes]
    if "marrow" not in words or "@proc:radiotherapy" not in words:
        return lexemes
    joined = " ".join(words)
    said = _MARROW_SHARE.search(joined)
    if said is None:
        return lexemes
    first = len(joined[:said.start()].split())
    last = first + len(said.group(0).split())
    opened = replace(lexemes[first], g="(", end=lexemes[first].start)
    closed = replace(lexemes[last - 1], g=")", start=lexemes[last - 1].end)
    share_first = len(joined[:said.start("share")].split())
    share = lexemes[share_first:share_first + len(said.group("share").split())]
    inside = [*share, replace(share[-1], g="of"), replace(share[-1], g="bone"), replace(lexemes[last - 1], g="marrow")]
    return lexemes[:first] + [opened, *inside, closed] + lexemes[last:]


DONATION_CONCEPTS = frozenset({"blood_donation", "plasma_donation", "blood_product_donation"})
_DONATIONS = frozenset(f"@proc:{concept}" for concept in DONATION_CONCEPTS)
# what else a donation names after "or": "Donation of blood or blood products", "Donated blood or plasma"
_DONATED_KINDS = ((("blood", "products"), "@proc:blood_product_donation"), (("blood", "product"), "@proc:blood_product_donation"),
                  (("blood", "components"), "@proc:blood_product_donation"), (("whole", "blood"), "@proc:blood_donation"),
                  (("plasma",), "@proc:plasma_donation"), (("blood",), "@proc:blood_donation"),
                  (("loss", "of", "blood"), "@cond:blood_loss"), (("loss",), "@cond:blood_loss"))
# "Donation or loss of blood", "donated or lost blood": the blood both gave
_DONATED_OR_LOST = (("donation", "or", "loss", "of", "blood"), ("donated", "or", "lost", "blood"), ("donation", "or", "loss", "of", "whole", "blood"))
_DONATION_WORDS = _DONATIONS | {"donation", "donated"}
_AFTER_A_DONATED_KIND = frozenset({"within", "in", "during", "(", ",", ";", ".", "or", "and", "and/or", "prior", "before", "at",
                                   "for", "from", "of", "to", "since", "over"})


def _donations_listed(lexemes: list) -> list:
    """"Donation of blood or blood products within 56 days": each thing named after the first donation
    is donated too; read alone, "blood products" is a finding the patient never has."""
    words = [lexeme.g for lexeme in lexemes]
    if not _DONATION_WORDS.intersection(words):
        return lexemes
    for index, word in enumerate(words):
        for said in _DONATED_OR_LOST if word in ("donation", "donated") else ():
            if tuple(words[index:index + len(said)]) == said:
                end = index + len(said)
                donated = replace(lexemes[index], g="@proc:blood_donation")
                lost = replace(lexemes[index + 2], g="@cond:blood_loss", end=lexemes[end - 1].end)
                return _donations_listed(lexemes[:index] + [donated, lexemes[index + 1], lost] + lexemes[end:])
    if not _DONATIONS.intersection(words):
        return lexemes
    for index in range(len(words) - 2):
        if words[index] not in _DONATIONS or words[index + 1] not in ("or", "and", "and/or", ","):
            continue
        start = index + 2
        for kind, concept in _DONATED_KINDS:
            end = start + len(kind)
            if tuple(words[start:end]) == kind and (end == len(words) or words[end] in _AFTER_A_DONATED_KIND):
                donated = replace(lexemes[start], g=concept, end=lexemes[end - 1].end)
                return _donations_listed(lexemes[:start] + [donated] + lexemes[end:])
    return lexemes
