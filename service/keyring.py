"""Envelope encryption: a data key per trainee, wrapped by the master key; AES-256-GCM throughout.

A data key never leaves the process unwrapped. Destroying a trainee's wrapped key (erasure)
makes every value sealed with it unreadable, wherever the sealed bytes are kept.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import itertools
import os
import sys
import threading
import typing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

import asyncpg
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from service.config import SettingError, Settings

KEY_BYTES = 32
NONCE_BYTES = 12
HASH_SECRET = "hash"
"""The name of the deployment's hashing key among the stored secrets."""
CIPHER_CACHE = 256
"""Ciphers a process keeps: each holds OpenSSL state (about 2.5 KB), and making one again
from its wrapped key costs about a microsecond, so a small cache is as fast as a large one."""


class KeyUnavailable(Exception):
    """A key is missing or does not open what it should."""


class UnknownMasterKey(KeyUnavailable):
    """A data key is wrapped by a master key the service was not given."""

    def __init__(self, key_id: str) -> None:
        super().__init__(f"no master key with id {key_id} is configured")
        self.key_id = key_id


def parse_key(text: str, where: str) -> bytes:
    """A 256-bit key written as 64 hex digits or as base64."""
    text = text.strip()
    try:
        key = bytes.fromhex(text) if len(text) == 64 else base64.b64decode(text, validate=True)
    except ValueError:
        raise ValueError(f"{where} must hold 256-bit keys (64 hex digits or base64)") from None
    if len(key) != KEY_BYTES:
        raise ValueError(f"{where} must hold 256-bit keys (64 hex digits or base64)")
    return key


def key_id(master: bytes) -> str:
    """A short public name of a master key, stored beside what it wraps."""
    return hashlib.sha256(b"trainees master key id\0" + master).hexdigest()[:16]


def new_master_key() -> str:
    """A new master key, as written into key files."""
    return base64.b64encode(os.urandom(KEY_BYTES)).decode()


def read_key_file(path: Path) -> list[bytes]:
    """The keys of a key file, one a line, the current one first."""
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    if not lines:
        raise ValueError(f"the key file {path} holds no key")
    return [parse_key(line, f"the key file {path}") for line in lines]


@dataclass
class MasterKeys:
    """The current master key (wraps new data keys) and older ones still accepted; a key file
    is read again when it changes, so a rotation reaches a running service."""

    keys: list[bytes]
    source: Path | None = None
    _mtime: float = field(default=0.0, repr=False)
    _ciphers: dict[str, AESGCM] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.source is not None:
            self._mtime = self.source.stat().st_mtime

    def __getstate__(self) -> dict[str, Any]:
        """Pickled without the ciphers made from the keys (each process makes its own)."""
        return {**vars(self), "_ciphers": {}}

    @property
    def current(self) -> bytes:
        self.refresh()
        return self.keys[0]

    @property
    def current_id(self) -> str:
        return key_id(self.current)

    def by_id(self, wanted: str) -> bytes:
        """The master key with this id (re-reading the key file once if it is unknown)."""
        for key in self.keys:
            if key_id(key) == wanted:
                return key
        if self.refresh(force=True):
            return self.by_id(wanted)
        raise UnknownMasterKey(wanted)

    def cipher(self, wanted: str) -> AESGCM:
        """The master key with this id as a cipher, made once per key."""
        found = self._ciphers.get(wanted)
        if found is None:
            found = self._ciphers[wanted] = AESGCM(self.by_id(wanted))
        return found

    def refresh(self, force: bool = False) -> bool:
        """Read the key file again if it changed; whether the keys changed."""
        if self.source is None:
            return False
        try:
            mtime = self.source.stat().st_mtime
            if mtime == self._mtime and not force:
                return False
            keys = read_key_file(self.source)
        except (OSError, ValueError):
            return False
        changed = keys != self.keys
        self.keys, self._mtime = keys, mtime
        if changed:
            self._ciphers = {}
        return changed


def _wrap_aad(owner: bytes) -> bytes:
    return b"trainees:wrapped-key:" + owner


def wrap(master: bytes, data_key: bytes, owner: bytes) -> bytes:
    """A data key sealed by a master key, bound to its owner (a trainee id or a secret name)."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(master).encrypt(nonce, data_key, _wrap_aad(owner))


def unwrap(master: bytes | AESGCM, wrapped: bytes, owner: bytes) -> bytes:
    """The data key inside a wrapped key (raises KeyUnavailable if it does not open)."""
    cipher = AESGCM(master) if isinstance(master, bytes) else master
    try:
        return cipher.decrypt(wrapped[:NONCE_BYTES], wrapped[NONCE_BYTES:], _wrap_aad(owner))
    except InvalidTag:
        raise KeyUnavailable("a wrapped key does not open with its master key") from None


def seal(aead: AESGCM, plaintext: bytes, aad: bytes) -> bytes:
    """Nonce and ciphertext of a value."""
    nonce = os.urandom(NONCE_BYTES)
    return nonce + aead.encrypt(nonce, plaintext, aad)


def open_sealed(aead: AESGCM, sealed: bytes, aad: bytes) -> bytes:
    """The plaintext of a sealed value (raises KeyUnavailable if it was tampered with)."""
    try:
        return aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
    except InvalidTag:
        raise KeyUnavailable("a sealed value does not open with its key") from None


KeyRow = tuple[UUID, bytes | None, str | None]
"""A stored data key: trainee id, wrapped key (None once erased), master key id."""


class KeyStore:
    """Where a keyring loads keys from on demand (the write side's connection pool)."""

    def load(self, ids: Sequence[UUID]) -> list[KeyRow]:
        raise NotImplementedError

    def secret(self, name: str, make: Callable[[], tuple[bytes, str]]) -> tuple[bytes, str]:
        raise NotImplementedError


class Keyring:
    """The unwrapped data keys a process has used, the keys it made and has yet to store,
    and the deployment's hashing key."""

    def __init__(
        self, master: MasterKeys, store: KeyStore | None = None, makes_keys: bool = False
    ) -> None:
        self.master = master
        self.store = store
        self.makes_keys = makes_keys
        self._aeads: dict[UUID, AESGCM | None] = {}
        self._opened: dict[bytes, AESGCM] = {}
        self._pending: dict[UUID, tuple[bytes, str, AESGCM]] = {}
        self._hash_key: bytes | None = None
        self._keyed: Any = None  # an HMAC keyed with the hashing key: copies are cheaper
        self._lock = threading.Lock()

    def __getstate__(self) -> dict[str, Any]:
        """Pickled for rebuild processes: the master keys only; they load what they need."""
        return {"master": self.master, "hash_key": self._hash_key}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["master"])  # type: ignore[misc]
        self._hash_key = state["hash_key"]

    # Data keys.

    def aead(self, trainee_id: UUID) -> AESGCM | None:
        """The trainee's data key as a cipher; None once erased; KeyUnavailable if there is none."""
        if trainee_id not in self._aeads and self.store is not None:
            self.learn(self.store.load([trainee_id]))
        try:
            return self._aeads[trainee_id]
        except KeyError:
            raise KeyUnavailable("the trainee has no data key") from None

    def aead_for_writing(self, trainee_id: UUID, first_event: bool) -> AESGCM:
        """The cipher new events of the trainee are sealed with: its key, or a new one."""
        found = self.row_aead(trainee_id, first_event)
        if found is None:
            raise KeyUnavailable("the trainee has no data key")
        return found

    def row_aead(self, trainee_id: UUID, first_event: bool = False) -> AESGCM | None:
        """The cipher of the trainee's data; a new key when this keyring makes keys (writers,
        the backfill), else None for a trainee stored before personal data was sealed (a
        rebuild before the backfill)."""
        made = self._pending.get(trainee_id)
        if made is not None:  # made for this write already (its row or other events)
            return made[2]
        if not first_event:
            try:
                found = self.aead(trainee_id)
            except KeyUnavailable:  # stored before personal data was sealed
                if not self.makes_keys:
                    return None
            else:
                if found is None:
                    raise KeyUnavailable("the trainee was erased")
                return found
        data_key = AESGCM.generate_key(bit_length=256)
        master = self.master.current
        aead = AESGCM(data_key)
        with self._lock:
            wrapped = wrap(master, data_key, trainee_id.bytes)
            self._pending[trainee_id] = (wrapped, key_id(master), aead)
        self._keep(self._aeads, [(trainee_id, aead)])
        return aead

    def pending(self, ids: Iterable[UUID]) -> list[tuple[UUID, bytes, str]]:
        """The new keys of these trainees, to store with their first sealed events."""
        with self._lock:
            return [(i, *self._pending[i][:2]) for i in set(ids) if i in self._pending]

    def stored(self, ids: Iterable[UUID]) -> None:
        """These trainees' new keys are stored now."""
        with self._lock:
            for i in ids:
                self._pending.pop(i, None)

    def learn(self, rows: Iterable[KeyRow]) -> None:
        """Remember stored keys (None: erased)."""
        self._keep(
            self._aeads, [(i, self.opened(i, wrapped, master)) for i, wrapped, master in rows]
        )

    def hold(self, rows: Iterable[KeyRow]) -> None:
        """Know these stored keys and no other (a replay's batch: its memory stays flat)."""
        self._aeads = {i: self._unwrapped(i, wrapped, master) for i, wrapped, master in rows}

    def forget(self, trainee_id: UUID) -> None:
        """Drop what the process knows of a trainee's key (after an erasure)."""
        self._aeads.pop(trainee_id, None)
        self._pending.pop(trainee_id, None)

    def opened(
        self, trainee_id: UUID, wrapped: bytes | None, master_id: str | None
    ) -> AESGCM | None:
        """The cipher of a stored wrapped key (None when erased), unwrapped once per process."""
        if wrapped is None or master_id is None:
            return None
        found = self._opened.get(wrapped)
        if found is None:
            key = unwrap(self.master.cipher(master_id), wrapped, trainee_id.bytes)
            found = AESGCM(key)
            self._keep(self._opened, [(wrapped, found)])
        return found

    def _keep(self, cache: dict[Any, Any], items: list[tuple[Any, Any]]) -> None:
        """Remember these ciphers, all of them however many (a batch is about to be read
        with them), and of the others the newest, up to the cache's limit: the oldest go."""
        with self._lock:
            for key, value in items:
                cache.pop(key, None)  # to the end: the newest
                cache[key] = value
            excess = len(cache) - max(CIPHER_CACHE, len(items))
            for oldest in list(itertools.islice(cache, max(excess, 0))):
                del cache[oldest]

    def _unwrapped(
        self, trainee_id: UUID, wrapped: bytes | None, master_id: str | None
    ) -> AESGCM | None:
        """The cipher of a stored wrapped key (None when erased), kept by no cache."""
        if wrapped is None or master_id is None:
            return None
        return AESGCM(unwrap(self.master.cipher(master_id), wrapped, trainee_id.bytes))

    # The hashing key: one per deployment, for filters and duplicate checks.

    def set_hash_secret(self, wrapped: bytes, master_id: str) -> None:
        self._hash_key = unwrap(self.master.cipher(master_id), wrapped, HASH_SECRET.encode())
        self._keyed = None

    def make_hash_secret(self) -> tuple[bytes, str]:
        """A new hashing key, wrapped by the current master key."""
        master = self.master.current
        return wrap(master, os.urandom(KEY_BYTES), HASH_SECRET.encode()), key_id(master)

    def hash_key(self) -> bytes:
        if self._hash_key is None:
            if self.store is None:
                raise KeyUnavailable("the hashing key was not loaded")
            self.set_hash_secret(*self.store.secret(HASH_SECRET, self.make_hash_secret))
        return typing.cast(bytes, self._hash_key)

    def _hasher(self) -> Any:
        if self._keyed is None:
            self._keyed = hmac.new(self.hash_key(), digestmod=hashlib.sha256)
        return self._keyed.copy()

    def keyed_hash(self, kind: str, value: str | None) -> str | None:
        """A keyed hash of a normalised personal value: equal values, equal hashes; without
        the key, no way back to the value or to test a guess."""
        if not value:
            return None
        digest = self._hasher()
        digest.update(f"{kind}\0{value}".encode())
        return str(digest.hexdigest()[:32])


DEFAULT_KEY_FILE = "master.key"


def master_keys(settings: Settings) -> MasterKeys:
    """The master keys the settings name."""
    return load_master_keys(
        settings.master_key, settings.master_key_file, settings.database_url, settings.data_dir
    )


def load_master_keys(
    key: str | None, key_file: Path | None, database_url: str | None, data_dir: Path
) -> MasterKeys:
    """The master keys from TRAINEES_MASTER_KEY (comma-separated, current first) or
    TRAINEES_MASTER_KEY_FILE; on the embedded default, a key file in the data folder, made
    on first use. With DATABASE_URL and no key the service refuses to start."""
    if key:
        try:
            return MasterKeys([parse_key(k, "TRAINEES_MASTER_KEY") for k in key.split(",")])
        except ValueError as exc:
            raise SettingError(str(exc)) from None
    if key_file is not None:
        try:
            return MasterKeys(read_key_file(key_file), source=key_file)
        except (OSError, ValueError) as exc:
            raise SettingError(f"TRAINEES_MASTER_KEY_FILE cannot be read: {exc}") from None
    if database_url:
        raise SettingError(
            "TRAINEES_MASTER_KEY (or TRAINEES_MASTER_KEY_FILE) must be set when DATABASE_URL is:"
            " it wraps the keys of the trainees' personal data"
        )
    path = data_dir / DEFAULT_KEY_FILE
    if not path.exists():
        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another process made it first
            return MasterKeys(read_key_file(path), source=path)
        with os.fdopen(fd, "w") as out:
            out.write(new_master_key() + "\n")
        print(
            f"trainees: generated a master key into {path}; back it up apart from the database",
            file=sys.stderr,
        )
    return MasterKeys(read_key_file(path), source=path)


async def load_keys(
    conn: asyncpg.Connection | asyncpg.Pool, keyring: Keyring, ids: Iterable[UUID], *,
    only: bool = False,
) -> None:  # fmt: skip
    """Teach the keyring the stored keys of these trainees (a rebuild's or worker's batch);
    `only`: and make it forget every other."""
    rows = await conn.fetch(
        "SELECT trainee_id, wrapped, master_key_id FROM trainee_keys"
        " WHERE trainee_id = ANY($1::uuid[])",
        list(set(ids)),
    )
    keys = ((r[0], r[1], r[2]) for r in rows)
    if only:
        keyring.hold(keys)
    else:
        keyring.learn(keys)


async def load_hash_key(conn: asyncpg.Connection, keyring: Keyring) -> None:
    """Give the keyring the deployment's hashing key, made on first use."""
    wrapped, master_id = keyring.make_hash_secret()
    await conn.execute(
        "INSERT INTO keyring_secrets (name, wrapped, master_key_id) VALUES ($1, $2, $3)"
        " ON CONFLICT (name) DO NOTHING",
        HASH_SECRET,
        wrapped,
        master_id,
    )
    row = await conn.fetchrow(
        "SELECT wrapped, master_key_id FROM keyring_secrets WHERE name = $1", HASH_SECRET
    )
    if row is None:  # pragma: no cover - inserted just above
        raise KeyUnavailable("the hashing key could not be stored")
    keyring.set_hash_secret(row[0], row[1])
