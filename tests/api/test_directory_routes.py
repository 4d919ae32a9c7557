from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from api.app import create_app
from passage.database import session_factory, unit_of_work
from passage.settings import Settings
from referral_directory.importer import import_directory
from referral_directory.models import ServiceCapacity
from tests.referral_directory.hsds_builders import sal_id, service, write


def test_capacity_update_is_stored_with_its_time(database: Settings, tmp_path: Path) -> None:
    with unit_of_work() as session:
        assert import_directory(session, write(tmp_path / "d.json", [service("shelter")])).ok
    client = TestClient(create_app())

    response = client.put(
        f"/directory/service-at-locations/{sal_id('shelter')}/capacity", json={"available": 2}
    )

    assert response.status_code == 200
    assert response.json()["available"] == 2
    with session_factory()() as session:
        stored = session.scalars(select(ServiceCapacity)).one()
    assert stored.available == 2
    assert stored.updated.isoformat().startswith(response.json()["updated"][:16])


def test_capacity_update_refuses_bad_input_with_4xx(database: Settings) -> None:
    client = TestClient(create_app())
    url = "/directory/service-at-locations/{}/capacity"
    assert client.put(url.format("unknown"), json={"available": 1}).status_code == 404
    assert client.put(url.format("x"), json={"available": -1}).status_code == 422
    assert client.put(url.format("x"), json={"available": "many"}).status_code == 422
    assert client.put(url.format("x"), json={"available": True}).status_code == 422
    assert client.put(url.format("x"), content=b"{").status_code == 422
