"""HESA code lists: typed entries and lookups by code, name and label."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from types import MappingProxyType

import msgspec

from domain.reference._store import check_known, index, read_data


class Entry(msgspec.Struct, frozen=True, kw_only=True):
    """One internal value of a code list with the HESA codes that map to it."""

    id: int | str | tuple[int, ...] | None
    name: str
    display_name: str
    hesa_codes: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()
    start_year: int | None = None
    end_year: int | None = None
    min_age: int | None = None
    max_age: int | None = None
    description: str | None = None
    funding_type: str | None = None

    def valid_in(self, year: int | None) -> bool:
        """Whether the value may be used in the academic cycle starting in ``year``."""
        if year is None:
            return True
        after_start = self.start_year is None or year >= self.start_year
        return after_start and (self.end_year is None or year <= self.end_year)


class _ListFile(msgspec.Struct, frozen=True, kw_only=True):
    """The decoded shape of one generated code-list file."""

    name: str
    metadata: dict[str, object]
    entries: tuple[Entry, ...]
    labels: dict[str, str] = msgspec.field(default_factory=dict)


def _id_text(ident: int | str | tuple[int, ...] | None) -> str:
    """The id as text for name lookups (age-range pairs and missing ids match nothing)."""
    return str(ident) if isinstance(ident, int | str) else ""


class CodeList:
    """A code list with lookups by HESA code, by name and by display label."""

    def __init__(
        self, metadata: Mapping[str, object], entries: tuple[Entry, ...], labels: Mapping[str, str]
    ) -> None:
        self.metadata: Mapping[str, object] = MappingProxyType(dict(metadata))
        self.name = str(metadata["name"])
        self.display_name = str(metadata.get("display_name", self.name))
        self.entries = entries
        self.labels: Mapping[str, str] = MappingProxyType(dict(labels))
        self._by_code: dict[str, Entry] = {}
        self._by_exact_name: dict[str, Entry] = {}
        self._tiers: tuple[dict[str, Entry], ...] = ({}, {}, {}, {})
        for entry in entries:
            for code in entry.hesa_codes:
                self._by_code.setdefault(code, entry)
            self._by_exact_name.setdefault(entry.name, entry)
            keys = ((entry.name,), (_id_text(entry.id),), (entry.display_name,), entry.aliases)
            for tier, tier_keys in zip(self._tiers, keys, strict=True):
                for key in tier_keys:
                    if key:
                        tier.setdefault(key.casefold(), entry)
        self._codes = tuple(sorted(self._by_code))

    def __iter__(self) -> Iterator[Entry]:
        """Iterate over the entries in source order."""
        return iter(self.entries)

    def __len__(self) -> int:
        """The number of entries."""
        return len(self.entries)

    def by_code(self, code: str) -> Entry | None:
        """The entry having ``code`` among its HESA codes."""
        return self._by_code.get(code)

    def by_name(self, name: str) -> Entry | None:
        """The entry named ``name``; else matching id, display name or alias, ignoring case."""
        if found := self._by_exact_name.get(name):
            return found
        folded = name.casefold()
        return next((tier[folded] for tier in self._tiers if folded and folded in tier), None)

    def by_ages(self, min_age: int, max_age: int) -> Entry | None:
        """The age-range entry covering exactly ``min_age`` to ``max_age``."""
        matches = (e for e in self.entries if (e.min_age, e.max_age) == (min_age, max_age))
        return next(matches, None)

    def codes(self, year: int | None = None) -> list[str]:
        """Every HESA code (of values valid in ``year`` when given), sorted as strings."""
        if year is None:
            return list(self._codes)
        return sorted(c for e in self.entries if e.valid_in(year) for c in e.hesa_codes)

    def first_code(self, name: str) -> str | None:
        """The first HESA code of the entry found by :meth:`by_name`."""
        entry = self.by_name(name)
        return entry.hesa_codes[0] if entry is not None and entry.hesa_codes else None

    def label(self, code: str) -> str | None:
        """The locale display label of ``code``, else its entry's display name."""
        entry = self.by_code(code)
        if entry is None:
            return None
        return self.labels.get(code) or entry.display_name


def _load(file_stem: str) -> CodeList:
    """Decode one generated code-list file."""
    doc = msgspec.json.decode(read_data(file_stem), type=_ListFile)
    return CodeList(doc.metadata, doc.entries, doc.labels)


@cache
def code_list(name: str) -> CodeList:
    """The v2026.1 code list ``name`` (e.g. "sex"); KeyError naming it if unknown."""
    check_known("code list", name, index().code_lists)
    return _load(name)


@cache
def legacy_code_list(name: str) -> CodeList:
    """The code list ``name`` as used by API v0.1 to v2025.0; KeyError naming it if unknown."""
    check_known("legacy code list", name, index().legacy_code_lists)
    return _load(f"legacy_{name}")


def code_list_names() -> tuple[str, ...]:
    """Names accepted by :func:`code_list`."""
    return index().code_lists


def legacy_code_list_names() -> tuple[str, ...]:
    """Names accepted by :func:`legacy_code_list`."""
    return index().legacy_code_lists
