"""Reference data: generated files, code-list lookups, rule tables and the reference-data body."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from domain.reference import (
    academic_cycle_label,
    code_list,
    code_list_names,
    ethnic_group_for,
    funding_rows,
    funding_type_for,
    initiatives_for_cycle,
    legacy_code_list,
    not_applicable_urns,
    reference_data_payload,
    route,
    table,
    withdrawal_reasons_for,
)
from domain.reference.payload import FIELDS

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared" / "reference"
CODES = SHARED / "codes"
DATA = REPO / "domain" / "reference" / "data"
needs_sources = pytest.mark.skipif(not CODES.is_dir(), reason="shared reference codes missing")


class _Loader(yaml.SafeLoader):
    """SafeLoader without the timestamp resolver (the OpenAPI file has bare dates)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if not tag.endswith(":timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _source_yaml(name: str) -> Any:
    """A source YAML file of the codes folder."""
    return yaml.load((CODES / name).read_text(encoding="utf-8"), Loader=_Loader)


def test_sex_code_10_is_female() -> None:
    female = code_list("sex").by_code("10")
    assert female is not None and female.name == "female"


def test_inclusion_codes_are_sorted_as_strings() -> None:
    for name in code_list_names():
        codes = code_list(name).codes()
        assert codes == sorted(codes) and len(codes) == len(set(codes))
        assert all(code_list(name).by_code(code) is not None for code in codes)


@needs_sources
@pytest.mark.parametrize("name", code_list_names())
def test_each_code_list_keeps_every_value_of_its_source_yaml(name: str) -> None:
    source = _source_yaml("ethnicities.yml" if name == "ethnicity" else f"{name}.yml")
    entries = code_list(name).entries
    assert [e.name for e in entries] == [raw["name"] for raw in source["data"]]
    codes = [r.get("hesa_codes") or [] for r in source["data"]]
    assert [list(e.hesa_codes) for e in entries] == codes
    assert dict(code_list(name).metadata) == {
        k: v for k, v in source["metadata"].items() if k not in ("source", "change_log")
    }


def test_study_mode_full_time_renders_as_first_code_and_accepts_all_its_codes() -> None:
    study_mode = code_list("study_mode")
    full_time = study_mode.by_name("full_time")
    assert full_time is not None and study_mode.first_code("full_time") == full_time.hesa_codes[0]
    assert all(study_mode.by_code(code) == full_time for code in full_time.hesa_codes)


def test_by_name_matches_id_display_name_and_aliases_ignoring_case() -> None:
    nationality = code_list("nationality")
    british = nationality.by_name("british")
    assert british is not None
    for alias in british.aliases:
        assert nationality.by_name(alias.upper()) == british
    assert nationality.by_name(british.display_name.lower()) == british
    assert code_list("sex").by_name("1") == code_list("sex").by_name("female")
    assert nationality.by_name("") is None and nationality.by_name("martian") is None
    norwegian = nationality.by_code("NO")  # a bare `NO` id is text here, not YAML 1.1 false
    assert norwegian is not None and norwegian.id == "NO" and nationality.by_name("no") == norwegian


NAMED = [(name, e) for name in code_list_names() for e in code_list(name) if e.display_name]


@given(st.sampled_from(NAMED), st.sampled_from([str.upper, str.lower, str.swapcase]))
def test_any_value_is_found_by_its_display_name_in_any_case(item: Any, change: Any) -> None:
    name, entry = item
    found = code_list(name).by_name(change(entry.display_name))
    assert found is not None and found.display_name.casefold() == entry.display_name.casefold()


def test_age_range_13920_is_zero_to_five_and_found_by_its_ages() -> None:
    early_years = code_list("course_age_range").by_code("13920")
    assert early_years is not None and (early_years.min_age, early_years.max_age) == (0, 5)
    assert code_list("course_age_range").by_ages(0, 5) == early_years
    assert legacy_code_list("course_age_range").by_code("13920") is None


def test_training_route_12_is_only_valid_from_its_start_year() -> None:
    routes = code_list("training_route")
    entry = routes.by_code("12")
    assert entry is not None and entry.start_year is not None
    assert "12" not in routes.codes(entry.start_year - 1)
    assert "12" in routes.codes(entry.start_year) and "12" in routes.codes()


@needs_sources
def test_labels_come_from_the_locale_files_else_the_display_name() -> None:
    labels = _source_yaml("locales_sex.yml")["en"]["sex"]
    assert all(code_list("sex").label(code) == text for code, text in labels.items())
    method = code_list("funding_method")
    tier = method.by_code("7")
    assert tier is not None and method.label("7") == tier.display_name
    assert method.label("nope") is None


def test_unknown_code_lists_raise_key_error_naming_the_list() -> None:
    with pytest.raises(KeyError, match="bogus"):
        code_list("bogus")
    with pytest.raises(KeyError, match="bogus"):
        legacy_code_list("bogus")
    with pytest.raises(KeyError, match="bogus"):
        table("bogus")


@needs_sources
def test_legacy_lists_map_every_csv_code_to_its_internal_value() -> None:
    for name, filename in [
        ("sex", "hesa_code_sets_sexes.csv"),
        ("nationality", "recruits_api_nationalities.csv"),
        ("training_route", "hesa_code_sets_training_routes.csv"),
    ]:
        for row in csv.DictReader((CODES / filename).read_text("utf-8").splitlines()):
            entry = legacy_code_list(name).by_code(row["code"])
            assert entry is not None and entry.name == row["label"]
    assert legacy_code_list("sex").by_code("10") == legacy_code_list("sex").by_name("female")
    assert legacy_code_list("study_mode").label("02") != legacy_code_list("study_mode").label("01")


def test_route_flags_for_iqts_assessment_only_and_early_years_assessment_only() -> None:
    iqts, assessment_only, early_years_ao = route("15"), route("16"), route("17")
    assert iqts.code == "iqts" and iqts.requires_iqts_country and not iqts.requires_funding
    assert iqts.minimum_placements_for_award_head == 1
    assert not assessment_only.requires_placements_for_award
    assert early_years_ao.early_years_route and early_years_ao.award_type == "EYTS"
    assert route("iqts") == iqts and isinstance(iqts.db_integer, int)
    with pytest.raises(KeyError):
        route("99")


def test_withdrawal_reasons_per_trigger_follow_the_table_flags() -> None:
    rows = table("withdrawal_reasons")
    for trigger in ("provider", "trainee"):
        valid = {r["code"] for r in rows if r[f"valid_with_trigger_{trigger}"]}
        assert set(withdrawal_reasons_for(trigger)) == valid
    assert withdrawal_reasons_for("anything else") == withdrawal_reasons_for("trainee")
    assert "safeguarding_concerns" in withdrawal_reasons_for("provider")


def test_small_helpers_answer_from_the_tables() -> None:
    assert academic_cycle_label(2025) == "2025 to 2026"
    assert ethnic_group_for("Irish") == "white_ethnic_group"
    assert ethnic_group_for("Not provided") == "not_provided_ethnic_group"
    assert set(not_applicable_urns()) == {"900000", "900010", "900020", "900030"}
    assert "primary_mathematics_specialist" not in initiatives_for_cycle(2024)
    assert "primary_mathematics_specialist" in initiatives_for_cycle(2025)
    types = {code: funding_type_for(code) for code in code_list("funding_method").codes()}
    assert types["6"] is None and types["4"] == "scholarship" and types["E"] == "grant"
    assert {types[code] for code in "789BCD"} == {"bursary"}
    assert all(rule.start_year == 2025 for rule in funding_rows(2025, funding_type="grant"))
    assert not funding_rows(2025, training_route="iqts")


def test_table_rows_are_typed_and_fresh_copies() -> None:
    first = table("training_routes_internal")[0]
    assert isinstance(first["db_integer"], int) and isinstance(first["requires_degree"], bool)
    first["code"] = "changed"
    assert table("training_routes_internal")[0]["code"] != "changed"


def test_reference_payload_has_the_published_keys_in_order() -> None:
    payload = reference_data_payload()
    assert payload is not None and tuple(payload) == FIELDS
    assert reference_data_payload("") == payload


def test_unknown_field_is_none() -> None:
    assert reference_data_payload("bogus") is None


def test_payload_has_one_entry_per_hesa_code_sorted_by_code() -> None:
    for field in FIELDS[:-1]:
        body = reference_data_payload(field)
        assert body is not None
        codes = [entry["code"] for entry in body["entries"]]  # type: ignore[attr-defined]
        assert codes == code_list(field).codes()


def test_withdrawal_payload_lists_provider_reasons_then_trainee_reasons() -> None:
    body = reference_data_payload("withdrawal_reasons")
    assert body is not None and body["triggers"] == ["provider", "trainee"]
    entries: list[dict[str, Any]] = body["entries"]  # type: ignore[assignment]
    expected = [(c, t) for t in ("provider", "trainee") for c in withdrawal_reasons_for(t)]
    assert [(e["code"], e["trigger"]) for e in entries] == expected
    assert all(e["requires_another_reason"] == ("another_reason" in e["code"]) for e in entries)


@pytest.mark.skipif(not (SHARED / "openapi").is_dir(), reason="OpenAPI files missing")
def test_reference_payload_matches_published_example_shape() -> None:
    spec = yaml.load((SHARED / "openapi" / "v2026.1.yaml").read_text("utf-8"), Loader=_Loader)
    ok = spec["paths"]["/api/{api_version}/reference-data"]["get"]["responses"]["200"]
    example = ok["content"]["application/json"]["example"]
    assert reference_data_payload(example["metadata"]["name"]) == example


@needs_sources
def test_regenerating_the_data_changes_nothing(tmp_path: Path) -> None:
    script = REPO / "scripts" / "generate_reference_data.py"
    subprocess.run(
        [sys.executable, str(script), "--source", str(CODES), "--out", str(tmp_path)],
        check=True,
        cwd=REPO,
    )
    generated = {path.name: path.read_bytes() for path in tmp_path.glob("*.json")}
    committed = {path.name: path.read_bytes() for path in DATA.glob("*.json")}
    assert generated == committed


def test_every_generated_file_names_its_source_and_generator() -> None:
    for path in DATA.glob("*.json"):
        doc = json.loads(path.read_text("utf-8"))
        assert doc["generated_by"] == "scripts/generate_reference_data.py"
        assert path.name == "index.json" or (doc["source"]["files"] and doc["source"]["upstream"])
