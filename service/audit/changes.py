"""What changed between two renderings of a trainee, field by field, as an audit entry says it."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from service.versions import ApiVersion

LEFT_OUT = "updated_at"
"""The member every event changes: entries leave it out (an item's own too)."""

_LISTS = {"placements": "placement_id", "degrees": "degree_id"}
_ABSENT: Any = object()


def _items(value: Any, key: str) -> dict[str, Any]:
    return {str(item.get(key)): item for item in value or () if isinstance(item, dict)}


def _list_changes(name: str, old: Any, new: Any, key: str, out: dict[str, Any]) -> None:
    """Placements or degrees compared item by item (`<name>.<id>.<field>`)."""
    olds, news = _items(old, key), _items(new, key)
    for item in [*news, *(i for i in olds if i not in news)]:
        a, b = olds.get(item), news.get(item)
        if a is None or b is None:
            out[f"{name}.{item}"] = {"from": a, "to": b}
            continue
        for field in b:
            if field != LEFT_OUT and a.get(field) != b.get(field):
                out[f"{name}.{item}.{field}"] = {"from": a.get(field), "to": b.get(field)}


def changes(
    before: Mapping[str, Any], after: Mapping[str, Any], version: ApiVersion
) -> dict[str, Any]:
    """What differs between two rendered documents, field by field, as {"from", "to"};
    placements and degrees are compared item by item (`placements.<id>.<field>`)."""
    # Most events change a field or two of a hundred: compare values first (identity, then
    # equality, both in C) and look closer only at the ones that differ.
    differing = [
        (name, old, new)
        for name, new in after.items()
        if (old := before.get(name, _ABSENT)) is not new and old != new
    ]
    gone = before.keys() - after.keys()
    if gone:  # in the order of `before`
        differing += [(name, before[name], None) for name in before if name in gone]
    return described(differing, version)


def described(members: Iterable[tuple[str, Any, Any]], version: ApiVersion) -> dict[str, Any]:
    """Rendered members as changes (name, what it was, what it is): those that differ, as
    {"from", "to"}, placements and degrees item by item; an absent member is None."""
    skipped = version.wire_name(LEFT_OUT)
    out: dict[str, Any] = {}
    for name, was, new in members:
        old = None if was is _ABSENT else was
        if name == skipped or old == new:  # a field now missing that was None
            continue
        key = _LISTS.get(name) if isinstance(new or old, list) else None
        if key is None:
            out[name] = {"from": old, "to": new}
        else:
            _list_changes(name, old, new, key, out)
    return out
