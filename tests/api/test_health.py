from datetime import UTC, datetime

from fastapi.testclient import TestClient

from casework.heartbeat import record_heartbeat
from passage.config import Settings, unit_of_work
from passage.runtime.api_app import api_app


def test_health_reports_database_and_a_silent_worker(database: Settings) -> None:
    response = TestClient(api_app()).get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "worker": "silent"}


def test_health_reports_a_live_worker(database: Settings) -> None:
    with unit_of_work() as session:
        record_heartbeat(session, worker_id="w1", now=datetime.now(UTC))
    assert TestClient(api_app()).get("/health").json()["worker"] == "alive"


def test_health_without_the_schema_is_503_not_500(settings: Settings) -> None:
    response = TestClient(api_app()).get("/health")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
