"""Trackers built in the test, as the Rasa server would send them to the action server, and a
database in which their sender is an enrolled officer."""

from collections.abc import Iterator
from typing import Any

import pytest
from rasa_sdk import Tracker
from sqlalchemy.orm import Session

from actions.policies import use_policies
from passage.config import Settings, session_factory
from passage.runtime.policies import policies_from
from tests.casework.account_builders import account, enrol

SENDER = "officer-1"


@pytest.fixture(autouse=True)
def action_server_policies(settings: Settings) -> None:
    """What the runtime hands the action server when it starts, from the test's settings."""
    use_policies(policies_from(settings))


@pytest.fixture
def session(database: Settings) -> Iterator[Session]:
    """The suite's session, with the trackers' sender enrolled to an officer's account."""
    with session_factory()() as session:
        enrol(session, account(session), SENDER)
        session.commit()
        yield session


def tracker_for(
    text: str,
    intent: str,
    entities: list[dict[str, Any]] | None = None,
    slots: dict[str, Any] | None = None,
    channel: str = "rest",
    sender: str = SENDER,
) -> Tracker:
    message = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": entities or [],
    }
    events = [{"event": "user", "text": text, "parse_data": message, "input_channel": channel}]
    return Tracker(
        sender_id=sender,
        slots=slots or {},
        latest_message=message,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )
