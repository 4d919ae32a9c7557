"""The few Telegram Bot API methods Passage calls, on a configurable base URL.

The base is a setting, so tests and air-gapped sites (Telegram's own `telegram-bot-api`
server) point it elsewhere. The token is part of every URL: it never goes into an exception
message or a log line, and the httpx loggers stay at WARNING (`passage.cli`).
"""

import hashlib
import hmac
from typing import Any

import httpx

from passage.config import Settings

_TIMEOUT = httpx.Timeout(15.0, connect=3.0)
# Telegram allows 1 to 256 characters of A-Z, a-z, 0-9, _ and - in a webhook's secret token.
_SECRET_CHARS = 64


class TelegramError(RuntimeError):
    """A Bot API call failed; the message names the method and Telegram's error code only."""

    def __init__(self, method: str, code: int | str) -> None:
        super().__init__(f"Telegram {method} failed ({code})")
        self.method = method
        self.code = code


def webhook_secret(key: bytes) -> str:
    """The secret Telegram sends with every update (`X-Telegram-Bot-Api-Secret-Token`)."""
    return hmac.new(key, b"telegram-webhook", hashlib.sha256).hexdigest()[:_SECRET_CHARS]


class TelegramBot:
    def __init__(self, token: str, api_base: str) -> None:
        self._url = f"{api_base.rstrip('/')}/bot{token}"

    async def call(self, method: str, **params: Any) -> Any:
        try:
            async with httpx.AsyncClient(timeout=_TIMEOUT, trust_env=False) as client:
                response = await client.post(f"{self._url}/{method}", json=params)
        except httpx.HTTPError as error:
            raise TelegramError(method, type(error).__name__) from None
        try:
            answer = response.json()
        except ValueError:
            raise TelegramError(method, response.status_code) from None
        if not isinstance(answer, dict) or not answer.get("ok"):
            code = answer.get("error_code") if isinstance(answer, dict) else None
            raise TelegramError(method, code or response.status_code)
        return answer.get("result")

    async def send_message(
        self, chat_id: int, text: str, reply_markup: dict[str, Any] | None = None
    ) -> int:
        params: dict[str, Any] = {"chat_id": chat_id, "text": text}
        if reply_markup is not None:
            params["reply_markup"] = reply_markup
        result = await self.call("sendMessage", **params)
        return int(result["message_id"])

    async def edit_reply_markup(
        self, chat_id: int, message_id: int, reply_markup: dict[str, Any]
    ) -> None:
        await self.call(
            "editMessageReplyMarkup",
            chat_id=chat_id,
            message_id=message_id,
            reply_markup=reply_markup,
        )

    async def answer_callback(self, callback_query_id: str) -> None:
        await self.call("answerCallbackQuery", callback_query_id=callback_query_id)

    async def delete_message(self, chat_id: int, message_id: int) -> None:
        await self.call("deleteMessage", chat_id=chat_id, message_id=message_id)

    async def set_webhook(self, url: str, secret_token: str) -> None:
        await self.call(
            "setWebhook",
            url=url,
            secret_token=secret_token,
            allowed_updates=["message", "callback_query"],
        )


def telegram_bot(settings: Settings) -> TelegramBot:
    return TelegramBot(settings.telegram_bot_token, settings.telegram_api_base)
