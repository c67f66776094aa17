"""The bench's results: one row per measure, printed as a table and written as JSON."""

from __future__ import annotations

from pathlib import Path

import msgspec


class Row(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One measure: a rate, a time or a size, and how it compares with its baseline."""

    group: str
    name: str
    value: float
    unit: str
    clients: int | None = None
    p50_ms: float | None = None
    p99_ms: float | None = None
    cpu_ms: float | None = None
    db_cpu_ms: float | None = None
    errors: int = 0
    ratio: float | None = None
    ratio_to: str | None = None
    target: str | None = None
    met: bool | None = None


class Report(msgspec.Struct, kw_only=True):
    """A whole bench run: where it ran, with which options, and its rows."""

    started_at: str
    seconds: float
    machine: dict[str, str]
    options: dict[str, object]
    rows: list[Row]


HEADER = ("measure", "clients", "result", "p50 ms", "p99 ms", "app CPU ms/op",
          "db CPU ms/op", "errors", "ratio", "target", "met")  # fmt: skip


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.1f}"


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


def _cpu(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _cells(row: Row) -> tuple[str, ...]:
    ratio = "" if row.ratio is None else f"{row.ratio:.2f}x {row.ratio_to}"
    met = "" if row.met is None else ("yes" if row.met else "NO")
    return (row.name, "" if row.clients is None else str(row.clients),
            f"{_number(row.value)} {row.unit}", _ms(row.p50_ms), _ms(row.p99_ms),
            _cpu(row.cpu_ms), _cpu(row.db_cpu_ms),
            str(row.errors) if row.errors else "", ratio, row.target or "", met)  # fmt: skip


def table(rows: list[Row]) -> str:
    """The rows as a Markdown table (readable in a terminal and pasteable into docs)."""
    cells = [HEADER, *(_cells(r) for r in rows)]
    widths = [max(len(c[i]) for c in cells) for i in range(len(HEADER))]

    def line(c: tuple[str, ...]) -> str:
        return "| " + " | ".join(v.ljust(w) for v, w in zip(c, widths, strict=True)) + " |"

    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(HEADER), rule, *(line(c) for c in cells[1:])])


def write(report: Report, path: Path) -> None:
    """Write the report as indented JSON, creating the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(msgspec.json.format(msgspec.json.encode(report), indent=2) + b"\n")
