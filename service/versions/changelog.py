"""What a client moving from one version to the next newer one must know, generated from the
declarations: each version's change read the other way round (older to newer)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from domain.rules.switches import OLDER_BEHAVIOURS, describe
from service.versions.base import ApiVersion, VersionChange

STYLES = {
    "nested": "errors of nested placements and degrees are grouped under their attributes",
    "flat": "enhanced errors list each field's messages in one flat object",
    "none": "no enhanced errors: every message is a line of text",
}


@dataclass(frozen=True)
class Entry:
    """One version's section: what changes for a client moving to it from `since`."""

    version: str
    since: str | None
    released: str | None
    summary: str
    lines: tuple[str, ...]


def _moving_up(change: VersionChange, newer: ApiVersion) -> list[str]:
    """The change from `newer` to an older version, told to a client of that older version."""
    lines = [f"`{old}` is renamed `{new}`" for new, old in sorted(change.renames.items())]
    lines += [f"responses add `{name}`" for name in sorted(change.response_removed)]
    lines += [f"requests may send `{name}`" for name in sorted(change.request_removed)]
    lines += [f"responses no longer carry `{name}`" for name in sorted(change.response_added)]
    lines += [f"`{name}` is removed" for name in sorted(change.fields_added)]
    lines += [f"new endpoint `{e}`" for e in sorted(change.endpoints_removed)]
    lines += [f"endpoint `{e}` is removed" for e in sorted(change.endpoints_added)]
    for switch in sorted(change.rules_off):
        kind = "now" if switch in OLDER_BEHAVIOURS else "new check"
        lines.append(f"{kind}: {describe(switch)}")
    for switch in sorted(change.rules_on):
        kind = "no longer" if switch in OLDER_BEHAVIOURS else "no longer checked"
        lines.append(f"{kind}: {describe(switch)}")
    lines += [f"the message “{old}” now reads “{new}”" for new, old in change.messages.items()]
    for key, old in change.wording.items():
        lines.append(f"the {key.value.replace('_', ' ')} message no longer reads “{old}”")
    if change.enhanced_errors and change.enhanced_errors != newer.enhanced_errors:
        lines.append(f"enhanced errors: {STYLES[newer.enhanced_errors]}")
    if change.humanised_labels is not None and change.humanised_labels != newer.humanised_labels:
        lines.append("messages name fields as sent (`first_names`), not humanised")
    return lines


def changelog(versions: Mapping[str, ApiVersion]) -> list[Entry]:
    """Every served version, newest first, each with what changed since the one before it."""
    served = list({id(v): v for v in versions.values()}.values())
    entries = []
    for index, version in enumerate(served):
        own = version.change
        older = served[index + 1] if index + 1 < len(served) else None
        lines = _moving_up(older.change, version) if older and older.change else []
        entries.append(
            Entry(
                version=version.name,
                since=older.name if older else None,
                released=own.released.isoformat() if own and own.released else None,
                summary=own.summary if own else "",
                lines=tuple(lines),
            )
        )
    return entries
