"""Placements, training partners and employing schools against the register (domain.md 2.12,
2.13; api.md 4.5, 4.7, 6.3). The register's seed rows come from service/seed/."""

from __future__ import annotations

from tests.bodies import trainee

V = "/api/v2026.1"
SCHOOL = "100000"  # Riverside Primary School, London, SW1A 1AA (seed)
PARTNER_URN, PARTNER_UKPRN = "100003", "10000001"  # Northern Lights SCITT (seed)


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


async def test_placement_at_a_known_school_is_linked_to_it(client, provider):
    data = await accepted(client, provider, placements_attributes=[{"urn": SCHOOL}])
    (placement,) = data["placements"]
    assert (placement["urn"], placement["name"], placement["postcode"]) == (
        SCHOOL,
        "Riverside Primary School",
        "SW1A 1AA",
    )
    assert placement["address"] == "URN 100000, London, SW1A 1AA"


async def test_placement_at_an_unknown_urn_needs_a_name(client, provider):
    assert await errors_of(client, provider, placements_attributes=[{"urn": "123456"}]) == [
        "placements_attributes name can't be blank"
    ]


async def test_placement_urn_must_have_six_digits(client, provider):
    found = await errors_of(client, provider, placements_attributes=[{"urn": "12345", "name": "A"}])
    assert found == ["placements_attributes urn is invalid"]


async def test_placement_nested_postcode_is_dropped(client, provider):
    data = await accepted(
        client,
        provider,
        placements_attributes=[{"urn": "123456", "name": "Elsewhere", "postcode": "BN1 1AA"}],
    )
    (placement,) = data["placements"]
    assert (placement["name"], placement["postcode"], placement["address"]) == (
        "Elsewhere",
        None,
        "URN 123456",
    )


async def test_training_partner_urn_known_links_the_partner(client, provider):
    data = await accepted(client, provider, training_partner_urn=PARTNER_URN)
    assert (data["training_partner_urn"], data["training_partner_ukprn"]) == (
        PARTNER_URN,
        PARTNER_UKPRN,
    )


async def test_training_partner_urn_unknown_is_refused(client, provider):
    assert await errors_of(client, provider, training_partner_urn="999999") == [
        "training_partner_urn is invalid. The URN '999999' does not match any known training "
        "partners"
    ]


async def test_training_partner_urn_not_applicable_or_blank_means_no_partner(client, provider):
    for urn in ("900010", ""):
        data = await accepted(
            client, provider, training_partner_urn=urn, training_partner_ukprn="11111111"
        )
        assert data["training_partner_urn"] is None and data["training_partner_ukprn"] is None


async def test_training_partner_ukprn_known_and_unknown(client, provider):
    data = await accepted(client, provider, training_partner_ukprn="10000002")
    assert (data["training_partner_urn"], data["training_partner_ukprn"]) == (None, "10000002")
    assert await errors_of(client, provider, training_partner_ukprn="12345678") == [
        "training_partner_ukprn is invalid. The UKPRN '12345678' does not match any known "
        "training partners"
    ]


async def test_training_partner_urn_wins_over_the_ukprn(client, provider):
    data = await accepted(
        client, provider, training_partner_urn=PARTNER_URN, training_partner_ukprn="12345678"
    )
    assert data["training_partner_ukprn"] == PARTNER_UKPRN


async def test_employing_school_known_unknown_and_not_applicable(client, provider):
    data = await accepted(client, provider, employing_school_urn=SCHOOL)
    assert data["employing_school_urn"] == SCHOOL
    data = await accepted(client, provider, employing_school_urn="900000")
    assert data["employing_school_urn"] is None
    assert await errors_of(client, provider, employing_school_urn="123456") == [
        "employing_school_id is invalid. The URN '123456' does not match any known schools"
    ]


async def test_training_partner_kept_on_update_unless_sent(client, provider):
    created = await accepted(
        client, provider, training_partner_urn=PARTNER_URN, employing_school_urn=SCHOOL
    )
    url = f"{V}/trainees/{created['trainee_id']}"
    kept = await client.put(url, json={"data": {"first_names": "Jo"}}, headers=provider.headers)
    assert kept.json()["data"]["training_partner_urn"] == PARTNER_URN
    assert kept.json()["data"]["employing_school_urn"] == SCHOOL
    cleared = await client.put(
        url,
        json={"data": {"training_partner_urn": None, "employing_school_urn": None}},
        headers=provider.headers,
    )
    assert cleared.status_code == 200, cleared.text
    assert cleared.json()["data"]["training_partner_urn"] is None
    assert cleared.json()["data"]["employing_school_urn"] is None


async def test_training_partner_unknown_on_update_is_refused(client, provider):
    created = await accepted(client, provider)
    response = await client.patch(
        f"{V}/trainees/{created['trainee_id']}",
        json={"data": {"training_partner_ukprn": "87654321"}},
        headers=provider.headers,
    )
    assert response.status_code == 422
    assert response.json()["errors"] == [
        "training_partner_ukprn is invalid. The UKPRN '87654321' does not match any known "
        "training partners"
    ]
