"""Degrees sent with a new trainee (domain.md 2.6, 2.11; api.md 4.6)."""

from __future__ import annotations

from domain.reference import code_list
from tests.bodies import trainee

V = "/api/v2026.1"
UK = {
    "grade": "02",
    "subject": "100485",
    "institution": "0117",
    "uk_degree": "083",
    "graduation_year": "2003",
}
NON_UK = {"country": "FR", "subject": "100485", "non_uk_degree": "083", "graduation_year": 2010}
EITHER = "must be entered if specifying a previous UK degree or non-UK degree"


async def post(client, provider, *degrees, **overrides):
    body = trainee(degrees_attributes=list(degrees), **overrides)
    return await client.post(f"{V}/trainees", json={"data": body}, headers=provider.headers)


async def errors_of(client, provider, *degrees):
    response = await post(client, provider, *degrees)
    assert response.status_code == 422, response.text
    return response.json()["errors"]


async def degree_of(client, provider, item):
    response = await post(client, provider, item)
    assert response.status_code == 201, response.text
    (degree,) = response.json()["data"]["degrees"]
    return degree


async def test_degrees_required_for_a_postgraduate_route(client, provider):
    assert await errors_of(client, provider) == [
        "degrees_attributes must be entered if specifying a postgraduate training_route"
    ]


async def test_degrees_required_not_for_an_undergraduate_route(client, provider):
    response = await post(client, provider, training_route="11")
    assert response.status_code == 201, response.text


async def test_duplicate_degrees_in_request_are_refused(client, provider):
    assert await errors_of(client, provider, UK, {**UK, "grade": "02"}) == [
        "degrees_attributes contains duplicate degrees"
    ]


async def test_duplicate_degrees_in_request_compare_mapped_grades(client, provider):
    found = await errors_of(client, provider, {**UK, "grade": "09"}, {**UK, "grade": "14"})
    assert found == ["degrees_attributes contains duplicate degrees"]


async def test_a_uk_degree_keeps_no_country_and_a_non_uk_degree_no_institution(client, provider):
    degree = await degree_of(client, provider, {**NON_UK, "institution": None})
    assert (degree["country"], degree["institution"]) == ("FR", None)
    assert degree["non_uk_degree"] == "083"
    degree = await degree_of(client, provider, {**UK, "country": "XF"})
    assert (degree["country"], degree["institution"], degree["uk_degree"]) == (None, "0117", "083")


async def test_an_institution_makes_a_degree_uk_whatever_the_country(client, provider):
    degree = await degree_of(client, provider, {**UK, "country": "FR"})
    assert (degree["country"], degree["institution"]) == (None, "0117")


async def test_degree_country_code(client, provider):
    found = await errors_of(client, provider, {**NON_UK, "country": "France"})
    assert found == [
        "country has invalid reference data value of 'France'. Example values include 'AD', "
        "'AE', 'AF', 'AG', 'AI', 'AL', 'AM', 'AO', 'AR', 'AS'..."
    ]


async def test_degree_type_codes_for_uk_and_non_uk_degrees(client, provider):
    types = "'001', '002', '003', '005', '007', '009', '010', '012', '013', '014'..."
    assert await errors_of(client, provider, {**UK, "uk_degree": "BA"}) == [
        f"uk_degree has invalid reference data value of 'BA'. Example values include {types}"
    ]
    assert await errors_of(client, provider, {**NON_UK, "non_uk_degree": "BA"}) == [
        f"non_uk_degree has invalid reference data value of 'BA'. Example values include {types}"
    ]


async def test_degree_type_missing_says_which_type_is_needed(client, provider):
    assert await errors_of(client, provider, {**UK, "uk_degree": None}) == [
        "uk_degree must be entered if specifying a previous UK degree"
    ]
    assert await errors_of(client, provider, {**NON_UK, "non_uk_degree": ""}) == [
        "non_uk_degree must be entered if specifying a previous non-UK degree"
    ]


async def test_degree_unknown_subject_and_grade_count_as_missing(client, provider):
    assert await errors_of(client, provider, {**UK, "subject": "1", "grade": "77"}) == [
        f"subject {EITHER}",
        f"grade {EITHER}",
    ]


async def test_degree_unknown_or_missing_institution_is_other_uk_institution(client, provider):
    other = code_list("institution").by_name("other_uk_institution")
    assert other is not None
    for institution in ("9999", None):
        degree = await degree_of(
            client, provider, {**UK, "institution": institution, "graduation_year": 2000}
        )
        assert (degree["institution"], degree["institution_uuid"]) == (None, str(other.id))


async def test_degree_codes_0133_becomes_0149_and_09_becomes_14(client, provider):
    degree = await degree_of(client, provider, {**UK, "institution": "0133", "grade": "09"})
    assert (degree["institution"], degree["grade"]) == ("0149", "14")


async def test_degree_graduation_year_in_the_future_is_refused_twice(client, provider):
    assert await errors_of(client, provider, {**UK, "graduation_year": "2999"}) == [
        "graduation_year must be in the past, for example 2014",
        "graduation_year is invalid",
    ]


async def test_degree_graduation_year_a_date_gives_its_year(client, provider):
    degree = await degree_of(client, provider, {**UK, "graduation_year": "2003-06-30"})
    assert degree["graduation_year"] == 2003


async def test_degree_graduation_year_more_than_60_years_back_is_invalid(client, provider):
    assert await errors_of(client, provider, {**UK, "graduation_year": "1900"}) == [
        "graduation_year is invalid"
    ]
