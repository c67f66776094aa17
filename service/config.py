"""Settings read from the environment, checked once at start-up."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path


class SettingError(ValueError):
    """A setting has a value the service cannot use; the message names it."""


def _int(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingError(f"{name} must be a whole number, got {raw!r}") from None
    if value < minimum:
        raise SettingError(f"{name} must be at least {minimum}, got {value}")
    return value


@dataclass(frozen=True)
class Settings:
    """Every setting of the service, with its default."""

    database_url: str | None
    data_dir: Path
    write_pool_size: int
    read_pool_size: int
    current_version: str

    @classmethod
    def from_env(cls) -> Settings:
        """Read the settings from environment variables."""
        url = os.environ.get("DATABASE_URL") or None
        if url is not None and not url.startswith(("postgresql://", "postgres://")):
            raise SettingError("DATABASE_URL must start with postgresql://")
        return cls(
            database_url=url,
            data_dir=Path(os.environ.get("TRAINEES_DATA_DIR") or "var").resolve(),
            write_pool_size=_int("TRAINEES_WRITE_POOL_SIZE", 8),
            read_pool_size=_int("TRAINEES_READ_POOL_SIZE", 8),
            current_version=os.environ.get("TRAINEES_CURRENT_VERSION") or "v2026.1",
        )
