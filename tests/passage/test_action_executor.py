"""The action server's executor: an action that loses the app database mid-turn (PostgreSQL
restarting) answers the officer a clear line in their language and keeps nothing of the turn,
instead of a 500 that Rasa turns into silence; and an action called again for a message it
already answered (sent again after a Rasa replica died) answers the same without running."""

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher
from sqlalchemy.exc import OperationalError

from passage.config import Settings
from passage.runtime.outage_executor import DATABASE_UNREACHABLE, OutageTolerantExecutor
from translations.catalog import shipped_catalogs


class _LosesTheDatabase(Action):
    named: str | None = None  # registered under another name: a form's validation, a question

    def name(self) -> str:
        return self.named or "action_loses_the_database"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text="half a turn")
        raise OperationalError("SELECT secret FROM cases WHERE name = %s", ("Aigerim",), None)


class _Works(Action):
    """Counts its runs, as a tick that adds or takes off an option would change the case."""

    runs = 0

    def name(self) -> str:
        return "action_works"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        _Works.runs += 1
        dispatcher.utter_message(text=f"run {_Works.runs}")
        return [{"event": "slot", "name": "step", "value": f"after run {_Works.runs}"}]


def _call(
    action: str,
    language: str | None,
    message_id: str | None = None,
    *,
    resent: bool = False,
) -> dict[str, Any]:
    latest: dict[str, Any] = {"message_id": message_id} if message_id else {}
    if resent:
        latest["metadata"] = {"resend": "1"}
    return {
        "next_action": action,
        "sender_id": "web-0",
        "tracker": {
            "sender_id": "web-0",
            "slots": {"language": language},
            "latest_message": latest,
            "events": [],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": None,
        },
        "domain": {},
        "version": "3.6.21",
    }


def _executor() -> ActionExecutor:
    executor = OutageTolerantExecutor()
    executor.register_action(_LosesTheDatabase)
    executor.register_action(_Works)
    return executor


def test_an_action_that_loses_the_database_keeps_nothing_and_says_so_in_the_chat_language(
    database: Settings, caplog: Any
) -> None:
    answer = asyncio.run(_executor().run(_call("action_loses_the_database", "fr", "c" * 32)))

    told = shipped_catalogs().lookup(DATABASE_UNREACHABLE, "fr").text
    assert answer is not None
    # No change of the conversation; the turn ends there (the next actions would fail too).
    assert answer.events == [{"event": "followup", "name": "action_listen"}]
    assert answer.responses == [{"text": told}]
    assert "Aigerim" not in caplog.text and "secret" not in caplog.text
    assert "OperationalError" in caplog.text


def _run(call: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    answer = asyncio.run(_executor().run(call))
    assert answer is not None
    return answer.events, [r["text"] for r in answer.responses]


def test_a_message_sent_again_gets_the_first_answer_and_the_action_runs_once(
    database: Settings,
) -> None:
    _Works.runs = 0
    first = _run(_call("action_works", "en", message_id="a" * 32))

    again = _run(_call("action_works", "en", message_id="a" * 32, resent=True))

    assert _Works.runs == 1
    after_one_run = [{"event": "slot", "name": "step", "value": "after run 1"}]
    assert again == first == (after_one_run, ["run 1"])


def test_a_message_sent_again_gets_each_answer_in_turn_then_the_action_runs(
    database: Settings,
) -> None:
    _Works.runs = 0
    # The first time, the turn called the action twice (as Rasa calls a form's validation).
    _run(_call("action_works", "en", message_id="a" * 32))
    _run(_call("action_works", "en", message_id="a" * 32))

    replayed = [
        _run(_call("action_works", "en", message_id="a" * 32, resent=True))[1] for _ in range(3)
    ]

    assert replayed == [["run 1"], ["run 2"], ["run 3"]]
    assert _Works.runs == 3


def test_a_second_call_in_the_same_turn_or_another_message_runs_the_action(
    database: Settings,
) -> None:
    _Works.runs = 0
    _run(_call("action_works", "en", message_id="a" * 32))
    _run(_call("action_works", "en", message_id="a" * 32))  # not sent again: a second call
    _run(_call("action_works", "en", message_id="b" * 32, resent=True))  # nothing kept for it

    assert _Works.runs == 3


def test_a_call_of_no_officer_message_always_runs(database: Settings) -> None:
    _Works.runs = 0
    _run(_call("action_works", "en"))
    _run(_call("action_works", "en"))

    assert _Works.runs == 2


def _call_in_form(action: str, turn: list[dict[str, Any]]) -> dict[str, Any]:
    call = _call(action, "en", "d" * 32)
    call["tracker"]["slots"]["requested_slot"] = "intake_answer"
    call["tracker"]["events"] = [{"event": "user", "text": "earlier"}, *turn]
    return call


def _unreachable() -> str:
    return shipped_catalogs().lookup(DATABASE_UNREACHABLE, "en").text


def test_a_form_validation_that_loses_the_database_leaves_its_question_open(
    database: Settings,
) -> None:
    _LosesTheDatabase.named = "validate_intake_form"
    try:
        events, told = _run(_call_in_form("validate_intake_form", [{"event": "user"}]))
    finally:
        _LosesTheDatabase.named = None

    # The text the message put in the slot is taken back: the form asks its question again
    # instead of taking the unchecked text as its answer and closing.
    assert events == [
        {"event": "slot", "name": "intake_answer", "value": None},
        {"event": "followup", "name": "action_listen"},
    ]
    assert told == [_unreachable()]


def test_the_line_is_said_once_per_turn(database: Settings) -> None:
    # Another action of the turn lost the database after an earlier one said so.
    call = _call_in_form(
        "action_loses_the_database", [{"event": "user"}, {"event": "bot", "text": _unreachable()}]
    )

    assert _run(call) == ([{"event": "followup", "name": "action_listen"}], [])
