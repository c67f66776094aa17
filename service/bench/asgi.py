"""An application factory for `uvicorn --factory --workers N` (the bench's --workers option)."""

from __future__ import annotations

from litestar import Litestar

from service.app import create_app
from service.config import SettingError, Settings
from service.database import Database


def app() -> Litestar:
    """The API on DATABASE_URL, configured from the environment as `trainees serve` is."""
    settings = Settings.from_env()
    if not settings.database_url:
        raise SettingError("DATABASE_URL must be set")
    return create_app(settings, Database.from_url(settings.database_url))
