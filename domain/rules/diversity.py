"""Disability rules: no disability twice (domain.md 2.13, 4.4)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator, Mapping

from domain import codes
from domain.errors import Problem
from domain.rules import Candidate, Context, Rule
from domain.rules.switches import Switch

_KEY = re.compile(r"^disability(\d+)$")


def disability_codes(disabilities: Mapping[str, str], creating: bool) -> list[str]:
    """The codes the original maps: disability1 to 9 on create, every disabilityN on update."""
    numbered = sorted(
        (int(m.group(1)), code)
        for key, code in disabilities.items()
        if (m := _KEY.match(key)) and (not creating or 1 <= int(m.group(1)) <= 9)
    )
    return [code for _, code in numbered]


def disabilities_unique(c: Candidate, ctx: Context) -> Iterator[Problem]:
    """The same disability cannot be given twice (unknown codes are dropped, not refused)."""
    names = codes.real_disabilities(
        codes.disability_names(disability_codes(c.disabilities, c.creating))
    )
    if any(n > 1 for n in Counter(names).values()):
        yield Problem("disabilities", "contain duplicate values")


DISABILITIES_UNIQUE = Rule(Switch.DISABILITIES_UNIQUE, disabilities_unique)
