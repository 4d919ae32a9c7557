"""rasa-sdk's action executor, for when an action loses the app database (PostgreSQL restarting,
a failover): the officer is told to send the answer again, instead of a 500 that Rasa turns
into silence after dropping the action's events."""

import logging
from typing import Any

from rasa_sdk.executor import ActionExecutor, ActionExecutorRunResult
from sqlalchemy.exc import DisconnectionError, OperationalError

from passage.config import get_settings
from translations.catalog import shipped_catalogs

log = logging.getLogger(__name__)
DATABASE_UNREACHABLE = "chat.database_unreachable"


def outage_answer(action_call: dict[str, Any]) -> ActionExecutorRunResult:
    """No event (nothing of the turn is kept, the open question stays open) and a line, in the
    officer's language, to send the answer again."""
    tracker = action_call.get("tracker")
    slots = tracker.get("slots") if isinstance(tracker, dict) else None
    language = slots.get("language") if isinstance(slots, dict) else None
    if not isinstance(language, str) or not language:
        language = get_settings().default_language
    text = shipped_catalogs().lookup(DATABASE_UNREACHABLE, language).text  # English if none
    return ActionExecutorRunResult(events=[], responses=[{"text": text}])


class OutageTolerantExecutor(ActionExecutor):  # type: ignore[misc]  # rasa-sdk is untyped
    """At module level: Sanic pickles the executor into each of its worker processes."""

    async def run(
        self, action_call: dict[str, Any], *args: Any, **kwargs: Any
    ) -> ActionExecutorRunResult | None:
        try:
            return await super().run(action_call, *args, **kwargs)
        except (OperationalError, DisconnectionError) as error:
            # SQLAlchemy's message quotes the statement's parameters: the type only.
            log.warning("an action lost the database: %s", type(error).__name__)
            return outage_answer(action_call)
