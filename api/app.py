"""The API application."""

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from api.routers import chat, directory, health, intake_inbox, partner_api, twilio_webhooks


def create_app() -> FastAPI:
    app = FastAPI(title="Passage API", version="0.1.0")
    app.include_router(health.router)
    app.include_router(chat.router)
    app.include_router(directory.router)
    app.include_router(twilio_webhooks.router)
    app.include_router(intake_inbox.router)
    app.include_router(partner_api.router)
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    return app
