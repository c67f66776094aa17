"""The service's idea of today: the date in England."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


def today() -> date:
    """Today's date in Europe/London, the day the rules are judged on."""
    return datetime.now(LONDON).date()
