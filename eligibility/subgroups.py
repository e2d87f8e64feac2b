"""Where a criterion gives some patients a threshold of their own, after the usual one.

"Total bilirubin ≤ 1.5 x ULN. For participants with Gilbert's disease ≤ 3.0 mg/dL", "Total bilirubin
≤ ULN (participants with Gilbert's syndrome can have bilirubin of up to 1.5 x ULN)", "Bilirubin ≤ 2 mg/dL,
except in patients with Gilbert's syndrome who must have a total bilirubin < 3 mg/dL". Text only: each
split names the usual requirement, the patients the other threshold is for, and that threshold; the
compiler reads the three and keeps a split only when each reads whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

# the patients a second threshold is for, after a full stop, a semicolon, a comma or an opening bracket
_SUBGROUP_LEAD = re.compile(
    r"(?P<separator>\.\s+|\s*;\s*|\s*[(\[]\s*(?:note\s*:\s*)?|\s*,\s*)"
    r"(?:(?:except|with\s+the\s+exception\s+of)\s+)?(?:(?:for|in)\s+(?:the\s+)?)?"
    r"(?:patients?|subjects?|participants?|individuals?|those|pts\.?)\s+(?:with|who\s+have|having|affected\s+by)\s+", re.I)
# between the patients and their threshold: "..., who must have a total bilirubin < 3.0 mg/dL"
_BOUND_OPENING = re.compile(
    r",?\s*(?:(?:who|then|the|a|an)\s+)*(?:(?:must|may|can|should|could|will|are\s+allowed\s+to)\s+(?:also\s+)?(?:have|be)\s+(?:a\s+|an\s+)?)?", re.I)
# what grants it, after: "... ≤ 3 x ULN is permitted."
_GRANTED = re.compile(r"\s*,?\s*(?:(?:is|are|will\s+be|may\s+be)\s+(?:allowed|permitted|acceptable|accepted|eligible))?\s*\.?\s*$", re.I)
_MOST_CONDITION_WORDS = 8
_CONDITION_ENDS = re.compile(r"[,;:]|\b(?:with|who|whom|which|that|whose|such|e\.?g|i\.?e|including)\b", re.I)
_EXAMPLES = re.compile(r"\s*(?:such\s+as|e\.?\s?g\b|i\.?\s?e\b|including|like)", re.I)


@dataclass(frozen=True)
class SubgroupSplit:
    main: tuple[int, int]  # the usual requirement
    condition: tuple[int, int]  # whom the other threshold is for
    bound: tuple[int, int]  # the other threshold, perhaps without the name of what it measures


def subgroup_splits(text: str) -> Iterator[SubgroupSplit]:
    """Each way `text` may read as a requirement, then a threshold for some patients, shortest
    condition first."""
    for lead in _SUBGROUP_LEAD.finditer(text):
        main_end = lead.start()
        if not text[:main_end].strip(" ,;.([") or text[:main_end].count("(") != text[:main_end].count(")"):
            continue
        opening = lead.group("separator").strip()[:1]
        end = len(text)
        if opening in "([":
            closing = ")" if opening == "(" else "]"
            close_at = text.rfind(closing)
            if close_at < lead.end() or text[close_at + 1:].strip(" .;"):
                continue  # the bracket must close the criterion
            end = close_at
        end = lead.end() + _GRANTED.search(text[lead.end():end]).start()
        words = list(re.finditer(r"\S+", text[lead.end():end]))
        for count in range(1, min(len(words), _MOST_CONDITION_WORDS + 1)):
            condition_end = lead.end() + words[count - 1].end()
            condition = text[lead.end():condition_end].rstrip(",")
            if _CONDITION_ENDS.search(condition):
                break  # "Gilberts syndrome, with increased indirect bilirubin ...": the condition said more than a name
            if not condition or condition.count("(") != condition.count(")"):
                continue
            bound_start = _BOUND_OPENING.match(text, condition_end).end()
            if bound_start >= end or _EXAMPLES.match(text, bound_start):
                break  # "congenital bilirubinaemia, such as Gilbert syndrome, direct bilirubin ...": whose threshold is unclear
            yield SubgroupSplit((0, main_end), (lead.end(), lead.end() + len(condition)), (bound_start, end))
