"""Rate limits: per client address on every route, per API key on the partner API, per sender
on the web chat; 429 with Retry-After; the window slides with the (injected) clock."""

import hashlib
import socket
import threading
from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from api.rate_limits import SlidingWindowLimiter
from passage.config import Settings
from passage.runtime.api_app import api_app
from tests.conftest import _clear_cached_wiring

TAB = "tab-0123456789abcdef"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def make_client(
    database: Settings, monkeypatch: pytest.MonkeyPatch, clock: FakeClock
) -> Callable[..., TestClient]:
    """A client of a new app with these limits; `address` is the client's IP."""

    def make(address: str = "192.0.2.1", **limits: int) -> TestClient:
        monkeypatch.setenv("PASSAGE_RASA_URL", f"http://127.0.0.1:{_closed_port()}")
        for name, value in limits.items():
            monkeypatch.setenv(f"PASSAGE_RATE_LIMIT_{name.upper()}", str(value))
        _clear_cached_wiring()
        return TestClient(api_app(clock=clock), client=(address, 40000))

    return make


def _assert_limited(response: object, retry_after: int) -> None:
    assert getattr(response, "status_code", None) == 429
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["retry-after"] == str(retry_after)
    assert "too many requests" in response.json()["detail"]  # type: ignore[attr-defined]


def test_defaults(settings: Settings) -> None:
    assert settings.rate_limit_per_ip_per_minute == 300
    assert settings.rate_limit_per_api_key_per_minute == 120
    assert settings.rate_limit_per_chat_sender_per_minute == 30


def test_the_window_slides(clock: FakeClock) -> None:
    limiter = SlidingWindowLimiter(3, clock=clock)
    hits = []
    for _ in range(3):  # at 0 s, 10 s and 20 s
        hits.append(limiter.hit("a"))
        clock.advance(10)
    assert hits == [None, None, None]
    assert limiter.hit("a") == pytest.approx(30)  # at 30 s: until the first is a minute old
    assert limiter.hit("b") is None  # other keys count apart

    clock.advance(30)  # 60 s: the first hit leaves the window, the other two stay in it
    assert limiter.hit("a") is None
    assert limiter.hit("a") == pytest.approx(10)
    clock.advance(9.999)
    assert limiter.hit("a") is not None
    clock.advance(0.001)
    assert limiter.hit("a") is None


def test_refused_requests_do_not_count(clock: FakeClock) -> None:
    limiter = SlidingWindowLimiter(1, clock=clock)
    assert limiter.hit("a") is None
    for _ in range(10):
        clock.advance(5)
        assert limiter.hit("a") is not None
    clock.advance(10.001)  # 60 s after the only counted hit
    assert limiter.hit("a") is None


def test_idle_keys_are_forgotten(clock: FakeClock) -> None:
    limiter = SlidingWindowLimiter(5, clock=clock)
    for number in range(100):
        limiter.hit(f"sender-{number}")
    assert len(limiter) == 100
    clock.advance(61)
    limiter.hit("new")
    assert len(limiter) == 1
    assert "sender-1" not in limiter


def test_concurrent_hits_never_pass_more_than_the_limit() -> None:
    limiter = SlidingWindowLimiter(50)
    passed: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(8)

    def hammer() -> None:
        start.wait()
        for _ in range(100):
            allowed = limiter.hit("same") is None
            with lock:
                passed.append(allowed)

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(passed) == 50


def test_per_address_on_every_route(
    make_client: Callable[..., TestClient], clock: FakeClock
) -> None:
    client = make_client(per_ip_per_minute=3)
    other = TestClient(client.app, client=("192.0.2.2", 40000))

    answers = [client.get("/").status_code, client.get("/nope").status_code]
    answers.append(client.get("/static/chat.css").status_code)
    assert answers == [200, 404, 200]
    _assert_limited(client.get("/health"), retry_after=60)
    clock.advance(59.5)
    _assert_limited(client.post("/chat/messages", json={}), retry_after=1)
    assert other.get("/").status_code == 200  # another address has its own allowance

    clock.advance(0.5)
    assert client.get("/").status_code == 200


def test_apps_do_not_share_counts(make_client: Callable[..., TestClient]) -> None:
    first = make_client(per_ip_per_minute=1)
    assert first.get("/").status_code == 200
    assert first.get("/").status_code == 429
    assert make_client(per_ip_per_minute=1).get("/").status_code == 200


def test_per_api_key_counts_the_token_digest_never_the_key(
    make_client: Callable[..., TestClient], clock: FakeClock
) -> None:
    client = make_client(per_api_key_per_minute=2)
    key = "psg_0123456789ab_secret-part-one"
    same_prefix = "psg_0123456789ab_another-secret"
    headers = {"Authorization": f"Bearer {key}"}

    assert [client.get("/api/v1/referrals", headers=headers).status_code for _ in range(2)] == [
        401,
        401,
    ]
    clock.advance(30)
    _assert_limited(client.get("/api/v1/referrals/1", headers=headers), retry_after=30)
    # Another token, even with the same prefix, has its own count: a wrong key cannot use up
    # a partner's allowance. No key at all falls under the per-address limit only.
    other = {"Authorization": f"Bearer {same_prefix}"}
    assert client.get("/api/v1/referrals", headers=other).status_code == 401
    assert all(client.get("/api/v1/referrals").status_code == 401 for _ in range(3))
    # Only for the partner API.
    assert client.get("/", headers=headers).status_code == 200

    limiter = client.app.state.rate_limits.per_api_key  # type: ignore[attr-defined]
    assert hashlib.sha256(key.encode()).hexdigest() in limiter
    assert key not in limiter and "0123456789ab" not in limiter
    clock.advance(30)
    assert client.get("/api/v1/referrals", headers=headers).status_code == 401


def test_per_chat_sender(make_client: Callable[..., TestClient], clock: FakeClock) -> None:
    client = make_client(per_chat_sender_per_minute=2)
    client.get("/")  # the chat cookie
    message = {"tab": TAB, "message": "hello"}

    # Rasa is down: a counted message gets 503.
    assert [client.post("/chat/messages", json=message).status_code for _ in range(2)] == [
        503,
        503,
    ]
    clock.advance(15)
    _assert_limited(client.post("/chat/messages", json=message), retry_after=45)
    other_sender = {"tab": "tab-fedcba9876543210", "message": "hello"}  # another conversation
    assert client.post("/chat/messages", json=other_sender).status_code == 503

    clock.advance(45)
    assert client.post("/chat/messages", json=message).status_code == 503


def test_the_chat_sender_limit_comes_before_the_length_check(
    make_client: Callable[..., TestClient],
) -> None:
    client = make_client(per_chat_sender_per_minute=1)
    client.get("/")  # the chat cookie
    long = {"tab": TAB, "message": "x" * 3000}
    assert client.post("/chat/messages", json=long).status_code == 413
    assert client.post("/chat/messages", json=long).status_code == 429


def test_the_openapi_document_lists_429_with_retry_after(
    make_client: Callable[..., TestClient],
) -> None:
    document = make_client().get("/openapi.json").json()
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            limited = operation["responses"]["429"]
            assert "Retry-After" in limited["headers"], (method, path)
