"""Whole-criterion permissions: "Prior radiotherapy is allowed", "Bisphosphonates are permitted",
"Patients with treated brain metastases are eligible".

Read by vocabulary, as statements are: the criterion must end with a granting word and hold no word
that could restrict the grant (a condition, a limit, a date, a number, a negation), so "One prior
regimen allowed" or "Allowed if completed 4 weeks before" is never taken for one.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .lexicon import get_lexicon
from .nodes import Permission

# a second sentence or clause, which may ask something ("Testing for KRAS performed;Patients with mutated
# or wild type KRAS are eligible", "Recovered from all AEs of prior therapies. AEs related to prior
# radiotherapy are allowed."); a period before a capital, but not "e.g.,"
_SENTENCE_BREAK = re.compile(r"[;:!?]|\.(?=\s+[A-Z]|[A-Z][a-z])")
_NUMBER_OR_SIGN = re.compile(r"\d|[<>≤≥=%]")


@lru_cache(maxsize=2)
def _patterns(kind: str) -> tuple[re.Pattern, frozenset[str]]:
    phrases = get_lexicon().phrases["permission"]
    granting = "|".join(map(re.escape, phrases["granting"] + (phrases["granting_among_exclusions"] if kind == "exclusion" else [])))
    copulas = "|".join(map(re.escape, phrases["copulas"]))
    ending = re.compile(rf"[\s,]+(?:(?:{copulas})\s+)*(?:{granting})\s*(?:\([^()]*\))?\s*\.?\s*$", re.I)
    return ending, frozenset(phrases["restricting"])


def permission(clean: str, kind: str) -> Permission | None:
    """The permission a criterion is, else None."""
    ending, restricting = _patterns(kind)
    granted = ending.search(clean)
    if not granted or granted.start() == 0 or _NUMBER_OR_SIGN.search(clean):
        return None
    grantee = clean[:granted.start()]
    if _SENTENCE_BREAK.search(grantee) or grantee.count("(") != grantee.count(")") or grantee.count("[") != grantee.count("]"):
        # a bracket left open ends with the grant: "Anticoagulation with warfarin (heparin allowed" forbids warfarin
        return None
    if restricting.intersection(re.findall(r"[a-z']+", clean.lower())):
        return None
    return Permission(grantee.strip(), among_exclusions=kind == "exclusion", span=(0, len(clean)))
