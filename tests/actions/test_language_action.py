import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.language import ActionSetLanguage
from tests.actions.conftest import tracker_for
from translations.catalog import shipped_catalogs


def _set_language(value: str | None) -> tuple[list, CollectingDispatcher]:
    entities = [] if value is None else [{"entity": "language", "value": value}]
    dispatcher = CollectingDispatcher()
    events = ActionSetLanguage().run(
        dispatcher, tracker_for("/set_language", "set_language", entities), {}
    )
    return events, dispatcher


def test_a_shipped_language_is_set_and_confirmed_in_that_language() -> None:
    events, dispatcher = _set_language("ru")
    assert events == [SlotSet("language", "ru")]
    assert (
        dispatcher.messages[0]["text"] == shipped_catalogs().lookup("utter_language_set", "ru").text
    )


@pytest.mark.parametrize("language", ["km", "th", "vi", "fr"])
def test_every_officer_language_can_be_chosen(language: str) -> None:
    events, dispatcher = _set_language(language)
    assert events == [SlotSet("language", language)]
    expected = shipped_catalogs().lookup("utter_language_set", language)
    assert (expected.language, dispatcher.messages[0]["text"]) == (language, expected.text)


@pytest.mark.parametrize("language", ["de", "my"])  # unknown; a person-only language
def test_an_unsupported_language_is_refused_with_the_choices(language: str) -> None:
    events, dispatcher = _set_language(language)
    assert events == []
    assert dispatcher.messages[0]["response"] == "utter_language_unsupported"


def test_no_language_at_all_is_refused_too() -> None:
    events, dispatcher = _set_language(None)
    assert events == []
    assert dispatcher.messages[0]["response"] == "utter_language_unsupported"
