"""The chain composes each version's change wire name to wire name, whatever the order."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from domain.errors import Problem
from domain.rules.switches import Switch
from projections.documents import TraineeDocument
from service.versions import CHANGES, HEAD, VERSIONS, ChainError, VersionChange, build_chain
from service.versions.v1_0_pre import DEFER_STATE
from tests.versions.hypothetical import CHAIN, NEW_DEFER_STATE

PUBLISHED = list(VERSIONS)


TRAINEE_FIELDS = TraineeDocument.__struct_fields__


def _document() -> dict[str, Any]:
    return {name: f"value of {name}" for name in TRAINEE_FIELDS}


@pytest.mark.parametrize("segment", PUBLISHED)
def test_a_newer_version_leaves_every_published_version_as_it_was(segment: str) -> None:
    before, after = VERSIONS[segment], CHAIN[segment]
    document = _document()
    assert after.render(document) == before.render(document)
    assert after.canonical_request(before.render(document)) == before.canonical_request(
        before.render(document)
    )
    assert after.rules_off == before.rules_off | {Switch.EMAIL_FORMAT}  # the rule v2027.0 adds
    assert after.endpoints_removed == before.endpoints_removed


@pytest.mark.parametrize("segment", list(CHAIN))
def test_every_version_reads_back_every_field_it_writes(segment: str) -> None:
    version = CHAIN[segment]
    document = _document()
    rendered = version.render(document)
    back = version.canonical_request(rendered)
    expected = {
        k: v
        for k, v in document.items()
        if k not in version.request_removed and k not in version.response_removed
    }
    assert {k: back[k] for k in expected} == expected


def test_a_field_renamed_twice_reaches_the_oldest_name() -> None:
    assert CHAIN["v2027.0"].wire_name("course_subject_1") == "subject_1"
    assert CHAIN["v2026.1"].wire_name("course_subject_1") == "course_subject_1"
    assert CHAIN["v2025.0"].wire_name("course_subject_1") == "course_subject_one"
    for segment in PUBLISHED:
        assert CHAIN[segment].renames == VERSIONS[segment].renames
    sent = CHAIN["v2025.0"].canonical_request({"course_subject_one": "100346"})
    assert sent == {"course_subject_1": "100346"}
    assert CHAIN["v2025.0"].canonical_request({"subject_1": "100346"}) == {"subject_1": "100346"}


def test_a_name_of_the_newest_version_is_unknown_to_the_older_ones() -> None:
    assert CHAIN["v2027.0"].canonical_request({"hesa_id": "1"}) == {}
    assert CHAIN["v2027.0"].canonical_request({"hesa_number": "1"}) == {"hesa_id": "1"}
    newest = HEAD.wire_name("hesa_id")
    assert CHAIN[HEAD.name].canonical_request({newest: "1"}) == {"hesa_id": "1"}


def test_an_endpoint_removed_in_the_newest_version_is_served_by_the_older_ones() -> None:
    assert not CHAIN["v2027.0"].serves("recommend-for-qts")
    assert all(CHAIN[v].serves("recommend-for-qts") for v in PUBLISHED)


def test_a_rule_added_in_the_newest_version_is_off_in_the_older_ones() -> None:
    assert CHAIN["v2027.0"].policy.on(Switch.EMAIL_FORMAT)
    assert not any(CHAIN[v].policy.on(Switch.EMAIL_FORMAT) for v in PUBLISHED)


def test_a_message_reworded_in_the_newest_version_keeps_each_older_wording() -> None:
    problem = Problem("state", "is invalid must be one of [submitted_for_trn, trn_received]")
    assert CHAIN["v2027.0"].full_message(problem) == NEW_DEFER_STATE
    for segment in PUBLISHED:
        assert CHAIN[segment].full_message(problem) == VERSIONS[segment].full_message(problem)
    assert CHAIN["v1.0-pre"].full_message(problem) == "Trainee " + DEFER_STATE
    assert CHAIN["v0.1"].full_message(problem, may_humanise=False) == DEFER_STATE


def test_a_switch_named_by_a_string_fails_when_the_chain_is_built() -> None:
    typo = VersionChange(name="v0.0", summary="", rules_off=frozenset({"itt_end_after_strat"}))  # type: ignore[arg-type]
    with pytest.raises(ChainError, match="itt_end_after_strat"):
        build_chain((*CHANGES, typo))


def test_renaming_a_name_the_newer_version_lacks_fails_when_the_chain_is_built() -> None:
    wrong = VersionChange(name="v0.0", summary="", renames={"course_subject_1": "subject"})
    with pytest.raises(ChainError, match="course_subject_1"):
        build_chain((*CHANGES, wrong))  # v0.1 calls it course_subject_one


def test_two_fields_given_one_name_fail_when_the_chain_is_built() -> None:
    clash = VersionChange(
        name="v0.0", summary="", renames={"course_subject_one": "s", "course_subject_two": "s"}
    )
    with pytest.raises(ChainError, match="one name"):
        build_chain((*CHANGES, clash))


def test_a_version_declared_twice_fails_when_the_chain_is_built() -> None:
    with pytest.raises(ChainError, match=r"v0\.1"):
        build_chain((*CHANGES, CHANGES[-1]))


def test_every_switch_a_version_turns_is_described_in_a_clients_words() -> None:
    from domain.rules.switches import DESCRIPTIONS

    turned = {s for change in CHANGES for s in change.rules_off | change.rules_on}
    assert turned <= set(DESCRIPTIONS), sorted(turned - set(DESCRIPTIONS))


def test_the_newest_version_declares_its_own_mapping_from_the_domain() -> None:
    assert HEAD.change is CHANGES[0]
    assert HEAD.newer is not None and HEAD.newer.name == "domain"
    assert HEAD.is_head  # its mapping is empty: stored documents are served as they are


def test_a_field_removed_by_the_newest_version_is_given_back_to_the_older_ones() -> None:
    removing = VersionChange(
        name="v2027.0",
        summary="no previous_last_name",
        response_removed=frozenset({"previous_last_name"}),
        request_removed=frozenset({"previous_last_name"}),
    )
    giving_back = replace(CHANGES[0], fields_added={"previous_last_name": "previous_last_name"})
    chain = build_chain((removing, giving_back, *CHANGES[1:]))
    document = {name: f"value of {name}" for name in TRAINEE_FIELDS}
    assert "previous_last_name" not in chain["v2027.0"].render(document)
    assert chain["v2027.0"].canonical_request({"previous_last_name": "x"}) == {}
    for segment in PUBLISHED:
        assert chain[segment].render(document) == VERSIONS[segment].render(document)
        assert chain[segment].canonical_request({"previous_last_name": "x"}) == {
            "previous_last_name": "x"
        }


def test_an_added_response_field_is_renamed_by_an_older_change() -> None:
    older = VersionChange(name="v0.0", summary="", renames={"expected_end_date": "end_date"})
    oldest = build_chain((*CHANGES, older))["v0.0"]
    document = {name: f"value of {name}" for name in TRAINEE_FIELDS}
    rendered = oldest.render(document)
    assert rendered["end_date"] == document["itt_end_date"]
    assert "expected_end_date" not in rendered
