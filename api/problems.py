"""OpenAPI descriptions of error answers, so the document lists every status a route can give
(the fuzz test holds the routes to it). The bodies are FastAPI's: {"detail": "..."}."""

import json
import logging
import math
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

Responses = dict[int | str, dict[str, Any]]
log = logging.getLogger(__name__)


class Problem(BaseModel):
    detail: str = Field(description="What went wrong, in English.")


def problem(description: str, headers: dict[str, Any] | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "description": description,
        "content": {"application/json": {"schema": Problem.model_json_schema()}},
    }
    if headers:
        answer["headers"] = headers
    return answer


def _retry_after(description: str) -> dict[str, Any]:
    return {
        "Retry-After": {"description": description, "schema": {"type": "integer", "minimum": 1}}
    }


# Any route (api.rate_limits).
DATABASE_UNREACHABLE: Responses = {
    503: problem(
        "The database (or, where the route says so, the assistant) did not answer; try again.",
        headers=_retry_after("Seconds to wait before trying again."),
    )
}

TOO_MANY_REQUESTS: Responses = {
    429: problem(
        "Too many requests from this address, account, API key or chat in the last minute.",
        headers=_retry_after("Seconds until a request will be counted again."),
    )
}
# Any route with a request body: api.body_limit's 413, and FastAPI's 400 for a body it cannot
# decode (JSON that is not UTF-8).
BODY_ERRORS: Responses = {
    400: problem("The body cannot be read (for example JSON that is not UTF-8)."),
    413: problem("The request body is larger than max_request_bytes."),
}


class _AsciiJSONResponse(JSONResponse):
    def render(self, content: Any) -> bytes:
        return json.dumps(_finite(content), ensure_ascii=True, separators=(",", ":")).encode()


def _finite(value: Any) -> Any:
    """NaN and infinities (which Python's JSON parser accepts) as strings: JSON has no such
    numbers, and Starlette's JSONResponse raises on them."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_finite(item) for item in value]
    return value


async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
    """FastAPI's 422, safe to encode whatever JSON was sent. Its errors quote the input back,
    which may hold NaN or a lone surrogate (`"\\ud800"`): FastAPI's own answer raised on
    both, and the client got a 500."""
    return _AsciiJSONResponse({"detail": jsonable_encoder(error.errors())}, status_code=422)


async def database_unreachable(request: Request, error: Exception) -> JSONResponse:
    """The app database did not answer (a restart, a failover, the network): 503 and a line to
    try again, not a 500 with a traceback in the log. SQLAlchemy's message names the statement
    and its parameters, so only the error's type is logged."""
    log.warning("the database did not answer: %s", type(error).__name__)
    return JSONResponse(
        {"detail": "the database is not reachable; try again in a moment"},
        status_code=503,
        headers={"Retry-After": "5"},
    )
