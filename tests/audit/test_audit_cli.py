"""The operator's side of auditing as real processes: audit tokens, history, the access record,
verification of an intact store."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from tests.api.lifecycle import V, create
from tests.audit.conftest import Store
from tests.cli.test_cli import environment, trainees
from tests.conftest import new_provider

A = "/audit/v1"


def issued(output: str) -> tuple[str, str]:
    token_id = re.search(r"token id:\s+(\S+)", output).group(1)  # type: ignore[union-attr]
    token = re.search(r"token:\s+(\S+)", output).group(1)  # type: ignore[union-attr]
    return token_id, token


async def test_audit_tokens_are_issued_scoped_recorded_and_revoked(store: Store) -> None:
    env = environment(DATABASE_URL=store.database.url)
    other = await new_provider(store.database)
    mine = (await create(store.client, store.provider))["trainee_id"]
    theirs = (await create(store.client, other))["trainee_id"]
    out = trainees(
        "tokens", "issue", "--audit", "--ukprn", store.provider.ukprn, "--name", "Ada", env=env
    ).stdout
    token_id, token = issued(out)
    assert token.startswith("trainees_audit_")
    headers = {"Authorization": f"Bearer {token}"}
    assert (await store.client.get(f"{A}/trainees/{mine}", headers=headers)).status_code == 200
    assert (await store.client.get(f"{A}/trainees/{theirs}", headers=headers)).status_code == 404
    assert (await store.client.get(f"{V}/trainees/{mine}", headers=headers)).status_code == 401

    both = trainees(
        "tokens", "issue", "--audit", "--ukprn", store.provider.ukprn, "--ukprn", other.ukprn,
        env=env,
    ).stdout  # fmt: skip
    both_headers = {"Authorization": f"Bearer {issued(both)[1]}"}
    assert (
        await store.client.get(f"{A}/trainees/{theirs}", headers=both_headers)
    ).status_code == 200
    everyone = trainees("tokens", "issue", "--audit", "--all-providers", env=env).stdout
    all_headers = {"Authorization": f"Bearer {issued(everyone)[1]}"}
    assert (
        await store.client.get(f"{A}/trainees/{theirs}", headers=all_headers)
    ).status_code == 200
    expired = trainees(
        "tokens", "issue", "--audit", "--all-providers", "--expires", "2020-01-01", env=env
    ).stdout
    old = {"Authorization": f"Bearer {issued(expired)[1]}"}
    assert (await store.client.get(f"{A}/trainees/{theirs}", headers=old)).status_code == 401

    uses = trainees("audit", "access", "--token-id", token_id, env=env).stdout
    assert f"{token_id} (Ada)  state {mine}" in uses and theirs not in uses
    by_trainee = trainees("audit", "access", "--trainee-id", theirs, env=env).stdout
    assert by_trainee.count("state " + theirs) == 2

    assert "revoked" in trainees("tokens", "revoke", token_id, env=env).stdout
    assert (await store.client.get(f"{A}/trainees/{mine}", headers=headers)).status_code == 401
    again = trainees("tokens", "revoke", token_id, env=env, check=False)
    assert again.returncode == 1 and "no active token" in again.stderr


def test_bad_audit_token_requests_are_refused_with_a_message(store: Store) -> None:
    env = environment(DATABASE_URL=store.database.url)
    cases = {
        ("--audit",): "either --ukprn",
        ("--audit", "--all-providers", "--ukprn", store.provider.ukprn): "either --ukprn",
        ("--audit", "--ukprn", "99999999"): "no provider with UKPRN 99999999",
        ("--all-providers",): "exactly one --ukprn",
    }
    for args, message in cases.items():
        refused = trainees("tokens", "issue", *args, env=env, check=False)
        assert refused.returncode == 1 and message in refused.stderr, args


async def test_history_shows_a_past_state_in_an_older_vocabulary(store: Store) -> None:
    env = environment(DATABASE_URL=store.database.url)
    t = await create(store.client, store.provider, last_name="Before")
    slug = t["trainee_id"]
    between = datetime.now(UTC).isoformat()
    await store.client.patch(
        f"{V}/trainees/{slug}",
        json={"data": {"last_name": "After"}},
        headers=store.provider.headers,
    )
    found = json.loads(
        trainees(
            "history", slug, "--as-of", between, "--vocabulary", "v2025.0", "--json", env=env
        ).stdout
    )
    assert found["sequence"] == 2 and found["data"]["last_name"] == "Before"
    assert "lead_partner_urn" in found["data"] and "training_partner_urn" not in found["data"]
    assert [e["event"] for e in found["events"]] == ["Registered", "SubmittedForTrn"]
    text = trainees("history", slug, "--as-of", between, env=env).stdout
    assert "state at" in text and '"Before"' in text
    changed = trainees("history", slug, env=env).stdout
    assert 'last_name: "Before" -> "After"' in changed
    early = trainees("history", slug, "--as-of", "2000-01-01T00:00:00Z", env=env, check=False)
    assert early.returncode == 1
    bad = trainees("history", slug, "--vocabulary", "v7", env=env, check=False)
    assert bad.returncode == 2 and "not a served API version" in bad.stderr
    worse = trainees("history", slug, "--as-of", "soon", env=env, check=False)
    assert worse.returncode == 2 and "ISO 8601" in worse.stderr


async def test_an_intact_store_verifies_as_a_whole(store: Store) -> None:
    env = environment(DATABASE_URL=store.database.url)
    await create(store.client, store.provider)
    trainees("audit", "seal", env=env)
    await create(store.client, store.provider)
    whole = trainees("audit", "verify", env=env)
    assert "verified" in whole.stdout and "1 seals checked" in whole.stdout
