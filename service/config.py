"""Settings read from the environment, checked once at start-up."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from service.versions import HEAD, VERSIONS

LOG_LEVELS = ("debug", "info", "warning", "error")


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


def _seconds(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        raise SettingError(f"{name} must be a number of seconds, got {raw!r}") from None
    if not 0 < value <= 3600:
        raise SettingError(f"{name} must be more than 0 and at most 3600 seconds, got {raw}")
    return value


def _choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = (os.environ.get(name) or default).lower()
    if value not in choices:
        raise SettingError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def _path(name: str) -> Path | None:
    raw = os.environ.get(name)
    return Path(raw).resolve() if raw else None


def _version(name: str, default: str) -> str:
    value = os.environ.get(name) or default
    if value not in VERSIONS:
        served = ", ".join(VERSIONS)
        raise SettingError(f"{name} must be a served version ({served}), got {value!r}")
    return value


def _sunsets(name: str) -> dict[str, date]:
    """`v2025.0=2026-08-11,...`: the day each named version stops being served."""
    sunsets: dict[str, date] = {}
    for entry in filter(None, (e.strip() for e in (os.environ.get(name) or "").split(","))):
        version, _, day = entry.partition("=")
        if version.strip() not in VERSIONS:
            raise SettingError(f"{name} names {version.strip()!r}, which is no served version")
        try:
            sunsets[version.strip()] = date.fromisoformat(day.strip())
        except ValueError:
            raise SettingError(f"{name} needs VERSION=YYYY-MM-DD entries, got {entry!r}") from None
    return sunsets


@dataclass(frozen=True)
class Settings:
    """Every setting of the service, with its default."""

    database_url: str | None
    data_dir: Path
    write_pool_size: int
    read_pool_size: int
    current_version: str
    log_level: str = "info"
    rate_limit: int = 100
    rate_limit_window: int = 60
    rate_limit_lease: int = 64
    max_body_bytes: int = 1_048_576
    db_timeout: float = 5.0
    write_timeout: float = 15.0
    ready_max_lag: int = 100_000
    worker_batch_size: int = 1000
    worker_idle: float = 0.5
    version_sunsets: Mapping[str, date] = field(default_factory=dict)
    usage_flush_seconds: float = 10.0
    seal_interval: int = 3600
    master_key: str | None = field(default=None, repr=False)
    master_key_file: Path | None = None

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
            current_version=_version("TRAINEES_CURRENT_VERSION", HEAD.name),
            log_level=_choice("TRAINEES_LOG_LEVEL", "info", LOG_LEVELS),
            rate_limit=_int("TRAINEES_RATE_LIMIT", 100),
            rate_limit_window=_int("TRAINEES_RATE_LIMIT_WINDOW", 60),
            rate_limit_lease=_int("TRAINEES_RATE_LIMIT_LEASE", 64),
            max_body_bytes=_int("TRAINEES_MAX_BODY_BYTES", 1_048_576, minimum=1024),
            db_timeout=_seconds("TRAINEES_DB_TIMEOUT", 5.0),
            write_timeout=_seconds("TRAINEES_WRITE_TIMEOUT", 15.0),
            ready_max_lag=_int("TRAINEES_READY_MAX_LAG", 100_000, minimum=0),
            worker_batch_size=_int("TRAINEES_WORKER_BATCH_SIZE", 1000),
            worker_idle=_seconds("TRAINEES_WORKER_IDLE", 0.5),
            version_sunsets=_sunsets("TRAINEES_VERSION_SUNSET"),
            usage_flush_seconds=_seconds("TRAINEES_USAGE_FLUSH_SECONDS", 10.0),
            seal_interval=_int("TRAINEES_SEAL_INTERVAL", 3600, minimum=0),
            master_key=os.environ.get("TRAINEES_MASTER_KEY") or None,
            master_key_file=_path("TRAINEES_MASTER_KEY_FILE"),
        )
