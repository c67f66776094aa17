"""The training partner and employing school a record names (domain.md 2.13, api.md 4.7)."""

from __future__ import annotations

from collections.abc import Iterator

from domain.errors import Problem
from domain.rules import Candidate, Context, Partner, Register, Rule
from domain.rules.nested import NOT_APPLICABLE_URNS
from domain.rules.switches import Switch, Wording

PARTNER_KEYS = (("training_partner_urn", "URN"), ("training_partner_ukprn", "UKPRN"))
UNCHANGED = "unchanged"
UNKNOWN_PARTNER = "is invalid. The {kind} '{value}' does not match any known training partners"


def _raw(c: Candidate, name: str) -> str | None:
    """The value as sent (not stripped), None when blank."""
    value = c.values.get(name)
    return str(value) if value is not None and str(value).strip() else None


def _partner_key(c: Candidate) -> tuple[str, str] | None:
    """Which key names the partner: the URN when sent, else the UKPRN; None when neither."""
    return next(((name, kind) for name, kind in PARTNER_KEYS if c.was_sent(name)), None)


def _find_partner(c: Candidate, register: Register, name: str) -> Partner | None:
    value = _raw(c, name)
    if value is None or (name == "training_partner_urn" and value in NOT_APPLICABLE_URNS):
        return None
    if name == "training_partner_urn":
        return register.partner(urn=value)
    return register.partner(ukprn=value)


def partner_link(c: Candidate, register: Register) -> tuple[str | None, str | None] | str:
    """The (URN, UKPRN) of the partner the record names, or UNCHANGED when it names none."""
    key = _partner_key(c)
    if key is None:
        return (None, None) if c.creating else UNCHANGED
    found = _find_partner(c, register, key[0])
    return (found.urn, found.ukprn) if found else (None, None)


def school_link(c: Candidate, register: Register) -> str | None:
    """The URN of the employing school the record names; UNCHANGED when it names none."""
    if not c.was_sent("employing_school_urn"):
        return None if c.creating else UNCHANGED
    urn = _raw(c, "employing_school_urn")
    return urn if urn is not None and urn in register.schools else None


def training_partner(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """A partner URN or UKPRN must be one the register knows (magic URNs mean none)."""
    key = _partner_key(c)
    if key is None or not ctx.on(Switch.UNKNOWN_PARTNER_OR_SCHOOL):
        return
    name, kind = key
    value = _raw(c, name)
    if value is None or (kind == "URN" and value in NOT_APPLICABLE_URNS):
        return
    if _find_partner(c, ctx.register, name) is None and not ctx.on(Switch.PARTNER_ERRORS_BY_FIELD):
        # the older behaviour named the link, not the field, and said URN for a UKPRN too
        yield Problem(
            "lead_partner_id",
            f"is invalid. The URN '{value}' does not match any known lead partners",
        )
    elif _find_partner(c, ctx.register, name) is None:
        template = ctx.message(Wording.TRAINING_PARTNER_INVALID, UNKNOWN_PARTNER)
        yield Problem(name, template.format(kind=kind, value=value))


def employing_school(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """An employing school URN must be a school the register knows (magic URNs mean none)."""
    value = _raw(c, "employing_school_urn") if c.was_sent("employing_school_urn") else None
    if value is None or not ctx.on(Switch.UNKNOWN_PARTNER_OR_SCHOOL):
        return
    if value in NOT_APPLICABLE_URNS or value in ctx.register.schools:
        return
    yield Problem(
        "employing_school_id", f"is invalid. The URN '{value}' does not match any known schools"
    )


TRAINING_PARTNER = Rule(Switch.TRAINING_PARTNER, training_partner)
EMPLOYING_SCHOOL = Rule(Switch.EMPLOYING_SCHOOL, employing_school)
