"""The register of schools and training partners: seed rows and the load commands."""

from __future__ import annotations

import asyncio
import csv
from pathlib import Path

import asyncpg
import pytest

from service.cli import main
from tests.bodies import trainee

V = "/api/v2026.1"
SEED = Path(__file__).resolve().parents[2] / "service" / "seed"


def seed_rows(name: str) -> list[dict[str, str | None]]:
    with (SEED / name).open(newline="") as handle:
        return [{k: v or None for k, v in row.items()} for row in csv.DictReader(handle)]


async def rows(database, sql: str) -> list[dict[str, object]]:
    conn = await asyncpg.connect(database.url)
    try:
        return [dict(r) for r in await conn.fetch(sql)]
    finally:
        await conn.close()


async def run(database, monkeypatch, *args: str) -> int:
    monkeypatch.setenv("DATABASE_URL", database.url)
    return await asyncio.to_thread(main, list(args))


async def test_register_is_seeded_with_the_packaged_rows(database):
    schools = await rows(database, "SELECT urn, name, town, postcode FROM schools")
    partners = await rows(database, "SELECT name, urn, ukprn FROM training_partners")
    assert all(row in schools for row in seed_rows("schools.csv"))
    assert all(row in partners for row in seed_rows("training_partners.csv"))


async def test_register_schools_load_adds_schools_a_placement_then_links(
    client, provider, database, monkeypatch, tmp_path, capsys
):
    path = tmp_path / "schools.csv"
    path.write_text("urn,name,town,postcode\n654321,Quarry Bank School,Liverpool,L18 9UX\n")
    assert await run(database, monkeypatch, "schools", "load", str(path)) == 0
    assert "loaded 1 school(s)" in capsys.readouterr().out
    body = trainee(placements_attributes=[{"urn": "654321"}], employing_school_urn="654321")
    response = await client.post(f"{V}/trainees", json={"data": body}, headers=provider.headers)
    assert response.status_code == 201, response.text
    (placement,) = response.json()["data"]["placements"]
    assert placement["address"] == "URN 654321, Liverpool, L18 9UX"
    assert response.json()["data"]["employing_school_urn"] == "654321"


async def test_register_schools_load_refuses_a_bad_file_and_loads_nothing(
    database, monkeypatch, tmp_path, capsys
):
    path = tmp_path / "schools.csv"
    path.write_text("urn,name,town,postcode\n765432,Fine School,,\n76543,Bad URN,,\n")
    assert await run(database, monkeypatch, "schools", "load", str(path)) == 2
    assert "line 3: urn must be 6 digits" in capsys.readouterr().err
    assert await rows(database, "SELECT urn FROM schools WHERE urn = '765432'") == []


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("urn,name\n123456,X\n", "missing column(s) town, postcode"),
        ("urn,name,town,postcode\n123456,,,\n", "line 2: name is required"),
    ],
)
async def test_register_schools_load_explains_what_is_wrong(
    database, monkeypatch, tmp_path, capsys, content, message
):
    path = tmp_path / "schools.csv"
    path.write_text(content)
    assert await run(database, monkeypatch, "schools", "load", str(path)) == 2
    assert message in capsys.readouterr().err


async def test_register_partners_load_by_urn_or_ukprn(
    client, provider, database, monkeypatch, tmp_path
):
    path = tmp_path / "partners.csv"
    path.write_text("name,urn,ukprn\nLakeside SCITT,345678,\nMoor University,,23456789\n")
    assert await run(database, monkeypatch, "partners", "load", str(path)) == 0
    for field, value in (
        ("training_partner_urn", "345678"),
        ("training_partner_ukprn", "23456789"),
    ):
        body = trainee(**{field: value})
        response = await client.post(f"{V}/trainees", json={"data": body}, headers=provider.headers)
        assert response.status_code == 201, response.text
        assert response.json()["data"][field] == value


async def test_register_partners_load_refuses_a_ukprn_of_two_partners(
    database, monkeypatch, tmp_path, capsys
):
    path = tmp_path / "partners.csv"
    path.write_text("name,urn,ukprn\nNew Partner,456789,10000002\n")  # the seed's UKPRN
    assert await run(database, monkeypatch, "partners", "load", str(path)) == 2
    assert "a UKPRN belongs to two partners" in capsys.readouterr().err
    assert await rows(database, "SELECT urn FROM training_partners WHERE urn = '456789'") == []
