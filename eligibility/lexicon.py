"""The vocabulary: analytes, concepts (conditions, drugs, procedures) and phrase lists.

Terms are matched on tokens, not characters, so a term and the criterion text are tokenized by
the same tokenizer and compared on the same key (lower case, hyphens dropped, a plural "s" off).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from .errors import LexiconError
from .resources import data_json
from .tokens import Token, tokenize

TAG_PREFIX = {"analyte": "@lab:", "condition": "@cond:", "drug": "@drug:", "procedure": "@proc:"}
_CONJUNCTIONS = {"or", "and", "/", "and/or"}


@dataclass(frozen=True)
class Analyte:
    id: str
    name: str
    names: tuple[str, ...]
    unit: str
    kind: str
    molar_mass: float | None = None
    valence: int | None = None
    bare_units: tuple[tuple[str, float, float], ...] = ()
    loinc: tuple[tuple[str, str], ...] = ()  # (LOINC code, UCUM unit its results are reported in)
    other_units: tuple[str, ...] = ()  # another quantity under the same name: CrCl per 1.73 m², FEV1 in % predicted
    step: float = 1.0  # a score's smallest step: Hoehn and Yahr has stages 1.5 and 2.5
    classes: tuple[tuple[str, float, float], ...] = ()  # lettered classes of a score and their points: Child-Pugh B is 7-9
    # unit words that mean another unit for this analyte: an alcohol intake's "units" are no enzyme units
    unit_words: tuple[tuple[str, str], ...] = ()
    better: str = ""  # a score's better end, "lower" (ECOG) or "higher" (Karnofsky): what "2 or better" bounds
    # (from unit, to unit, slope, intercept, digits each is reported to): a scale whose values are not
    # proportional to the other's, to = slope x from + intercept (HbA1c: NGSP % = 0.09148 x IFCC mmol/mol + 2.152)
    scales: tuple[tuple[str, str, float, float, int, int], ...] = ()
    # the usual adult range in `unit`, and whether the lab is reported against an upper limit of normal (ULN):
    # what a requirement that everyone in it meets is told by
    normal: tuple[float, float] | None = None
    upper_limit_reported: bool = False


@dataclass(frozen=True)
class Concept:
    id: str
    category: str
    name: str
    names: tuple[str, ...]
    parents: tuple[str, ...] = ()
    open: bool = False
    measured_by: str = ""  # the analyte whose value defines the condition: anemia, hemoglobin
    # classes some authors count it in and others do not: hypertension as a cardiovascular disease
    may_count_as: tuple[str, ...] = ()
    given_as_drugs: str = ""  # the drug class a record of this treatment may be held as: chemotherapy, its agents
    other_uses: bool = False  # given for diseases besides cancer: a cancer treatment only with a cancer as its reason
    systemic: bool = False  # given systemically unless its record names a local form
    # diseases had with it, of a kind it does not say: diabetic retinopathy, a diabetes of either type
    implies: tuple[str, ...] = ()
    event: bool = False  # it happens on a day (a myocardial infarction, a stroke): a record undated at its end is no state lasting to now


@dataclass(frozen=True, slots=True)
class Lexeme:
    """One unit of the grammar's input: a token, or a run of tokens naming a known term."""

    g: str  # the grammar's spelling (a token's norm, or "@lab:platelets" for a term)
    start: int
    end: int
    term: str | None = None  # the analyte or concept id for a term


_SALTS = frozenset("citrate hydrochloride hcl dihydrochloride mesylate dimesylate maleate sulfate sulphate acetate phosphate "
                   "tartrate bitartrate succinate besylate fumarate hyclate tosylate bromide malate sodium potassium".split())
_DRUG_HEADS = frozenset("therapy therapies treatment treatments use medication medications agent agents regimen regimens exposure support monotherapy".split())


def term_key(norms: Iterable[str]) -> tuple[str, ...]:
    return tuple(_word_key(n) for n in norms if n not in ("-", "‐"))


@lru_cache(maxsize=65536)  # names recur across criteria and patients
def text_key(text: str) -> str:
    """How a name the lexicons do not know is compared: tokenized, lower case, plural folded."""
    return " ".join(term_key(t.norm for t in tokenize(text)))


def _word_key(norm: str) -> str:
    if len(norm) > 4 and norm.endswith("ies"):  # "abnormalities" and "abnormality" compare equal
        return norm[:-3] + "y"
    if len(norm) > 5 and norm.endswith("sses"):  # "illnesses", "abscesses"
        return norm[:-2]
    if len(norm) > 3 and norm.endswith("s") and not norm.endswith(("ss", "us", "is", "'s")):
        return norm[:-1]
    return norm


def _case_sensitive(name: str) -> bool:
    """Short abbreviations ("ALL", "MI", "Hb") only match as written, not as English words."""
    return len(name) <= 3 and " " not in name and any(c.isupper() for c in name)


@dataclass
class _TrieNode:
    children: dict[str, "_TrieNode"] = field(default_factory=dict)
    terms: list[tuple[str, str | None]] = field(default_factory=list)  # (tag, case-sensitive form)


class Lexicon:
    def __init__(self) -> None:
        self.analytes: dict[str, Analyte] = {}
        self.concepts: dict[str, Concept] = {}
        self._trie = _TrieNode()
        self.phrases: dict = data_json("phrases.json")
        self._as_written = frozenset(self.phrases["names_as_written"])
        self._load_analytes()
        self._load_concepts()
        self._ancestors: dict[str, frozenset[str]] = {}
        self._narrowed: dict[tuple[str, str], str] | None = None
        # a drug's equipotent dose in milligrams, and the class its group ranges over
        self.equipotent_mg: dict[str, float] = {}
        self.equivalent_class: dict[str, str] = {}
        self._load_dose_equivalents()

    # -- loading -------------------------------------------------------------------------------
    def _load_analytes(self) -> None:
        keys = frozenset({"id", "names", "unit", "kind", "molar_mass", "valence", "bare_units", "loinc", "other_units", "step", "classes",
                          "unit_words", "better", "scales", "normal", "upper_limit_reported"})
        for entry in data_json("analytes.json", keys)["entries"]:
            bare = tuple((b["unit"], float(b["min"]), float(b["max"])) for b in entry.get("bare_units", ()))
            analyte = Analyte(
                # an analyte without names is named by a normaliser alone ("alcohol intake", only before a bound)
                entry["id"], entry["names"][0] if entry["names"] else entry["id"].replace("_", " "), tuple(entry["names"]), entry["unit"], entry["kind"],
                entry.get("molar_mass"), entry.get("valence"), bare, tuple(entry.get("loinc", {}).items()),
                tuple(entry.get("other_units", ())), float(entry.get("step", 1.0)),
                tuple((letter.lower(), float(low), float(high)) for letter, (low, high) in entry.get("classes", {}).items()),
                tuple(entry.get("unit_words", {}).items()), entry.get("better", ""),
                tuple((scale["from"], scale["to"], float(scale["slope"]), float(scale["intercept"]), int(scale["from_digits"]),
                       int(scale["to_digits"])) for scale in entry.get("scales", ())),
                tuple(float(x) for x in entry["normal"]) if "normal" in entry else None, bool(entry.get("upper_limit_reported")),
            )
            if analyte.id in self.analytes:
                raise LexiconError(f"analytes.json: duplicate id {analyte.id!r}")
            self.analytes[analyte.id] = analyte
            for name in analyte.names:
                self._add_term(name, TAG_PREFIX["analyte"] + analyte.id)

    def _load_concepts(self) -> None:
        keys = frozenset({"id", "category", "names", "parents", "open", "measured_by", "may_count_as", "given_as_drugs",
                          "other_uses", "systemic", "implies", "event"})
        for entry in data_json("concepts.json", keys)["entries"]:
            if entry["category"] not in ("condition", "drug", "procedure"):
                raise LexiconError(f"concepts.json: {entry['id']!r} has unknown category {entry['category']!r}")
            concept = Concept(
                entry["id"], entry["category"], entry["names"][0], tuple(entry["names"]),
                tuple(entry.get("parents", ())), bool(entry.get("open", False)), entry.get("measured_by", ""),
                tuple(entry.get("may_count_as", ())), entry.get("given_as_drugs", ""), bool(entry.get("other_uses", False)),
                bool(entry.get("systemic", False)), tuple(entry.get("implies", ())), bool(entry.get("event", False)),
            )
            if concept.measured_by and concept.measured_by not in self.analytes:
                raise LexiconError(f"concepts.json: {concept.id!r} is measured by unknown analyte {concept.measured_by!r}")
            if concept.id in self.concepts or concept.id in self.analytes:
                raise LexiconError(f"concepts.json: duplicate id {concept.id!r}")
            self.concepts[concept.id] = concept
            for name in concept.names:
                self._add_term(name, TAG_PREFIX[concept.category] + concept.id)
        for concept in self.concepts.values():
            for parent in (*concept.parents, *concept.may_count_as, *concept.implies):
                if parent not in self.concepts:
                    raise LexiconError(f"concepts.json: {concept.id!r} names unknown parent {parent!r}")
            drugs = self.concepts.get(concept.given_as_drugs)
            if concept.given_as_drugs and (drugs is None or drugs.category != "drug"):
                raise LexiconError(f"concepts.json: {concept.id!r} is given as {concept.given_as_drugs!r}, which is not a drug class")

    def _load_dose_equivalents(self) -> None:
        for group in data_json("dose_equivalents.json")["groups"]:
            if group["class"] not in self.concepts:
                raise LexiconError(f"dose_equivalents.json: {group['id']!r} ranges over unknown class {group['class']!r}")
            for drug, milligrams in group["equipotent_mg"].items():
                if group["class"] not in self.ancestors(drug) or drug in self.equipotent_mg:
                    raise LexiconError(f"dose_equivalents.json: {drug!r} is not one {group['class']!r}, or is listed twice")
                self.equipotent_mg[drug] = float(milligrams)
                self.equivalent_class[drug] = group["class"]

    def equivalent_dose_factor(self, reference: str, concepts) -> tuple[str, float] | None:
        """The member of `reference`'s group among `concepts` (a record's), and what its dose is multiplied
        by to give the reference drug's: 4 mg of dexamethasone is 4 × 5 / 0.75 mg of prednisone."""
        group = self.equivalent_class.get(reference)
        member = next((c for c in sorted(concepts) if c in self.equipotent_mg and self.equivalent_class[c] == group), None)
        return (member, self.equipotent_mg[reference] / self.equipotent_mg[member]) if member else None

    def _add_term(self, name: str, tag: str) -> None:
        tokens = tokenize(name)
        node = self._trie
        for key in term_key(t.norm for t in tokens):
            node = node.children.setdefault(key, _TrieNode())
        form = name if _case_sensitive(name) or name in self._as_written else None
        for other, other_form in node.terms:
            if other != tag and other_form == form:  # a name that named two terms would be read as either
                raise LexiconError(f"{name!r} names both {other} and {tag}")
        node.terms.append((tag, form))

    # -- queries -------------------------------------------------------------------------------
    def narrowed(self, concept_id: str, qualifier: str) -> str | None:
        """The kind of the concept that the qualifier names ("strong" CYP3A4 inhibitor, "chronic"
        cough): a child one of whose names is the qualifier before one of the concept's names."""
        if self._narrowed is None:
            self._narrowed = {}
            for child in self.concepts.values():
                for parent_id in child.parents:
                    parent = self.concepts.get(parent_id)
                    for name in child.names if parent else ():
                        for parent_name in parent.names:
                            if name.lower().endswith(" " + parent_name.lower()):
                                self._narrowed.setdefault((parent_id, name[: -len(parent_name) - 1].lower()), child.id)
        return self._narrowed.get((concept_id, qualifier.lower()))

    def ancestors(self, concept_id: str) -> frozenset[str]:
        """The concept and every concept it is a kind of."""
        if concept_id not in self._ancestors:
            seen = {concept_id}
            stack = [concept_id]
            while stack:
                concept = self.concepts.get(stack.pop())
                for parent in (*concept.parents, *concept.implies) if concept else ():
                    if parent not in seen:
                        seen.add(parent)
                        stack.append(parent)
            self._ancestors[concept_id] = frozenset(seen)
        return self._ancestors[concept_id]

    def outside(self, example: str, terms: Iterable[str]) -> bool:
        """Whether a known concept given as an example of `terms` is of the kind of one of them (a disease's,
        a drug's) yet filed under none of them, nor one of their classes ("major surgery, including any
        prostatic surgery": a broader one narrowed by its words is one of them too)."""
        known = [term for term in terms if term in self.concepts]
        if example not in self.concepts:
            return False
        kind = self.concepts[example].category
        return (any(self.concepts[term].category == kind for term in known)
                and not any(term in self.ancestors(example) or example in self.ancestors(term) for term in known))

    def possible_classes(self, concept_id: str) -> frozenset[str]:
        """The classes the concept may or may not be counted in (and theirs), beyond those it surely is in."""
        surely = self.ancestors(concept_id)
        possible = set()
        for ancestor in surely:
            concept = self.concepts.get(ancestor)
            for loose in concept.may_count_as if concept else ():
                possible |= self.ancestors(loose)
        return frozenset(possible - surely)

    def find_term(self, text: str, prefixes: tuple[str, ...] = ("@",)) -> str | None:
        """The id of the term that `text` names as a whole, or None."""
        tokens = tokenize(text)
        if not tokens:
            return None
        match = self._match_at(tokens, 0, case_insensitive=True)
        if match and match[1] == len(tokens) and match[0].startswith(prefixes):
            return match[0].split(":", 1)[1]
        return None

    def terms_in(self, text: str) -> list[str]:
        """The ids of the terms `text` names anywhere, the longest at each place ("breast cancer" in "Metastatic
        breast cancer to bone")."""
        tokens = tokenize(text)
        found, i = [], 0
        while i < len(tokens):
            match = self._match_at(tokens, i, case_insensitive=True)
            if match and match[0].startswith("@"):
                found.append(match[0].split(":", 1)[1])
                i = match[1]
            else:
                i += 1
        return found

    def _match_at(self, tokens: list[Token], i: int, case_insensitive: bool = False) -> tuple[str, int] | None:
        """Longest term starting at token i: (tag, index after it)."""
        node = self._trie
        best = None
        j = i
        while j < len(tokens):
            if tokens[j].norm == "-" and j > i:
                j += 1
                continue
            node = node.children.get(_word_key(tokens[j].norm))
            if node is None:
                break
            j += 1
            for tag, exact in node.terms:
                if exact is None or case_insensitive or (j == i + 1 and tokens[i].text == exact):
                    best = (tag, j)
                    break
        return best

    def tag(self, tokens: list[Token]) -> list[Lexeme]:
        """Replace each longest run of tokens naming a known term by one term lexeme."""
        out: list[Lexeme] = []
        i = 0
        while i < len(tokens):
            distributed = self._distributed_modifiers(tokens, i) or self._distributed_suffixes(tokens, i)
            if distributed:
                out.extend(distributed[0])
                i = distributed[1]
                continue
            match = self._match_at(tokens, i)
            if match:
                tag, j = match
                j = self._absorb_abbreviation(tokens, j, tag)
                if tag.startswith("@cond:") and j < len(tokens) and tokens[j].norm == "virus":
                    j += 1  # "chronic hepatitis C virus": the infection the virus names
                if tag.startswith("@drug:") and j < len(tokens) and tokens[j].norm in _SALTS:
                    j += 1  # "tamoxifen citrate", "megestrol acetate": the drug in the form it is given
                if tag.startswith("@drug:") and j < len(tokens) and tokens[j].norm in _DRUG_HEADS:
                    j += 1  # "tamoxifen therapy", "aromatase inhibitor treatment": the drug itself
                if out and out[-1].g == tag and tag.startswith("@lab:"):
                    # "oxygen saturation SpO2 < 94%": a name restated without brackets is one name
                    out[-1] = Lexeme(tag, out[-1].start, tokens[j - 1].end, out[-1].term)
                elif len(out) > 1 and out[-2].g == tag and tag.startswith("@lab:") and out[-1].g in ("-", ":"):
                    # "activated partial thromboplastin time - aPTT", "Performance status - ECOG"
                    out[-2:] = [Lexeme(tag, out[-2].start, tokens[j - 1].end, out[-2].term)]
                else:
                    out.append(Lexeme(tag, tokens[i].start, tokens[j - 1].end, tag.split(":", 1)[1]))
                i = j
                continue
            out.append(Lexeme(tokens[i].norm, tokens[i].start, tokens[i].end))
            i += 1
        return out

    def _absorb_abbreviation(self, tokens: list[Token], j: int, tag: str) -> int:
        """'corrected count increment (CCI)': a bracketed short form of the term is part of it."""
        if j + 2 >= len(tokens) or tokens[j].norm not in ("(", "["):
            return j
        closer = ")" if tokens[j].norm == "(" else "]"
        close = next((k for k in range(j + 1, min(j + 14, len(tokens))) if tokens[k].norm == closer), None)
        if close is None or close == j + 1:
            return j
        inner = tokens[j + 1: close]
        same = self._match_at(inner, 0, case_insensitive=True)
        if same and same[0] == tag and (same[1] == len(inner) or tokens[j + 1 + same[1]].norm in ("(", "[")):
            # "(serum glutamic oxaloacetic transaminase [SGOT])": a synonym, perhaps with its own short form
            return self._absorb_abbreviation(tokens, close + 1, tag)
        if same and same[1] == len(inner) and self._names_its_class(same[0], tag):
            # "filgrastim (G-CSF)": the class of what was named, which says no more
            return self._absorb_abbreviation(tokens, close + 1, tag)
        short_forms = [t for t in inner if t.norm not in ("or", "/", ",")]
        if (len(inner) >= 3 and len(short_forms) == (len(inner) + 1) // 2 and all(t.norm in ("or", "/", ",") for t in inner[1::2])
                and all(t.text.isalnum() and sum(c.isupper() for c in t.text) >= 2 for t in short_forms)
                and all((m := self._match_at([t], 0, case_insensitive=True)) is None or m[0] == tag for t in short_forms)):
            # "creatine kinase (CK or CPK)": its short forms, none naming another term
            return self._absorb_abbreviation(tokens, close + 1, tag)
        if len(inner) == 1 and inner[0].text.isalpha() and inner[0].text[:1].isupper() and sum(c.isupper() for c in inner[0].text) >= 2:
            initials = "".join(w[0] for w in tag.split(":", 1)[1].split("_"))
            if not self._match_at(inner, 0, case_insensitive=True) or inner[0].text.lower().startswith(initials[:1]):
                return self._absorb_abbreviation(tokens, close + 1, tag)
        return j

    def _names_its_class(self, bracketed: str, tag: str) -> bool:
        kind, _, concept = tag.partition(":")
        bracket_kind, _, bracket_concept = bracketed.partition(":")
        return kind == bracket_kind and kind in ("@drug", "@cond", "@proc") and bracket_concept != concept and bracket_concept in self.ancestors(concept)

    def _distributed_suffixes(self, tokens: list[Token], i: int) -> tuple[list[Lexeme], int] | None:
        """'hepatitis B or C' names two terms sharing their first word(s)."""
        first = self._match_at(tokens, i)
        if not first or first[1] - i < 2 or first[1] + 1 >= len(tokens) or tokens[first[1]].norm not in _CONJUNCTIONS | {","}:
            return None
        out = [Lexeme(first[0], tokens[i].start, tokens[first[1] - 1].end, first[0].split(":", 1)[1])]
        stem = tokens[i: first[1] - 1]
        j = first[1]
        while j + 1 < len(tokens) and tokens[j].norm in _CONJUNCTIONS | {","} and len(tokens[j + 1].norm) <= 2:
            other = self._match_at([*stem, tokens[j + 1]], 0)
            if not other or other[1] != len(stem) + 1:
                break
            out.append(Lexeme(tokens[j].norm, tokens[j].start, tokens[j].end))
            out.append(Lexeme(other[0], tokens[j + 1].start, tokens[j + 1].end, other[0].split(":", 1)[1]))
            j += 2
        return (out, j) if len(out) > 1 else None

    def _distributed_modifiers(self, tokens: list[Token], i: int) -> tuple[list[Lexeme], int] | None:
        """'arterial or venous thrombosis' names two terms sharing their head word(s)."""
        if i + 2 >= len(tokens) or tokens[i + 1].norm not in _CONJUNCTIONS:
            return None
        second = self._match_at(tokens, i + 2)
        if not second or second[1] - (i + 2) < 2:
            return None
        tail = tokens[i + 3: second[1]]
        first = self._match_at([tokens[i], *tail], 0)
        if not first or first[1] != len(tail) + 1 or first[0] == second[0]:
            return None
        end = second[1]
        return (
            [
                Lexeme(first[0], tokens[i].start, tokens[end - 1].end, first[0].split(":", 1)[1]),
                Lexeme(tokens[i + 1].norm, tokens[i + 1].start, tokens[i + 1].end),
                Lexeme(second[0], tokens[i + 2].start, tokens[end - 1].end, second[0].split(":", 1)[1]),
            ],
            end,
        )


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    return Lexicon()


def _formula_key(name: str) -> str:
    return re.sub(r"\s*-\s*", "-", " ".join(name.lower().split()))


@lru_cache(maxsize=1)
def _formulas() -> tuple[re.Pattern, dict[str, str]]:
    listed = {_formula_key(name): word for word, names in data_json("phrases.json")["formulas"].items() if not word.startswith("_")
              for name in names}
    names = "|".join(re.escape(name).replace("\\ ", r"\s+").replace("\\-", r"\s*-\s*") for name in sorted(listed, key=len, reverse=True))
    return re.compile(rf"\b(?P<name>{names})(?:\s*[(\[]\s*[A-Z][\w-]*\s*[)\]])?(?![\w-])", re.I), listed


def formula_names() -> re.Pattern:
    """The long names of estimating equations, each with an optional acronym in brackets after it."""
    return _formulas()[0]


def formula_word(name: str) -> str:
    """The one word the measurement methods know a formula's long name by: "mdrd"."""
    return _formulas()[1][_formula_key(name)]


def formula_words() -> frozenset[str]:
    return frozenset(_formulas()[1].values())
