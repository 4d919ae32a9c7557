"""Choosing the language the bot writes in."""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from translations.catalog import shipped_catalogs

LANGUAGE = "language"


class ActionSetLanguage(Action):
    def name(self) -> str:
        return "action_set_language"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        wanted = next(tracker.get_latest_entity_values(LANGUAGE), None)
        if not isinstance(wanted, str) or wanted not in shipped_catalogs().languages:
            dispatcher.utter_message(response="utter_language_unsupported")
            return []
        # Rasa renders an action's responses against the tracker as it was before the action's
        # events, i.e. in the old language; the confirmation must already be in the new one.
        dispatcher.utter_message(text=shipped_catalogs().render("utter_language_set", wanted))
        return [SlotSet(LANGUAGE, wanted)]
