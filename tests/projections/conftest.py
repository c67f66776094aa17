"""Fixtures of the projection tests: a database of their own and the app on it."""

from tests.ops.conftest import fresh_database, migrated_database, open_app

__all__ = ["fresh_database", "migrated_database", "open_app"]
