"""`trainees bench` on tiny sizes: well-formed results, never timings."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import msgspec
import pytest

from service.bench import lua, measures, report, wrk
from service.bench.limit import TABLE
from service.bench.offline import Rebuilt
from service.bench.options import Options
from service.bench.run import GROUPS, bench
from service.cli import main
from tests.api.lifecycle import V, create
from tests.conftest import sql

TINY = Options(
    duration=0.3, connections=(1, 2), events=400, providers=2, history_events=30, http=False
)


@pytest.fixture(scope="module")
def offline_report() -> report.Report:
    """Seeding, both rebuilds, the raw read, history and the limit, without HTTP."""

    return bench(
        TINY.__class__(**{**vars(TINY), "database_url": os.environ.get("DATABASE_URL")}),
        tell=lambda message: None,
    )


def test_the_offline_bench_measures_every_group_but_http(offline_report: report.Report) -> None:
    groups = {row.group for row in offline_report.rows}
    assert groups == {"machine", "limit", "rebuild", "history", "audit", "memory"}
    assert [r.group for r in offline_report.rows] == sorted(
        (r.group for r in offline_report.rows), key=GROUPS.index
    )


def test_every_measure_is_a_positive_number(offline_report: report.Report) -> None:
    assert all(row.value > 0 for row in offline_report.rows), offline_report.rows


def test_the_limit_is_measured_at_each_concurrency(offline_report: report.Report) -> None:
    limits = [row for row in offline_report.rows if row.group == "limit"]
    assert [row.clients for row in limits] == [1, 2]
    assert all(row.p50_ms is not None and row.p99_ms is not None for row in limits)


def test_the_cpu_probe_at_the_end_is_set_against_the_one_at_the_start(
    offline_report: report.Report,
) -> None:
    start, end = [row for row in offline_report.rows if row.group == "machine"]
    assert start.unit == end.unit == "ms" and end.ratio_to == "start"
    assert end.ratio == pytest.approx(end.value / start.value)
    assert end.met == (abs(end.value / start.value - 1) <= measures.PROBE_DRIFT)


def test_a_machine_that_changed_speed_is_flagged() -> None:
    assert [row.met for row in measures.probe_rows(100.0, 112.0)] == [None, True]
    assert [row.met for row in measures.probe_rows(100.0, 80.0)] == [None, False]
    assert [row.met for row in measures.probe_rows(100.0, 130.0)] == [None, False]


def test_the_rebuild_replays_at_least_the_events_asked_for(offline_report: report.Report) -> None:
    rebuild = next(r for r in offline_report.rows if r.name.startswith("projections rebuild,"))
    replayed = int(rebuild.name.split(", ")[1].split()[0].replace(",", ""))
    assert TINY.events <= replayed < TINY.events + 8  # whole trainees of 4 events each
    assert rebuild.ratio is not None and rebuild.met is not None


def test_the_rebuilds_cpu_is_the_commands_and_the_databases(
    offline_report: report.Report,
) -> None:
    rows = [r for r in offline_report.rows if ", CPU of the command" in r.name]
    assert [r.name.split(",")[0] for r in rows] == [
        "projections rebuild",
        "projections rebuild --verify",
    ]
    for row in rows:
        assert row.unit == "s" and row.value > 0
        if row.target is not None:  # the server is local: its CPU is counted too
            command, database = (float(n) for n in row.name[:-3].split("(")[1].split(" + "))
            # each part is shown to a tenth: their sum is within two halves of a tenth
            assert row.value == pytest.approx(command + database, abs=0.1 + 1e-9)
            assert command > 0 and database >= 0 and row.met is not None


def test_the_rebuilds_cpu_is_set_against_what_the_target_leaves_on_the_cores() -> None:
    def run(command: float, database: float | None) -> Any:
        return Rebuilt(200_000, 4.0, 4.5, 50.0, cpu_s=command, db_cpu_s=database)

    slow = measures.rebuild_cpu_row("projections rebuild", run(6.0, 4.0), 100_000, cores=2)
    assert (slow.value, slow.met) == (10.0, False)
    assert slow.target == "<=4.0 s (2 cores at 100,000/s)"
    fast = measures.rebuild_cpu_row("projections rebuild", run(1.5, 2.0), 100_000, cores=2)
    assert (fast.value, fast.met) == (3.5, True)
    assert "(1.5 + 2.0 s)" in fast.name
    elsewhere = measures.rebuild_cpu_row("projections rebuild", run(6.0, None), 100_000)
    assert (elsewhere.value, elsewhere.target, elsewhere.met) == (6.0, None, None)


def test_the_verification_checks_every_seeded_event(offline_report: report.Report) -> None:
    rebuild = next(r for r in offline_report.rows if r.name.startswith("projections rebuild,"))
    audit = next(r for r in offline_report.rows if r.group == "audit")

    def events(row: report.Row) -> int:
        return int(row.name.split(", ")[1].split()[0].replace(",", ""))

    # every seeded event, and the writes made beside the rebuild's --verify before it
    assert events(audit) > events(rebuild)
    assert audit.unit == "events/s" and audit.met is not None


def test_the_history_loads_every_event_of_the_trainee(offline_report: report.Report) -> None:
    history = next(r for r in offline_report.rows if r.group == "history")
    assert "30 events" in history.name


def test_the_report_round_trips_through_json(offline_report: report.Report, tmp_path: Path) -> None:
    path = tmp_path / "results" / "latest.json"
    report.write(offline_report, path)
    decoded = msgspec.json.decode(path.read_bytes(), type=report.Report)
    assert (decoded.rows, decoded.machine) == (offline_report.rows, offline_report.machine)


def test_the_table_has_a_line_per_row(offline_report: report.Report) -> None:
    lines = report.table(offline_report.rows).splitlines()
    assert len(lines) == 2 + len(offline_report.rows)
    assert lines[0].startswith("| measure")


def test_a_script_fills_in_ids_and_surnames(tmp_path: Path) -> None:
    scenario = lua.Scenario("t", "POST", "/x/" + lua.ID + "/y", '{"name":"' + lua.NAME + '"}')
    pairs = lua.write_pairs(tmp_path / "pairs.txt", [("token-a", "id-1"), ("token-b", "id-2")])
    text = lua.script(scenario, pairs, "Run7x")
    assert pairs.read_text() == "token-a id-1\ntoken-b id-2\n"
    assert "[==[/x/]==], [==[/y]==]" in text and '"Run7x"' in text
    assert "local path = true and" in text and "body = true and" in text


def test_the_result_line_of_a_wrk_script_is_parsed() -> None:
    load = wrk.parse("Running 1s test\nBENCH_RESULT 500 2000000 0 0 0 3 1 1500 9000\n")
    assert (load.requests, load.seconds, load.errors) == (500, 2.0, 4)
    assert (load.rate, load.p50_ms, load.p99_ms) == (250.0, 1.5, 9.0)


def test_without_wrk_the_bench_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    assert main(["bench"]) == 2
    assert "apt-get install -y wrk" in capsys.readouterr().err


async def test_the_bare_endpoint_is_off_unless_switched_on(
    client: Any, provider: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    trainee_id = (await create(client, provider))["trainee_id"]
    monkeypatch.delenv("TRAINEES_BENCH_ENDPOINTS", raising=False)
    assert (await client.get(f"/bench/bare/{trainee_id}")).status_code == 404
    monkeypatch.setenv("TRAINEES_BENCH_ENDPOINTS", "1")
    answer = await client.get(f"/bench/bare/{trainee_id}")
    assert answer.status_code == 200
    assert answer.json()["trainee_id"] == trainee_id


async def test_the_bare_page_answers_the_documents_of_the_providers_first_page(
    client: Any, provider: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    made = [(await create(client, provider))["trainee_id"] for _ in range(3)]
    monkeypatch.delenv("TRAINEES_BENCH_ENDPOINTS", raising=False)
    assert (await client.get(f"/bench/bare/page/{made[0]}")).status_code == 404
    monkeypatch.setenv("TRAINEES_BENCH_ENDPOINTS", "1")
    bare = await client.get(f"/bench/bare/page/{made[0]}")
    listed = await client.get(f"{V}/trainees", headers=provider.headers)
    assert bare.status_code == listed.status_code == 200
    assert bare.json()["data"] == listed.json()["data"]
    assert {d["trainee_id"] for d in bare.json()["data"]} >= set(made)


async def test_the_bare_write_stores_the_body_it_is_sent_as_one_row(
    client: Any, monkeypatch: pytest.MonkeyPatch, database: Any
) -> None:
    sent = msgspec.json.encode({"data": {"first_names": "Ann\u0000", "n": 2**70}})
    monkeypatch.delenv("TRAINEES_BENCH_ENDPOINTS", raising=False)
    assert (await client.post("/bench/bare/write", content=sent)).status_code == 404
    monkeypatch.setenv("TRAINEES_BENCH_ENDPOINTS", "1")
    answers = [await client.post("/bench/bare/write", content=sent) for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 201]
    ids = [a.json()["data"]["notification_id"] for a in answers]
    stored = await sql(database, f"SELECT notification_id, state FROM {TABLE}"
                                 " WHERE notification_id = ANY($1::bigint[])", ids)  # fmt: skip
    assert sorted((r["notification_id"], bytes(r["state"])) for r in stored) == [
        (i, sent) for i in sorted(ids)
    ]
    refused = await client.post("/bench/bare/write", content=b'{"data": ')
    assert refused.status_code == 400


def test_the_rebuilds_verification_is_timed_with_writes_beside_it(
    offline_report: report.Report,
) -> None:
    verify = next(r for r in offline_report.rows if r.name.startswith("projections rebuild --v"))
    assert verify.unit == "events/s" and verify.met is not None
    beside = [r for r in offline_report.rows if r.name.startswith("a write during")]
    assert [r.name for r in beside] == [
        "a write during projections rebuild --verify",
        "a write during audit verify",
    ]
    assert all(r.p99_ms is not None and r.errors == 0 and r.met is not None for r in beside)


def test_runs_in_turns_are_combined_into_one_load() -> None:
    loads = [
        wrk.Load(100, 2.0, 0, 1.0, 5.0, cpu_ms=0.5, db_cpu_ms=0.1),
        wrk.Load(300, 2.0, 1, 2.0, 9.0, cpu_ms=0.3, db_cpu_ms=0.2),
        wrk.Load(200, 2.0, 0, 3.0, 4.0, cpu_ms=0.4, db_cpu_ms=None),
    ]
    both = wrk.combined(loads[:2])
    assert (both.requests, both.seconds, both.errors, both.rate) == (400, 4.0, 1, 100.0)
    assert (both.p50_ms, both.p99_ms) == (1.5, 9.0)
    assert both.cpu_ms == pytest.approx(0.35) and both.db_cpu_ms == pytest.approx(0.175)
    assert wrk.combined(loads).db_cpu_ms is None  # a run without the database's CPU
