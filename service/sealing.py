"""Personal fields of a stored event, sealed with the trainee's data key (domain.personal).

A sealed event's JSON keeps its non-personal attributes as they are and carries, under
`_personal`, the names of the personal fields it took out (no values) and their values
encrypted together, with the trainee id, the event's version and those names as associated
data: a sealed value cannot be moved to another trainee, event or field unnoticed.
"""

from __future__ import annotations

import base64
import threading
import typing
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import msgspec
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.personal import PERSONAL_IN_EVENTS, SELF, erased_value
from service.keyring import open_sealed, seal

SEALED = "_personal"


class Envelope(msgspec.Struct, frozen=True, forbid_unknown_fields=True):
    """What a sealed event keeps under SEALED: the paths it took out, their values sealed."""

    fields: list[str]
    data: bytes  # base64 in the JSON


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
            aead, base64.b64decode(sealed["data"]), _aad(trainee_id, version, fields)
        )
        values = msgspec.json.decode(plain)
    for path, value in values.items():
        container, _, field = path.rpartition(".")
        holder = _holder(state, container)
        if holder is not None:
            holder[field] = value
    return fields if aead is None else []


@dataclass(frozen=True)
class Layout:
    """Where the opened personal fields of one event class go: the plaintext decoded straight
    into their types, a struct whose members are grouped by container, each group given as
    (container, its field names, where its members start and stop)."""

    decoder: msgspec.json.Decoder[Any]
    groups: tuple[tuple[str, tuple[str, ...], int, int], ...]
    paths: dict[str, tuple[str, str]]  # each path's (container, field)


_LAYOUTS: dict[type, Layout] = {}
_PREPARING = threading.Lock()


def _holder_fields(cls: type, container: str) -> dict[str, Any]:
    """The annotated fields of an event class (SELF) or of the Struct one of them holds."""
    hints = typing.get_type_hints(cls)
    if container == SELF:
        return hints
    kind = hints.get(container)
    structs = [t for t in typing.get_args(kind) or (kind,) if isinstance(t, type)]
    held = next((t for t in structs if issubclass(t, msgspec.Struct)), None)
    return {} if held is None else {f.name: f.type for f in msgspec.structs.fields(held)}


def layout(cls: type, name: str) -> Layout:
    """The layout of the personal fields of the event class `cls`, named `name`."""
    found = _LAYOUTS.get(cls)
    if found is not None:
        return found
    with _PREPARING:  # preparing a type's decoder in two threads at once can crash
        if cls not in _LAYOUTS:
            members: list[tuple[str, Any, Any]] = []
            groups, paths = [], {}
            for container, names in PERSONAL_IN_EVENTS.get(name, {}).items():
                types = _holder_fields(cls, container)
                fields = tuple(sorted(names & types.keys()))
                groups.append((container, fields, len(members), len(members) + len(fields)))
                for field in fields:
                    paths[_path(container, field)] = (container, field)
                    members.append((f"m{len(members)}", types[field] | msgspec.UnsetType,
                                    msgspec.UNSET))  # fmt: skip
            made = msgspec.defstruct(
                f"{cls.__qualname__}Personal",
                members,
                kw_only=True,
                forbid_unknown_fields=True,
                rename=dict(zip((m[0] for m in members), paths, strict=True)),
            )
            _LAYOUTS[cls] = Layout(msgspec.json.Decoder(made), tuple(groups), paths)
        return _LAYOUTS[cls]


def open_fields(
    found: Layout,
    attributes: dict[str, Any],
    envelope: Envelope,
    aead: AESGCM | None,
    trainee_id: UUID,
    version: int,
) -> bool:
    """Put the personal fields of a decoded event back into its typed attributes (as erased
    values when the key is gone), as unseal_state does for plain values; False when the
    sealed fields do not fit the event's class (the caller then decodes the plain way, which
    says what is wrong)."""
    held: dict[str, dict[str, Any]] = {}
    if aead is None:
        for path in envelope.fields:
            if path not in found.paths:
                return False
            container, field = found.paths[path]
            held.setdefault(container, {})[field] = erased_value(field)
    else:
        plain = open_sealed(aead, envelope.data, _aad(trainee_id, version, envelope.fields))
        try:
            decoded = msgspec.structs.astuple(found.decoder.decode(plain))
        except msgspec.ValidationError:
            return False
        unset = msgspec.UNSET
        for container, fields, start, stop in found.groups:
            members = zip(fields, decoded[start:stop], strict=True)
            held[container] = {field: value for field, value in members if value is not unset}
    for container, values in held.items():
        if container == SELF:
            attributes.update(values)
        elif values and isinstance(holder := attributes.get(container), msgspec.Struct):
            attributes[container] = msgspec.structs.replace(holder, **values)
    return True
