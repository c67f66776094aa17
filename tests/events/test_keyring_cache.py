"""The keyring keeps few ciphers, but every key of a batch it is taught."""

from __future__ import annotations

import os
from uuid import UUID, uuid4

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from service.keyring import (
    CIPHER_CACHE,
    Keyring,
    KeyUnavailable,
    MasterKeys,
    key_id,
    open_sealed,
    seal,
    wrap,
)

MASTER = os.urandom(32)


def stored_keys(count: int) -> list[tuple[UUID, bytes, str, AESGCM]]:
    """Trainees' data keys as the database holds them, with each key's own cipher."""
    made = []
    for _ in range(count):
        trainee_id, data_key = uuid4(), AESGCM.generate_key(bit_length=256)
        wrapped = wrap(MASTER, data_key, trainee_id.bytes)
        made.append((trainee_id, wrapped, key_id(MASTER), AESGCM(data_key)))
    return made


def opens(keyring: Keyring, trainee_id: UUID, own: AESGCM) -> bool:
    sealed = seal(own, b"Ada Lovelace", trainee_id.bytes)
    aead = keyring.aead(trainee_id)
    return aead is not None and open_sealed(aead, sealed, trainee_id.bytes) == b"Ada Lovelace"


def test_every_key_of_a_batch_larger_than_the_cache_is_kept() -> None:
    keyring = Keyring(MasterKeys([MASTER]))  # no store: what it was not taught is unavailable
    batch = stored_keys(1500)
    keyring.learn([(i, wrapped, master) for i, wrapped, master, _ in batch])
    assert all(opens(keyring, i, own) for i, _, _, own in batch)


def test_beyond_its_limit_the_keyring_forgets_the_oldest_keys_not_the_newest() -> None:
    keyring = Keyring(MasterKeys([MASTER]))
    keys = stored_keys(1500)
    for trainee_id, wrapped, master, own in keys:  # one at a time, as writes teach them
        keyring.learn([(trainee_id, wrapped, master)])
        assert opens(keyring, trainee_id, own)
    with pytest.raises(KeyUnavailable):
        keyring.aead(keys[0][0])
    assert all(opens(keyring, i, own) for i, _, _, own in keys[-CIPHER_CACHE:])
