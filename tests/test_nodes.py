"""Rule-tree nodes: immutable, serializable, rendered as canonical text."""

import dataclasses
import json

import pytest
from conftest import ROOT

import eligibility
from eligibility.nodes import Compare, Node


@pytest.fixture(scope="module")
def trial():
    return eligibility.compile_trial(ROOT / "examples" / "NCT05832216.json")


def test_round_trip_through_plain_dicts(trial):
    for criterion in trial.criteria:
        data = json.loads(json.dumps(criterion.rule.to_dict()))
        again = Node.from_dict(data)
        assert again == criterion.rule
        assert again.render() == criterion.rule.render()


def test_nodes_are_frozen(trial):
    node = next(n for c in trial.criteria for n in c.rule.walk() if isinstance(n, Compare))
    with pytest.raises(dataclasses.FrozenInstanceError):
        node.op = ">"


def test_leaves_carry_spans_into_the_criterion_text(trial):
    criterion = next(c for c in trial.criteria if c.text.startswith("Abnormal kidney function"))
    compare = next(n for n in criterion.rule.walk() if isinstance(n, Compare))
    assert criterion.text[compare.span[0]:compare.span[1]] == "Creatinine clearance < 30 ml/min"


def test_trial_serializes_to_json(trial):
    data = json.loads(trial.to_json())
    assert data["nct_id"] == "NCT05832216"
    assert {c["status"] for c in data["criteria"]} <= {"compiled", "partial", "manual"}


def test_every_node_kind_has_an_evaluator():
    from eligibility.evaluate import Evaluator
    from eligibility.nodes import _NODE_TYPES

    for kind in _NODE_TYPES:
        if kind != "node":
            assert hasattr(Evaluator, f"visit_{kind}"), kind


def test_a_name_naming_two_concepts_is_refused(monkeypatch):
    """"CNS involvement" once named both brain metastases and CNS disease: a name reads as one term."""
    from eligibility import lexicon
    from eligibility.errors import LexiconError

    real = lexicon.data_json

    def with_duplicate(name, keys=None):
        data = real(name, keys) if keys is not None else real(name)
        if name == "concepts.json":
            entries = [dict(e) for e in data["entries"]]
            entries.append({"id": "twin_of_asthma", "category": "condition", "names": ["asthma"]})
            data = {**data, "entries": entries}
        return data

    monkeypatch.setattr(lexicon, "data_json", with_duplicate)
    with pytest.raises(LexiconError, match="asthma"):
        lexicon.Lexicon()


@pytest.mark.parametrize("entry, refused", [
    ({"id": "x_course", "category": "procedure", "names": ["x course"], "given_as_drugs": "radiotherapy"}, "not a drug class"),
    ({"id": "x_complication", "category": "condition", "names": ["x complication"], "implies": ["no_such_disease"]}, "no_such_disease"),
])
def test_a_concept_field_naming_the_wrong_kind_of_concept_is_refused(monkeypatch, entry, refused):
    from eligibility import lexicon
    from eligibility.errors import LexiconError

    real = lexicon.data_json

    def with_entry(name, keys=None):
        data = real(name, keys) if keys is not None else real(name)
        if name == "concepts.json":
            data = {**data, "entries": [*data["entries"], entry]}
        return data

    monkeypatch.setattr(lexicon, "data_json", with_entry)
    with pytest.raises(LexiconError, match=refused):
        lexicon.Lexicon()


def test_a_permission_round_trips_and_never_decides_against_the_patient():
    for kind, outcome in (("inclusion", "met"), ("exclusion", "not_met")):
        rule, _ = eligibility.compile_criterion("Prior radiotherapy is allowed", kind)
        assert Node.from_dict(json.loads(json.dumps(rule.to_dict()))) == rule
        heading = "Inclusion Criteria:" if kind == "inclusion" else "Exclusion Criteria:"
        result = eligibility.screen({"procedures": ["radiotherapy"]}, eligibility.compile_trial(f"{heading}\n* Prior radiotherapy is allowed"))
        assert result.criteria[0].outcome.value == outcome
