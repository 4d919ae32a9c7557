"""Liveness of the API, its database and the worker."""

from datetime import UTC, datetime, timedelta

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from api.deps import SessionDep, SettingsDep
from casework.heartbeat import worker_is_alive

router = APIRouter(tags=["health"])


@router.get(
    "/health",
    responses={
        503: {
            "description": "The database cannot be read.",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
def health(session: SessionDep, settings: SettingsDep) -> JSONResponse:
    try:
        session.execute(text("SELECT 1"))
        # Three missed ticks in a row means the worker is stuck or gone.
        silence = timedelta(seconds=3 * settings.worker_interval_seconds + 5)
        worker = (
            "alive"
            if worker_is_alive(session, now=datetime.now(UTC), max_silence=silence)
            else "silent"
        )
    except SQLAlchemyError:
        return JSONResponse({"status": "error", "database": "unreachable"}, status_code=503)
    return JSONResponse({"status": "ok", "database": "ok", "worker": worker})
