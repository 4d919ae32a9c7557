"""Capacity requests answered through the partner API with an API key: held or declined by the
organization asked only, before the window ends only, at most the places asked; the same 404
for an unknown code and another organization's request; 422 for bad bodies, never a 500."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.task import Task

from api import deps
from casework.api_keys import create_api_key
from casework.capacity_requests import RequestState, new_code, readiness
from casework.operation_models import CapacityRequest, OperationPlan
from casework.operations import checked_details, plan_operation
from passage.config import Settings, session_factory, unit_of_work
from passage.runtime.api_app import api_app
from tests.casework.account_builders import account
from tests.casework.referral_builders import NOW, shelters
from tests.referral_directory.hsds_builders import sal_id, uid

CLOCK = NOW + timedelta(minutes=5)
START = CLOCK + timedelta(hours=1)
END = START + timedelta(hours=12)
ORG_A = uid("organization/shelter-a")
ORG_B = uid("organization/shelter-b")
HOUSING = "basic.housing"


@dataclass(frozen=True)
class World:
    plan_id: int
    a: str  # the code of a request of 4 places to shelter-a, by API
    b: str  # the code of a request to shelter-b
    key_a: dict[str, str]
    key_b: dict[str, str]


def _request(session: Any, plan: OperationPlan, key: str, places: int) -> str:
    request = CapacityRequest(
        operation_id=plan.id,
        code=new_code(),
        need_id=HOUSING,
        for_minors=False,
        language=None,
        service_at_location_id=sal_id(key),
        organization_id=uid(f"organization/{key}"),
        recipient=f"https://{key}.example.org/fhir/Task",
        provider_language="en",
        places_wanted=places,
        places_held=0,
        state=RequestState.REQUESTED.value,
        created_at=NOW,
    )
    session.add(request)
    session.flush()
    return request.code


@pytest.fixture
def world(database: Settings, tmp_path: Path) -> World:
    with unit_of_work() as session:
        shelters(session, tmp_path)
        details = checked_details(
            adults={"female": 3, "male": 1},
            minors={},
            languages=["ru"],
            needs=[HOUSING],
            window_start=START,
            window_end=END,
            safe_site_region="Almaty",
        )
        plan = plan_operation(session, account(session), details, now=NOW)
        a, b = _request(session, plan, "shelter-a", 4), _request(session, plan, "shelter-b", 4)
        raw_a, _ = create_api_key(session, ORG_A, now=NOW, actor="test", source="test")
        raw_b, _ = create_api_key(session, ORG_B, now=NOW, actor="test", source="test")
        return World(
            plan.id,
            a,
            b,
            {"Authorization": f"Bearer {raw_a}"},
            {"Authorization": f"Bearer {raw_b}"},
        )


def client_at(at: datetime) -> TestClient:
    app = api_app()
    app.dependency_overrides[deps.current_time] = lambda: at
    return TestClient(app, follow_redirects=False)


@pytest.fixture
def client(world: World) -> Iterator[TestClient]:
    with client_at(CLOCK) as client:
        yield client


def stored(code: str) -> CapacityRequest:
    with session_factory()() as session:
        request = session.query(CapacityRequest).filter_by(code=code).one()
        session.expunge(request)
        return request


def answer(client: TestClient, code: str, body: Any, headers: dict[str, str]) -> Any:
    return client.post(f"/api/v1/capacity-requests/{code}/status", json=body, headers=headers)


def task_of(body: dict[str, Any]) -> Task:
    (entry,) = Bundle.model_validate(body).entry
    assert isinstance(entry.resource, Task)
    return entry.resource


def test_places_are_held_with_the_organizations_key(client: TestClient, world: World) -> None:
    response = answer(client, world.a, {"status": "accepted", "places": 3}, world.key_a)

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/fhir+json")
    task = task_of(response.json())
    assert task.status == "accepted"
    assert [i.value for i in task.identifier] == [world.a]
    assert task.identifier[0].system.endswith("/fhir/capacity-request-code")
    assert [(o.type.coding[0].code, o.valueInteger) for o in task.output] == [("places-held", 3)]
    request = stored(world.a)
    assert (request.state, request.places_held, request.answered_at) == ("held", 3, CLOCK)
    with session_factory()() as session:
        plan = session.get_one(OperationPlan, world.plan_id)
        (row,) = readiness(session, plan).needs
    assert (row.wanted, row.held, row.missing, row.not_answering) == (4, 3, 1, 1)


def test_a_lower_case_code_and_a_changed_answer_count(client: TestClient, world: World) -> None:
    assert answer(client, world.a, {"status": "accepted", "places": 4}, world.key_a).is_success
    response = answer(client, world.a.lower(), {"status": "rejected"}, world.key_a)

    assert response.status_code == 200
    task = task_of(response.json())
    assert task.status == "rejected" and task.output is None
    assert (stored(world.a).state, stored(world.a).places_held) == ("declined", 0)


def test_another_organizations_request_is_not_found_like_an_unknown_code(
    client: TestClient, world: World
) -> None:
    other = answer(client, world.b, {"status": "accepted", "places": 1}, world.key_a)
    unknown = answer(client, "H222222", {"status": "accepted", "places": 1}, world.key_a)
    referral_like = answer(client, "R7K2QX", {"status": "rejected"}, world.key_a)

    assert other.status_code == unknown.status_code == referral_like.status_code == 404
    assert other.json() == unknown.json() == {"detail": "no such capacity request"}
    assert (stored(world.b).state, stored(world.b).places_held) == ("requested", 0)
    assert answer(client, world.b, {"status": "accepted", "places": 1}, world.key_b).is_success


def test_without_a_valid_key_the_answer_is_401(client: TestClient, world: World) -> None:
    for headers in ({}, {"Authorization": "Bearer psg_000000000000_unknown"}):
        response = answer(client, world.a, {"status": "rejected"}, headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
    assert stored(world.a).state == "requested"


@pytest.mark.parametrize("at", [END, END + timedelta(days=1)])
def test_after_the_window_an_answer_is_refused(world: World, at: datetime) -> None:
    with client_at(at) as late:
        response = answer(late, world.a, {"status": "accepted", "places": 2}, world.key_a)

    assert response.status_code == 409
    assert "closed" in response.json()["detail"]
    assert (stored(world.a).state, stored(world.a).places_held) == ("requested", 0)


def test_a_released_request_is_refused(client: TestClient, world: World) -> None:
    with unit_of_work() as session:
        session.get_one(OperationPlan, world.plan_id).released_at = CLOCK

    response = answer(client, world.a, {"status": "rejected"}, world.key_a)

    assert response.status_code == 409


def test_more_places_than_asked_is_a_422_naming_the_limit(client: TestClient, world: World) -> None:
    response = answer(client, world.a, {"status": "accepted", "places": 5}, world.key_a)

    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"] == ["body", "places"]
    assert error["msg"] == "at most 4 places were asked"
    assert (stored(world.a).state, stored(world.a).places_held) == ("requested", 0)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"status": "accepted"}, "accepted needs places"),
        ({"status": "accepted", "places": 0}, "greater than or equal to 1"),
        ({"status": "accepted", "places": -2}, "greater than or equal to 1"),
        ({"status": "accepted", "places": "3"}, "valid integer"),
        ({"status": "accepted", "places": 2.5}, "valid integer"),
        ({"status": "accepted", "places": True}, "valid integer"),
        ({"status": "accepted", "places": 10**30}, "less than or equal to 9999"),
        ({"status": "rejected", "places": 2}, "places go with accepted only"),
        ({"status": "held", "places": 2}, "'accepted' or 'rejected'"),
        ({"status": "accepted", "places": 2, "note": "x"}, "Extra inputs"),
        ({}, "Field required"),
        ([], "valid dictionary"),
        (None, "Field required"),
    ],
)
def test_a_bad_body_is_a_422_saying_why(
    client: TestClient, world: World, body: Any, message: str
) -> None:
    response = answer(client, world.a, body, world.key_a)

    assert response.status_code == 422
    assert message in str(response.json()["detail"])
    assert stored(world.a).state == "requested"


def test_the_route_is_described_in_the_openapi_document(client: TestClient) -> None:
    document = client.get("/openapi.json").json()

    operation = document["paths"]["/api/v1/capacity-requests/{code}/status"]["post"]
    assert operation["summary"]
    assert {"PartnerApiKey": []} in operation["security"]
    assert {"200", "401", "404", "409", "422"} <= set(operation["responses"])
    assert "application/fhir+json" in operation["responses"]["200"]["content"]
    schema = document["components"]["schemas"]["CapacityAnswer"]
    assert schema["properties"]["status"]["enum"] == ["accepted", "rejected"]
    assert schema["additionalProperties"] is False
    assert all(p["description"] for p in schema["properties"].values())
