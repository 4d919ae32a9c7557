"""The API application."""

import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import DisconnectionError, OperationalError

from api.body_limit import BodyLimitMiddleware
from api.chat_push import ChatPush
from api.problems import (
    DATABASE_UNREACHABLE,
    TOO_MANY_REQUESTS,
    database_unreachable,
    validation_error,
)
from api.rate_limits import Clock, PerIpRateLimitMiddleware, RateLimits
from api.routers import (
    admin,
    channel_push,
    chat,
    dev_phone,
    directory,
    disclosures,
    health,
    inbox,
    login,
    operations,
    partner_api,
    telegram,
    twilio_webhooks,
)
from api.security_headers import SecurityHeadersMiddleware
from api.telegram_bot import TelegramError, telegram_bot, webhook_secret
from casework.policies import Policies
from passage.config import get_settings, session_factory
from passage.config.process_keys import chat_key
from translations.catalog import shipped_catalogs

log = logging.getLogger(__name__)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Once the API is up: tell Telegram where updates go, with the secret they must carry."""
    settings = get_settings()
    if settings.telegram_configured:
        url = f"{settings.resolved_public_base_url}/webhooks/telegram"
        try:
            await telegram_bot(settings).set_webhook(url, webhook_secret(app.state.chat_key))
        except TelegramError as error:
            log.error("%s: Telegram updates will not arrive until it succeeds", error)
    yield


def create_app(policies: Policies, *, clock: Clock = time.time) -> FastAPI:
    """`policies` are the domain's, as the runtime built them from settings; `clock` drives
    the rate limits' windows, and tests pass one they can move."""
    settings = get_settings()
    # Any route may answer 429 (the rate limits are checked before routing). No /docs or
    # /redoc: those pages run inline and third-party scripts, which the CSP forbids; partners
    # read /openapi.json and docs/partner-api.md.
    app = FastAPI(
        title="Passage API",
        version="0.1.0",
        responses=TOO_MANY_REQUESTS | DATABASE_UNREACHABLE,
        docs_url=None,
        redoc_url=None,
        exception_handlers={
            RequestValidationError: validation_error,
            # Connection lost or refused: SQLAlchemy raises OperationalError (and the pool's
            # DisconnectionError for a dead connection it could not replace).
            OperationalError: database_unreachable,
            DisconnectionError: database_unreachable,
        },
        lifespan=_lifespan,
    )
    app.include_router(health.router)
    app.include_router(chat.router)
    app.include_router(channel_push.router)
    app.include_router(telegram.router)
    app.include_router(dev_phone.router)
    app.include_router(directory.router)
    app.include_router(twilio_webhooks.router)
    app.include_router(login.router)
    app.include_router(inbox.router)
    app.include_router(admin.router)
    app.include_router(disclosures.router)
    app.include_router(operations.router)
    app.include_router(partner_api.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    app.state.policies = policies
    app.state.chat_key = key = chat_key(settings)
    # Limiter state lives with this app, so two apps (tests) never share counts.
    app.state.rate_limits = limits = RateLimits.from_settings(settings, clock)
    app.state.chat_push = chat_push = ChatPush(
        key,
        settings.resolved_rasa_url,
        session_factory(),
        lambda: shipped_catalogs().lookup("web.chat.code_hidden", settings.default_language).text,
        limits.per_chat_sender.hit,
        settings.resolved_socketio_redis_url,
    )
    app.mount("/socket.io", chat_push.asgi_app(), name="socket.io")
    # The last added runs first: headers go on every answer, refusals included; a client over
    # its limit is refused before its body is read.
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_request_bytes)
    app.add_middleware(PerIpRateLimitMiddleware, limiter=limits.per_ip)
    app.add_middleware(SecurityHeadersMiddleware)
    return app
