"""What a bench run measures, and how hard."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Options:
    """The bench's knobs; the defaults finish within about three minutes on two cores."""

    duration: float = 8.0
    connections: tuple[int, ...] = (1, 16)
    events: int = 200_000
    providers: int = 100
    history_events: int = 500
    workers: int = 1
    http: bool = True
    database_url: str | None = None

    def public(self) -> dict[str, object]:
        """The options as recorded in the results (the database URL may hold a password)."""
        shown: dict[str, object] = asdict(self)
        shown["database_url"] = "DATABASE_URL" if self.database_url else "embedded"
        return shown
