"""The application factory each worker process of `trainees serve --workers N` imports."""

from __future__ import annotations

from litestar import Litestar

from service.app import create_app
from service.config import SettingError, Settings
from service.database import Database


def app() -> Litestar:
    """The API on DATABASE_URL, configured from the environment as `trainees serve` is (the
    parent process sets DATABASE_URL, and the key file, for the embedded default)."""
    settings = Settings.from_env()
    if not settings.database_url:
        raise SettingError("DATABASE_URL must be set")
    return create_app(settings, Database.from_url(settings.database_url))
