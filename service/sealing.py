"""Personal fields of a stored event, sealed with the trainee's data key (domain.personal).

A sealed event's JSON keeps its non-personal attributes as they are and carries, under
`_personal`, the names of the personal fields it took out (no values) and their values
encrypted together, with the trainee id, the event's version and those names as associated
data: a sealed value cannot be moved to another trainee, event or field unnoticed.
"""

from __future__ import annotations

import base64
import binascii
from typing import Any
from uuid import UUID

import msgspec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.personal import PERSONAL_IN_EVENTS, SELF, erased_value
from service.keyring import open_sealed, seal

SEALED = "_personal"


def event_name(topic: str) -> str:
    """The event's name in domain.personal from its stored topic."""
    return topic.rpartition(":")[2]


def _aad(trainee_id: UUID, version: int, fields: list[str]) -> bytes:
    return b"trainees:event:%b:%d:%b" % (trainee_id.bytes, version, ",".join(fields).encode())


def _holder(state: dict[str, Any], container: str) -> dict[str, Any] | None:
    holder = state if container == SELF else state.get(container)
    return holder if isinstance(holder, dict) else None


def _path(container: str, name: str) -> str:
    return f"{container}.{name}" if container else name


def personal_values(name: str, state: dict[str, Any]) -> dict[str, Any]:
    """Take the personal fields out of a stored event's state: path -> value."""
    taken: dict[str, Any] = {}
    for container, fields in PERSONAL_IN_EVENTS.get(name, {}).items():
        holder = _holder(state, container)
        if holder is None:
            continue
        for field in sorted(fields & holder.keys()):
            taken[_path(container, field)] = holder.pop(field)
    return taken


def seal_state(
    name: str, state: dict[str, Any], aead: AESGCM, trainee_id: UUID, version: int
) -> bool:
    """Replace the personal fields of a stored event's state by their sealed form; whether
    there were any."""
    taken = personal_values(name, state)
    if not taken:
        return False
    fields = list(taken)
    sealed = seal(aead, msgspec.json.encode(taken), _aad(trainee_id, version, fields))
    state[SEALED] = {"fields": fields, "data": base64.b64encode(sealed).decode()}
    return True


def unseal_state(
    state: dict[str, Any], aead: AESGCM | None, trainee_id: UUID, version: int
) -> list[str]:
    """Put the personal fields back (as erased values when the key is gone); the paths that
    were erased."""
    sealed = state.pop(SEALED, None)
    if sealed is None:
        return []
    fields: list[str] = sealed["fields"]
    if aead is None:
        values = {path: erased_value(path.rpartition(".")[2]) for path in fields}
    else:
        plain = open_sealed(
            aead, binascii.a2b_base64(sealed["data"]), _aad(trainee_id, version, fields)
        )
        values = msgspec.json.decode(plain)
    for path, value in values.items():
        container, _, field = path.rpartition(".")
        holder = _holder(state, container)
        if holder is not None:
            holder[field] = value
    return fields if aead is None else []
