"""The web chat's socket.io server: what the assistant says without being asked reaches the page.

A page connects (websocket only) with its cookie and tab id; it joins the room of its
conversation, so every page of that conversation gets each push. On every (re)connection the
page asks for the conversation so far (`history`), which is how a reload or a lost connection
shows what it missed. When the page has shown a referral notice it says so (`shown`), and only
then is the notice told (`casework.referral_notices.mark_shown`).

With several API replicas (`PASSAGE_SOCKETIO_REDIS_URL`), the replicas share their emits through
Redis pub/sub (`socketio.AsyncRedisManager`): a push that reaches any replica goes to every page
of the conversation, whichever replica holds its socket, and the page's `shown` goes to the
replica that holds it, which marks the notice told in the shared database.
"""

import hashlib
import hmac
import logging
from collections.abc import Callable
from datetime import UTC, datetime
from http.cookies import CookieError, SimpleCookie
from typing import Any

import anyio
import httpx
import socketio
from sqlalchemy.orm import Session

from api.chat_identity import COOKIE_NAME, sender_for
from api.chat_transcript import page_messages
from api.rasa_relay import rasa_api_params
from casework.enrolment import account_for_sender
from casework.referral_notices import mark_shown

log = logging.getLogger(__name__)

_MAX_NOTICES_PER_ACK = 100
WEB_CHAT = "webchat"
_RASA_TIMEOUT = httpx.Timeout(15.0, connect=3.0)


def _cookie(environ: dict[str, Any]) -> str | None:
    try:
        jar = SimpleCookie(environ.get("HTTP_COOKIE", ""))
    except CookieError:
        return None
    morsel = jar.get(COOKIE_NAME)
    return morsel.value if morsel is not None else None


def redis_channel(key: bytes) -> str:
    """The pub/sub channel of this deployment's replicas. Redis pub/sub ignores the database
    number, so the name comes from the chat key (which the replicas share): two deployments
    (or two test runs) on one Redis never see each other's pushes, and the key is not shown."""
    digest = hmac.new(key, b"webchat-socketio-channel", hashlib.sha256).hexdigest()
    return f"passage-webchat-{digest[:24]}"


def _client_manager(key: bytes, redis_url: str) -> socketio.AsyncManager:
    if not redis_url:
        return socketio.AsyncManager()  # python-socketio's default: this process only
    # Connects on the first emit or the first page; while Redis is down, an emit is logged and
    # lost (the page shows it from the conversation's history on its next connection).
    return socketio.AsyncRedisManager(redis_url, channel=redis_channel(key), logger=log)


class ChatPush:
    def __init__(
        self,
        key: bytes,
        rasa_url: str,
        open_session: Callable[[], Session],
        code_placeholder: Callable[[], str],
        over_limit: Callable[[str], float | None],
        redis_url: str = "",
    ) -> None:
        """`over_limit(conversation)` counts a request of the conversation against its rate
        limit; a number is the wait when it is over. `redis_url` empty keeps the sockets'
        rooms in this process only (embedded profile); a Redis URL shares every emit with the
        other replicas on it (scaled profile)."""
        self._key = key
        self._rasa_url = rasa_url
        self._open_session = open_session
        self._code_placeholder = code_placeholder
        self._over_limit = over_limit
        # Same-origin only (python-engineio checks the Origin header against the Host), no
        # long-polling: one transport, and no sticky sessions needed behind a balancer.
        self.server = socketio.AsyncServer(
            async_mode="asgi",
            transports=["websocket"],
            logger=False,
            engineio_logger=False,
            client_manager=_client_manager(key, redis_url),
        )
        self.server.on("connect", self._connect)
        self.server.on("history", self._history)
        self.server.on("shown", self._shown)

    def asgi_app(self) -> socketio.ASGIApp:
        return socketio.ASGIApp(self.server, socketio_path="")

    async def _connect(self, sid: str, environ: dict[str, Any], auth: Any) -> None:
        tab = auth.get("tab") if isinstance(auth, dict) else None
        sender = sender_for(self._key, _cookie(environ), tab if isinstance(tab, str) else None)
        if sender is None:
            raise socketio.exceptions.ConnectionRefusedError("no chat session")
        await self.server.save_session(sid, {"sender": sender})
        await self.server.enter_room(sid, sender)

    async def _sender(self, sid: str) -> str:
        session = await self.server.get_session(sid)
        return str(session["sender"])

    async def push(self, sender: str, message: dict[str, Any]) -> int:
        """Emit to every page of the conversation, on every replica; returns how many of them
        this process holds (pages held by other replicas get it too, uncounted)."""
        pages = sum(1 for _ in self.server.manager.get_participants("/", sender))
        await self.server.emit("bot", message, room=sender)
        return pages

    async def _history(self, sid: str, _data: Any = None) -> list[dict[str, Any]] | None:
        sender = await self._sender(sid)
        if self._over_limit(sender) is not None:
            return None  # the page shows "unreachable" and asks again on its next connection
        url = f"{self._rasa_url}/conversations/{sender}/tracker"
        try:
            async with httpx.AsyncClient(timeout=_RASA_TIMEOUT, trust_env=False) as client:
                answer = await client.get(url, params=rasa_api_params(include_events="ALL"))
        except httpx.HTTPError:
            return None  # the page says the assistant is unreachable and tries again
        if not answer.is_success:
            return None
        events = answer.json().get("events") or []
        return page_messages(events, code_placeholder=self._code_placeholder())

    async def _shown(self, sid: str, data: Any) -> int:
        sender = await self._sender(sid)
        raw = data.get("notices") if isinstance(data, dict) else None
        if not isinstance(raw, list):
            return 0
        ids = [n for n in raw[:_MAX_NOTICES_PER_ACK] if isinstance(n, int) and 0 < n < 2**63]
        return await anyio.to_thread.run_sync(self._mark_shown, sender, ids)

    def _mark_shown(self, sender: str, ids: list[int]) -> int:
        with self._open_session() as session, session.begin():
            account = account_for_sender(session, WEB_CHAT, sender)
            if account is None:  # not enrolled (any more): nothing of a case was shown
                return 0
            return mark_shown(session, account.id, sender, ids, now=datetime.now(UTC))
