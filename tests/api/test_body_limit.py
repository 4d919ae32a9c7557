"""Request bodies over max_request_bytes are refused with 413, whether their Content-Length says
so up front or they stream without one (chunked) or with a false one."""

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient
from starlette.types import Message, Receive, Scope, Send

from api.body_limit import BodyLimitMiddleware
from passage.config import Settings
from passage.runtime.api_app import api_app
from tests.conftest import _clear_cached_wiring

LIMIT = 2048
DETAIL = f"the request body is larger than {LIMIT} bytes"


@pytest.fixture
def client(database: Settings, monkeypatch: pytest.MonkeyPatch) -> TestClient:
    monkeypatch.setenv("PASSAGE_MAX_REQUEST_BYTES", str(LIMIT))
    _clear_cached_wiring()
    return TestClient(api_app())


def _chunks(total: int, size: int = 500) -> Iterator[bytes]:
    sent = 0
    while sent < total:
        chunk = b"x" * min(size, total - sent)
        sent += len(chunk)
        yield chunk


def test_the_default_limit_is_64_kib(settings: Settings) -> None:
    assert settings.max_request_bytes == 64 * 1024


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/chat/messages"),
        ("POST", "/webhooks/twilio/sms"),
        ("PUT", "/api/v1/service-at-locations/x/capacity"),
        ("POST", "/intake/login"),
        ("POST", "/no/such/route"),
    ],
)
def test_a_declared_length_over_the_limit_is_413(
    client: TestClient, method: str, path: str
) -> None:
    response = client.request(method, path, content=b"x" * (LIMIT + 1))

    assert response.status_code == 413
    assert response.json() == {"detail": DETAIL}


def test_a_body_at_the_limit_reaches_the_route(client: TestClient) -> None:
    response = client.post(
        "/chat/messages", content=b"x" * LIMIT, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422  # the route read it: not JSON


@pytest.mark.parametrize(
    ("path", "content_type"),
    [
        ("/chat/messages", "application/json"),
        ("/webhooks/twilio/sms", "application/x-www-form-urlencoded"),
        ("/intake/login", "application/x-www-form-urlencoded"),
    ],
)
def test_a_chunked_body_over_the_limit_is_413(
    client: TestClient, path: str, content_type: str
) -> None:
    request = client.build_request(
        "POST", path, content=_chunks(LIMIT + 100), headers={"Content-Type": content_type}
    )
    assert "content-length" not in request.headers
    assert request.headers["transfer-encoding"] == "chunked"

    response = client.send(request)

    assert response.status_code == 413
    assert response.json() == {"detail": DETAIL}


def test_a_small_chunked_body_is_read_as_usual(client: TestClient) -> None:
    body = b'{"tab": "x", "message": "hello"}'
    response = client.post(
        "/chat/messages", content=iter([body]), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "tab"]


class _Reader:
    """An ASGI app that reads the whole body, then answers 200 with what it read."""

    def __init__(self) -> None:
        self.read = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        more = True
        while more:
            message = await receive()
            self.read += len(message.get("body", b""))
            more = message.get("more_body", False)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": str(self.read).encode()})


async def _call(
    app: BodyLimitMiddleware, chunks: list[bytes], headers: list[tuple[bytes, bytes]]
) -> list[Message]:
    incoming = [
        {"type": "http.request", "body": chunk, "more_body": i < len(chunks) - 1}
        for i, chunk in enumerate(chunks)
    ]
    sent: list[Message] = []

    async def receive() -> Message:
        return incoming.pop(0)

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/", "headers": headers}
    await app(scope, receive, send)
    return sent


@pytest.mark.anyio
@pytest.mark.parametrize(
    "headers",
    [[], [(b"content-length", b"10")], [(b"content-length", b"nonsense")]],
    ids=["chunked", "false-length", "bad-length"],
)
async def test_reading_stops_at_the_first_chunk_over_the_limit(
    headers: list[tuple[bytes, bytes]],
) -> None:
    reader = _Reader()
    app = BodyLimitMiddleware(reader, max_bytes=1000)

    sent = await _call(app, [b"a" * 600, b"b" * 600, b"c" * 600], headers)

    assert sent[0]["status"] == 413
    assert b'"detail"' in sent[1]["body"]
    assert len(sent) == 2
    assert reader.read == 600  # the second chunk was never handed to the app


@pytest.mark.anyio
async def test_a_chunked_body_within_the_limit_passes() -> None:
    reader = _Reader()
    sent = await _call(BodyLimitMiddleware(reader, max_bytes=1000), [b"a" * 500] * 2, [])

    assert (sent[0]["status"], sent[1]["body"]) == (200, b"1000")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
