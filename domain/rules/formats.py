"""Parsing helpers shared by the rules: ISO dates, integers, e-mail addresses."""

from __future__ import annotations

import re
from datetime import date, datetime

_EMAIL = re.compile(r"[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~\-]+@([^.@][^@\s]+)")
_HOST_LABEL = re.compile(r"^(xn-|[a-z0-9]+)(-[a-z0-9]+)*$", re.IGNORECASE)
_TLD = re.compile(r"^([a-z]{2,63}|xn--([a-z0-9]+-)*[a-z0-9]+)$", re.IGNORECASE)


def parse_date(value: object) -> date | None:
    """An ISO 8601 date (YYYY-MM-DD, YYYYMMDD or a full date-time, truncated); None if invalid."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        if len(text) == 8 and text.isdigit():
            return date(int(text[:4]), int(text[4:6]), int(text[6:]))
        if len(text) == 10:
            return date.fromisoformat(text)
        if len(text) > 10 and text[10] in "Tt ":
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        return None
    return None


def parse_int(value: object) -> int | None:
    """A whole number given as a JSON number or a string of digits; None otherwise."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    if isinstance(value, str) and re.fullmatch(r"\s*[+-]?[0-9]{1,18}\s*", value):
        return int(value)
    return None  # longer numbers are no course year or id: the original's columns overflow


def valid_email(value: str) -> bool:
    """GOV.UK Notify's e-mail address rules, as the original applies them (nothing stripped)."""
    found = _EMAIL.fullmatch(value)
    if found is None or len(value) > 320 or ".." in value:
        return False
    host = found.group(1)
    labels = host.split(".")
    while labels and not labels[-1]:  # as Ruby's split, which drops trailing empty fields
        labels.pop()
    if len(host) > 253 or len(labels) < 2:
        return False
    if any(len(label) > 63 or not _HOST_LABEL.match(label) for label in labels):
        return False
    return bool(_TLD.match(labels[-1]))
