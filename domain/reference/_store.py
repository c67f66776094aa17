"""Read the packaged reference-data JSON files (the only I/O of domain.reference)."""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import msgspec


class Index(msgspec.Struct, frozen=True, kw_only=True):
    """Names of the generated files, by kind (data/index.json)."""

    code_lists: tuple[str, ...]
    legacy_code_lists: tuple[str, ...]
    tables: tuple[str, ...]


def read_data(file_stem: str) -> bytes:
    """The bytes of data/<file_stem>.json inside this package."""
    return (files("domain.reference") / "data" / f"{file_stem}.json").read_bytes()


@cache
def index() -> Index:
    """The index of generated files, read once."""
    return msgspec.json.decode(read_data("index"), type=Index)


def check_known(kind: str, name: str, known: tuple[str, ...]) -> None:
    """Raise KeyError naming ``name`` unless it is one of ``known``."""
    if name not in known:
        raise KeyError(f"unknown {kind} {name!r}; known: {', '.join(known)}")
