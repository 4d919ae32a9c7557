"""An action that loses the app database mid-turn (PostgreSQL restarting) answers the officer a
clear line in their language and keeps nothing of the turn, instead of a 500 that Rasa turns
into silence."""

import asyncio
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher
from sqlalchemy.exc import OperationalError

from passage.runtime.outage_executor import DATABASE_UNREACHABLE, OutageTolerantExecutor
from translations.catalog import shipped_catalogs


class _LosesTheDatabase(Action):
    def name(self) -> str:
        return "action_loses_the_database"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text="half a turn")
        raise OperationalError("SELECT secret FROM cases WHERE name = %s", ("Aigerim",), None)


class _Works(Action):
    def name(self) -> str:
        return "action_works"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(text="done")
        return [{"event": "slot", "name": "step", "value": "next"}]


def _call(action: str, language: str | None) -> dict[str, Any]:
    return {
        "next_action": action,
        "sender_id": "web-0",
        "tracker": {
            "sender_id": "web-0",
            "slots": {"language": language},
            "latest_message": {},
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
    caplog: Any,
) -> None:
    answer = asyncio.run(_executor().run(_call("action_loses_the_database", "fr")))

    told = shipped_catalogs().lookup(DATABASE_UNREACHABLE, "fr").text
    assert answer is not None
    assert (answer.events, answer.responses) == ([], [{"text": told}])
    assert "Aigerim" not in caplog.text and "secret" not in caplog.text
    assert "OperationalError" in caplog.text


def test_actions_that_work_are_answered_as_before() -> None:
    answer = asyncio.run(_executor().run(_call("action_works", "en")))

    assert answer is not None
    assert answer.events == [{"event": "slot", "name": "step", "value": "next"}]
    assert [r["text"] for r in answer.responses] == ["done"]
