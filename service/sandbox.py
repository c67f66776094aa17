"""A sandbox for client developers: a provider with a token on first start, and sample trainees
in every state, written through the same use cases as the API's requests."""

from __future__ import annotations

import asyncio
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Any

import asyncpg

from domain.values import Actor, ProviderRef
from projections.inline import Duplicated
from service import accounts, commands, lifecycle
from service.api.requests import TraineeInput, convert, disabilities_of, fields_of
from service.api.trainees import mentioned
from service.eventstore import TraineeRegister
from service.queries import register_entries
from service.versions import HEAD

UKPRN = "10009999"
NAME = "Sandbox Training Provider"
ACTOR = Actor(source="operator", operator="sandbox seed")
STATES = (
    "submitted_for_trn",
    "trn_received",
    "deferred",
    "withdrawn",
    "recommended_for_award",
    "awarded",
)
WITHDRAWAL: dict[str, object] = {
    "trigger": "trainee",
    "reasons": ["moved_to_different_itt_course"],
    "future_interest": "yes",
}
PEOPLE = (
    ("Amara", "Okafor"),
    ("Ben", "Hughes"),
    ("Chloe", "Patel"),
    ("Daniel", "Evans"),
    ("Ella", "Nowak"),
    ("Finn", "Murphy"),
    ("Grace", "Khan"),
    ("Harry", "Williams"),
    ("Isla", "Campbell"),
    ("Jack", "Osei"),
    ("Keira", "Jones"),
    ("Leo", "Fernandes"),
)


@dataclass(frozen=True)
class Sandbox:
    """The sandbox provider; `token` is set when one was issued just now."""

    provider: ProviderRef
    created: bool
    token: str | None


async def provider_id(conn: asyncpg.Connection) -> str | None:
    found = await conn.fetchval(
        "SELECT id::text FROM providers WHERE ukprn = $1 AND discarded_at IS NULL", UKPRN
    )
    return str(found) if found is not None else None


async def open_sandbox(conn: asyncpg.Connection, *, only_if_empty: bool) -> Sandbox | None:
    """Create the sandbox provider and a token for it; on a register that has providers already,
    only with only_if_empty False. None when nothing was done."""
    existing = await provider_id(conn)
    if existing is not None:
        return Sandbox(ProviderRef(provider_id=existing, ukprn=UKPRN), False, None)
    if only_if_empty and await conn.fetchval("SELECT EXISTS (SELECT 1 FROM providers)"):
        return None
    new_id = await accounts.add_provider(conn, NAME, UKPRN, None)
    _, token = await accounts.issue_token(conn, UKPRN, None)
    return Sandbox(ProviderRef(provider_id=new_id, ukprn=UKPRN), True, token)


def record(first: str, last: str, today: date) -> dict[str, Any]:
    """A complete trainee in the canonical fields, starting in the current academic cycle."""
    year = today.year if today.month >= 8 else today.year - 1
    born = secrets.randbelow(10_000)  # a new date each run, so a second seed is no duplicate
    return {
        "first_names": first,
        "last_name": last,
        "date_of_birth": f"{1988 + born % 14}-0{1 + born % 9}-1{born % 10}",
        "sex": "10" if secrets.randbelow(2) else "11",
        "email": f"{first.lower()}.{last.lower()}@example.com",
        "nationality": "GB",
        "training_route": "12",
        "itt_start_date": f"{year}-09-01",
        "itt_end_date": f"{year + 1}-07-31",
        "course_subject_1": "100346",
        "study_mode": "63",
        "course_age_range": "13918",
        "itt_aim": "202",
        "itt_qualification_aim": "001",
        "course_year": "1",
        "fund_code": "2",
        "funding_method": "6",
        "hesa_id": f"{secrets.randbelow(10**13):013d}",
        "disability1": "58",
        "degrees_attributes": [
            {
                "grade": "02",
                "subject": "100485",
                "institution": "0117",
                "uk_degree": "083",
                "graduation_year": "2010",
            }
        ],
        "placements_attributes": [
            {"urn": "900020", "name": "Oakfield Primary"},
            {"urn": "900010", "name": "Riverside Academy"},
        ],
    }


def create(
    register: TraineeRegister, url: str, provider: ProviderRef, body: dict[str, Any], today: date
) -> str | None:
    """POST /trainees without HTTP: the same decoding, checks and use case. None for a duplicate."""
    fields = fields_of(convert(body, TraineeInput))
    placements = [fields_of(p) for p in fields.pop("placements_attributes", [])]
    degrees = [fields_of(d) for d in fields.pop("degrees_attributes", [])]

    async def lookups() -> Any:
        conn = await asyncpg.connect(url)
        try:
            return await register_entries(conn, *mentioned(fields, placements))  # type: ignore[arg-type]
        finally:
            await conn.close()

    known = asyncio.run(lookups())
    new = commands.check_new_trainee(
        sent=fields,
        disabilities=disabilities_of(body),
        placements=placements,
        degrees=degrees,
        policy=HEAD.policy,
        today=today,
        known=known,
    )
    try:
        written = commands.register_trainee(register, provider=provider, new=new, actor=ACTOR)
    except Duplicated:  # the write transaction's own duplicate check found one
        return None
    return str(written.document["trainee_id"])


def drive(
    register: TraineeRegister, provider: ProviderRef, slug: str, state: str, start: str, today: date
) -> None:
    """Take a submitted trainee into the state, as its provider (through the newest version) and
    the teacher-record system would."""
    mine, policy = provider.provider_id, HEAD.policy
    if state in ("trn_received", "recommended_for_award", "awarded"):
        trn = f"{secrets.randbelow(9_000_000) + 1_000_000}"
        lifecycle.receive_trn(register, slug=slug, trn=trn, actor=ACTOR)
    if state == "deferred":
        lifecycle.defer(
            register,
            provider_id=mine,
            slug=slug,
            sent={"defer_date": start},
            actor=ACTOR,
            policy=policy,
            today=today,
        )
    if state == "withdrawn":
        lifecycle.withdraw(
            register,
            provider_id=mine,
            slug=slug,
            sent=WITHDRAWAL | {"withdrawal_date": start},
            actor=ACTOR,
            policy=policy,
            today=today,
        )
    if state in ("recommended_for_award", "awarded"):
        lifecycle.recommend(
            register,
            provider_id=mine,
            slug=slug,
            sent={"qts_standards_met_date": start},
            actor=ACTOR,
            policy=policy,
            today=today,
        )
    if state == "awarded":
        lifecycle.award(register, slug=slug, on=None, actor=ACTOR)


def seed(
    register: TraineeRegister, url: str, provider: ProviderRef, today: date
) -> list[tuple[str, str, str]]:
    """Two sample trainees in each state; returns (trainee id, name, state) for each."""
    made: list[tuple[str, str, str]] = []
    for (first, last), state in zip(PEOPLE, STATES * 2, strict=True):
        for _ in range(5):  # a date of birth drawn again when it met an earlier seed's
            body = record(first, last, today)
            slug = create(register, url, provider, body, today)
            if slug is not None:
                break
        else:
            continue
        drive(register, provider, slug, state, body["itt_start_date"], today)
        made.append((slug, f"{first} {last}", state))
    return made
