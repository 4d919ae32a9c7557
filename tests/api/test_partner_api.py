"""The partner API against the migrated database: bearer keys, own referrals only, FHIR bundles,
provider status changes, capacity, and the OpenAPI description."""

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from sqlalchemy import select

from casework.account_models import ApiKey
from casework.api_keys import create_api_key, revoke_api_key
from casework.referral_status import PROVIDER_STATUSES
from passage.config import Settings, session_factory, unit_of_work
from referral_directory.models import ServiceCapacity
from tests.api.test_intake_inbox import (
    CLOCK,
    ORG_A,
    ORG_B,
    World,
    build_world,
    make_client,
    stored,
)
from tests.casework.referral_builders import NOW
from tests.referral_directory.hsds_builders import sal_id

PARTNER_PATHS = {
    "/api/v1/referrals": {"get"},
    "/api/v1/referrals/{referral_id}": {"get"},
    "/api/v1/referrals/{referral_id}/status": {"post"},
    "/api/v1/service-at-locations/{service_at_location_id}/capacity": {"put"},
}


@pytest.fixture
def world(database: Settings, tmp_path: Path) -> World:
    return build_world(tmp_path)


@pytest.fixture
def client(world: World) -> TestClient:
    return make_client()


@pytest.fixture
def key_a(world: World) -> dict[str, str]:
    with unit_of_work() as session:
        raw, _ = create_api_key(session, ORG_A, "case system", now=NOW, actor="test", source="test")
    return {"Authorization": f"Bearer {raw}"}


@pytest.fixture
def key_b(world: World) -> dict[str, str]:
    with unit_of_work() as session:
        raw, _ = create_api_key(session, ORG_B, now=NOW, actor="test", source="test")
    return {"Authorization": f"Bearer {raw}"}


def task_of(body: dict[str, Any]) -> Any:
    bundle = Bundle.model_validate(body)
    (task,) = [e.resource for e in bundle.entry if e.resource.get_resource_type() == "Task"]
    return task


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer psg_000000000000_unknown"},
        {"Authorization": "Bearer not-a-key"},
        {"Authorization": "Basic YWxpY2U6c2VjcmV0"},
    ],
)
def test_without_a_valid_key_every_route_answers_401(
    client: TestClient, world: World, headers: dict[str, str]
) -> None:
    responses = [
        client.get("/api/v1/referrals", headers=headers),
        client.get(f"/api/v1/referrals/{world.a.id}", headers=headers),
        client.post(
            f"/api/v1/referrals/{world.a.id}/status", json={"status": "accepted"}, headers=headers
        ),
        client.put(
            f"/api/v1/service-at-locations/{sal_id('shelter-a')}/capacity",
            json={"available": 1},
            headers=headers,
        ),
    ]

    for response in responses:
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
    assert stored(world.a.id).status == "requested"


def test_a_revoked_key_no_longer_works(client: TestClient, key_a: dict[str, str]) -> None:
    assert client.get("/api/v1/referrals", headers=key_a).status_code == 200
    with unit_of_work() as session:
        assert revoke_api_key(
            session,
            key_a["Authorization"].removeprefix("Bearer "),
            now=NOW,
            actor="test",
            source="test",
        )

    assert client.get("/api/v1/referrals", headers=key_a).status_code == 401


def test_the_list_holds_only_the_organizations_referrals(
    client: TestClient, world: World, key_a: dict[str, str]
) -> None:
    response = client.get("/api/v1/referrals", headers=key_a)

    assert response.status_code == 200
    (item,) = response.json()
    assert item["id"] == world.a.id
    assert item["code"] == world.a.code
    assert (item["status"], item["category"], item["urgent"]) == ("requested", "shelter", True)
    assert set(item) == {"id", "code", "status", "category", "urgent", "deadline", "updated_at"}
    with session_factory()() as session:
        used = session.scalars(select(ApiKey.last_used_at).where(ApiKey.organization_id == ORG_A))
        assert used.one() == CLOCK


def test_a_referral_reads_as_a_fhir_bundle(
    client: TestClient, world: World, key_a: dict[str, str]
) -> None:
    response = client.get(f"/api/v1/referrals/{world.a.id}", headers=key_a)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/fhir+json")
    task = task_of(response.json())
    assert [i.value for i in task.identifier] == [world.a.code]
    assert task.status == "requested"


def test_another_organizations_referral_is_forbidden_and_an_unknown_one_not_found(
    client: TestClient, world: World, key_a: dict[str, str]
) -> None:
    assert client.get(f"/api/v1/referrals/{world.b.id}", headers=key_a).status_code == 403
    assert client.get(f"/api/v1/referrals/{world.b.id + 99}", headers=key_a).status_code == 404
    changed = client.post(
        f"/api/v1/referrals/{world.b.id}/status", json={"status": "accepted"}, headers=key_a
    )
    assert changed.status_code == 403
    assert stored(world.b.id).status == "requested"


def test_accepting_is_stored_and_answered_with_the_new_bundle(
    client: TestClient, world: World, key_a: dict[str, str]
) -> None:
    response = client.post(
        f"/api/v1/referrals/{world.a.id}/status", json={"status": "accepted"}, headers=key_a
    )

    assert response.status_code == 200
    assert task_of(response.json()).status == "accepted"
    assert stored(world.a.id).status == "accepted"


def test_a_decline_keeps_its_reason_and_note(
    client: TestClient, world: World, key_b: dict[str, str]
) -> None:
    response = client.post(
        f"/api/v1/referrals/{world.b.id}/status",
        json={"status": "rejected", "reason": "language", "note": "no Dari speaker"},
        headers=key_b,
    )

    assert response.status_code == 200
    task = task_of(response.json())
    assert (task.statusReason.coding[0].code, task.statusReason.text) == (
        "language",
        "no Dari speaker",
    )
    referral = stored(world.b.id)
    assert (referral.status, referral.status_reason) == ("rejected", "language")


def test_an_illegal_transition_is_a_conflict(
    client: TestClient, world: World, key_a: dict[str, str]
) -> None:
    response = client.post(
        f"/api/v1/referrals/{world.a.id}/status", json={"status": "completed"}, headers=key_a
    )

    assert response.status_code == 409
    assert response.json()["detail"] == "a requested referral cannot become completed"
    assert stored(world.a.id).status == "requested"


@pytest.mark.parametrize(
    "body",
    [
        {"status": "rejected"},
        {"status": "failed"},
        {"status": "cancelled", "reason": "other"},
        {"status": "requested"},
        {"status": "accepted", "extra": 1},
        {"status": "rejected", "reason": "no_response"},
        {"status": "rejected", "reason": "sleepy"},
        {"status": "accepted", "note": "a note needs a reason"},
        {"status": "rejected", "reason": "other", "note": "x" * 501},
    ],
)
def test_an_invalid_body_is_refused_with_422(
    client: TestClient, world: World, key_a: dict[str, str], body: dict[str, Any]
) -> None:
    response = client.post(f"/api/v1/referrals/{world.a.id}/status", json=body, headers=key_a)

    assert response.status_code == 422
    assert stored(world.a.id).status == "requested"


def test_capacity_of_own_services_only(client: TestClient, key_a: dict[str, str]) -> None:
    url = "/api/v1/service-at-locations/{}/capacity"

    own = client.put(url.format(sal_id("shelter-a")), json={"available": 4}, headers=key_a)
    theirs = client.put(url.format(sal_id("shelter-b")), json={"available": 4}, headers=key_a)
    unknown = client.put(url.format("unknown"), json={"available": 4}, headers=key_a)
    negative = client.put(url.format(sal_id("shelter-a")), json={"available": -1}, headers=key_a)

    assert own.status_code == 200
    assert (own.json()["service_at_location_id"], own.json()["available"]) == (
        sal_id("shelter-a"),
        4,
    )
    assert (theirs.status_code, unknown.status_code, negative.status_code) == (403, 404, 422)
    with session_factory()() as session:
        (capacity,) = session.scalars(select(ServiceCapacity)).all()
    assert (capacity.available, capacity.updated) == (4, CLOCK)


def test_openapi_describes_the_partner_routes_and_their_bearer_scheme(
    client: TestClient,
) -> None:
    document = client.get("/openapi.json").json()

    for path, methods in PARTNER_PATHS.items():
        assert set(document["paths"][path]) == methods
        for method in methods:
            operation = document["paths"][path][method]
            assert operation["summary"]
            assert {"PartnerApiKey": []} in operation["security"]
            assert "401" in operation["responses"]
    assert document["components"]["securitySchemes"]["PartnerApiKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API key of your organization: `Authorization: Bearer psg_...`.",
    }
    bundle = document["paths"]["/api/v1/referrals/{referral_id}"]["get"]["responses"]["200"]
    assert "application/fhir+json" in bundle["content"]
    assert not any(path.startswith(("/intake", "/r/")) for path in document["paths"])
    status = document["components"]["schemas"]["StatusChange"]["properties"]["status"]
    assert status["enum"] == [s.value for s in PROVIDER_STATUSES]  # casework's table
