"""Fund code, funding method and initiative rules by the trainee's cycle (domain.md 2.8)."""

from __future__ import annotations

from tests.bodies import trainee

V = "/api/v2026.1"
CYCLE_2024 = {"itt_start_date": "2024-09-01", "itt_end_date": "2025-07-31"}
CYCLE_2025 = {"itt_start_date": "2025-09-01", "itt_end_date": "2026-07-31"}
CYCLE_2026 = {"itt_start_date": "2026-09-01", "itt_end_date": "2027-07-31"}
PHYSICS, BIOLOGY, MATHEMATICS = "100425", "100346", "100403"


async def post(client, provider, **overrides):
    return await client.post(
        f"{V}/trainees", json={"data": trainee(**overrides)}, headers=provider.headers
    )


async def errors_of(client, provider, **overrides):
    response = await post(client, provider, **overrides)
    assert response.status_code == 422, response.text
    return response.json()["errors"]


async def accepted(client, provider, **overrides):
    response = await post(client, provider, **overrides)
    assert response.status_code == 201, response.text
    return response.json()["data"]


async def test_fund_code_7_needs_a_route_with_funding_in_the_cycle(client, provider):
    found = await errors_of(client, provider, fund_code="7", training_route="16", **CYCLE_2026)
    assert found == ["fund_code is not valid for this trainee"]


async def test_fund_code_7_is_accepted_for_a_funded_route(client, provider):
    data = await accepted(client, provider, fund_code="7", **CYCLE_2026)
    assert data["fund_code"] == "7"


async def test_funding_method_award_needs_fund_code_7(client, provider):
    found = await errors_of(
        client, provider, funding_method="D", course_subject_1=BIOLOGY, **CYCLE_2026
    )
    assert found == [
        "funding_method 'bursary' is not allowed when fund_code is '2' and course_subject_1 is "
        "'biology'"
    ]


async def test_funding_method_fund_code_exception_for_physics_in_2025_and_2026(client, provider):
    for cycle in (CYCLE_2025, CYCLE_2026):
        await accepted(
            client,
            provider,
            funding_method="D",
            course_subject_1=PHYSICS,
            first_names=f"P{cycle['itt_start_date'][:4]}",
            **cycle,
        )


async def test_funding_method_fund_code_exception_does_not_reach_2024(client, provider):
    found = await errors_of(
        client, provider, funding_method="D", course_subject_1=PHYSICS, **CYCLE_2024
    )
    assert found == [
        "funding_method 'bursary' is not allowed when fund_code is '2' and course_subject_1 is "
        "'physics'"
    ]


async def test_funding_method_needs_a_funding_rule_in_the_cycle(client, provider):
    found = await errors_of(
        client, provider, fund_code="7", funding_method="4", course_subject_1=BIOLOGY, **CYCLE_2026
    )
    assert found == [
        "funding_method 'scholarship' is not allowed when training_route is "
        "'provider_led_postgrad' and course_subject_1 is 'biology' in academic cycle "
        "'2026 to 2027'"
    ]


async def test_funding_method_grant_for_early_years_salaried(client, provider):
    await accepted(
        client,
        provider,
        training_route="20",
        course_subject_1="100510",
        course_age_range="13920",
        fund_code="7",
        funding_method="E",
        **CYCLE_2026,
    )


async def test_funding_method_c_forces_the_veterans_initiative(client, provider):
    data = await accepted(
        client,
        provider,
        training_route="09",
        degrees_attributes=[],
        course_subject_1=MATHEMATICS,
        fund_code="7",
        funding_method="C",
        training_initiative="999",
        **CYCLE_2026,
    )
    assert data["training_initiative"] is None  # the veterans initiative has no HESA code
    assert data["funding_method"] == "C"


async def test_training_initiative_availability_by_cycle(client, provider):
    assert await errors_of(client, provider, training_initiative="009", **CYCLE_2025) == [
        "training_initiative 'maths_physics_chairs_programme_researchers_in_schools' is not "
        "available in academic cycle '2025 to 2026'"
    ]


async def test_training_initiative_availability_primary_mathematics_from_2025(client, provider):
    data = await accepted(client, provider, training_initiative="011", **CYCLE_2025)
    assert data["training_initiative"] == "011"
    assert await errors_of(client, provider, training_initiative="011", **CYCLE_2024) == [
        "training_initiative 'primary_mathematics_specialist' is not available in academic "
        "cycle '2024 to 2025'"
    ]


async def test_additional_training_initiative_availability_by_cycle(client, provider):
    found = await errors_of(client, provider, additional_training_initiative="036", **CYCLE_2026)
    assert found == [
        "additional_training_initiative 'international_relocation_payment' is not available in "
        "academic cycle '2026 to 2027'"
    ]
    data = await accepted(client, provider, additional_training_initiative="036", **CYCLE_2025)
    assert data["additional_training_initiative"] == "036"


async def test_funding_rules_use_the_trainee_start_date_cycle(client, provider):
    found = await errors_of(
        client, provider, training_initiative="011", **CYCLE_2025, trainee_start_date="2024-10-01"
    )
    assert found == [
        "training_initiative 'primary_mathematics_specialist' is not available in academic "
        "cycle '2024 to 2025'"
    ]
