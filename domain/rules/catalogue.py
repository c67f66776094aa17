"""The rules a trainee record is checked against, in the order their messages are listed."""

from __future__ import annotations

from domain.rules import Rule
from domain.rules import nested as nested_rules
from domain.rules import record as record_rules

TRAINEE_RULES: tuple[Rule, ...] = record_rules.RULES + nested_rules.RULES
