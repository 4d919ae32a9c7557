"""Schemathesis fuzzes every operation of the OpenAPI document against the app on a migrated
SQLite database holding the demo directory: no answer is a 500, and every answer's status and
body are the ones the document describes.

Bounded and derandomized, so the run takes the same time and finds the same things each time.
The only 5xx allowed are those an operation documents (the chat's 503: Rasa is "down" here).
"""

import re
import socket
from datetime import UTC, datetime

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import BaseSchema, GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import select

from casework.api_keys import create_api_key
from passage.config import Settings, get_settings, unit_of_work
from passage.runtime.api_app import api_app
from referral_directory.importer import import_directory
from referral_directory.models import Organization
from tests.conftest import _clear_cached_wiring

EXAMPLES = 20  # per operation; with 10 operations the file runs in well under two minutes


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def api_key(database: Settings, monkeypatch: pytest.MonkeyPatch) -> str:
    """A partner API key of a demo organization, so the fuzzer gets past the 401."""
    monkeypatch.setenv("PASSAGE_RASA_URL", f"http://127.0.0.1:{_closed_port()}")
    # Far above what the run sends: a 429 would end the fuzzing of an operation early.
    for name in ("IP", "API_KEY", "CHAT_SENDER"):
        monkeypatch.setenv(f"PASSAGE_RATE_LIMIT_PER_{name}_PER_MINUTE", "1000000")
    _clear_cached_wiring()
    with unit_of_work() as session:
        report = import_directory(session, get_settings().demo_directory)
        assert report.ok, report.lines()
        organization = session.scalars(select(Organization.id).order_by(Organization.id)).first()
        assert organization is not None
        raw, _ = create_api_key(
            session, organization, "fuzz", now=datetime.now(UTC), actor="test", source="test"
        )
    return raw


@pytest.fixture
def api_schema(api_key: str) -> BaseSchema:
    return schemathesis.openapi.from_asgi("/openapi.json", api_app())


def _operations() -> list[tuple[str, str]]:
    """Every operation of the document, read when the tests are collected (building it needs
    no database), so a new route is fuzzed without editing this file."""
    document = api_app().openapi()
    get_settings.cache_clear()  # the settings of the collection, not of any test
    return sorted(
        (method.upper(), path) for path, item in document["paths"].items() for method in item
    )


def _documented(case: schemathesis.Case, status: int) -> bool:
    return str(status) in case.operation.definition.raw.get("responses", {})


# schemathesis.pytest's parametrize does not run under pytest 9 (it sets Node._nodeid), so each
# operation gets a plain Hypothesis test over schemathesis' strategies, valid and invalid.
@pytest.mark.parametrize(
    ("method", "path"), [pytest.param(*o, id=" ".join(o)) for o in _operations()]
)
def test_no_500_and_answers_as_documented(
    api_schema: BaseSchema, api_key: str, method: str, path: str
) -> None:
    operation = api_schema[path][method]
    cases = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    )
    statuses: set[int] = set()

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.generate],  # no shrinking: a failure is reported as found
        suppress_health_check=list(HealthCheck),
    )
    @given(case=cases)
    def fuzz(case: schemathesis.Case) -> None:
        response = case.call(headers={"Authorization": f"Bearer {api_key}"})
        statuses.add(response.status_code)
        checks = [response_schema_conformance, status_code_conformance]
        # A 5xx the operation documents is an answer (Rasa is down); any other is a bug.
        if not (response.status_code >= 500 and _documented(case, response.status_code)):
            checks.append(not_a_server_error)
        case.validate_response(response, checks=checks)

    fuzz()
    if path.startswith("/api/v1/"):
        assert statuses - {401}, "the fuzzer never got past the API key"


def test_the_fuzzed_document_holds_every_operation(api_schema: BaseSchema) -> None:
    """So an operation dropped from the document (and so from the fuzzing) is noticed."""
    operations = set(_operations())
    assert {
        ("POST", "/chat/messages"),
        ("POST", "/webhooks/twilio/sms"),
        ("GET", "/api/v1/referrals/{referral_id}"),
    } <= operations
    assert not any(path.startswith(("/intake", "/r/")) for _method, path in operations)


def _json_operations() -> list[tuple[str, str, list[str]]]:
    """The operations with a JSON body, and the top-level fields of that body."""
    document = api_app().openapi()
    get_settings.cache_clear()
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {})
            schema = content.get("application/json", {}).get("schema")
            if schema is None:
                continue
            name = schema.get("$ref", "").rsplit("/", 1)[-1]
            fields = list(document["components"]["schemas"].get(name, {}).get("properties", {}))
            found.append((method.upper(), re.sub(r"\{[^}]+\}", "1", path), fields))
    return found


# Found by hand after the fuzzer (whose strings are UTF-8): Python's JSON parser accepts NaN,
# Infinity and lone surrogates, which FastAPI's 422 quoted back and then failed to encode.
@pytest.mark.parametrize("value", ["NaN", "-Infinity", '"\\ud800"', '"x\\udfff"'])
@pytest.mark.parametrize(("method", "path", "fields"), _json_operations())
def test_json_only_python_accepts_is_refused_not_a_500(
    api_key: str, method: str, path: str, fields: list[str], value: str
) -> None:
    client = TestClient(api_app(), raise_server_exceptions=False)
    body = "{" + ", ".join(f'"{field}": {value}' for field in fields or ["x"]) + "}"
    headers = {"Authorization": f"Bearer {api_key}", "Content-Type": "application/json"}

    response = client.request(method, path, content=body.encode(), headers=headers)

    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    response.json()  # valid JSON: no bare NaN
