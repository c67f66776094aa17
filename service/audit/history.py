"""A trainee's history for an operator's terminal (`trainees history`): the audit timeline's
entries in any version's vocabulary, up to a moment, and the trainee as it stood then."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

import asyncpg
import msgspec
from eventsourcing.persistence import Mapper

from service.audit.timeline import entries, load
from service.versions import ApiVersion


async def history(
    conn: asyncpg.Connection,
    mapper: Mapper[UUID],
    slug: str,
    version: ApiVersion,
    as_of: datetime | None = None,
) -> dict[str, Any] | None:
    """The trainee's entries (up to as_of) and its state then; None when there is no such
    trainee, or it did not exist yet at as_of."""
    found = await load(conn, mapper, slug)
    if found is None:
        return None
    step = found.at_time(as_of) if as_of else found.steps[-1]
    if step is None:
        return None
    shown = [e for e in entries(found, version) if e["sequence"] <= step.sequence]
    return {
        "trainee_id": found.slug,
        "vocabulary": version.name,
        "as_of": as_of.isoformat() if as_of else None,
        "sequence": step.sequence,
        "events": shown,
        "data": version.render(found.document(step)),
    }


def _who(actor: dict[str, Any]) -> str:
    if actor["type"] == "provider":
        return (
            f"provider {actor['provider_id']} token {actor['token_id']} "
            f"via {actor['api_version']} request {actor['request_id']}"
        )
    if actor["type"] == "teacher_record_system":
        return f"the teacher-record system (recorded by {actor['recorded_by'] or '-'})"
    return f"operator {actor.get('operator') or '-'}"


def _json(value: Any) -> str:
    return msgspec.json.encode(value).decode()


def render_text(found: dict[str, Any], *, with_state: bool) -> str:
    """The history as readable lines; with_state adds the trainee as it stood at the end."""
    lines = []
    for e in found["events"]:
        lines.append(f"#{e['sequence']} {e['at']} {e['event']} by {_who(e['actor'])}")
        for field, change in e["changes"].items():
            lines.append(f"    {field}: {_json(change['from'])} -> {_json(change['to'])}")
    if with_state:
        lines.append(
            f"state at {found['as_of']} (event {found['sequence']}, {found['vocabulary']}):"
        )
        lines += [f"    {k}: {_json(v)}" for k, v in found["data"].items()]
    return "\n".join(lines)
