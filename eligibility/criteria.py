"""Splitting criteria text into items: sections, bullets, numbering, nesting and spans.

Every non-blank line of the text ends up in exactly one item (or is a section heading), so no
criterion can be lost here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_HEADING = re.compile(
    # "Part A Exclusion:", "Step 1 inclusion criteria": a part's own section
    r"^\s*(?:[-*#•]\s*)?(?:(?:part|cohort|group|arm|stage|phase|step)\s+[\w-]{1,4}(?:\s*(?:&|and|/)\s*(?:part\s+)?[\w-]{1,4})?\s*[:,-]?\s+)?"
    r"(?:(?:key|main|general|major|minor|additional|other|specific|study|principal)\s+)?(inclusion|exc?lusion|eligibility|ineligibility)"
    r"(?:\s+criteria|\s+criterion|s)?\s*(?:\([^)]*\))?\s*[:：]?\s*(.*)$",
    re.I,
)
_BULLET = re.compile(
    r"^(?P<indent>[ \t]*)(?P<marker>[*\-•·●○◦▪▫■□➢►‣⁃–—･]|o(?=\s)|\d{1,2}[.)](?!\d)|\(\d{1,2}\)|[a-zA-Z][.)](?=\s)|\([a-zA-Z]\)|(?:i|ii|iii|iv|v|vi|vii|viii|ix|x)[.)](?=\s))\s*"
    # a second marker after the first ("-  • age ≥ 18 years") is no part of the criterion; "-5/del(5q)" keeps its sign
    r"(?:[*\-•·●○◦▪▫■□➢►‣⁃–—･]+(?![\d.])\s*)*(?P<body>.*)$"
)
# a heading naming someone other than the patient: "DONOR INCLUSION CRITERIA:", "Caregiver eligibility:"
OTHER_PEOPLE = (r"(?:(?:stem\s+cell|related|unrelated|living|potential|sibling)\s+)?(donors?|caregivers?|care\s*givers?|partners?|parents?"
                r"|(?:legal\s+)?guardians?|siblings?|relatives?|family\s+members?|spouses?|mothers?|fathers?)")
_SOMEONE_ELSE = re.compile(rf"^\s*(?:[-*•#]\s*)?{OTHER_PEOPLE}\b", re.I)
_FOR_SOMEONE_ELSE = re.compile(rf"\bcriteria\s+(?:for|of)\s+(?:the\s+)?{OTHER_PEOPLE}\b", re.I)
_SUBHEADING = re.compile(r"^\s*(?:[-*•]\s*)?[A-Z][A-Z0-9 /&,()'-]{2,60}:\s*$")
_MARKDOWN_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>^~=|])")
GROUP_ANY = re.compile(r"\b(any|one|1|either|at least (?:one|1)|(?:one|1) or more|1 \(or 2\)|one \(or two\))\b[^:]*\bfollowing\b", re.I)
_GROUP_ALL = re.compile(r"\b(all|each|both)\b[^:]*\bfollowing\b", re.I)
# "lung cancer of the following histologic types:": kinds a patient has one of
KINDS_LISTED = re.compile(r"\bfollowing\s+(?:[\w-]+\s+){0,2}(?:types?|subtypes?|histolog(?:y|ies|ic\s+types?)|diagnos[ie]s|diseases"
                          r"|indications|tumou?r\s+types|malignancies|cancers)\b", re.I)
# "Patients should have an indication for screening colonoscopy", "a risk factor for ...": items that are
# each one such, of which the patient has one
ONE_OF_A_KIND = re.compile(r"\b(?:an?|one|any)\s+(?:[\w-]+\s+){0,2}?(?:indication|risk\s+factor|reason|sign|symptom|manifestation)\b", re.I)
# "Participant must not be of reproductive potential or sterile, such as:": its items are examples, any one enough
_EXAMPLES_HEADER = re.compile(r"\b(?:such\s+as|e\.\s?g\.?|eg\.?|for\s+example|for\s+instance)\s*[:：]\s*$", re.I)
# "at least 2 of the following", "two of the three following criteria": a count of items, neither all nor any
GROUP_COUNT = re.compile(r"\b(?:two|three|four|five|[2-9])\b(?:\s*\(\d\))?(?:\s+or\s+more)?\s+(?:out\s+)?of\s+(?:the\s+)?"
                         r"(?:(?:two|three|four|five|six|[2-9])\s+)?(?:following|these|those)\b", re.I)


_COUNT_WORDS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9}
_N = r"(?:two|three|four|five|six|seven|eight|nine|[2-9])"
# a header that is only a count of its items: "At least two of the following criteria:", "Patients must
# meet 2 of the following 3 criteria:"; not "Score ≥ 4 on two of the following PANSS items", whose
# items are not what is counted, nor "1-2 of the following drugs", a range
_PLAIN_COUNT = re.compile(
    rf"^\W*(?:(?:the\s+)?(?:patients?|subjects?|participants?)\s+(?:must\s+|should\s+)?(?:have|has|meets?|fulfils?|fulfills?|with)\s+"
    rf"|(?:must\s+)?(?:have|has|meets?|fulfils?|fulfills?|presence\s+of)\s+)?(?:at\s+least|a\s+minimum\s+of|any|≥|>=)?\s*(?P<count>{_N})"
    rf"(?:\s*\(\d\))?(?:\s+or\s+more)?\s+(?:out\s+)?of\s+(?:the\s+)?(?:{_N}\s+)?following(?:\s+(?:{_N}|\d+))?(?:\s+(?:criteria|conditions|signs|symptoms"
    rf"|signs\s+(?:or|and)\s+symptoms|characteristics|features|findings|risk\s+factors))?\s*[:：]?\s*$", re.I)


def count_required(header: str) -> int | None:
    """How many of a header's items must hold, when the header says only that ("At least 2 of the
    following:"); None otherwise."""
    plain = _PLAIN_COUNT.match(header)
    if plain is None:
        return None
    count = plain.group("count").lower()
    return _COUNT_WORDS.get(count) or int(count)


@dataclass
class Item:
    kind: str  # inclusion / exclusion
    raw: str  # the text as written (continuation lines joined by a space)
    start: int
    end: int
    indent: int
    children: list["Item"] = field(default_factory=list)
    whose: str = ""  # someone other than the patient the section's heading names ("DONOR INCLUSION CRITERIA:")

    @property
    def text(self) -> str:
        return unescape(self.raw).strip()

    @property
    def is_header(self) -> bool:
        return self.raw.rstrip().endswith((":", "："))

    @property
    def group_mode(self) -> str:
        """How a header's children combine: "any", "all", or "" when the header does not say."""
        if GROUP_COUNT.search(self.raw):
            return "count"
        if GROUP_ANY.search(self.raw) or KINDS_LISTED.search(self.raw) or ONE_OF_A_KIND.search(self.raw) or _EXAMPLES_HEADER.search(self.raw):
            return "any"
        if _GROUP_ALL.search(self.raw):
            return "all"
        return ""


def _whose(heading: str) -> str:
    """Whom a heading's criteria are about when not the patient ("DONOR:", "Inclusion Criteria for
    Caregivers:"), else ""."""
    named = _SOMEONE_ELSE.match(heading) or _FOR_SOMEONE_ELSE.search(heading)
    return named.group(1).lower() if named else ""


def unescape(text: str) -> str:
    return _MARKDOWN_ESCAPE.sub(r"\1", text)


def split_criteria(text: str, offset: int = 0) -> tuple[list[Item], list[str]]:
    """Items of `text` with spans shifted by `offset`; notes say how sections were found."""
    notes: list[str] = []
    section = ""
    whose = ""
    items: list[Item] = []
    stack: list[Item] = []  # open items by indentation, outermost first
    flat_group: Item | None = None  # a header whose sub-items are written at its own indent
    last: Item | None = None
    blank_before = False
    position = 0
    for line in text.splitlines(keepends=True):
        line_start = position
        position += len(line)
        content = line.rstrip("\r\n")
        if not content.strip():
            blank_before = True
            continue
        heading = _HEADING.match(content)
        if heading and _is_heading(heading, content):
            word = heading.group(1).lower()
            section = "exclusion" if word in ("exclusion", "exlusion", "ineligibility") else "inclusion"
            notes.append(f"{section} heading {content.strip()!r} at {offset + line_start}")
            stack, flat_group, last, blank_before = [], None, None, False
            whose = _whose(content)
            rest = heading.group(2).strip()
            if rest:  # "Inclusion Criteria: patients aged ..." carries its first criterion
                body_start = line_start + content.index(rest)
                last = Item(section, rest, offset + body_start, offset + body_start + len(rest), 0, whose=whose)
                items.append(last)
                stack = [last]
            continue
        if _SUBHEADING.match(content) and section:
            # "PATIENT CHARACTERISTICS:" names a group of criteria; it is not one
            notes.append(f"{section} subheading {content.strip()!r} at {offset + line_start}")
            stack, flat_group, last, blank_before = [], None, None, False
            whose = _whose(content)
            continue
        if not section:
            section = "inclusion"
            notes.append("no 'Inclusion Criteria' heading: text before any heading is read as inclusion criteria")
        bullet = _BULLET.match(content)
        if bullet and bullet.group("body").strip():
            indent = len(bullet.group("indent").expandtabs(4))
            body = bullet.group("body").rstrip()
            body_start = line_start + bullet.start("body")
            if last is not None and not last.children and indent == last.indent and _ENDS_WITH_OR.search(last.raw):
                # "- creatinine < 1.5 mg/dL OR" / "- creatinine clearance > 60 mL/min": one criterion, two alternatives
                last.raw = f"{last.raw} {body}"
                last.end = offset + body_start + len(body)
                blank_before = False
                continue
        elif last is not None and not blank_before and _continues(last, content):
            _continue(last, content, line_start, offset)
            continue
        else:
            indent = len(content) - len(content.lstrip())
            body = content.strip()
            body_start = line_start + content.index(body)
        item = Item(section, body, offset + body_start, offset + body_start + len(body), indent, whose=whose)
        blank_was_before, blank_before = blank_before, False
        last = item
        if flat_group is not None:
            if indent == flat_group.indent and _short_sub_item(body):
                flat_group.children.append(item)
                continue
            flat_group = None
        previous = stack[-1] if stack else None
        if (previous is not None and previous.is_header and not previous.children and blank_was_before
                and indent == previous.indent and _short_sub_item(body)):
            flat_group = previous
            previous.children.append(item)
            continue
        while stack and stack[-1].indent >= indent:
            stack.pop()
        if stack:
            stack[-1].children.append(item)
        else:
            items.append(item)
        stack.append(item)
    return items, notes


_ENDS_WITH_OR = re.compile(r"\s(?:or|and/or)\s*$", re.I)


def _is_heading(match: re.Match, line: str) -> bool:
    """'Inclusion Criteria:' is a heading; 'Inclusion in another study' is not."""
    rest = match.group(2).strip()
    head = line[: match.start(2)] if match.group(2) else line
    return bool(re.search(r"criteri|[:：]\s*$", head, re.I)) or (not rest and len(line.split()) <= 3)


def _continues(last: Item, content: str) -> bool:
    """A wrapped line goes on the item above: it is indented past the item's bullet, or the item
    stops mid-sentence and the line starts in lower case."""
    indent = len(content) - len(content.lstrip())
    if indent > last.indent:
        return True
    stripped = content.strip()
    return not last.raw.rstrip().endswith((".", ";", ":")) and (stripped[:1].islower() or stripped[:1] in "(,")


def _continue(item: Item, content: str, line_start: int, offset: int) -> None:
    piece = content.strip()
    item.raw = f"{item.raw} {piece}"
    item.end = offset + line_start + content.rindex(piece) + len(piece)


def _short_sub_item(body: str) -> bool:
    """A sub-item written without indentation: a short noun phrase, no colon, no numbers."""
    words = body.split()
    return len(words) <= 8 and ":" not in body and not re.search(r"\d", body)
