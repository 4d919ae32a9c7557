from datetime import UTC, datetime
from pathlib import Path

from fastapi.testclient import TestClient
from sqlalchemy import select

from casework.api_keys import create_api_key
from passage.config import Settings, session_factory, unit_of_work
from passage.runtime.api_app import api_app
from referral_directory.importer import import_directory
from referral_directory.models import ServiceCapacity
from tests.referral_directory.hsds_builders import sal_id, service, uid, write

URL = "/directory/service-at-locations/{}/capacity"


def _directory_and_keys(tmp_path: Path) -> tuple[str, str]:
    """A shelter and a clinic, each run by its own organization; a key of each."""
    records = [service("shelter"), service("clinic")]
    with unit_of_work() as session:
        assert import_directory(session, write(tmp_path / "d.json", records)).ok
        now = datetime.now(UTC)
        own, _ = create_api_key(
            session, uid("organization/shelter"), now=now, actor="test", source="test"
        )
        other, _ = create_api_key(
            session, uid("organization/clinic"), now=now, actor="test", source="test"
        )
    return own, other


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_capacity_update_is_stored_with_its_time(database: Settings, tmp_path: Path) -> None:
    own, _ = _directory_and_keys(tmp_path)
    client = TestClient(api_app())

    response = client.put(
        URL.format(sal_id("shelter")), json={"available": 2}, headers=_bearer(own)
    )

    assert response.status_code == 200
    assert response.json()["available"] == 2
    with session_factory()() as session:
        stored = session.scalars(select(ServiceCapacity)).one()
    assert stored.available == 2
    assert stored.updated.isoformat().startswith(response.json()["updated"][:16])


def test_capacity_needs_a_key_of_the_services_organization(
    database: Settings, tmp_path: Path
) -> None:
    _, other = _directory_and_keys(tmp_path)
    client = TestClient(api_app())
    url = URL.format(sal_id("shelter"))

    anonymous = client.put(url, json={"available": 2})
    unknown = client.put(url, json={"available": 2}, headers=_bearer("psg_000000000000_nope"))
    foreign = client.put(url, json={"available": 2}, headers=_bearer(other))

    assert (anonymous.status_code, anonymous.headers["www-authenticate"]) == (401, "Bearer")
    assert unknown.status_code == 401
    assert foreign.status_code == 403
    with session_factory()() as session:
        assert session.scalars(select(ServiceCapacity)).first() is None


def test_capacity_update_refuses_bad_input_with_4xx(database: Settings, tmp_path: Path) -> None:
    own, _ = _directory_and_keys(tmp_path)
    client = TestClient(api_app(), headers=_bearer(own))
    assert client.put(URL.format("unknown"), json={"available": 1}).status_code == 404
    assert client.put(URL.format("x"), json={"available": -1}).status_code == 422
    assert client.put(URL.format("x"), json={"available": "many"}).status_code == 422
    assert client.put(URL.format("x"), json={"available": True}).status_code == 422
    assert client.put(URL.format("x"), content=b"{").status_code == 422
