"""The rasa-sdk action server, serving the actions of our `actions` package."""

from functools import partial
from typing import TYPE_CHECKING, Any

from actions.policies import use_policies
from casework.policies import Policies
from passage.config import get_settings
from passage.runtime.policies import policies_from

if TYPE_CHECKING:
    from rasa_sdk.executor import ActionExecutor
    from sanic import Sanic


def _worker_app(executor: "ActionExecutor", policies: Policies) -> "Sanic[Any, Any]":
    """The app of one Sanic worker. Sanic runs its workers in processes of their own, built
    from this pickled factory, so the policies are handed in here, in each of them."""
    from rasa_sdk.endpoint import create_app_for_serve

    use_policies(policies)
    app: Sanic[Any, Any] = create_app_for_serve(executor, cors_origins=None)
    return app


def serve_actions(host: str, port: int) -> None:
    from rasa_sdk import utils
    from rasa_sdk.executor import ActionExecutor
    from sanic import Sanic
    from sanic.worker.loader import AppLoader

    executor = ActionExecutor()
    executor.register_package("actions")
    # What rasa_sdk.endpoint.run does, with our factory instead of its own (no TLS: the action
    # server listens on the loopback or a private network only).
    loader = AppLoader(factory=partial(_worker_app, executor, policies_from(get_settings())))
    app = loader.load()
    app.prepare(host=host, port=port, workers=utils.number_of_sanic_workers())
    Sanic.serve(primary=app, app_loader=loader)
