"""Regenerate domain/reference/data/*.json from the shared reference code lists."""

from __future__ import annotations

import argparse
import csv
import functools
import json
import re
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = ROOT.parent / "shared" / "reference" / "codes"
DEFAULT_OUT = ROOT / "domain" / "reference" / "data"
GENERATED_BY = "scripts/generate_reference_data.py"
# Locale keys that feed no list: GET /reference-data reads the `degree_type` key for degree types.
UNUSED_LOCALES = {"non_uk_degree"}
# Ruby-era lists (API v0.1 to v2025.0): our name -> CSV file. Every other CSV is a rule table.
LEGACY_FILES = {name: f"hesa_code_sets_{stem}.csv" for name, stem in (
    ("training_route", "training_routes"), ("sex", "sexes"), ("ethnicity", "ethnicities"),
    ("ethnicity_name_mapping", "ethnicities_name_mapping"), ("disability", "disabilities"),
    ("study_mode", "study_modes"), ("course_subject", "course_subjects"), ("country", "countries"),
    ("fund_code", "fund_codes"), ("itt_aim", "itt_aims"), ("funding_method", "bursary_levels"),
    ("itt_qualification_aim", "itt_qualification_aims"),
    ("training_initiative", "training_initiatives"),
)} | {"nationality": "recruits_api_nationalities.csv",
      "course_age_range": "dfe_reference_data_v3_10_0_age_range_hesa_codes.csv"}  # fmt: skip
# Typed rule-table columns (other columns are text; blank text is null) and the tables whose
# all-yes/no columns are booleans.
COLUMN_KINDS = {"db_integer": "int", "ethnic_group_db_integer": "int", "amount_gbp": "int",
                "valid_from_start_year": "int", "minimum_placements_for_award_head": "int",
                "complete_state": "bool", "hesa_codes": "list",
                "available_in_academic_cycles": "words"}  # fmt: skip
YES_NO_TABLES = {"withdrawal_reasons", "training_routes_internal"}
# The CSV has no order: transcribed from PROVIDER_REASONS / TRAINEE_REASONS and METADATA.
WITHDRAWAL_UPSTREAM = [
    "config/initializers/withdrawal_reasons.rb @ ce1126541 (PROVIDER_REASONS, TRAINEE_REASONS)",
    "app/lib/api/reference_data/withdrawal_reasons.rb @ ce1126541 (METADATA)",
]
WITHDRAWAL_METADATA = {"name": "withdrawal_reasons", "display_name": "Withdrawal reasons"}
REASONS_BY_TRIGGER = {
    "provider": ["record_added_in_error", "mandatory_reasons", "stopped_responding_to_messages",
        "unacceptable_behaviour", "lack_of_progress_during_placements", "did_not_make_progress",
        "not_meeting_qts_standards", "safeguarding_concerns",
        "had_to_withdraw_trainee_another_reason"],
    "trainee": ["unacceptable_behaviour", "did_not_make_progress",
        "lack_of_progress_during_placements", "trainee_workload_issues",
        "not_meeting_qts_standards", "change_in_personal_or_health_circumstances",
        "does_not_want_to_become_a_teacher", "never_intended_to_obtain_qts",
        "moved_to_different_itt_course", "safeguarding_concerns",
        "trainee_chose_to_withdraw_another_reason"],
}  # fmt: skip
# Where bare file names of each README section live upstream (B1 is at snapshot S-2025).
SECTION_PREFIX = {"B1": "app/lib/hesa/code_sets/", "B2": "dfe-reference-data gem "}
CONVERT: dict[str, Any] = {"int": int, "bool": {"yes": True, "no": False}.__getitem__, "text": str}
compact = functools.partial(json.dumps, ensure_ascii=False, separators=(",", ":"))


class _Loader(yaml.SafeLoader):
    """SafeLoader keeping YAML 1.1 booleans (`id: NO` is Norway) and dates as text."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if not tag.endswith((":bool", ":timestamp"))]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def read_csv(path: Path) -> list[dict[str, str]]:
    """Parse one CSV source file into rows."""
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def readme_sources(source: Path) -> dict[str, list[str]]:
    """Map each source file to its upstream `path @ commit` strings, read from the README."""
    text = (source / "README.md").read_text(encoding="utf-8")
    snapshots = dict(re.findall(r"\*\*(\S+)\*\* = `([0-9a-f]{40})`", text))
    section, upstream, found = "", list[str](), {}
    for line in text.splitlines():
        if heading := re.match(r"### ([A-Z]\d)\.", line):
            section = heading.group(1)
        if not line.startswith("| `"):
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        tokens = re.findall(r"`([^`]+)`", cells[1])
        commit = snapshots["S-2025" if section == "B1" else "HEAD"][:9]
        commit = next((t[:9] for t in tokens if re.fullmatch(r"[0-9a-f]{40}", t)), commit)
        if section.startswith("A"):
            commit += f" (last change {cells[2].strip('`')})"
        paths = [t for t in tokens if "/" in t or t.endswith((".rb", ".yml"))]
        prefix = SECTION_PREFIX.get(section, "config/reference_data/")
        paths = [p if p.startswith(("app/", "config/")) else prefix + p for p in paths]
        upstream = [f"{p} @ {commit}" for p in paths] or upstream  # "same (...)": row above
        for name in re.findall(r"`([^`]+\.(?:yml|yaml|csv))`", cells[0]):
            found[name] = upstream
    return found


def header(name: str, files: list[str], upstream: dict[str, list[str]]) -> dict[str, Any]:
    """The name, generator and `source` object that start every generated file."""
    lines = dict.fromkeys(line for file in files for line in upstream[file])
    source = {"files": files, "upstream": list(lines)}
    return {"name": name, "generated_by": GENERATED_BY, "source": source}


def entry_doc(ident: Any, name: str, display: str, codes: list[str], **optional: Any) -> Any:
    """One list entry; optional keys are left out when empty."""
    doc = {"id": ident, "name": name, "display_name": display, "hesa_codes": codes}
    return doc | {key: value for key, value in optional.items() if value not in (None, "", [], {})}


def yaml_entry(raw: dict[str, Any]) -> Any:
    """Convert one `data` entry of a config/reference_data YAML file."""
    codes = raw.get("hesa_codes") or []
    if not all(isinstance(code, str) for code in codes):
        raise ValueError(f"HESA codes must be quoted strings: {raw!r}")
    ident = raw.get("id")
    ages = {"min_age": ident[0], "max_age": ident[1]} if isinstance(ident, list) else {}
    known = {"id", "name", "display_name", "hesa_codes", "aliases", "start_year", "end_year"}
    extra = {k: str(v) for k, v in raw.items() if k not in known and v not in (None, "")}
    years = {k: int(raw[k]) for k in ("start_year", "end_year") if raw.get(k) is not None}
    aliases = [str(alias) for alias in raw.get("aliases") or []]
    display = raw.get("display_name") or ""
    return entry_doc(ident, raw["name"], display, codes, aliases=aliases, **years, **ages, **extra)


def hesa_lists(source: Path, upstream: dict[str, list[str]]) -> dict[str, Any]:
    """The v2026.1 YAML code lists (every non-locale *.yml) with their locale label overrides."""
    locales: dict[str, tuple[str, dict[str, str]]] = {}
    for path in sorted(source.glob("locales_*.yml")):
        for key, labels in yaml.load(path.read_text("utf-8"), _Loader)["en"].items():
            locales[key] = (path.name, {str(code): str(text) for code, text in labels.items()})
    docs = {}
    for path in sorted(set(source.glob("*.yml")) - set(source.glob("locales_*.yml"))):
        raw = yaml.load(path.read_text("utf-8"), _Loader)
        name = raw["metadata"]["name"]
        label_file, labels = locales.pop(name, ("", {}))
        docs[name] = header(name, [path.name, label_file][: 1 + bool(label_file)], upstream) | {
            "metadata": {k: v for k, v in raw["metadata"].items()
                         if k not in ("source", "change_log")},
            "labels": dict(sorted(labels.items())),
            "entries": [yaml_entry(entry) for entry in raw["data"]],
        }  # fmt: skip
    if unknown := set(locales) - UNUSED_LOCALES:
        raise ValueError(f"locale keys without a code list: {sorted(unknown)}")
    return docs


def legacy_list(name: str, rows: list[dict[str, str]], ages: dict[Any, Any]) -> dict[str, Any]:
    """One Ruby-era code list: an entry per internal value, with all the codes that map to it."""
    entries: dict[str, Any] = {}
    labels: dict[str, str] = {}
    for row in rows:
        code = row.get("code") or row["name"]
        span = {k: int(row[k]) for k in ("min_age", "max_age") if k in row}
        if span:  # the gem's age ranges take the v2026.1 names of the same ages
            age = ages[(span["min_age"], span["max_age"])]
            label, ident, display = age["name"], age["id"], age["display_name"]
        else:
            label, display = row["label"], row["label"]
            ident = int(row["internal_integer"]) if "internal_integer" in row else label
        extra = {"funding_type": row.get("funding_type")} | span
        entry = entries.setdefault(label, entry_doc(ident, label, display, [], **extra))
        entry["hesa_codes"].append(code)
        if row.get("hesa_mode_description"):
            labels[code] = row["hesa_mode_description"]
    metadata = {"name": name, "display_name": name.replace("_", " ").capitalize()}
    return {"metadata": metadata, "labels": labels, "entries": list(entries.values())}


def typed(value: str, kind: str) -> Any:
    """Convert one CSV cell to its JSON value."""
    if kind in ("list", "words"):
        return [part.strip() for part in value.split("," if kind == "list" else None) if part]
    return None if value == "" else CONVERT[kind](value)


def rule_table(name: str, rows: list[dict[str, str]]) -> dict[str, Any]:
    """One rule table with typed cells (withdrawal reasons also carry their per-trigger order)."""
    flags = {c for c in rows[0] if all(r[c] in ("yes", "no") for r in rows)}
    yes_no = name in YES_NO_TABLES
    kinds = {c: "bool" if yes_no and c in flags else COLUMN_KINDS.get(c, "text") for c in rows[0]}
    typed_rows = [{c: typed(row[c], kind) for c, kind in kinds.items()} for row in rows]
    doc: dict[str, Any] = {"columns": list(kinds)}
    if name == "withdrawal_reasons":
        for trigger, reasons in REASONS_BY_TRIGGER.items():
            valid = {r["code"] for r in typed_rows if r[f"valid_with_trigger_{trigger}"]}
            if valid != set(reasons):
                raise ValueError(f"{trigger} reasons differ from the CSV: {sorted(valid)}")
        doc |= {"metadata": WITHDRAWAL_METADATA, "by_trigger": REASONS_BY_TRIGGER}
    return doc | {"rows": typed_rows}


def generate(source: Path) -> dict[str, str]:
    """Every output file name mapped to its text."""
    upstream = readme_sources(source)
    upstream["withdrawal_reasons.csv"] = [*upstream["withdrawal_reasons.csv"], *WITHDRAWAL_UPSTREAM]
    hesa = hesa_lists(source, upstream)
    ages = {tuple(e["id"]): e for e in hesa["course_age_range"]["entries"]}
    legacy = {}
    for name, filename in LEGACY_FILES.items():
        files = [filename] + ["course_age_range.yml"] * (name == "course_age_range")
        body = legacy_list(name, read_csv(source / filename), ages)
        legacy[f"legacy_{name}"] = header(f"legacy_{name}", files, upstream) | body
    tables = {}
    for path in sorted(source.glob("*.csv")):
        if path.name not in LEGACY_FILES.values():
            tables[path.stem] = header(path.stem, [path.name], upstream)
            tables[path.stem] |= rule_table(path.stem, read_csv(path))
    index = {"generated_by": GENERATED_BY, "code_lists": list(hesa), "legacy_code_lists":
             list(LEGACY_FILES), "tables": list(tables)}  # fmt: skip
    docs = {**hesa, **legacy, **tables, "index": index}
    return {f"{name}.json": dumps(doc) for name, doc in docs.items()}


def dumps(doc: dict[str, Any]) -> str:
    """Compact JSON with one entry, row or label per line."""
    parts = []
    for key, value in doc.items():
        if key in ("entries", "rows"):
            body = "[\n" + ",\n".join(compact(item) for item in value) + "\n]"
        elif key == "labels" and value:
            lines = (f"{compact(code)}:{compact(text)}" for code, text in sorted(value.items()))
            body = "{\n" + ",\n".join(lines) + "\n}"
        else:
            body = compact(value)
        parts.append(f"{compact(key)}:{body}")
    return "{\n" + ",\n".join(parts) + "\n}\n"


def main(argv: list[str] | None = None) -> int:
    """Write every generated file into --out, removing stale ones."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    outputs = generate(args.source)
    args.out.mkdir(parents=True, exist_ok=True)
    for stale in {path.name for path in args.out.glob("*.json")} - set(outputs):
        (args.out / stale).unlink()
    for filename, text in sorted(outputs.items()):
        (args.out / filename).write_text(text, encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
