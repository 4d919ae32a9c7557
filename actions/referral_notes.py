"""The officer's note for the provider, asked after "Add a note for the provider".

The question is a form whose one slot says only whether a note was kept: the note itself is
read from the officer's message, checked and stored encrypted by casework.referral_notes, and
never put in a slot. A refused note is not kept and the question is asked again; a button
pressed instead (Send) closes the question (actions.referrals).
"""

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.conversation import case_of, officer_language
from actions.referrals import send_choices
from casework.referral_notes import (
    NOTE_MAX_CHARS,
    NoProviderChosen,
    NoteRefused,
    keep_note,
)
from passage.config import unit_of_work
from translations.catalog import UnknownMessage, shipped_catalogs
from translations.choices import option_title, render_choices

NEED_SLOT = "referral_note_need"
KEPT_SLOT = "referral_note_kept"


def _need_id(tracker: Tracker) -> str:
    """The need the note is for: the button's "<need id> note"."""
    parts = str(tracker.get_slot(NEED_SLOT) or "").split()
    return parts[0] if parts else ""


def _need_title(tracker: Tracker, language: str) -> str | None:
    """None when typed without the button, or with a need id that is not in the catalog."""
    need_id = _need_id(tracker)
    if "." not in need_id:
        return None
    try:
        return option_title(shipped_catalogs(), need_id, language)
    except UnknownMessage:
        return None


class ActionAskReferralNote(Action):
    def name(self) -> str:
        return "action_ask_referral_note_kept"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        language = officer_language(tracker)
        catalogs = shipped_catalogs()
        need = _need_title(tracker, language)
        if need is None:
            dispatcher.utter_message(text=catalogs.render("match.choose_with_buttons", language))
            return [ActiveLoop(None), SlotSet("requested_slot", None)]
        dispatcher.utter_message(
            text=catalogs.render("referral.ask_note", language, need=need, max=NOTE_MAX_CHARS)
        )
        return []


class ValidateReferralNoteForm(Action):
    def name(self) -> str:
        return "validate_referral_note_form"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        text = str(tracker.latest_message.get("text") or "")
        if not text.strip() or text.startswith("/"):
            # A button (the one that asked, or Send): not a note. Nothing is set, so the form
            # does not take it and the button's own rule answers.
            return [SlotSet(KEPT_SLOT, None)] if text.startswith("/add_referral_note") else []
        language = officer_language(tracker)
        catalogs = shipped_catalogs()
        with unit_of_work() as session:
            case = case_of(session, tracker)
            if case is None:
                dispatcher.utter_message(text=catalogs.render("intake.no_case", language))
                return [SlotSet(KEPT_SLOT, False)]
            try:
                keep_note(session, case, _need_id(tracker), text)
            except NoteRefused as refused:
                dispatcher.utter_message(
                    text=catalogs.render(
                        f"referral.note_refused.{refused.problem.value}",
                        language,
                        max=NOTE_MAX_CHARS,
                    )
                )
                return [SlotSet(KEPT_SLOT, None)]  # asked again
            except NoProviderChosen:
                dispatcher.utter_message(text=catalogs.render("referral.no_choice", language))
                return [SlotSet(KEPT_SLOT, False)]
        return [SlotSet(KEPT_SLOT, True)]


class ActionReferralNoteKept(Action):
    """After the question: the send buttons again, now with the note."""

    def name(self) -> str:
        return "action_referral_note_kept"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        language = officer_language(tracker)
        need = _need_title(tracker, language)
        if tracker.get_slot(KEPT_SLOT) is True and need is not None:
            text = shipped_catalogs().render("referral.note_kept", language, need=need)
            dispatcher.utter_message(
                **render_choices(
                    text,
                    send_choices(_need_id(tracker), language),
                    tracker.get_latest_input_channel(),
                )
            )
        return [SlotSet(KEPT_SLOT, None), SlotSet(NEED_SLOT, None)]
