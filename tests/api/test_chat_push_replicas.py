"""The web chat's push with several API replicas: two API servers (uvicorn, on free ports) on
one database. With `PASSAGE_SOCKETIO_REDIS_URL` they share their emits through Redis, so a push
that Rasa's channel posts to replica B reaches the page whose socket replica A holds, and the
page's `shown` (to A) counts the news as told. Without it, each replica pushes only to the
sockets it holds: the embedded profile, as before.

The page is python-socketio's client, connecting as chat.js does: the chat cookie from the chat
page, the tab id in `auth`, websocket only, the page's own origin."""

import asyncio
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import httpx
import pytest
import socketio
import uvicorn
from fastapi import FastAPI
from sqlalchemy import select
from sqlalchemy.orm import Session

from api.chat_identity import COOKIE_NAME, sender_for
from api.chat_push import redis_channel
from casework.referral_models import ReferralEvent
from casework.referral_notices import Delivery, news_for_officer
from casework.referral_policy import Officer
from casework.referrals import send_chosen_referral
from casework.sms_replies import handle_sms_reply
from passage.config import Settings, get_settings
from passage.config.process_keys import channel_token
from passage.runtime.api_app import api_app
from tests.api.chat_client import TAB
from tests.casework.account_builders import account, enrol
from tests.casework.referral_builders import NOW, NUMBERS, POLICY, ready_case, shelters
from tests.conftest import _clear_cached_wiring

REDIS = ("127.0.0.1", 6379)
REDIS_URL = "redis://127.0.0.1:6379/3"  # a database of this test's own (pub/sub stores nothing)
WAIT = 10.0  # seconds: generous, for two shared cores


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _redis_running() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5):
            return True
    except OSError:
        return False


class Replica:
    """One API process's app served by uvicorn in a thread of its own, on a free port."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(target=self._server.run, daemon=True)

    def start(self) -> None:
        self._thread.start()
        deadline = datetime.now(UTC).timestamp() + WAIT
        while not self._server.started:
            assert self._thread.is_alive(), "the replica did not start"
            assert datetime.now(UTC).timestamp() < deadline, "the replica did not start in time"
            threading.Event().wait(0.02)

    @property
    def base(self) -> str:
        port = self._server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=WAIT)


@contextmanager
def _replicas(monkeypatch: pytest.MonkeyPatch, redis_url: str) -> Iterator[tuple[Replica, Replica]]:
    # Nothing listens on Rasa's port: the page's `history` answers None, as when Rasa is away.
    monkeypatch.setenv("PASSAGE_RASA_URL", f"http://127.0.0.1:{_closed_port()}")
    monkeypatch.setenv("PASSAGE_SOCKETIO_REDIS_URL", redis_url)
    _clear_cached_wiring()
    assert get_settings().socketio_redis_url == redis_url
    first, second = Replica(api_app()), Replica(api_app())  # same var/: same key, same database
    first.start()
    try:
        second.start()
        try:
            yield first, second
        finally:
            second.stop()
    finally:
        first.stop()


class Page:
    """A web chat page: its cookie, its tab, and a socket to one replica."""

    def __init__(self, replica: Replica) -> None:
        answer = httpx.get(f"{replica.base}/", trust_env=False)
        assert answer.status_code == 200
        jar: SimpleCookie = SimpleCookie(answer.headers["set-cookie"])
        self.cookie = jar[COOKIE_NAME].value
        sender = sender_for(replica.app.state.chat_key, self.cookie, TAB)
        assert sender is not None
        self.sender = sender
        self._base = replica.base
        self.client = socketio.AsyncClient(reconnection=False)
        self.received: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.client.on("bot", self.received.put)

    async def connect(self) -> None:
        await self.client.connect(
            self._base,
            headers={"Cookie": f"{COOKIE_NAME}={self.cookie}", "Origin": self._base},
            auth={"tab": TAB},
            transports=["websocket"],
            socketio_path="/socket.io",
            wait_timeout=int(WAIT),
        )

    async def next_push(self) -> dict[str, Any] | None:
        try:
            return await asyncio.wait_for(self.received.get(), WAIT)
        except TimeoutError:
            return None


def _push(replica: Replica, recipient: str, message: dict[str, Any]) -> dict[str, int]:
    """What Rasa's web chat channel does (`bot/channels/relay.py`): post with its token."""
    token = channel_token(replica.app.state.chat_key, "webchat")
    answer = httpx.post(
        f"{replica.base}/channels/webchat/push",
        json={"recipient": recipient, "message": message},
        headers={"Authorization": f"Bearer {token}"},
        trust_env=False,
        timeout=WAIT,
    )
    assert answer.status_code == 200, answer.text
    sent: dict[str, int] = answer.json()
    return sent


def _accepted_referral_news(session: Session, tmp_path: Path, conversation: str) -> int:
    """An officer enrolled on this web chat, whose referral a shelter accepted by SMS: the
    notice the push carries (`custom.passage.notice`)."""
    shelters(session, tmp_path)
    officer = account(session)
    enrol(session, officer, conversation, channel="webchat")
    case = ready_case(session)
    referral = send_chosen_referral(
        session,
        case,
        "basic.housing",
        Officer(conversation=conversation, language="en"),
        POLICY,
        cascade=False,
        now=NOW,
    )
    handle_sms_reply(
        session,
        sender=NUMBERS["shelter-a"],
        body=f"ACCEPT {referral.code}",
        carrier_id="SM1",
        policy=POLICY,
        now=NOW,
    )
    (notice,) = news_for_officer(session, conversation, officer, Delivery.PUSH, now=NOW)
    session.commit()
    return notice.event_id


def _told_at(session: Session, event_id: int) -> datetime | None:
    session.expire_all()
    return session.scalars(select(ReferralEvent.told_at).where(ReferralEvent.id == event_id)).one()


def test_a_push_to_one_replica_reaches_the_page_on_the_other_and_is_told_when_shown(
    session: Session, database: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    if not _redis_running():
        pytest.skip("no Redis on 127.0.0.1:6379")
    with _replicas(monkeypatch, REDIS_URL) as (holder, other):
        page = Page(holder)
        event_id = _accepted_referral_news(session, tmp_path, page.sender)
        message = {"text": "The shelter accepted.", "custom": {"passage": {"notice": event_id}}}

        async def scenario() -> tuple[dict[str, Any] | None, dict[str, int], Any]:
            await page.connect()
            try:
                sent = await asyncio.to_thread(_push, other, page.sender, message)
                pushed = await page.next_push()
                # The page showed it and says so, to the replica that holds its socket.
                told = await page.client.call("shown", {"notices": [event_id]}, timeout=int(WAIT))
                return pushed, sent, told
            finally:
                await page.client.disconnect()

        pushed, sent, told = asyncio.run(scenario())

    assert pushed is not None, "the push to the other replica never reached the page"
    assert pushed["text"] == "The shelter accepted."
    assert pushed["custom"] == {"passage": {"notice": event_id}}
    assert sent == {"sent": 0}  # the pushing replica counts only the pages it holds itself
    assert told == 1
    assert _told_at(session, event_id) is not None


def test_without_the_setting_each_replica_pushes_only_to_the_sockets_it_holds(
    session: Session, database: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The embedded profile, unchanged: the push goes out from the process holding the
    socket; another process's push reaches nobody (the page shows it from the history later)."""
    with _replicas(monkeypatch, "") as (holder, other):
        page = Page(holder)
        manager = holder.app.state.chat_push.server.manager
        assert type(manager) is socketio.AsyncManager  # no pub/sub: this process only

        async def scenario() -> tuple[dict[str, Any] | None, dict[str, Any] | None, list[int]]:
            await page.connect()
            try:
                sent = [await asyncio.to_thread(_push, other, page.sender, {"text": "lost"})]
                from_other = await _pending(page)
                sent.append(await asyncio.to_thread(_push, holder, page.sender, {"text": "here"}))
                from_holder = await page.next_push()
                return from_other, from_holder, [s["sent"] for s in sent]
            finally:
                await page.client.disconnect()

        from_other, from_holder, sent = asyncio.run(scenario())

    assert from_other is None
    assert from_holder is not None and from_holder["text"] == "here"
    assert sent == [0, 1]


async def _pending(page: Page) -> dict[str, Any] | None:
    """What reached the page within a second (nothing should)."""
    try:
        return await asyncio.wait_for(page.received.get(), 1.0)
    except TimeoutError:
        return None


def test_the_replicas_channel_is_the_deployments_own() -> None:
    """Redis pub/sub ignores the database number: the channel comes from the chat key, so two
    deployments (or test runs) on one Redis never get each other's pushes, and it shows no key."""
    key, other_key = b"k" * 48, b"o" * 48
    assert redis_channel(key) == redis_channel(key)
    assert redis_channel(key) != redis_channel(other_key)
    assert "k" * 8 not in redis_channel(key)
