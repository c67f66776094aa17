"""The read model's JSON is the API document, byte for byte."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta, timezone

import msgspec
from hypothesis import given
from hypothesis import strategies as st

from domain.personal import PERSONAL_DOCUMENT_FIELDS
from domain.trainee import Trainee
from domain.values import Actor, ProviderRef, TraineeRecord
from projections.documents import (
    MEMBER_SOURCES,
    document_json,
    document_parts,
    iso,
    timestamp,
    trainee_document,
    whole_seconds,
)
from projections.rebuild import ranges

DISABILITIES = st.dictionaries(
    st.sampled_from([f"disability{n}" for n in range(1, 10)]),
    st.sampled_from(["51", "57", "58", "95", "98"]),
)


@given(DISABILITIES, st.text(max_size=20))
def test_the_stored_json_equals_the_encoded_document(disabilities, name) -> None:
    record = TraineeRecord(first_names=name, disabilities=disabilities,
                           date_of_birth=date(1990, 1, 1))  # fmt: skip
    trainee = Trainee.register(provider=ProviderRef(provider_id="p", ukprn="10000001"),
                               record=record, placements=(), degrees=(),
                               actor=Actor(source="api"), at=datetime.now(UTC))  # fmt: skip
    assert document_json(trainee) == msgspec.json.encode(trainee_document(trainee))


@given(DISABILITIES, st.text(max_size=20), st.sampled_from([None, "11", "12", "18"]))
def test_the_member_sources_make_the_whole_document_between_them(disabilities, name, route):
    record = TraineeRecord(first_names=name, disabilities=disabilities, training_route=route,
                           itt_start_date=date(2025, 9, 1))  # fmt: skip
    trainee = Trainee.register(provider=ProviderRef(provider_id="p", ukprn="10000001"),
                               record=record, placements=(), degrees=(),
                               actor=Actor(source="api"), at=datetime.now(UTC))  # fmt: skip
    made: dict[str, object] = {}
    for source, members in MEMBER_SOURCES.items():
        attribute, _, field = source.partition(".")
        value = getattr(trainee, attribute)
        made.update(members(getattr(value, field) if field else value))
    assert made == trainee_document(trainee)


@given(st.dates())
def test_dates_are_year_month_day(day) -> None:
    assert iso(day) == day.isoformat()


OFFSETS = st.sampled_from([UTC, timezone(timedelta(hours=2)), timezone(-timedelta(hours=9.5))])


@given(st.datetimes(min_value=datetime(1900, 1, 2), timezones=OFFSETS))
def test_timestamps_are_utc_with_milliseconds_or_whole_seconds(moment) -> None:
    utc = moment.astimezone(UTC)
    assert timestamp(moment) == utc.strftime("%Y-%m-%dT%H:%M:%S.") + (
        f"{utc.microsecond // 1000:03d}Z"
    )
    assert whole_seconds(moment) == utc.strftime("%Y-%m-%dT%H:%M:%SZ")


@given(st.integers(min_value=1, max_value=8))
def test_replay_ranges_cover_every_aggregate_id_once(parts) -> None:
    cut = ranges(parts)
    assert len(cut) == parts and cut[0][0] is None and cut[-1][1] is None
    assert all(a[1] == b[0] for a, b in itertools.pairwise(cut))


PIECES = ["a", '"', ",", ":", "\\", '"training_route":', ',"ni_number":"x', '","trainee_id":"']
NAMES_AND_QUOTES = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


@given(NAMES_AND_QUOTES, DISABILITIES)
def test_the_personal_members_are_cut_out_whole_whatever_their_values_say(text, disabilities):
    record = TraineeRecord(first_names=text, last_name=text, ni_number=text, hesa_id=text,
                           disabilities=disabilities)  # fmt: skip
    trainee = Trainee.register(provider=ProviderRef(provider_id="p", ukprn="10000001"),
                               record=record, placements=(), degrees=(),
                               actor=Actor(source="api"), at=datetime.now(UTC))  # fmt: skip
    rest, members = document_parts(trainee)
    personal = msgspec.json.decode(b"{" + members + b"}")
    assert list(personal) == [
        *PERSONAL_DOCUMENT_FIELDS[: PERSONAL_DOCUMENT_FIELDS.index("ni_number")],
        *disabilities,
        *PERSONAL_DOCUMENT_FIELDS[PERSONAL_DOCUMENT_FIELDS.index("ni_number") :],
    ]
    assert personal["first_names"] == personal["ni_number"] == text
    others = msgspec.json.decode(rest)
    assert set(others).isdisjoint(PERSONAL_DOCUMENT_FIELDS)
    assert others["trainee_id"] == trainee.slug and "training_route" in others
