"""The trainee read model: one row per trainee, its document in the head API vocabulary."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from domain.errors import TraineeErased
from domain.trainee import Trainee
from projections.documents import (
    degree_document,
    document_parts,
    placement_document,
    splice,
    trainee_document,
)
from service.keyring import Keyring, open_sealed, seal

__all__ = [
    "COLUMNS",
    "degree_document",
    "placement_document",
    "plain_row",
    "trainee_document",
    "trainee_row",
]

COLUMNS = (
    "id",
    "slug",
    "slug_key",
    "provider_id",
    "version",
    "state",
    "trn_key",
    "itt_start_date",
    "start_cycle_year",
    "created_at",
    "updated_at",
    "last_name_key",
    "first_name_key",
    "email_key",
    "date_of_birth_key",
    "training_route",
    "provider_trainee_id_key",
    "sealed",
    "erased_at",
    "doc",
)
SEALED_AT = COLUMNS.index("sealed")


def cycle_year(day: date) -> int:
    """The start year of the academic cycle (1 August to 31 July) containing the day."""
    return day.year if day.month >= 8 else day.year - 1


def start_cycle_year(trainee: Trainee, today: date | None = None) -> int:
    """The trainee's start academic cycle: from the trainee start date, else the ITT start."""
    record = trainee.record
    day = record.trainee_start_date or record.itt_start_date
    if day is None:
        day = (today or datetime.now(UTC).date()) + timedelta(days=31)
    return cycle_year(day)


def first_name_key(first_names: str | None) -> str | None:
    """The first forename, lower-cased, letters only: how duplicates are compared."""
    if not first_names:
        return None
    words = re.sub(r"[^a-z ]", "", first_names.strip().lower()).split()
    return words[0] if words else None


def last_name_key(last_name: str | None) -> str | None:
    """The last name as duplicates compare it."""
    return (last_name or "").strip().lower() or None


def email_key(email: str | None) -> str | None:
    """The email address as duplicates compare it."""
    return (email or "").strip().lower() or None


def row_aad(trainee_id: UUID) -> bytes:
    """What a read-model row's sealed members are bound to."""
    return b"trainees:row:" + trainee_id.bytes


def open_row(keyring: Keyring, row: tuple[Any, ...]) -> bytes:
    """A read-model row's whole document from (id, doc, sealed, erased_at, wrapped key, master
    key id): its sealed personal members opened (one AES-GCM call) and spliced back in as
    bytes; TraineeErased for an erased trainee."""
    if row[3] is not None:
        raise TraineeErased(row[3])
    doc: bytes = row[1].encode()
    if row[2] is None:  # written before personal data was sealed, and not yet sealed
        return doc
    aead = keyring.opened(row[0], row[4], row[5])
    if aead is None:
        raise TraineeErased(datetime.now(UTC))
    return splice(doc, open_sealed(aead, row[2], row_aad(row[0])))


def trainee_row(
    trainee: Trainee,
    keyring: Keyring,
    new: bool = False,
    parts: tuple[bytes, bytes] | None = None,
) -> tuple[Any, ...]:
    """The read-model row of a trainee, in COLUMNS order: the personal members of its document
    sealed apart with the trainee's data key, and keyed hashes of the values that filters and
    the duplicate check compare. An erased trainee keeps only its non-personal record. A `new`
    trainee gets its data key made here, without looking for a stored one; `parts` are the
    trainee's document_parts when the caller has them already."""
    row, aead = plain_row(trainee, keyring, new=new, parts=parts)
    if aead is None:
        return row
    sealed = seal(aead, row[SEALED_AT], row_aad(trainee.id))
    return (*row[:SEALED_AT], sealed, *row[SEALED_AT + 1 :])


def plain_row(
    trainee: Trainee,
    keyring: Keyring,
    new: bool = False,
    parts: tuple[bytes, bytes] | None = None,
) -> tuple[tuple[Any, ...], AESGCM | None]:
    """The trainee's row before sealing: the personal members in plaintext where trainee_row
    puts them sealed, and the cipher that seals them (None: the row keeps none apart)."""
    r = trainee.record
    record, members = parts or document_parts(trainee)
    sealed, h, aead = None, keyring.keyed_hash, None
    if trainee.erasure is not None:
        h = _no_hash
    elif (aead := keyring.row_aead(trainee.id, first_event=new)) is not None:
        sealed = members
    else:  # a rebuild of a trainee stored before personal data was sealed, as it was stored
        record = splice(record, members)
    return (
        trainee.id,
        trainee.slug,
        trainee.slug.lower(),
        trainee.provider.provider_id,
        trainee.version,
        str(trainee.state),
        h("trn", trainee.trn) if trainee.has_trn else None,
        r.itt_start_date,
        start_cycle_year(trainee),
        trainee.created_on,
        trainee.modified_on,
        h("last_name", last_name_key(r.last_name)),
        h("first_name", first_name_key(r.first_names)),
        h("email", email_key(r.email)),
        h("date_of_birth", r.date_of_birth.isoformat() if r.date_of_birth else None),
        r.training_route,
        h("provider_trainee_id", r.provider_trainee_id),
        sealed,
        trainee.erasure.at if trainee.erasure else None,
        record.decode(),
    ), aead


def _no_hash(kind: str, value: str | None) -> None:
    return None
