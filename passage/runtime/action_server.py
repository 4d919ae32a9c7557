"""The rasa-sdk action server, serving the actions of our `actions` package.

rasa-sdk has no authentication of its own: every route but `GET /health` answers 401 unless the
request carries the action server's token as `?token=`, which Rasa adds to each call from
`action_endpoint.token` in bot/endpoints.yml."""

import hmac
from collections.abc import Callable, Coroutine
from functools import partial
from typing import TYPE_CHECKING, Any

from actions.policies import use_policies
from casework.policies import Policies
from passage.config import get_settings
from passage.config.service_tokens import action_server_token
from passage.runtime.policies import policies_from

if TYPE_CHECKING:
    from rasa_sdk.executor import ActionExecutor
    from sanic import Sanic
    from sanic.request import Request
    from sanic.response import HTTPResponse

TOKEN_PARAMETER = "token"  # noqa: S105  (a parameter name: Rasa's default `token_name`)
OPEN_PATHS = frozenset({"/health"})


def token_guard(token: str) -> "Callable[[Request], Coroutine[Any, Any, HTTPResponse | None]]":
    """A Sanic request middleware: 401 unless `?token=` is `token` (compared in constant time),
    except on the health check."""
    from sanic.response import json

    expected = token.encode()

    async def guard(request: "Request") -> "HTTPResponse | None":
        if request.path in OPEN_PATHS:
            return None
        given = request.args.get(TOKEN_PARAMETER) or ""
        if hmac.compare_digest(given.encode(), expected):
            return None
        return json({"error": "not authenticated"}, status=401)

    return guard


def _worker_app(executor: "ActionExecutor", policies: Policies, token: str) -> "Sanic[Any, Any]":
    """The app of one Sanic worker. Sanic runs its workers in processes of their own, built
    from this pickled factory, so the policies and the token are handed in here, in each."""
    from rasa_sdk.endpoint import create_app_for_serve

    use_policies(policies)
    app: Sanic[Any, Any] = create_app_for_serve(executor, cors_origins=None)
    app.register_middleware(token_guard(token), "request")
    return app


def serve_actions(host: str, port: int) -> None:
    from rasa_sdk import utils
    from sanic import Sanic
    from sanic.worker.loader import AppLoader

    from passage.runtime.outage_executor import OutageTolerantExecutor

    executor = OutageTolerantExecutor()
    executor.register_package("actions")
    # What rasa_sdk.endpoint.run does, with our factory instead of its own (no TLS: the action
    # server listens on the loopback or a private network, TLS is the balancer's; every call
    # but the health check must carry the token).
    settings = get_settings()
    loader = AppLoader(
        factory=partial(
            _worker_app, executor, policies_from(settings), action_server_token(settings)
        )
    )
    app = loader.load()
    app.prepare(host=host, port=port, workers=utils.number_of_sanic_workers())
    Sanic.serve(primary=app, app_loader=loader)
