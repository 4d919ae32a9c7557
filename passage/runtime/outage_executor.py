"""rasa-sdk's action executor with two guards for the scaled profile:

- an action that loses the app database (PostgreSQL restarting, a failover) tells the officer to
  send the answer again, instead of a 500 that Rasa turns into silence after dropping the
  action's events;
- for a message the API sent again because the Rasa replica handling it died before saving the
  conversation, each action that already answered it answers the same without running again
  (casework/action_replays.py), so nothing is applied twice.
"""

import logging
from datetime import UTC, datetime
from typing import Any

from rasa_sdk.executor import ActionExecutor, ActionExecutorRunResult
from sqlalchemy.exc import DisconnectionError, OperationalError

from casework.action_replays import keep_answer, next_kept_answer
from passage.config import get_settings, unit_of_work
from translations.catalog import shipped_catalogs

log = logging.getLogger(__name__)
DATABASE_UNREACHABLE = "chat.database_unreachable"
# Rasa's name for a form's validation.
_FORM_VALIDATION = "validate_"
_REQUESTED_SLOT = "requested_slot"


# Ends the turn here: the next actions would lose the database too, and say so again.
_END_OF_TURN = {"event": "followup", "name": "action_listen"}


def outage_answer(action_call: dict[str, Any]) -> ActionExecutorRunResult:
    """Nothing of the action kept, the open question still open, the turn ended, and a line, in
    the officer's language, to send the answer again (once per turn).

    A form's validation also empties the slot the message filled: the form would otherwise
    take the unchecked text as its answer and close, and the officer's next tap would find no
    question open."""
    tracker = action_call.get("tracker")
    tracker = tracker if isinstance(tracker, dict) else {}
    slots = tracker.get("slots")
    slots = slots if isinstance(slots, dict) else {}
    language = slots.get("language")
    if not isinstance(language, str) or not language:
        language = get_settings().default_language
    action = action_call.get("next_action")
    action = action if isinstance(action, str) else ""
    events: list[dict[str, Any]] = []
    requested = slots.get(_REQUESTED_SLOT)
    if action.startswith(_FORM_VALIDATION) and isinstance(requested, str) and requested:
        events.append({"event": "slot", "name": requested, "value": None})
    told = shipped_catalogs().lookup(DATABASE_UNREACHABLE, language).text
    said = _said_this_turn(tracker, told)
    return ActionExecutorRunResult(
        events=[*events, _END_OF_TURN], responses=[] if said else [{"text": told}]
    )


def _said_this_turn(tracker: dict[str, Any], line: str) -> bool:
    """Whether an earlier action of this turn already told the officer this line: Rasa passes
    the turn's events on to the next call."""
    events = tracker.get("events")
    for event in reversed(events if isinstance(events, list) else []):
        if not isinstance(event, dict) or event.get("event") == "user":
            return False
        if event.get("event") == "bot" and event.get("text") == line:
            return True
    return False


def replay_key(action_call: dict[str, Any]) -> tuple[str, str, str, bool] | None:
    """(conversation, message id, action, whether the message is sent again); None for a call
    of no officer message (a reminder, a proactive intent)."""
    tracker = action_call.get("tracker")
    if not isinstance(tracker, dict):
        return None
    latest = tracker.get("latest_message")
    if not isinstance(latest, dict):
        return None
    message_id, sender = latest.get("message_id"), action_call.get("sender_id")
    action = action_call.get("next_action")
    if not (isinstance(message_id, str) and message_id and isinstance(sender, str)):
        return None
    if not isinstance(action, str):
        return None
    metadata = latest.get("metadata")
    resent = isinstance(metadata, dict) and metadata.get("resend") == "1"
    return sender, message_id, action, resent


class OutageTolerantExecutor(ActionExecutor):  # type: ignore[misc]  # rasa-sdk is untyped
    """At module level: Sanic pickles the executor into each of its worker processes."""

    async def run(
        self, action_call: dict[str, Any], *args: Any, **kwargs: Any
    ) -> ActionExecutorRunResult | None:
        key = replay_key(action_call)
        try:
            if key is not None and key[3]:
                with unit_of_work() as session:
                    kept = next_kept_answer(session, *key[:3])
                if kept is not None:
                    return ActionExecutorRunResult(**kept)
            answer: ActionExecutorRunResult | None = await super().run(action_call, *args, **kwargs)
        except (OperationalError, DisconnectionError) as error:
            # SQLAlchemy's message quotes the statement's parameters: the type only.
            log.warning("an action lost the database: %s", type(error).__name__)
            return outage_answer(action_call)
        if key is not None and answer is not None:
            try:
                with unit_of_work() as session:
                    keep_answer(
                        session, *key[:3], answer.model_dump(by_alias=True), now=datetime.now(UTC)
                    )
            except (OperationalError, DisconnectionError) as error:
                # The action's own changes are in: answer it, only a resend is not covered.
                log.warning("an action's answer was not kept: %s", type(error).__name__)
        return answer
