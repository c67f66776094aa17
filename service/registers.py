"""What the school and partner register held of what requests named, kept by one process."""

from __future__ import annotations

import asyncpg

from domain.rules import Register
from service.changes import REGISTER, Changes
from service.queries import register_entries


class Registers:
    """What the school and partner register held of the URNs and UKPRNs requests named, kept
    by this process while it hears changes to the register (service/changes.py): a write that
    names the schools of an earlier one asks nothing of the database. Everything kept is
    dropped when a school or a partner changes, when changes cannot be heard, and when
    `KEEP` different sets have been asked for. Only sets a write of a real trainee would name
    are kept (a few URNs and UKPRNs, each a few digits), so memory stays small whatever a
    client sends: a larger set is asked for every time."""

    KEEP = 2_000  # sets kept before all of them are dropped
    LARGEST = 16  # URNs and UKPRNs in a set that is kept, at most
    LONGEST = 16  # characters of each, at most (a URN has 6 digits, a UKPRN 8)

    def __init__(self, changes: Changes) -> None:
        self.changes = changes
        self._kept: dict[tuple[frozenset[str], frozenset[str]], Register] = {}
        changes.on(REGISTER, self.forget)

    @property
    def kept(self) -> int:
        """Sets of URNs and UKPRNs whose entries are kept now."""
        return len(self._kept)

    def forget(self) -> None:
        """Drop everything kept: the next request asks the database again."""
        self._kept.clear()

    async def entries(self, pool: asyncpg.Pool, urns: set[str], ukprns: set[str]) -> Register:
        """The register's entries for these URNs and UKPRNs (as register_entries)."""
        if not self._keepable(urns, ukprns):
            return await register_entries(pool, urns, ukprns)
        key = (frozenset(urns), frozenset(ukprns))
        found = self._kept.get(key)
        if found is not None:
            return found
        forgotten = self.changes.forgotten
        found = await register_entries(pool, urns, ukprns)
        if self.changes.listening and self.changes.forgotten == forgotten:  # none heard since
            if len(self._kept) >= self.KEEP:
                self._kept.clear()
            self._kept[key] = found
        return found

    def _keepable(self, urns: set[str], ukprns: set[str]) -> bool:
        names = len(urns) + len(ukprns)
        return names <= self.LARGEST and all(len(n) <= self.LONGEST for n in (*urns, *ukprns))
