"""The API as the runtime serves it: the app with the domain policies built from settings."""

import time
from collections.abc import Callable

from fastapi import FastAPI

from api.app import create_app
from passage.config import get_settings
from passage.runtime.policies import policies_from


def api_app(*, clock: Callable[[], float] = time.time) -> FastAPI:
    """uvicorn's factory; tests build their app with it too, so both wire the same way."""
    return create_app(policies_from(get_settings()), clock=clock)
