"""Rate limits: per client address on every route, per API key on the partner API, per sender on
the web chat. Sliding one-minute windows, counted in this process only (docs/security.md).

Each app (api.app.create_app) has its own RateLimits in `app.state.rate_limits`.
"""

import hashlib
import json
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Receive, Scope, Send

from passage.config import Settings

Clock = Callable[[], float]
WINDOW_SECONDS = 60.0


class SlidingWindowLimiter:
    """At most `limit` hits per key in any `window` seconds. Thread-safe: sync routes run in a
    thread pool while async ones run on the event loop."""

    def __init__(self, limit: int, window: float = WINDOW_SECONDS, clock: Clock = time.monotonic):
        self.limit = limit
        self.window = window
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._next_sweep = clock() + window

    def hit(self, key: str) -> float | None:
        """Counts a hit and returns None; or, over the limit, counts nothing and returns the
        seconds until the oldest hit in the window leaves it."""
        with self._lock:
            now = self._clock()
            if now >= self._next_sweep:
                self._sweep(now)
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return hits[0] + self.window - now
            hits.append(now)
            return None

    def __contains__(self, key: str) -> bool:
        """Whether `key` has hits being kept (what the limiter remembers, for tests)."""
        with self._lock:
            return key in self._hits

    def __len__(self) -> int:
        with self._lock:
            return len(self._hits)

    def _sweep(self, now: float) -> None:
        # Keys are chosen by clients (addresses, sender ids): forget the idle ones, so memory
        # holds only the keys of the last minute or two.
        self._hits = {k: v for k, v in self._hits.items() if v and v[-1] > now - self.window}
        self._next_sweep = now + self.window


@dataclass(frozen=True)
class RateLimits:
    per_ip: SlidingWindowLimiter
    per_api_key: SlidingWindowLimiter
    per_chat_sender: SlidingWindowLimiter
    # A chat over its limit is told so once a minute, not once a message.
    over_limit_notices: SlidingWindowLimiter

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock = time.monotonic) -> "RateLimits":
        return cls(
            SlidingWindowLimiter(settings.rate_limit_per_ip_per_minute, clock=clock),
            SlidingWindowLimiter(settings.rate_limit_per_api_key_per_minute, clock=clock),
            SlidingWindowLimiter(settings.rate_limit_per_chat_sender_per_minute, clock=clock),
            SlidingWindowLimiter(1, clock=clock),
        )


def retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))


def _refuse(seconds: float, what: str) -> HTTPException:
    return HTTPException(
        429,
        f"too many requests {what}; try again later",
        headers={"Retry-After": retry_after(seconds)},
    )


# Webhooks that Telegram and Twilio post from a few addresses of theirs, for everyone: a limit
# per address would let one flooding stranger stop every officer and provider. They are
# authenticated first (secret token, signature) and limited per chat after that.
WEBHOOK_PREFIXES = ("/webhooks/telegram", "/webhooks/twilio/")


class PerIpRateLimitMiddleware:
    """Before anything else is done. The address is the TCP peer's: X-Forwarded-For is not
    trusted, as the API is not meant to sit behind a proxy (docs/security.md)."""

    def __init__(self, app: ASGIApp, limiter: SlidingWindowLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).startswith(WEBHOOK_PREFIXES):
            await self.app(scope, receive, send)
            return
        client = scope.get("client")
        wait = self.limiter.hit(client[0] if client else "unknown")
        if wait is None:
            await self.app(scope, receive, send)
            return
        body = json.dumps({"detail": "too many requests from this address; try again later"})
        await send(
            {
                "type": "http.response.start",
                "status": 429,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"retry-after", retry_after(wait).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body.encode()})


def _limits(request: Request) -> RateLimits:
    limits: RateLimits = request.app.state.rate_limits
    return limits


def limit_api_key(request: Request) -> None:
    """Dependency of the partner API, before the key is looked up. Counted per presented token
    (its SHA-256, never the key itself), so a wrong key cannot use up another's allowance."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return  # no key: refused as 401, and still under the per-address limit
    digest = hashlib.sha256(token.strip().encode()).hexdigest()
    wait = _limits(request).per_api_key.hit(digest)
    if wait is not None:
        raise _refuse(wait, "with this API key")


def chat_sender_wait(request: Request, sender: str) -> float | None:
    """Counts a message of this conversation; over the limit, the seconds to wait instead."""
    return _limits(request).per_chat_sender.hit(sender)


def may_tell_over_limit(request: Request, sender: str) -> bool:
    """Whether to tell a chat over its limit why nothing happens (once a minute)."""
    return _limits(request).over_limit_notices.hit(sender) is None


def limit_chat_sender(request: Request, sender: str) -> None:
    wait = _limits(request).per_chat_sender.hit(sender)
    if wait is not None:
        raise _refuse(wait, "from this chat")
