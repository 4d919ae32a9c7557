"""Rate limits (docs/security.md): who is counted, and against which budget.

- A request whose credential checks out is counted for that identity, never for its address: a
  partner API key (bearer token), a logged-in staff account (session cookie), or a web chat
  enrolled to an account (a chat cookie of a browser with a tab enrolled to it). A staff login
  and an enrolled chat of the same person share the account's budget.
- Every other request (login, enrolment, public pages and static files, a wrong, revoked or
  expired credential) is anonymous and counted for its client address.
- On top of that, each conversation (web chat, Telegram, SMS) has its own budget of messages.

The credentials are checked here, before routing, by the same lookups the routes use (read
only); an unverified header or cookie never picks a budget. The counting is the `limits`
library's moving window: in this process's memory (the embedded profile), or in Redis when
`PASSAGE_RATE_LIMIT_STORAGE_URI` names one (the scaled profile: replicas share counts). Keys
are HMACs under the server's chat key: no address, account id, API key or chat id is stored.

Each app (api.app.create_app) has its own RateLimits in `app.state.rate_limits`.
"""

import hashlib
import hmac
import json
import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import anyio.to_thread
from fastapi import HTTPException, Request
from limits import RateLimitItemPerMinute
from limits.errors import StorageError
from limits.storage import MemoryStorage, MovingWindowSupport, storage_from_string
from limits.strategies import MovingWindowRateLimiter
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from starlette.datastructures import Headers
from starlette.requests import cookie_parser
from starlette.types import ASGIApp, Receive, Scope, Send

from api.chat_identity import COOKIE_NAME, browser_of, is_cookie_value
from api.staff_login import SESSION_COOKIE
from casework.account_models import ApiKey
from casework.enrolment import account_for_sender
from casework.web_chat_tabs import tabs_of
from casework.web_sessions import session_for_token
from passage.config import Settings, session_factory
from passage.config.process_keys import chat_key

log = logging.getLogger(__name__)

# Wall-clock seconds, the time base of `limits`' storages (tests pass one they can move).
Clock = Callable[[], float]
MEMORY_STORAGE = "memory://"
WINDOW_SECONDS = 60.0
# The web chat's channel name (api.routers.chat.WEB_CHAT_CHANNEL), what enrolment binds.
_WEB_CHAT_CHANNEL = "webchat"
# A browser has a tab per conversation; more than this many are not looked at for an identity.
_MAX_TABS_LOOKED_AT = 8
# Longer credentials are never issued; they are anonymous without a lookup.
_MAX_CREDENTIAL_LENGTH = 128
API_KEY_START = "psg_"


class _IdleKeySweep:
    """`limits`' memory storage empties the hit lists of idle keys but keeps the keys: as the
    keys are chosen by clients (addresses), drop the empty ones once a minute (5.8's
    internals, pinned in requirements/app.lock)."""

    def __init__(self, storage: MemoryStorage, clock: Clock) -> None:
        self._storage = storage
        self._clock = clock
        self._next = clock() + WINDOW_SECONDS

    def __call__(self) -> None:
        now = self._clock()
        if now < self._next:
            return
        self._next = now + WINDOW_SECONDS
        for key in [key for key, hits in list(self._storage.events.items()) if not hits]:
            with self._storage.locks[key]:
                if not self._storage.events.get(key):
                    self._storage.events.pop(key, None)
            self._storage.locks.pop(key, None)


class WindowLimiter:
    """At most `limit` hits per key in any minute (a moving window), counted in `storage`.
    `name` keeps its keys apart from the other budgets' in the same storage."""

    def __init__(
        self,
        name: str,
        limit: int,
        strategy: MovingWindowRateLimiter,
        secret: bytes,
        clock: Clock = time.time,
    ) -> None:
        storage = strategy.storage
        self._sweep = _IdleKeySweep(storage, clock) if isinstance(storage, MemoryStorage) else None
        self.name = name
        self.limit = limit
        self._item = RateLimitItemPerMinute(limit, namespace="passage")
        self._strategy = strategy
        self._secret = secret
        self._clock = clock

    def stored_key(self, key: str) -> str:
        """What the storage holds for `key`: an HMAC, so no identity is readable in it."""
        digest = hmac.new(self._secret, f"{self.name}:{key}".encode(), hashlib.sha256)
        return digest.hexdigest()[:32]

    def hit(self, key: str) -> float | None:
        """Counts a hit and returns None; or, over the limit, counts nothing and returns the
        seconds until the oldest hit in the window leaves it. A storage that cannot be reached
        (Redis down) lets the request through: the limits protect availability, and failing
        closed would stop every officer."""
        stored = self.stored_key(key)
        if self._sweep is not None:
            self._sweep()
        try:
            if self._strategy.hit(self._item, self.name, stored):
                return None
            stats = self._strategy.get_window_stats(self._item, self.name, stored)
        except StorageError as error:
            log.error("rate limit storage unavailable (%s): request not counted", type(error))
            return None
        return max(0.0, stats.reset_time - self._clock())


@dataclass(frozen=True)
class RateLimits:
    # Anonymous requests, per client address.
    per_ip: WindowLimiter
    # Requests of a logged-in account or an enrolled web chat, per account.
    per_account: WindowLimiter
    # Partner API requests, per valid API key.
    per_api_key: WindowLimiter
    # Messages per conversation (web chat, Telegram, SMS).
    per_chat_sender: WindowLimiter
    # A chat over its limit is told so once a minute, not once a message.
    over_limit_notices: WindowLimiter
    storage: MovingWindowSupport

    @classmethod
    def from_settings(cls, settings: Settings, clock: Clock = time.time) -> "RateLimits":
        uri = settings.resolved_rate_limit_storage_uri or MEMORY_STORAGE
        options = {} if uri == MEMORY_STORAGE else {"wrap_exceptions": True}
        storage = storage_from_string(uri, **options)
        if not isinstance(storage, MovingWindowSupport):
            raise ValueError(f"rate limit storage {uri.split(':', 1)[0]}: no moving window")
        strategy = MovingWindowRateLimiter(storage)
        secret = hmac.new(chat_key(settings), b"rate-limits", hashlib.sha256).digest()

        def limiter(name: str, limit: int) -> WindowLimiter:
            return WindowLimiter(name, limit, strategy, secret, clock)

        return cls(
            limiter("address", settings.rate_limit_per_ip_per_minute),
            limiter("account", settings.rate_limit_per_account_per_minute),
            limiter("api-key", settings.rate_limit_per_api_key_per_minute),
            limiter("chat", settings.rate_limit_per_chat_sender_per_minute),
            limiter("notice", 1),
            storage,
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


@dataclass(frozen=True)
class Identity:
    """A verified identity a request is counted for: `budget` is "account" or "api-key", `key`
    what identifies it within the budget (hashed again by the limiter)."""

    budget: str
    key: str


@dataclass(frozen=True)
class Credentials:
    """What a request presents, unverified."""

    bearer: str | None
    staff_session: str | None
    chat_cookie: str | None

    @classmethod
    def of(cls, scope: Scope) -> "Credentials":
        headers = Headers(scope=scope)
        scheme, _, token = headers.get("authorization", "").partition(" ")
        bearer = token.strip() if scheme.lower() == "bearer" else ""
        cookies = cookie_parser(headers.get("cookie", ""))
        staff = cookies.get(SESSION_COOKIE, "")
        chat = cookies.get(COOKIE_NAME, "")
        return cls(
            bearer if bearer.startswith(API_KEY_START) else None,
            staff or None,
            chat if is_cookie_value(chat) else None,
        )

    @property
    def any(self) -> bool:
        return bool(self.bearer or self.staff_session or self.chat_cookie)


def verified_identity(credentials: Credentials, key: bytes) -> Identity | None:
    """The identity whose credential checks out (API key, then staff session, then enrolled
    web chat); None for an anonymous request. Read only: nothing is noted or changed."""
    with session_factory()() as session:
        bearer = credentials.bearer
        if bearer and len(bearer) <= _MAX_CREDENTIAL_LENGTH:
            digest = hashlib.sha256(bearer.encode()).hexdigest()
            found = session.scalars(
                select(ApiKey.id).where(ApiKey.key_sha256 == digest, ApiKey.revoked_at.is_(None))
            ).first()
            if found is not None:
                return Identity("api-key", str(found))
        staff = credentials.staff_session
        if staff and len(staff) <= _MAX_CREDENTIAL_LENGTH:
            web_session = session_for_token(session, staff, now=datetime.now(UTC))
            if web_session is not None:
                return Identity("account", str(web_session.account_id))
        if credentials.chat_cookie:
            tabs = tabs_of(session, browser_of(key, credentials.chat_cookie))
            for conversation in tabs[:_MAX_TABS_LOOKED_AT]:
                account = account_for_sender(session, _WEB_CHAT_CHANNEL, conversation)
                if account is not None:
                    return Identity("account", str(account.id))
    return None


_REFUSALS = {
    "address": "from this address",
    "account": "for this account",
    "api-key": "with this API key",
}


class PerIpRateLimitMiddleware:
    """Before anything else is done: counts each request for its verified identity, or else for
    its client address (`limiter`, the anonymous budget). The address is the TCP peer's, or, when
    the peer is a load balancer named in PASSAGE_FORWARDED_ALLOW_IPS (uvicorn's proxy headers;
    default 127.0.0.1, the scaled profile's nginx), the X-Forwarded-For address it set
    (docs/security.md). The identity budgets are the app's `state.rate_limits`."""

    def __init__(self, app: ASGIApp, limiter: WindowLimiter) -> None:
        self.app = app
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or str(scope.get("path", "")).startswith(WEBHOOK_PREFIXES):
            await self.app(scope, receive, send)
            return
        budget, wait = await self._count(scope)
        if wait is None:
            await self.app(scope, receive, send)
            return
        body = json.dumps({"detail": f"too many requests {_REFUSALS[budget]}; try again later"})
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

    async def _count(self, scope: Scope) -> tuple[str, float | None]:
        credentials = Credentials.of(scope)
        identity = None
        if credentials.any:
            state = scope["app"].state
            try:
                identity = await anyio.to_thread.run_sync(
                    verified_identity, credentials, state.chat_key
                )
            except SQLAlchemyError as error:  # counted as anonymous, the request goes on
                log.error("rate limits: credential not checked (%s)", type(error).__name__)
        if identity is not None:
            limits: RateLimits = scope["app"].state.rate_limits
            limiter = limits.per_api_key if identity.budget == "api-key" else limits.per_account
            return identity.budget, limiter.hit(identity.key)
        client = scope.get("client")
        return "address", self.limiter.hit(client[0] if client else "unknown")


def _limits(request: Request) -> RateLimits:
    limits: RateLimits = request.app.state.rate_limits
    return limits


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
