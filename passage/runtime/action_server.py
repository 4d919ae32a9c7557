"""The rasa-sdk action server, serving the actions of our `actions` package."""

import os

from actions.policies import use_policies
from passage.config import get_settings
from passage.runtime.policies import policies_from


def serve_actions(host: str, port: int) -> None:
    from rasa_sdk.endpoint import run
    from rasa_sdk.executor import ActionExecutor

    use_policies(policies_from(get_settings()))
    # rasa-sdk reads its bind address only from this variable.
    os.environ["SANIC_HOST"] = host
    executor = ActionExecutor()
    executor.register_package("actions")
    run(executor, port=port, cors_origins=None)
