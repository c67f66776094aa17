"""v2026.1 (the newest), as its change from the domain's vocabulary (api.md 10a)."""

from datetime import date

from service.versions.base import VersionChange

CHANGE = VersionChange(
    name="v2026.1",
    released=date(2026, 3, 20),
    summary="the current version",
    renames={},  # the domain's field names are this version's
)
