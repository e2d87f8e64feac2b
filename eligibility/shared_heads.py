"""Terms that share a head noun, and the checks on what was read through one.

"Clinically significant cardiac, renal or hepatic disease", "alcohol, drug, or chemical abuse", "cataract or
refractive surgery": the head after the last word is read after each (`head_shared`), so each names its term. A
reading that split such a list, or left the words opening it unread, may lose what they say of every item; the
checks here say so, and the compiler leaves the line for review.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import replace
from functools import lru_cache

from .brackets import BRACKETED
from .lexicon import get_lexicon
from .nodes import AnyOf, Defined, Finding, Node, Review


@lru_cache(maxsize=1)
def shared_head_groups() -> tuple[tuple[frozenset[str], frozenset[str], frozenset[str]], ...]:
    """The words that share a head noun after the last of them, each group with its heads and the words that
    may follow a shared head: organs ("cardiac, renal or hepatic disease"; words after the head may bind
    the whole list, which then shares none: "infectious or metabolic diseases affecting the CNS"),
    substances ("alcohol, drug, or chemical abuse", which may be followed by its period: "... within 1 year"),
    and the sites of a procedure ("cataract or refractive surgery in the study eye")."""
    phrases = get_lexicon().phrases
    return tuple((frozenset(phrases[name]["adjectives"]), frozenset(phrases[name]["heads"]), after)
                 for name, after in (("organ_adjectives", _AFTER_SHARED_HEAD), ("substance_adjectives", _AFTER_SHARED_ABUSE),
                                     ("procedure_sites", _AFTER_SHARED_ABUSE)))


# a period after the head bounds each: "cardiac or cerebrovascular events within 6 months"
_AFTER_SHARED_HEAD = frozenset({",", ";", ".", "(", ")", ":", "or", "and", "and/or", "except", "including", "such", "e.g", "eg", "within"})


_AFTER_SHARED_ABUSE = _AFTER_SHARED_HEAD | {"in"}


def head_shared(tokens: list) -> list:
    """"Clinically significant cardiac, renal or hepatic disease": the head noun after the last organ
    adjective is read after each ("cardiac disease, renal disease or hepatic disease"), so that each
    names its finding; the copies take no room in the text."""
    for adjectives, heads, after in shared_head_groups():
        shared = _head_shared_by(tokens, adjectives, heads, after)
        if shared is not tokens:
            return shared
    return tokens


def _head_shared_by(tokens: list, adjectives: frozenset[str], heads: frozenset[str], after: frozenset[str]) -> list:
    for index, token in enumerate(tokens):
        if token.norm not in heads or index == 0 or tokens[index - 1].norm not in adjectives:
            continue
        if index + 1 < len(tokens) and tokens[index + 1].norm not in after:
            continue  # "infectious or metabolic diseases affecting the CNS": what follows may bind them all
        listed, at = [index - 1], index - 2
        while at >= 0:
            if tokens[at].norm == "other" and at > 0 and tokens[at - 1].norm in ("or", "and", "and/or"):
                at -= 1  # "alcohol, opioid or other drug abuse": the last is another of the same kind
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


def head_shared_with_unread_words(rule: Node) -> bool:
    """An alternative read through a head it shares with the next ("thoracic or abdominal surgery"), where that
    next one was left unread: its span reaches into the unread words."""
    for node in rule.walk():
        unread = node.items[-1] if isinstance(node, AnyOf) else None
        if isinstance(unread, Review) and unread.reason == "not_understood" and unread.span:
            if any(isinstance(item, Finding) and item.span and item.span[0] < unread.span[0] < item.span[1] < unread.span[1]
                   for item in node.items[:-1]):
                return True
    return False


# modifiers that open a list of findings and qualify each of them ("Clinically significant cardiac, renal ... disease")
_LIST_MODIFIERS = frozenset("clinically significant relevant severe serious uncontrolled unstable symptomatic poorly controlled".split())


def opening_modifiers_left_behind(rule: Node, lexemes: list) -> bool:
    """"Clinically significant cardiac, respiratory (except mild asthma), renal ... disease": the modifiers opening
    the list qualify each item, but were left unread with the organs before a bracket, and the items after it
    read without them; so read, those would count any such disease."""
    # after words naming no term ("The participant has", "History or presence of")
    lead = next((i for i, lexeme in enumerate(lexemes[:6]) if lexeme.g in _LIST_MODIFIERS or lexeme.term), 0)
    run = list(itertools.takewhile(lambda lexeme: lexeme.g in _LIST_MODIFIERS, lexemes[lead:]))
    if not run or lead + len(run) == len(lexemes) or lexemes[lead + len(run)].g in ("or", "and", "and/or", ","):
        return False  # "Severe or uncontrolled ...": alternatives, each its own
    said = {lexeme.g for lexeme in run} - {"clinically", "poorly"}
    if not any(isinstance(n, Finding) and n.category in ("condition", "any") and not said & set(" ".join(n.qualifiers).split())
               for n in rule.walk()):
        return False
    # the modifiers left unread with an organ whose head the list shares ("Significant cardiovascular (to include ...)"),
    # or read with the organ alone as a finding ("significant 'cardiovascular'")
    organs = shared_head_groups()[0][0]
    for n in rule.walk():
        if isinstance(n, Finding) and n.concept[5:] in organs and said & set(" ".join(n.qualifiers).split()):
            return True
        if isinstance(n, (Review, Defined)) and n.span and n.span[0] <= run[0].start < n.span[1]:
            words = _BRACKETS_AT_THE_END.sub("", n.text if isinstance(n, Review) else n.label).lower().rstrip(" ,").split(" ")
            if words[-1] in organs:
                return True
    return False


_BRACKETS_AT_THE_END = re.compile(r"(?:\s*\([^()]*\))+\s*$")


# words opening a modifier of the finding after it, never a finding of their own
_MODIFIER_OPENINGS = frozenset("newly poorly recently inadequately insufficiently".split())


def modifier_read_as_alternative(rule: Node) -> bool:
    """"Newly diagnosed (within 3 months) or poorly controlled (defined as ...), type 1 or 2 diabetes": the
    modifiers of the finding after them, left unread as alternatives to it; so read, any such finding would do."""
    for node in rule.walk():
        if isinstance(node, AnyOf) and isinstance(node.items[0], Review) and any(isinstance(item, Finding) for item in node.items[1:]):
            words = BRACKETED.sub("", node.items[0].text).split()
            if len(words) <= 2 and words[0].lower() in _MODIFIER_OPENINGS:  # the modifier alone, its bracket aside
                return True
    return False


def terms_sharing_a_head(tokens: list, lexemes: list) -> list[tuple[int, int]]:
    """The starts of two terms sharing a head: tagged by the lexicon as ending together ("arterial or venous
    thrombosis"), or the first given a copy of the head (`head_shared`: "cataract or refractive surgery")."""
    pairs = [(first.start, second.start) for first, second in zip(lexemes, lexemes[2:])
             if first.term and second.term and first.end == second.end and first.start < second.start]
    for index, token in enumerate(tokens):
        if token.start == token.end and 0 < index < len(tokens) - 1:  # a copied head, after the word it is read with
            following = next((t for t in tokens[index + 1:] if t.norm not in (",", "or", "and", "and/or")), None)
            if following is not None:
                pairs.append((tokens[index - 1].start, following.start))
    return pairs


def shared_head_left_unread(rule: Node, pairs: list[tuple[int, int]]) -> bool:
    """"Failed kidney or liver transplant": of two terms sharing a head, the first left among unread words, which
    may say as much of the second."""
    nodes = list(rule.walk())
    return any(isinstance(unread, Review) and unread.span and unread.span[0] <= first < unread.span[1] <= second
               and any(isinstance(node, Finding) and node.span and node.span[0] <= second < node.span[1] for node in nodes)
               for first, second in pairs for unread in nodes)
