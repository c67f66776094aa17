"""A trainee's history: every event in order, who caused it, through which version, what changed."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from uuid import UUID

import msgspec

from domain.personal import ERASED
from domain.trainee import trainee_uuid
from domain.values import Actor, changed_fields
from service.eventstore import TraineeRegister
from service.keyring import KeyUnavailable
from service.sealing import sealed_fields

_HIDDEN = frozenset(
    {"originator_id", "originator_version", "originator_topic", "timestamp", "actor"}
)


def _plain(value: Any) -> Any:
    if isinstance(value, msgspec.Struct):
        if type(value).__name__ == "RecordChanges":
            return {k: _plain(v) for k, v in changed_fields(value).items()}
        return {
            k: _plain(v)
            for k, v in msgspec.structs.asdict(value).items()
            if v not in (None, {}, [], ())
        }
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def _mark_erased(data: dict[str, Any], paths: list[str]) -> None:
    for path in paths:
        container, _, field = path.rpartition(".")
        holder = data.setdefault(container, {}) if container else data
        if isinstance(holder, dict):
            holder[field] = ERASED


def history(register: TraineeRegister, slug: str) -> list[dict[str, Any]]:
    """The trainee's events as plain entries, oldest first (empty when there is no such
    trainee); after an erasure every personal value reads "erased"."""
    trainee_id = trainee_uuid(slug)
    stored = register.recorder.select_events(trainee_id)
    erased = bool(stored) and _key_destroyed(register, trainee_id)
    entries = []
    for record in stored:
        event = register.mapper.to_domain_event(record)
        state: dict[str, Any] = vars(event)
        actor: Actor = state["actor"]
        data = {k: _plain(v) for k, v in state.items() if k not in _HIDDEN}
        if erased:
            _mark_erased(data, sealed_fields(msgspec.json.decode(record.state)))
        entries.append(
            {
                "version": event.originator_version,
                "event": type(event).__name__,
                "at": state["timestamp"].isoformat(),
                "actor": _plain(actor),
                "data": data,
            }
        )
    return entries


def _key_destroyed(register: TraineeRegister, trainee_id: UUID) -> bool:
    register.keyring.forget(trainee_id)  # what is stored now, not what this process saw
    try:
        return register.keyring.aead(trainee_id) is None
    except KeyUnavailable:  # stored before personal data was sealed
        return False


def render_text(entries: list[dict[str, Any]]) -> str:
    """The history as readable lines for an operator's terminal."""
    lines = []
    for e in entries:
        actor = e["actor"]
        who = (
            f"provider {actor.get('provider_id')} token {actor.get('token_id')} "
            f"via {actor.get('api_version')} request {actor.get('request_id')}"
            if actor.get("source") == "api"
            else f"operator {actor.get('operator') or '-'}"
        )
        lines.append(f"#{e['version']} {e['at']} {e['event']} by {who}")
        for key, value in e["data"].items():
            if isinstance(value, dict):
                for sub, v in value.items():
                    lines.append(f"    {key}.{sub}: {msgspec.json.encode(v).decode()}")
            else:
                lines.append(f"    {key}: {msgspec.json.encode(value).decode()}")
    return "\n".join(lines)
