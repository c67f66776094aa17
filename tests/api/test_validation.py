"""Shape validation of trainee bodies: bad JSON, missing data, required fields (api.md 7)."""

from __future__ import annotations

from tests.bodies import trainee

V = "/api/v2026.1"


async def post(client, provider, body, headers=None):
    return await client.post(
        f"{V}/trainees", json=body, headers={**provider.headers, **(headers or {})}
    )


async def test_malformed_json_is_a_bad_request_listing_the_parser_message(client, provider):
    response = await client.post(
        f"{V}/trainees",
        content=b'{"data": ',
        headers={**provider.headers, "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    (message,) = response.json()["errors"]
    assert message[0].isupper()


async def test_a_body_without_data_is_unprocessable(client, provider):
    response = await post(client, provider, {"first_names": "John"})
    assert response.status_code == 422
    assert response.json() == {
        "errors": ["Param is missing or the value is empty or invalid: data"]
    }


async def test_an_empty_body_is_missing_data(client, provider):
    response = await client.post(f"{V}/trainees", headers=provider.headers)
    assert response.status_code == 422


async def test_data_that_is_not_an_object_is_missing_data(client, provider):
    response = await post(client, provider, {"data": ["first_names"]})
    assert response.json()["errors"] == ["Param is missing or the value is empty or invalid: data"]


async def test_missing_required_fields_are_listed_with_a_count(client, provider):
    response = await post(client, provider, {"data": trainee(first_names=..., sex="")})
    assert response.status_code == 422
    assert response.json() == {
        "message": "Validation failed: 2 errors prohibited this trainee from being saved",
        "errors": ["first_names can't be blank", "sex can't be blank"],
    }


async def test_one_error_is_counted_in_the_singular(client, provider):
    response = await post(client, provider, {"data": trainee(hesa_id=...)})
    assert response.json() == {
        "message": "Validation failed: 1 error prohibited this trainee from being saved",
        "errors": ["hesa_id can't be blank"],
    }


async def test_an_invalid_email_is_refused(client, provider):
    response = await post(client, provider, {"data": trainee(email="john@")})
    assert response.json()["errors"] == [
        "email Enter an email address in the correct format, like name@example.com"
    ]


async def test_an_impossible_date_is_invalid(client, provider):
    response = await post(client, provider, {"data": trainee(date_of_birth="1990-02-30")})
    assert response.json()["errors"] == ["date_of_birth is invalid"]


async def test_an_array_where_text_is_expected_is_invalid(client, provider):
    response = await post(client, provider, {"data": trainee(first_names=["John"])})
    assert response.status_code == 422
    assert response.json()["errors"] == ["first_names is invalid"]


async def test_course_year_must_be_a_whole_number(client, provider):
    response = await post(client, provider, {"data": trainee(course_year="first")})
    assert response.json()["errors"] == ["course_year is not a valid course year"]


async def test_qualification_aim_is_required_for_itt_aim_202(client, provider):
    response = await post(client, provider, {"data": trainee(itt_qualification_aim=...)})
    assert response.json()["errors"] == [
        "itt_qualification_aim must be entered if 202 selected for itt_aim"
    ]


async def test_study_mode_is_optional_for_assessment_only(client, provider):
    body = trainee(study_mode=..., training_route="16")
    response = await post(client, provider, {"data": body})
    assert "study_mode can't be blank" not in response.json().get("errors", [])


async def test_nested_placement_errors_keep_their_prefix(client, provider):
    body = trainee(placements_attributes=[{"postcode": "BN1 1AA"}])
    response = await post(client, provider, {"data": body})
    assert response.json()["errors"] == ["placements_attributes name can't be blank"]


async def test_nested_degree_errors_lose_their_prefix(client, provider):
    degree = {
        "grade": "02",
        "subject": "100485",
        "institution": "0117",
        "uk_degree": "083",
        "graduation_year": "abc",
    }
    response = await post(client, provider, {"data": trainee(degrees_attributes=[degree])})
    assert response.json()["errors"] == ["graduation_year is invalid"]


async def test_a_postgraduate_route_needs_a_degree(client, provider):
    response = await post(client, provider, {"data": trainee(degrees_attributes=[])})
    assert response.json()["errors"] == [
        "degrees_attributes must be entered if specifying a postgraduate training_route"
    ]


async def test_enhanced_errors_group_messages_by_field_and_nest_degrees(client, provider):
    degree = {
        "subject": "100485",
        "institution": "0117",
        "uk_degree": "083",
        "graduation_year": "2999",
    }
    body = trainee(
        first_names="", degrees_attributes=[degree], placements_attributes=[{"urn": "12"}]
    )
    response = await post(client, provider, {"data": body}, {"Enhanced-Errors": "true"})
    assert response.status_code == 422
    assert response.json() == {
        "message": "Validation failed: 6 errors prohibited this trainee from being saved",
        "errors": {
            "first_names": ["can't be blank"],
            "degrees_attributes": {
                "grade": ["must be entered if specifying a previous UK degree or non-UK degree"],
                "graduation_year": ["must be in the past, for example 2014", "is invalid"],
            },
            "placements_attributes": {"urn": ["is invalid"], "name": ["can't be blank"]},
        },
    }


async def test_enhanced_errors_need_the_exact_value_true(client, provider):
    response = await post(
        client, provider, {"data": trainee(first_names="")}, {"Enhanced-Errors": "TRUE"}
    )
    assert response.json()["errors"] == ["first_names can't be blank"]


async def test_nothing_is_recorded_when_validation_fails(client, provider):
    await post(client, provider, {"data": trainee(sex="")})
    response = await client.get(f"{V}/trainees", headers=provider.headers)
    assert response.status_code == 404
