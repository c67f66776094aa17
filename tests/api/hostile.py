"""What a hostile client sends: the endpoints that take a body, their fields, bad values."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from domain.details import DEGREE_FIELDS, PLACEMENT_FIELDS, WRITABLE
from domain.errors import Problem
from service.api.values import LINE_LIMIT, PROSE_FIELDS, PROSE_LIMIT
from service.versions import VERSIONS, ApiVersion
from tests.bodies import trainee

ALL = ("v0.1", "v1.0-pre", "v2025.0", "v2026.0", "v2026.1")
DEGREE = {
    "grade": "02",
    "subject": "100485",
    "institution": "0117",
    "uk_degree": "083",
    "graduation_year": "2003",
}
WITHDRAW = ("withdrawal_date", "trigger", "reasons", "future_interest", "another_reason")


@dataclass(frozen=True)
class Endpoint:
    """A write endpoint: where it is, the fields it reads, and how it words a refusal."""

    name: str
    method: str
    path: str  # {tid}, {pid}, {did}: the target trainee's ids
    fields: tuple[str, ...]
    trainee_family: bool = False  # family A (api.md 7.2) rather than family B
    humanised: bool = True  # whether v0.1 humanises the field names of this endpoint

    def served_path(self, version: str, ids: dict[str, str]) -> str:
        path = self.path
        if path.endswith("update-qts-or-eyts-status") and not VERSIONS[version].serves(
            "update-qts-or-eyts-status"
        ):
            path = path.replace("update-qts-or-eyts-status", "recommend-for-qts")
        return f"/api/{version}" + path.format(**ids)

    def fields_in(self, version: str) -> tuple[str, ...]:
        removed = VERSIONS[version].request_removed
        return tuple(f for f in self.fields if f not in removed)


TRAINEE_FIELDS = (*WRITABLE, "disability1")
ENDPOINTS = (
    Endpoint("create", "POST", "/trainees", TRAINEE_FIELDS, trainee_family=True),
    Endpoint("put", "PUT", "/trainees/{tid}", TRAINEE_FIELDS, trainee_family=True),
    Endpoint("patch", "PATCH", "/trainees/{tid}", TRAINEE_FIELDS, trainee_family=True),
    Endpoint("add placement", "POST", "/trainees/{tid}/placements", PLACEMENT_FIELDS),
    Endpoint("change placement", "PATCH", "/trainees/{tid}/placements/{pid}", PLACEMENT_FIELDS),
    Endpoint("add degree", "POST", "/trainees/{tid}/degrees", DEGREE_FIELDS),
    Endpoint("change degree", "PUT", "/trainees/{tid}/degrees/{did}", DEGREE_FIELDS),
    Endpoint(
        "withdraw",
        "POST",
        "/trainees/{tid}/withdraw",
        (*WITHDRAW, "safeguarding_concern_reasons"),
    ),
    Endpoint(
        "defer", "POST", "/trainees/{tid}/defer", ("defer_date", "defer_reason"), False, False
    ),
    Endpoint(
        "recommend",
        "POST",
        "/trainees/{tid}/update-qts-or-eyts-status",
        ("qts_standards_met_date",),
        False,
        False,
    ),
)


def limit(field: str) -> int:
    return PROSE_LIMIT if field in PROSE_FIELDS else LINE_LIMIT


BAD_VALUES: dict[str, Any] = {
    "nul": lambda f: "before\u0000after",
    "nul alone": lambda f: "\u0000",
    "bell": lambda f: "ring\u0007ring",
    "escape": lambda f: "\u001b[31mred",
    "c1 control": lambda f: "next\u0085line",
    "object": lambda f: {"a": 1},
    "array": lambda f: [{"a": 1}] if f == "reasons" else ["a"],
    "false": lambda f: False,
    "true": lambda f: True,
    "2**64": lambda f: 2**64,
    "-2**63-1": lambda f: -(2**63) - 1,
    "1e300": lambda f: 1e300,
    "too long": lambda f: "x" * (limit(f) + 1),
}
"""Kinds of value no field takes, by the field they are sent in."""


def wire(version: str, fields: dict[str, Any]) -> dict[str, Any]:
    """Canonical field names in the version's vocabulary."""
    v = VERSIONS[version]
    return {v.wire_name(k): value for k, value in fields.items()}


def valid_body(endpoint: Endpoint, version: str) -> dict[str, Any]:
    """A body the endpoint would accept (or refuse for the target's state, not its fields)."""
    if endpoint.name == "create":
        return trainee()
    if endpoint.name in ("put", "patch"):
        return {"first_names": "Jane"}
    if "placement" in endpoint.name:
        return {"urn": "900020", "name": "School"}
    if "degree" in endpoint.name:
        return dict(DEGREE)
    if endpoint.name == "withdraw":
        return {
            "withdrawal_date": "2020-01-01",
            "trigger": "provider",
            "reasons": ["record_added_in_error"],
            "future_interest": "no",
        }
    if endpoint.name == "defer":
        return {"defer_date": "2020-01-01"}
    return {"qts_standards_met_date": "2020-01-01"}


def expected_message(version: ApiVersion, endpoint: Endpoint, problem: Problem) -> str:
    return version.full_message(problem, may_humanise=endpoint.humanised)


def refusal(version: str, endpoint: Endpoint, problems: list[Problem]) -> dict[str, Any]:
    """The body a refusal of these problems has, in the version's words and envelope."""
    v = VERSIONS[version]
    texts = [expected_message(v, endpoint, p) for p in problems]
    if endpoint.trainee_family:
        n = len(texts)
        return {
            "message": f"Validation failed: {n} error{'' if n == 1 else 's'} prohibited this "
            "trainee from being saved",
            "errors": texts,
        }
    return {"errors": [{"error": "UnprocessableEntity", "message": t} for t in texts]}


def sorted_errors(body: dict[str, Any]) -> dict[str, Any]:
    """The body with its errors in a stable order (the tests compare sets of problems)."""
    errors = body.get("errors")
    if isinstance(errors, list):
        return {**body, "errors": sorted(errors, key=repr)}
    return body
