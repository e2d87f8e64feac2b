"""What an unread part of a list says of the parts read beside it.

A list read with one item left unread may have lost what that item said of the others: a period ending
the list ("..., or any Class 3 or 4 heart disease in the last 6 months"), words governing the next item
("Current use of any urate-lowering therapy or statins"), or the list's own "and" ("Bradycardia (...), heart
block (...), and congenital long QT syndrome" among exclusions). Each pass leaves for review what the
unread part may bound, where the reading would have counted an exposure of any time, or all of a list of
what excludes.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .build import all_review, each_or_all
from .nodes import AllOf, AnyOf, Between, Compare, Defined, Finding, Node, Not, Review


def read_with_unread_neighbours(rule: Node, clean: str, kind: str) -> Node:
    rule = _period_of_the_list(_head_left_unread(rule, clean))
    return _series_ended_by_and(rule, clean) if kind == "exclusion" else rule


def _span_within(node: Node) -> tuple[int, int] | None:
    """A node's span, or the one its parts cover."""
    if node.span:
        return node.span
    spans = [span for child in node.children() if (span := _span_within(child))]
    return (min(s[0] for s in spans), max(s[1] for s in spans)) if spans else None


def _series_ended_by_and(node: Node, clean: str) -> Node:
    """"Bleeding diathesis, hemorrhagic lesions, active bleeding, and other conditions with a high risk for
    bleeding" among exclusions: a series of what excludes, its "and" the list's own, read as needing all of
    them where an unread name kept it from being read as a list. All of them excludes, none does not, some
    are the reviewer's (build.each_or_all)."""
    body = node.body if isinstance(node, Defined) else node
    if not isinstance(body, AllOf) or len(body.items) < 3:
        return node
    spans = [_span_within(item) for item in body.items]
    if any(span is None for span in spans):
        return node
    if sum(isinstance(n, Finding) for item in body.items for n in item.walk()) < 2 or any(
            isinstance(n, (Compare, Between)) or isinstance(n, Not) and not all_review(n) for n in body.walk()):
        return node
    # "Bradycardia (less than 60 b/m), heart block (excluding ...), and ...": brackets between the names
    between = [re.sub(r"[()\s]+", " ", clean[a[1]:b[0]]).strip().lower() for a, b in zip(spans, spans[1:])]
    if not all(sep in (",", "") for sep in between[:-1]) or between[-1] not in (", and", "and") or "," not in "".join(between):
        return node
    read = each_or_all(body, Review(clean[spans[0][0]:spans[-1][1]], "and_scope", span=(spans[0][0], spans[-1][1])), body.span)
    return replace(node, body=read) if isinstance(node, Defined) else read


# unread words that may govern what follows them: "Current use of any urate-lowering therapy or statins",
# "hospitalized because of a manic or mixed episode", "Use of any weight control agents or surgeries"
_GOVERNING = re.compile(r"\b(?:of|for|with|by|to|because|due|use|using|taking|receiving|treated|treatment|therapy|agents?|surgery"
                        r"|hospitali[sz](?:ed|ation)|complications?|risk|history|diagnosis|changed?|changes|discontinu\w*|stopp?(?:ed|ing)?"
                        r"|switch\w*|dose|doses|dosing|withdrawn?|withdrawal|taper\w*)\b", re.I)
_OWN_HEAD = re.compile(r"\s*(?:history|current(?:ly)?|prior|previous(?:ly)?|use|active|known|any|ongoing|concurrent|recent|chronic"
                       r"|h/o|hx|diagnos\w*|treatment|therapy|patients?|subjects?|participants?|has|have|had|is|are|was|were|who|whom"
                       r"|with|been|being|undergone|underwent|requir\w+|receiv\w+|tak\w+|us\w+|evidence|presence|positive|seropositive)\b", re.I)


def _head_left_unread(node: Node, clean: str) -> Node:
    """"Current use of any urate-lowering therapy or statins": the words before "or" were not read, and what
    follows may be their object ("statins" in current use), not a finding of its own; read alone, a statin
    taken years ago would count. A finding named bare right after such words is for review with them."""
    node = node.with_children(lambda child: _head_left_unread(child, clean))
    if not isinstance(node, AnyOf) or len(node.items) < 2:
        return node
    items = list(node.items)
    governing, end = None, 0  # the unread words, and where the last item they govern ends
    for index, item in enumerate(items):
        governs = isinstance(item, Review) and item.reason == "not_understood" and item.span and _GOVERNING.search(item.text)
        if governs or governing is not None and isinstance(item, Review) and item.reason == "not_understood" and item.span:
            # "who changed the dose of or discontinued PDE5i, ..., or calcium channel blockers": an unread item after
            # governing words is one more they govern, and so are the names after it
            governing, end = (item if governs else governing), item.span[1]
            continue
        # an exposure: the words before say how it was had ("Current use of", "surgery of"); a disease named
        # after "positive status for HIV or" is had all the same
        if (governing is None or not isinstance(item, Finding) or item.category == "condition" or not item.span
                or _OWN_HEAD.match(clean[item.span[0]:item.span[1]])
                or re.sub(r"\([^()]*\)", "", clean[end:item.span[0]]).strip(" ,;").lower() not in ("or", "and/or", "and", "")):
            governing = None
            continue
        # "resection of all 3 major hepatic veins, the portal vein bifurcation, or the retrohepatic vena cava": each in turn
        items[index], end = AllOf((item, governing), span=item.span), item.span[1]
    return replace(node, items=tuple(items))


# "..., calcium acetate, or lanthanum carbonate, within 7 days prior to the first dose": a period ending a list
_PERIOD_AT_THE_END = re.compile(
    r"\b(?:within|in\s+the\s+(?:last|past|previous|preceding)|during\s+the\s+(?:last|past|previous|preceding))\s+\d+(?:\.\d+)?\s*-?\s*"
    r"(?:days?|weeks?|months?|years?|hours?|hrs?|wks?)\b(?:\s+(?:prior\s+to|before|of|from|preceding)\s+[^,;()]*)?\s*\.?$", re.I)
_WINDOWED = frozenset({"drug", "procedure", "any", "condition"})


def _period_of_the_list(node: Node) -> Node:
    """"Use of heparin, Propylene Glycol Mannurate Sulfate or Alginric Sodium Diester within 3 weeks prior to
    screening": the period may bound every item of the list, though it was read in the last, unread one; an
    item read without it would count an exposure of any time. Each such item is for review with the period
    (an exposure the patient never had settles it); one read as current is within any period."""
    node = node.with_children(_period_of_the_list)
    # an "or" of exposures, or the inclusion's "no A, no B, no C in the last 6 months"; in an "and" of them the
    # unread last item holds every answer back already
    denied = isinstance(node, AllOf) and all(isinstance(item, Not) for item in node.items)
    if not (isinstance(node, AnyOf) or denied) or len(node.items) < 2:
        return node
    last = node.items[-1].item if denied else node.items[-1]
    # the last item unread, or read as unread parts ("taranabant within 30 days of study entry and unwilling ...")
    said = next((leaf for leaf in last.walk() if isinstance(leaf, Review) and leaf.reason == "not_understood" and leaf.span
                 and _PERIOD_AT_THE_END.search(leaf.text)), None)
    if said is None or not all_review(last):
        return node
    period = _PERIOD_AT_THE_END.search(said.text)
    start = said.span[0] + period.start()
    note = Review(period.group(0).strip(" ."), "not_understood", span=(start, start + len(period.group(0).strip(" ."))))

    def bounded(item: Node) -> Node:
        if isinstance(item, Finding) and item.category in _WINDOWED and not item.window and not item.duration and item.status != "current":
            return AllOf((item, note), span=item.span)
        if denied and isinstance(item, (Not, AnyOf)):  # "NOT (A OR B)": each exposure denied
            return item.with_children(bounded)
        return item

    return replace(node, items=tuple(bounded(item) for item in node.items[:-1]) + (node.items[-1],))
