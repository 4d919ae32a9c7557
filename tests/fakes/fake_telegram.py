"""A fake Telegram Bot API server on 127.0.0.1, for Passage's own Telegram code to talk to.

It answers the methods Passage calls (getMe, setWebhook, sendMessage, editMessageReplyMarkup,
answerCallbackQuery, deleteMessage) at `{base}/bot{token}/{method}` as Telegram does
(`{"ok": true, "result": ...}`, or `ok: false` with an error code and description), records every
call, and plays the officer's side: it posts updates (a typed message, a tapped inline button) to
the webhook Passage set, with the secret token header Telegram sends.
"""

import json
import re
import secrets
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

BOT_USERNAME = "passage_test_bot"


@dataclass
class BotMessage:
    chat_id: int
    message_id: int
    text: str
    reply_markup: dict[str, Any] | None
    sent_at: float = field(default_factory=time.time)
    deleted: bool = False
    from_bot: bool = True  # False: what the officer typed (a bot may delete it in a private chat)

    @property
    def buttons(self) -> list[dict[str, str]]:
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [button for row in rows for button in row]


class FakeTelegram:
    def __init__(self) -> None:
        self.token = f"{secrets.randbelow(10**9) + 10**8}:{secrets.token_urlsafe(26)}"
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.webhook_url: str | None = None
        self.secret_token: str | None = None
        self._messages: dict[tuple[int, int], BotMessage] = {}
        self._next_message_id = 1000
        self._next_update_id = 1
        self._faults: dict[str, int] = {}
        self._taps: list[tuple[int, str]] = []  # (chat id, callback query id) of every tap
        self._cond = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> "FakeTelegram":
        handler = type("_Handler", (_Handler,), {"fake": self})
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,))
        self._thread.daemon = True
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> "FakeTelegram":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        assert self._server is not None, "FakeTelegram is not started"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    # What the bot did.

    def called(self, method: str) -> list[dict[str, Any]]:
        with self._cond:
            return [params for name, params in self.calls if name == method]

    def messages_to(self, chat_id: int, *, deleted: bool = False) -> list[BotMessage]:
        """What the bot sent to the chat (not deleted, unless asked)."""
        with self._cond:
            return [
                m
                for m in self._messages.values()
                if m.chat_id == chat_id and m.from_bot and (deleted or not m.deleted)
            ]

    def typed_in(self, chat_id: int) -> list[BotMessage]:
        """What the officer typed in the chat, still there."""
        with self._cond:
            return [
                m
                for m in self._messages.values()
                if m.chat_id == chat_id and not m.from_bot and not m.deleted
            ]

    def wait_for(self, chat_id: int, text: str, timeout: float = 30.0) -> BotMessage:
        """The first message to the chat, not deleted, whose text contains `text`."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                found = [
                    m
                    for m in self._messages.values()
                    if m.chat_id == chat_id and m.from_bot and not m.deleted and text in m.text
                ]
                if found:
                    return found[0]
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    sent = [m.text[:60] for m in self._messages.values() if m.chat_id == chat_id]
                    raise AssertionError(f"no message with {text!r} to {chat_id}; sent: {sent}")
                self._cond.wait(remaining)

    def taps_in(self, chat_id: int) -> list[str]:
        """The callback query ids of the officer's taps in this chat."""
        with self._cond:
            return [query for chat, query in self._taps if chat == chat_id]

    # The officer's side: updates posted to the webhook.

    def _post_update(self, update: dict[str, Any], secret: str | None) -> httpx.Response:
        if not self.webhook_url:
            raise AssertionError("the bot never set its webhook")
        if urlsplit(self.webhook_url).hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ValueError("FakeTelegram only posts to loopback webhooks")
        with self._cond:
            update = {"update_id": self._next_update_id, **update}
            self._next_update_id += 1
        headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
        with httpx.Client(trust_env=False, timeout=60.0) as client:
            return client.post(self.webhook_url, json=update, headers=headers)

    def _secret(self, forged: str | None) -> str | None:
        return forged if forged is not None else self.secret_token

    def send_text(
        self, chat_id: int, text: str, *, secret: str | None = None, first_name: str = "Anna"
    ) -> httpx.Response:
        """The officer types `text` in the chat; `secret` replaces the right token (to forge)."""
        with self._cond:
            self._next_message_id += 1
            typed = BotMessage(chat_id, self._next_message_id, text, None, from_bot=False)
            self._messages[(chat_id, typed.message_id)] = typed
        message = {
            "message_id": typed.message_id,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private", "first_name": first_name},
            "from": {"id": chat_id, "is_bot": False, "first_name": first_name},
            "text": text,
        }
        return self._post_update({"message": message}, self._secret(secret))

    def tap(self, message: BotMessage, title: str, *, secret: str | None = None) -> httpx.Response:
        """The officer taps the inline button titled `title` (or, failing that, containing it)."""
        with self._cond:
            current = self._messages[(message.chat_id, message.message_id)]
            exact = [b for b in current.buttons if b["text"].removeprefix("✓ ") == title]
            button = next(iter(exact), None) or next(
                (b for b in current.buttons if title in b["text"]), None
            )
            if button is None:
                texts = [b["text"] for b in current.buttons]
                raise AssertionError(f"no button {title!r} in {texts}")
            query_id = str(secrets.randbelow(10**12))
            self._taps.append((current.chat_id, query_id))
            query = {
                "id": query_id,
                "from": {"id": current.chat_id, "is_bot": False, "first_name": "Anna"},
                "chat_instance": "1",
                "data": button["callback_data"],
                "message": {
                    "message_id": current.message_id,
                    "date": int(current.sent_at),
                    "chat": {"id": current.chat_id, "type": "private"},
                    "text": current.text,
                    "reply_markup": current.reply_markup,
                },
            }
        return self._post_update({"callback_query": query}, self._secret(secret))

    # The Bot API.

    def fail_next(self, method: str, code: int = 429) -> None:
        """The next call of `method` fails as Telegram fails it (429: too many requests)."""
        with self._cond:
            self._faults[method] = code

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._cond:
            self.calls.append((method, params))
            self._cond.notify_all()
            if method in self._faults:
                return _error(self._faults.pop(method), "Too Many Requests: retry after 1")
            if method == "getMe":
                return _ok({"id": 1, "is_bot": True, "username": BOT_USERNAME})
            if method == "setWebhook":
                secret = params.get("secret_token")
                if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", secret):
                    return _error(400, "Bad Request: secret token contains unallowed characters")
                self.webhook_url, self.secret_token = params.get("url"), secret
                return _ok(True)
            if method == "sendMessage":
                return self._send(params)
            if method == "editMessageReplyMarkup":
                found = self._find(params)
                if found is None:
                    return _error(400, "Bad Request: message to edit not found")
                found.reply_markup = params.get("reply_markup")
                return _ok(True)
            if method == "answerCallbackQuery":
                return _ok(True)
            if method == "deleteMessage":
                found = self._find(params)
                if found is None or found.deleted:
                    return _error(400, "Bad Request: message to delete not found")
                if time.time() - found.sent_at > 48 * 3600:
                    return _error(400, "Bad Request: message can't be deleted for everyone")
                found.deleted = True
                return _ok(True)
        return _error(404, "Not Found: method not found")

    def _send(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        text = params.get("text")
        if not isinstance(text, str) or not text.strip():
            return _error(400, "Bad Request: message text is empty")
        if len(text) > 4096:
            return _error(400, "Bad Request: message is too long")
        markup = params.get("reply_markup")
        for row in (markup or {}).get("inline_keyboard", []):
            for button in row:
                if len(button.get("callback_data", "").encode()) > 64:
                    return _error(400, "Bad Request: BUTTON_DATA_INVALID")
        chat_id = int(params["chat_id"])
        self._next_message_id += 1
        message = BotMessage(chat_id, self._next_message_id, text, markup)
        self._messages[(chat_id, message.message_id)] = message
        return _ok({"message_id": message.message_id, "chat": {"id": chat_id}, "text": text})

    def _find(self, params: dict[str, Any]) -> BotMessage | None:
        try:
            key = (int(params["chat_id"]), int(params["message_id"]))
        except (KeyError, TypeError, ValueError):
            return None
        return self._messages.get(key)


def _ok(result: Any) -> tuple[int, dict[str, Any]]:
    return 200, {"ok": True, "result": result}


def _error(code: int, description: str) -> tuple[int, dict[str, Any]]:
    return code, {"ok": False, "error_code": code, "description": description}


class _Handler(BaseHTTPRequestHandler):
    fake: FakeTelegram

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        match = re.fullmatch(r"/bot([^/]+)/(\w+)", urlsplit(self.path).path)
        if match is None or match[1] != self.fake.token:
            return self._reply(*_error(401, "Unauthorized"))
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length).decode()
        if self.headers.get("Content-Type", "").startswith("application/json"):
            params = json.loads(raw or "{}")
        else:
            params = {k: v[0] for k, v in parse_qs(raw).items()}
        return self._reply(*self.fake.handle(match[2], params))

    do_GET = do_POST
