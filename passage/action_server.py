"""The rasa-sdk action server, serving the actions of our `actions` package."""

import os


def serve_actions(host: str, port: int) -> None:
    from rasa_sdk.endpoint import run
    from rasa_sdk.executor import ActionExecutor

    # rasa-sdk reads its bind address only from this variable.
    os.environ["SANIC_HOST"] = host
    executor = ActionExecutor()
    executor.register_package("actions")
    run(executor, port=port, cors_origins=None)
