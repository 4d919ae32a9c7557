"""The web chat's socket.io server: what the assistant says without being asked reaches the page.

A page connects (websocket only) with its cookie and tab id; it joins the room of its
conversation, so every page of that conversation gets each push. On every (re)connection the
page asks for the conversation so far (`history`), which is how a reload or a lost connection
shows what it missed. When the page has shown a referral notice it says so (`shown`), and only
then is the notice told (`casework.referral_notices.mark_shown`).
"""

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


class ChatPush:
    def __init__(
        self,
        key: bytes,
        rasa_url: str,
        open_session: Callable[[], Session],
        code_placeholder: Callable[[], str],
        over_limit: Callable[[str], float | None],
    ) -> None:
        """`over_limit(conversation)` counts a request of the conversation against its rate
        limit; a number is the wait when it is over."""
        self._key = key
        self._rasa_url = rasa_url
        self._open_session = open_session
        self._code_placeholder = code_placeholder
        self._over_limit = over_limit
        # Same-origin only (python-engineio checks the Origin header against the Host), no
        # long-polling: one transport, and no sticky sessions needed behind a balancer.
        self.server = socketio.AsyncServer(
            async_mode="asgi", transports=["websocket"], logger=False, engineio_logger=False
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
        """Emit to every page of the conversation; returns how many were connected."""
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
                answer = await client.get(url, params={"include_events": "ALL"})
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
