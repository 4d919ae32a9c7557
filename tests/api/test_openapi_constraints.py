"""The OpenAPI document says what the API accepts: the constraints of each JSON request body's
string fields (minLength, maxLength, pattern) are what the endpoint enforces. Schemathesis once
found /chat/messages documented as taking an empty message that it then refused with 422.

For every JSON request body, values just inside and just outside each documented constraint are
checked against the model behind it; for /chat/messages also through the endpoint.
"""

import re
import socket
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from fastapi import FastAPI
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from api import capacity, routers
from api.routers.chat import ChatMessage
from passage.config import Settings, get_settings
from passage.runtime.api_app import api_app
from tests.api.chat_client import TAB, chat_client
from tests.conftest import _clear_cached_wiring

PROPERTIES = settings(max_examples=200, deadline=None, derandomize=True, database=None)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def app(database: Settings, monkeypatch: pytest.MonkeyPatch) -> FastAPI:
    monkeypatch.setenv("PASSAGE_RASA_URL", f"http://127.0.0.1:{_closed_port()}")
    monkeypatch.setenv("PASSAGE_CHAT_MESSAGE_MAX_CHARS", "500")  # not the default: read, not fixed
    monkeypatch.setenv("PASSAGE_RATE_LIMIT_PER_CHAT_SENDER_PER_MINUTE", "1000")
    _clear_cached_wiring()
    return api_app()


def _resolve(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        schema = document["components"]["schemas"][name]
    return schema


def _json_bodies(document: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for path, item in document["paths"].items():
        for method, operation in item.items():
            content = operation.get("requestBody", {}).get("content", {})
            if "application/json" in content:
                yield f"{method.upper()} {path}", content["application/json"]["schema"]


def _string_constraints(schema: dict[str, Any]) -> dict[str, Any]:
    """The string branch of a property (`anyOf` with null for an optional one)."""
    for branch in [schema, *schema.get("anyOf", [])]:
        if branch.get("type") == "string":
            return branch
    return {}


def test_the_chat_message_schema_states_its_limits(app: FastAPI) -> None:
    document = app.openapi()
    schema = _resolve(document, dict(next(s for o, s in _json_bodies(document) if "chat/m" in o)))
    message = schema["properties"]["message"]
    assert message["minLength"] == 1
    assert message["maxLength"] == 500 == get_settings().chat_message_max_chars
    assert not re.search(message["pattern"], " \t\n\u3000")  # blank: refused, and documented
    assert not re.search(message["pattern"], "a\x00b")
    assert re.search(message["pattern"], " yes ")


def test_the_endpoint_refuses_what_the_schema_refuses(app: FastAPI) -> None:
    """Values at each documented bound of /chat/messages: the schema's verdict is the API's
    (accepted means 503 here, as Rasa is down; refused means 422)."""
    document = app.openapi()
    schema = _resolve(document, dict(next(s for o, s in _json_bodies(document) if "chat/m" in o)))
    client = chat_client(app)
    cases = ["", " ", "\n\t ", "x", "x" * 500, "x" * 501, "a\x00", " a\u2028", "\x1c", "\x85"]
    for text in cases:
        body = {"tab": TAB, "message": text}
        documented = jsonschema.Draft202012Validator(schema).is_valid(body)
        status = client.post("/chat/messages", json=body).status_code
        assert status == (503 if documented else 422), (repr(text[:8]), len(text), status)


def _bounds(constraints: dict[str, Any]) -> list[str]:
    """Strings at and across a property's documented length bounds, and some that a pattern
    may refuse."""
    values = ["", " ", "\x00", "x", "1", "tab-0123456789abcdef", "a" * 64]
    for bound in ("minLength", "maxLength"):
        if bound in constraints:
            values += ["x" * max(0, constraints[bound] - 1), "x" * constraints[bound]]
            values.append("x" * (constraints[bound] + 1))
    return values


def _body_models() -> dict[str, type[BaseModel]]:
    """The request body models of the routers, by their name in the document's components."""
    found: dict[str, type[BaseModel]] = {}
    for module in (routers.chat, routers.directory, routers.partner_api, capacity):
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, BaseModel):
                found[value.__name__] = value
    return found


def test_every_json_body_model_agrees_with_its_schema_on_string_bounds(app: FastAPI) -> None:
    """Each string field of every JSON request body, alone, at its bounds: the model refuses
    the field's value exactly when the documented field schema does."""
    document = app.openapi()
    models = _body_models()
    checked = 0
    for operation, body_schema in _json_bodies(document):
        name = body_schema.get("$ref", "").rsplit("/", 1)[-1]
        assert name in models, operation
        schema = _resolve(document, body_schema)
        for field, field_schema in schema.get("properties", {}).items():
            constraints = _string_constraints(_resolve(document, field_schema))
            if not constraints or "enum" in constraints:
                continue
            validator = jsonschema.Draft202012Validator(constraints)
            for value in _bounds(constraints):
                refused = _field_refused(models[name], field, value)
                assert refused == (not validator.is_valid(value)), (operation, field, value[:9])
                checked += 1
    assert checked > 20


def _field_refused(model: type[BaseModel], field: str, value: str) -> bool:
    """Whether the model refuses this value of this field (an error names the field)."""
    try:
        model.model_validate({field: value})
    except ValidationError as error:
        return any(tuple(item["loc"])[:1] == (field,) for item in error.errors())
    return False


@PROPERTIES
@given(st.text(max_size=40) | st.text(alphabet=" \t\n\x00x\u3000\x85", max_size=8))
def test_the_message_pattern_and_the_model_agree(text: str) -> None:
    message = ChatMessage.model_json_schema()["properties"]["message"]
    documented = len(text) >= message["minLength"] and bool(re.search(message["pattern"], text))
    try:
        ChatMessage(tab=TAB, message=text)
        accepted = True
    except ValueError:
        accepted = False
    assert accepted == documented
