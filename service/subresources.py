"""Use cases of the placement and degree endpoints: each change is an event on the trainee."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import msgspec

from domain.details import (
    DEGREE_FIELDS,
    PLACEMENT_FIELDS,
    at_school,
    build_degree,
    build_placement,
)
from domain.errors import DuplicateDegree, ValidationFailed
from domain.rules import Context, Policy, School
from domain.rules.nested import DEGREE_WORDINGS, check_degrees_at_save, is_uk_degree
from domain.rules.subresources import degree_body_problems, duplicates_of, placement_body_problems
from domain.values import Actor, Degree, Placement
from projections.trainee_view import degree_document, placement_document
from service.commands import EventStore, Written, load, save, unchanged


@dataclass(frozen=True)
class Change:
    """A trainee after a change to one placement or degree, and that item's document."""

    trainee: Written
    item: dict[str, Any] | None


def _only(sent: Mapping[str, object], fields: tuple[str, ...]) -> dict[str, object]:
    return {k: v for k, v in sent.items() if k in fields}


def _check_placement(item: Mapping[str, object], school: School | None) -> None:
    problems = list(placement_body_problems(item, {school.urn} if school else frozenset()))
    if problems:
        raise ValidationFailed(problems)


def degree_context(today: date, policy: Policy) -> Context:
    # the degree endpoints word their code errors as the newest version does, in every version;
    # only the degree's own messages keep the version's words
    wording = {k: v for k, v in policy.wording.items() if k in DEGREE_WORDINGS}
    return Context(today=today, policy=Policy(off=policy.off, wording=wording))


def _check_degree(item: Mapping[str, object], today: date, policy: Policy) -> None:
    problems = degree_body_problems(item, degree_context(today, policy))
    if problems:
        raise ValidationFailed(problems)


def add_placement(
    register: EventStore,
    *,
    provider_id: str,
    slug: str,
    sent: Mapping[str, object],
    actor: Actor,
    restricted: bool,
    school: School | None = None,
) -> Change:
    """Add a placement from the fields sent (a known school's URN links the school)."""
    trainee = load(register, slug, provider_id)
    trainee.check_editable(refuse_when_complete=restricted)
    item = _only(sent, PLACEMENT_FIELDS)
    _check_placement(item, school)
    placement = build_placement(item, datetime.now(UTC), school)
    trainee.add_placement(placement=placement, actor=actor, restricted=restricted)
    return Change(save(register, trainee), placement_document(placement))


def change_placement(
    register: EventStore,
    *,
    provider_id: str,
    slug: str,
    placement_id: str,
    sent: Mapping[str, object],
    actor: Actor,
    restricted: bool,
    school: School | None = None,
) -> Change:
    """Change the placement's fields that were sent (sending a URN re-links the school)."""
    trainee = load(register, slug, provider_id)
    trainee.check_editable(refuse_when_complete=restricted)
    current = trainee.placement(placement_id)
    item = {**{k: getattr(current, k) for k in PLACEMENT_FIELDS}, **_only(sent, PLACEMENT_FIELDS)}
    if "urn" in sent and school is None and at_school(current):
        # leaving a school: the name and postcode were the school's, not the placement's
        item["name"], item["postcode"] = sent.get("name"), sent.get("postcode")
    _check_placement(item, school)
    rebuilt = build_placement(item, datetime.now(UTC), school)
    placement = msgspec.structs.replace(
        rebuilt, placement_id=current.placement_id, created_at=current.created_at
    )
    if _same(current, placement, "placement_id", "created_at", "updated_at"):
        return Change(save_unchanged(trainee), placement_document(current))
    trainee.change_placement(placement=placement, actor=actor, restricted=restricted)
    return Change(save(register, trainee), placement_document(placement))


def remove_placement(
    register: EventStore,
    *,
    provider_id: str,
    slug: str,
    placement_id: str,
    actor: Actor,
    restricted: bool,
) -> Change:
    """Remove the placement; the answer is the trainee without it."""
    trainee = load(register, slug, provider_id)
    trainee.remove_placement(placement_id=placement_id, actor=actor, restricted=restricted)
    return Change(save(register, trainee), None)


def add_degree(
    register: EventStore,
    *,
    provider_id: str,
    slug: str,
    sent: Mapping[str, object],
    actor: Actor,
    restricted: bool,
    policy: Policy,
    today: date,
) -> Change:
    """Add a degree unless the trainee already has the same one."""
    trainee = load(register, slug, provider_id)
    trainee.check_editable(refuse_when_complete=restricted)
    item = _only(sent, DEGREE_FIELDS)
    _check_degree(item, today, policy)
    degree = build_degree(item, datetime.now(UTC))
    _refuse_duplicate(degree, trainee.degrees)
    check_degrees_at_save([item], degree_context(today, policy), nested=False)
    trainee.add_degree(degree=degree, actor=actor, restricted=restricted)
    return Change(save(register, trainee), degree_document(degree))


def change_degree(
    register: EventStore,
    *,
    provider_id: str,
    slug: str,
    degree_id: str,
    sent: Mapping[str, object],
    actor: Actor,
    restricted: bool,
    policy: Policy,
    today: date,
) -> Change:
    """Change the degree's fields that were sent; the UK or non-UK type decides the locale."""
    trainee = load(register, slug, provider_id)
    trainee.check_editable(refuse_when_complete=restricted)
    current = trainee.degree(degree_id)
    item = {**{k: getattr(current, k) for k in DEGREE_FIELDS}, **_only(sent, DEGREE_FIELDS)}
    locale = item  # what decides UK or not: a stored institution does not keep a degree in the UK
    if "non_uk_degree" in sent and "uk_degree" not in sent:
        item["uk_degree"] = None
        locale = {**item, "institution": sent.get("institution")}
    if "uk_degree" in sent and "non_uk_degree" not in sent:
        item["non_uk_degree"] = None
        item["country"] = None
    _check_degree(locale, today, policy)
    rebuilt = build_degree(item, datetime.now(UTC), uk=is_uk_degree(locale))
    degree = msgspec.structs.replace(
        rebuilt, degree_id=current.degree_id, created_at=current.created_at
    )
    _refuse_duplicate(degree, trainee.degrees)
    check_degrees_at_save([locale], degree_context(today, policy), nested=False)
    if _same(current, degree, "degree_id", "created_at", "updated_at"):
        return Change(save_unchanged(trainee), degree_document(current))
    trainee.change_degree(degree=degree, actor=actor, restricted=restricted)
    return Change(save(register, trainee), degree_document(degree))


def remove_degree(
    register: EventStore,
    *,
    provider_id: str,
    slug: str,
    degree_id: str,
    actor: Actor,
    restricted: bool,
) -> Change:
    """Remove the degree; the answer is the trainee without it."""
    trainee = load(register, slug, provider_id)
    trainee.remove_degree(degree_id=degree_id, actor=actor, restricted=restricted)
    return Change(save(register, trainee), None)


def _refuse_duplicate(degree: Degree, existing: list[Degree]) -> None:
    matches = duplicates_of(degree, existing)
    if matches:
        raise DuplicateDegree([degree_document(d) for d in matches])


def _same(a: Placement | Degree, b: Placement | Degree, *ignored: str) -> bool:
    fields = [f for f in a.__struct_fields__ if f not in ignored]
    return all(getattr(a, f) == getattr(b, f) for f in fields)


def save_unchanged(trainee: Any) -> Written:
    """A trainee that nothing changed: no event, the current document."""
    return unchanged(trainee)
