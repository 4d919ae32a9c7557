"""A fake Twilio Messages API on 127.0.0.1, for the real twilio Client to talk to.

It speaks just enough of the 2010-04-01 REST API (Basic auth, create / fetch / list messages,
Twilio-shaped JSON and error bodies, the test credentials' magic numbers), can inject the faults
a sender must survive, and posts signed status callbacks and inbound SMS to the app under test.

The tests drive it directly. `make run` without a Twilio account runs it as the phone sandbox
(`passage.runtime.sandbox.server`): then it also reports delivery by itself, as Twilio does,
and takes a provider's reply from the /dev/phone page (`POST /sandbox/reply`), which it posts
to Passage signed exactly as Twilio signs, keeping Passage's TwiML answer as the SMS the
provider gets back.
"""

import base64
import json
import re
import secrets
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from twilio.request_validator import RequestValidator

from passage.runtime.sandbox.twiml import message_texts

TEST_FROM = "+15005550006"
MAGIC_TO_ERRORS = {
    "+15005550001": (21211, "The 'To' number {to} is not a valid phone number."),
    "+15005550002": (21612, "The 'To' phone number: {to}, is not currently reachable via SMS."),
    "+15005550003": (21408, "Permission to send an SMS has not been enabled for {to}."),
    "+15005550004": (21610, "Attempt to send to unsubscribed recipient"),
    "+15005550009": (21614, "'To' number {to} is not a valid mobile number"),
}
FAULTS = ("429", "500", "lost", "hang")
_GSM7 = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./:;<=>?¡ÄÖÑÜ§¿äöñüà"
_GSM7_EXTENDED = "^{}\\[~]|€\f"  # these cost two GSM-7 characters each


def _sid(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


def num_segments(body: str) -> int:
    """Segments as Twilio bills them: GSM-7 160/153 chars, otherwise UCS-2 70/67 code units."""
    if all((c.isascii() and c.isalnum()) or c in _GSM7 + _GSM7_EXTENDED for c in body):
        units, single, part = len(body) + sum(c in _GSM7_EXTENDED for c in body), 160, 153
    else:
        units, single, part = len(body.encode("utf-16-le")) // 2, 70, 67
    return 1 if units <= single else -(-units // part)


OUTBOUND, INBOUND, ANSWER = "outbound-api", "inbound", "outbound-reply"


@dataclass
class FakeMessage:
    sid: str
    to: str
    from_: str
    body: str
    status_callback: str | None
    received_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    status: str = "queued"
    # outbound-api: sent by Passage; inbound: a reply typed on the sandbox phone;
    # outbound-reply: Passage's TwiML answer to it.
    direction: str = OUTBOUND
    # An approved template sent by its ContentSid, with no Body of ours.
    content_sid: str | None = None


class FakeTwilio:
    """Start it, point ``twilio_client(..., api_base=base_url)`` at it, read ``messages``."""

    def __init__(
        self,
        account_sid: str | None = None,
        auth_token: str | None = None,
        valid_from: str = TEST_FROM,
        *,
        port: int = 0,
        inbound_url: str | None = None,
        report_delivery: bool = False,
    ) -> None:
        """`inbound_url`: where replies from the sandbox page go (Passage's SMS webhook);
        `report_delivery`: post "sent" and "delivered" callbacks for every message by itself."""
        self.account_sid = account_sid or _sid("AC")
        self.auth_token = auth_token or secrets.token_hex(16)
        self.valid_from = valid_from
        self._port = port
        self._inbound_url = inbound_url
        self._report_delivery = report_delivery
        self._cond = threading.Condition()
        self._messages: dict[str, FakeMessage] = {}
        self._faults: deque[str] = deque()
        self._released = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> "FakeTwilio":
        handler = type("_Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", self._port), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,))
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        self._released.set()  # lets "hang" handlers finish
        if self._server is not None and self._thread is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> "FakeTwilio":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "FakeTwilio is not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def messages(self) -> list[FakeMessage]:
        """What Passage sent, in order (not the sandbox phone's replies and their answers)."""
        with self._cond:
            return [m for m in self._messages.values() if m.direction == OUTBOUND]

    @property
    def conversation(self) -> list[FakeMessage]:
        """Every message either way, in order."""
        with self._cond:
            return list(self._messages.values())

    def reply_from_phone(self, from_: str, body: str) -> list[FakeMessage]:
        """A provider types `body` on the sandbox phone `from_`: posted to Passage as Twilio
        would; Passage's TwiML answer is kept as the SMS the phone gets back."""
        if not self._inbound_url:
            raise ValueError("this gateway has no inbound URL to post replies to")
        inbound = FakeMessage(_sid("SM"), self.valid_from, from_, body, None, direction=INBOUND)
        inbound.status = "received"
        self._keep(inbound)
        response = self.post_inbound(self._inbound_url, from_, body, sid=inbound.sid)
        answers = [
            FakeMessage(_sid("SM"), from_, self.valid_from, text, None, direction=ANSWER)
            for text in (message_texts(response.text) if response.is_success else [])
        ]
        for answer in answers:
            answer.status = "delivered"
            self._keep(answer)
        return answers

    def _keep(self, message: FakeMessage) -> None:
        with self._cond:
            self._messages[message.sid] = message
            self._cond.notify_all()

    def _deliver_later(self, message: FakeMessage) -> None:
        def report() -> None:
            for status in ("sent", "delivered"):
                time.sleep(0.2)
                try:
                    self.post_status(message.sid, status)
                except (httpx.HTTPError, ValueError):
                    return  # Passage is down or stopping: Twilio would retry; a sandbox need not

        threading.Thread(target=report, daemon=True).start()

    def wait_for_messages(self, n: int, timeout: float = 10.0) -> list[FakeMessage]:
        with self._cond:
            if not self._cond.wait_for(lambda: len(self._messages) >= n, timeout):
                got = len(self._messages)
                raise AssertionError(f"FakeTwilio got {got} message(s), not {n}, in {timeout}s")
            return list(self._messages.values())

    def fail_next(self, kind: str, times: int = 1) -> None:
        """Queue faults for the next message POSTs, one per request, in order:

        "429": Twilio's rate limit (code 20429); nothing is sent. "500": a server error; nothing
        is sent. "lost": the message is accepted and sent but the connection drops before the
        answer, so the client cannot tell. "hang": the message is accepted, then the answer is
        held until ``release()`` or ``stop()``, so a test can kill the sender mid-send.
        """
        if kind not in FAULTS:
            raise ValueError(f"unknown fault {kind!r}; expected one of {FAULTS}")
        with self._cond:
            if kind == "hang":
                self._released.clear()
            self._faults.extend([kind] * times)

    def release(self) -> None:
        self._released.set()

    def post_status(
        self, message_sid: str, status: str, error_code: int | None = None, url: str | None = None
    ) -> httpx.Response:
        """Post a signed status callback for a recorded message, as Twilio would."""
        with self._cond:
            msg = self._messages[message_sid]
            msg.status = status
        target = url or msg.status_callback
        if not target:
            raise ValueError(f"message {message_sid} has no StatusCallback and no url was given")
        params = {
            "MessageSid": msg.sid, "SmsSid": msg.sid, "MessageStatus": status, "SmsStatus": status,
            "AccountSid": self.account_sid, "From": msg.from_, "To": msg.to,
            "ApiVersion": "2010-04-01",
        }  # fmt: skip
        if error_code is not None:
            params["ErrorCode"] = str(error_code)
        return self._post_signed(target, params, target, None)

    def post_inbound(
        self,
        webhook_url: str,
        from_: str,
        body: str,
        to: str | None = None,
        signature_url: str | None = None,
        signature: str | None = None,
        sid: str | None = None,
    ) -> httpx.Response:
        """Post an SMS sent to our number; ``signature`` replaces the real one (to forge)."""
        sid = sid or _sid("SM")
        params = {
            "MessageSid": sid, "SmsMessageSid": sid, "SmsSid": sid, "AccountSid": self.account_sid,
            "From": from_, "To": to or self.valid_from, "Body": body,
            "NumSegments": str(num_segments(body)), "NumMedia": "0", "SmsStatus": "received",
            "ApiVersion": "2010-04-01",
        }  # fmt: skip
        return self._post_signed(webhook_url, params, signature_url or webhook_url, signature)

    def _post_signed(
        self, url: str, params: dict[str, str], signed_url: str, signature: str | None
    ) -> httpx.Response:
        if urlsplit(url).hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError(f"FakeTwilio only posts to loopback URLs, not {url!r}")
        if signature is None:
            signature = RequestValidator(self.auth_token).compute_signature(signed_url, params)
        with httpx.Client(trust_env=False, timeout=10.0) as client:
            return client.post(url, data=params, headers={"X-Twilio-Signature": signature})

    def _message_json(self, m: FakeMessage) -> dict[str, Any]:
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Messages/{m.sid}.json"
        date = format_datetime(m.received_at)
        return {
            "sid": m.sid, "account_sid": self.account_sid, "api_version": "2010-04-01",
            "to": m.to, "from": m.from_, "body": m.body, "status": m.status,
            "direction": m.direction, "num_segments": str(num_segments(m.body)),
            "num_media": "0", "date_created": date, "date_updated": date, "date_sent": None,
            "error_code": None, "error_message": None, "messaging_service_sid": None,
            "price": None, "price_unit": "USD", "uri": uri,
            "subresource_uris": {"media": uri.replace(".json", "/Media.json")},
        }  # fmt: skip


def _error(status: int, code: int, message: str) -> tuple[int, dict[str, Any]]:
    more_info = f"https://www.twilio.com/docs/errors/{code}"
    return status, {"code": code, "message": message, "more_info": more_info, "status": status}


class _Handler(BaseHTTPRequestHandler):
    fake: FakeTwilio

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean

    def _route(self) -> tuple[str | None, dict[str, list[str]]] | None:
        """(message sid, query) of an authorized request; any other gets its error answer."""
        parts = urlsplit(self.path)
        match = re.fullmatch(r"/2010-04-01/Accounts/(\w+)/Messages(?:/(\w+))?\.json", parts.path)
        if match is None:
            self._reply(*_error(404, 20404, "The requested resource was not found"))
            return None
        expected = base64.b64encode(f"{self.fake.account_sid}:{self.fake.auth_token}".encode())
        given = self.headers.get("Authorization", "")
        if match[1] != self.fake.account_sid or given != f"Basic {expected.decode()}":
            self._reply(*_error(401, 20003, "Authenticate"))
            return None
        return match[2], parse_qs(parts.query)

    def _reply(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _sandbox_authorized(self) -> bool:
        expected = base64.b64encode(f"{self.fake.account_sid}:{self.fake.auth_token}".encode())
        if self.headers.get("Authorization", "") == f"Basic {expected.decode()}":
            return True
        self._reply(*_error(401, 20003, "Authenticate"))
        return False

    def do_GET(self) -> None:
        if urlsplit(self.path).path == "/sandbox/health":
            return self._reply(200, {"status": "ok"})
        route, fake = self._route(), self.fake
        if route is None:
            return None
        message_sid, query = route
        with fake._cond:
            found = list(fake._messages.values())
        if message_sid is not None:
            match = [m for m in found if m.sid == message_sid]
            if not match:
                return self._reply(*_error(404, 20404, f"Message {message_sid} was not found"))
            return self._reply(200, fake._message_json(match[0]))
        for key, attr in (("To", "to"), ("From", "from_")):
            if key in query:
                found = [m for m in found if getattr(m, attr) == query[key][0]]
        uri = self.path
        listing = [fake._message_json(m) for m in reversed(found)]  # newest first, like Twilio
        meta: dict[str, Any] = {
            "first_page_uri": uri,
            "next_page_uri": None,
            "previous_page_uri": None,
        }
        meta |= {"page": 0, "page_size": 50, "start": 0, "end": max(len(listing) - 1, 0)}
        return self._reply(200, {"messages": listing, "uri": uri, **meta})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if urlsplit(self.path).path == "/sandbox/reply":
            return self._sandbox_reply(form)
        route, fake = self._route(), self.fake
        if route is None:
            return None
        if route[0] is not None:
            return self._reply(*_error(405, 20004, "Method not allowed"))
        with fake._cond:
            fault = fake._faults.popleft() if fake._faults else None
        if fault == "429":
            return self._reply(*_error(429, 20429, "Too Many Requests"))
        if fault == "500":
            return self._reply(*_error(500, 20500, "Internal Server Error"))
        to, from_, body = form.get("To", ""), form.get("From", ""), form.get("Body", "")
        content_sid = form.get("ContentSid")
        if content_sid and not body:
            body = f"[template {content_sid}]"  # what the phone shows is Twilio's, not ours
        if from_.removeprefix("whatsapp:") not in (TEST_FROM, fake.valid_from):
            status, payload = _error(400, 21606, f"The From number {from_} is not SMS-capable.")
        elif not body:
            status, payload = _error(400, 21602, "Message body is required.")
        elif to in MAGIC_TO_ERRORS:
            code, text = MAGIC_TO_ERRORS[to]
            status, payload = _error(400, code, text.format(to=to))
        else:
            msg = FakeMessage(_sid("SM"), to, from_, body, form.get("StatusCallback"))
            if content_sid and not form.get("Body"):
                msg.content_sid = content_sid
            fake._keep(msg)
            status, payload = 201, fake._message_json(msg)
            if fake._report_delivery and msg.status_callback:
                fake._deliver_later(msg)
        if fault == "lost":
            self.close_connection = True  # no status line at all: the client sees a dropped link
            return None
        if fault == "hang":
            fake._released.wait()
        return self._reply(status, payload)

    def _sandbox_reply(self, form: dict[str, str]) -> None:
        if not self._sandbox_authorized():
            return None
        from_, body = form.get("From", ""), form.get("Body", "")
        if not from_ or not body.strip():
            return self._reply(*_error(400, 21602, "From and Body are required"))
        try:
            answers = self.fake.reply_from_phone(from_, body)
        except (ValueError, httpx.HTTPError) as error:
            return self._reply(*_error(502, 20500, f"Passage did not take the reply: {error}"))
        return self._reply(200, {"answers": [a.body for a in answers]})
