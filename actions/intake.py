"""The intake interview in the chat: Rasa's `intake_form` runs it, these actions do the work.

The form has one slot, `intake_answer`, filled from every message; the validation action hands
the message to `casework.intake`, which stores the answer and decides what comes next, and then
shows the open question (the form has no action of its own that asks). The slot only ever
keeps "done" (interview over) or nothing: answers live in the database.
"""

import logging
from datetime import UTC, datetime
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.orm import Session

from actions.conversation import case_of, officer_language
from actions.intake_view import (
    DONE,
    INTENT_CONFIDENCE,
    answered_question,
    codes_from_intent,
    codes_from_numbers,
    consent_kinds,
    need_options,
    person_block,
    render_step,
)
from actions.interpreters import say_interpreters
from actions.language_proposal import language_proposal
from actions.operation_prompts import say_next_person, say_triaged
from actions.policies import policies
from actions.proposals import say_proposals
from actions.referrals import tell_waiting_news
from casework.assessment import needed
from casework.case_status import pause
from casework.child_protection import child_rules_due
from casework.intake import (
    Outcome,
    Step,
    answer,
    back,
    draft,
    next_step,
    rights_handout_due,
    step_token,
    summary_due,
    toggle,
)
from casework.intake_questions import Kind
from casework.models import Case
from casework.person_texts import need_question_text, need_text, noted_needs_text
from casework.referrals import follow_consent_decisions, withdraw_consent
from passage.config import get_settings, unit_of_work
from translations.catalog import shipped_catalogs
from translations.choices import Choice, option_title, render_choices

log = logging.getLogger(__name__)
SLOT = "intake_answer"
QUESTION_NOT_SHOWN = "chat.question_not_shown"
# Payloads come with confidence 1.0; typed words only when the model is this sure.
SURE_STOP_CONFIDENCE = 0.98
FINISHED = "done"
_OUTCOME_MESSAGES = {
    Outcome.INVALID: "intake.invalid",
    Outcome.EXPLAIN_AGAIN: "intake.explain_again",
    Outcome.PAUSED_FOR_MEDICAL: "intake.paused_for_medical",
    Outcome.PAUSED_FOR_SAFETY: "intake.paused_for_safety",
    Outcome.NOT_AN_AREA: "intake.area_only",
    Outcome.NEED_INTERPRETER: "intake.need_interpreter",
    Outcome.NEED_REPRESENTATIVE: "intake.need_representative",
    Outcome.INFORMATION_ONLY: "intake.information_only",
    Outcome.STALE: "intake.already_recorded",
}
# Outcomes that pause the case: for a person of an operation the officer goes on to the next.
_PAUSED = (
    Outcome.PAUSED_FOR_MEDICAL,
    Outcome.PAUSED_FOR_SAFETY,
    Outcome.NEED_INTERPRETER,
    Outcome.NEED_REPRESENTATIVE,
)
# Outcomes of the consent question that recorded decisions.
_DECIDED = (Outcome.NEXT, Outcome.INFORMATION_ONLY)
# Questions the person answers themself, and what is shown to them before the officer asks.
_PERSON_TEXTS = {
    "consent_decisions": "person.consent_decisions",
    "child_assent": "person.child_assent",
}


def _say(
    dispatcher: CollectingDispatcher, tracker: Tracker, message_id: str, **values: Any
) -> None:
    dispatcher.utter_message(
        text=shipped_catalogs().render(message_id, officer_language(tracker), **values)
    )


def _right_after_a_message(tracker: Tracker) -> bool:
    """Whether Rasa runs the form on the officer's message itself, not on its way back to it:
    the form's own action event ends the events Rasa sends, and the action before it tells."""
    actions = [event.get("name") for event in tracker.events if event.get("event") == "action"]
    return len(actions) >= 2 and actions[-2] == "action_listen"


def _now() -> datetime:
    return datetime.now(UTC)


def show_open_question(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """The interview's open question, with the consent text first when consent is asked."""
    language = officer_language(tracker)
    # News not shown yet comes first, so the question stays the last thing on the screen.
    tell_waiting_news(dispatcher, tracker)
    with unit_of_work() as session:
        case = case_of(session, tracker)
        step = next_step(session, case, now=_now()) if case is not None else None
        if case is None or step is None:
            return
        question = step.question
        person_language = case.person_language or language

        def for_the_person(message_id: str, **values: Any) -> None:
            dispatcher.utter_message(
                text=person_block(
                    message_id,
                    person_language=person_language,
                    officer_language=language,
                    **values,
                )
            )

        if question.id == "consent_delivery":
            for_the_person("consent.script")
        chosen = draft(session, case, question) if question.kind is Kind.MANY else set()
        if question.id in _PERSON_TEXTS and not chosen:  # once, not again on each toggle
            for_the_person(_PERSON_TEXTS[question.id])
            if question.id == "consent_decisions":
                for_the_person("person.consent_categories", items=consent_kinds(step))
        asked_of_person = need_question_text(question.id, step.options)
        if asked_of_person is not None and not chosen:  # once, not again on each toggle
            for_the_person(asked_of_person, items=need_options(step))
        if question.id == "representative" and case.guardian_may_be_involved != "no":
            _say(dispatcher, tracker, "intake.child_protection")
        dispatcher.utter_message(
            **render_step(
                step,
                token=step_token(case, step),
                language=language,
                channel=tracker.get_latest_input_channel(),
                chosen=chosen,
            )
        )


class ValidateIntakeForm(FormValidationAction):
    """Every run of the form calls this once: with the officer's answer, which is handled, or
    without one (the form starting, or coming back after help, going back, a language change).
    Then it shows the open question, unless the interview is over: Rasa's own way, an action
    that asks, would cost a second round trip to this server on every turn."""

    def name(self) -> str:
        return "validate_intake_form"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        events: list[EventType] = await super().run(dispatcher, tracker, domain)
        answered = any(e.get("event") == "slot" and e.get("name") == SLOT for e in events)
        if not answered and _right_after_a_message(tracker):
            # A message that is no answer (help, go back): Rasa drops this run and comes back
            # to the form once it has handled the message. What is said now would be lost,
            # and news shown now marked as told.
            return events
        if tracker.get_slot(SLOT) != FINISHED:
            try:
                show_open_question(dispatcher, tracker)
            except (OperationalError, DisconnectionError) as error:
                # The answer above is kept: say that only the question could not be shown.
                log.warning("the open question could not be read: %s", type(error).__name__)
                _say(dispatcher, tracker, QUESTION_NOT_SHOWN)
        return events

    def validate_intake_answer(
        self,
        value: Any,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        domain: dict[str, Any],
    ) -> dict[str, Any]:
        if value is None:
            # Our own reset of the slot (when a case opens or resumes), not an answer.
            return {SLOT: None}
        now = _now()
        with unit_of_work() as session:
            case = case_of(session, tracker)
            step = next_step(session, case, now=now) if case is not None else None
            if case is None or step is None:
                return {SLOT: FINISHED}
            outcome = self._handle(session, case, step, tracker, now=now)
            if outcome is None:  # a multiple-choice toggle: ask again with the new selection
                return {SLOT: None}
            proposal = (
                language_proposal(
                    step,
                    str(tracker.latest_message.get("text") or ""),
                    officer_language=officer_language(tracker),
                )
                if outcome is Outcome.INVALID
                else None
            )
            if proposal is not None:  # typed by the person: propose, the officer confirms
                dispatcher.utter_message(text=proposal)
                return {SLOT: None}
            message_id = _OUTCOME_MESSAGES.get(outcome)
            if message_id is not None:
                _say(dispatcher, tracker, message_id, case_reference=case.reference)
            if step.question.id == "consent_decisions" and outcome in _DECIDED:
                # A changed decision ends the referrals it no longer covers (providers told).
                follow_consent_decisions(session, case, policies().referrals, now=now)
            if outcome is Outcome.NEXT and child_rules_due(step.question.id, case):
                _say(dispatcher, tracker, "intake.child_rules")
            if outcome is Outcome.NEED_INTERPRETER:
                say_interpreters(dispatcher, session, case, officer_language(tracker))
            if outcome is Outcome.TRIAGED:
                say_triaged(dispatcher, tracker, session, case)
            elif outcome in _PAUSED:
                say_next_person(dispatcher, tracker, session, case)
            if rights_handout_due(step, outcome):
                # What to hand over, in the person's language with the officer's beside it.
                language = officer_language(tracker)
                dispatcher.utter_message(
                    text=person_block(
                        "intake.handover",
                        person_language=case.person_language or language,
                        officer_language=language,
                        hotline=get_settings().public_hotline,
                    )
                )
            # A refused answer leaves its question open: next_step asks it again.
            finished = next_step(session, case, now=now) is None
        return {SLOT: FINISHED if finished else None}

    @staticmethod
    def _handle(
        session: Session, case: Case, step: Step, tracker: Tracker, *, now: datetime
    ) -> Outcome | None:
        choice = next(tracker.get_latest_entity_values("choice"), None)
        text = str(tracker.latest_message.get("text") or "")
        asked = answered_question(tracker)
        if isinstance(choice, str):
            if step.question.kind is Kind.MANY and choice == DONE:
                # The web chat's one control sends the whole selection with Done; a Done
                # without one (buttons tapped one by one, Telegram) takes what was tapped.
                selected = next(tracker.get_latest_entity_values("selected"), None)
                chosen = (
                    str(selected).split()
                    if selected is not None
                    else sorted(draft(session, case, step.question))
                )
                return answer(session, case, step, chosen, now=now, for_question=asked)
            if step.question.kind is Kind.MANY and choice in step.options:
                if toggle(session, case, step, choice, now=now, for_question=asked) is None:
                    return Outcome.STALE
                return None
            return answer(session, case, step, [choice], now=now, for_question=asked)
        numbered = codes_from_numbers(step, text)
        if numbered is not None:
            chosen = [c for c in numbered if c != DONE]
            return answer(session, case, step, chosen, now=now, for_question=asked)
        intent = tracker.latest_message.get("intent") or {}
        if float(intent.get("confidence") or 0.0) >= INTENT_CONFIDENCE:
            codes = codes_from_intent(step, intent.get("name"))
            if codes is not None:
                return answer(session, case, step, codes, now=now, for_question=asked)
        if step.question.kind is Kind.TEXT and not text.startswith("/"):
            return answer(session, case, step, [text], now=now, for_question=asked)
        return Outcome.INVALID


class ActionIntakeFinish(Action):
    """After the form: the summary of a completed assessment (other endings spoke already)."""

    def name(self) -> str:
        return "action_intake_finish"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        language = officer_language(tracker)
        catalogs = shipped_catalogs()
        with unit_of_work() as session:
            case = case_of(session, tracker)
            if case is None:
                _say(dispatcher, tracker, "intake.no_case")
                return [SlotSet(SLOT, None)]
            if not summary_due(session, case, now=_now()):
                return [SlotSet(SLOT, None)]
            urgent = catalogs.lookup("intake.urgent_mark", language).text
            rows = needed(session, case)
            lines = [
                f"- {option_title(catalogs, row.need_id, language)}"
                + (f" {urgent}" if row.urgent else "")
                for row in rows
            ]
            needs = "\n".join(lines) or catalogs.lookup("intake.summary_none", language).text
            _say(dispatcher, tracker, "intake.summary", case_reference=case.reference, needs=needs)
            # What was noted, for the person to read and correct, before the providers.
            dispatcher.utter_message(
                text=person_block(
                    noted_needs_text(bool(rows)),
                    person_language=case.person_language or language,
                    officer_language=language,
                    items=tuple((None, need_text(row.need_id)) for row in rows),
                    urgent=frozenset(need_text(row.need_id) for row in rows if row.urgent),
                )
            )
            if lines:
                say_proposals(
                    dispatcher, session, case, language, tracker.get_latest_input_channel()
                )
        return [SlotSet(SLOT, None)]


class ActionIntakeBack(Action):
    """Going back forgets the latest answer. Words typed while a question that takes typed text
    is open (the area) go back only when the model is sure: it reads some town names as "back"
    ("Turkistan" at 0.90), and such a message is the answer, handled as the form handles any."""

    def name(self) -> str:
        return "action_intake_back"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        if _typed_answer_taken_for_back(tracker):
            text = str(tracker.latest_message.get("text") or "")
            handled = ValidateIntakeForm().validate_intake_answer(text, dispatcher, tracker, domain)
            return [SlotSet(SLOT, handled[SLOT])]
        with unit_of_work() as session:
            case = case_of(session, tracker)
            undone = back(session, case) if case is not None else None
        _say(dispatcher, tracker, "intake.went_back" if undone else "intake.nothing_to_go_back")
        return [SlotSet(SLOT, None)]


def _typed_answer_taken_for_back(tracker: Tracker) -> bool:
    text = str(tracker.latest_message.get("text") or "")
    intent = tracker.latest_message.get("intent") or {}
    if text.startswith("/") or float(intent.get("confidence") or 0.0) >= SURE_STOP_CONFIDENCE:
        return False
    with unit_of_work() as session:
        case = case_of(session, tracker)
        step = next_step(session, case, now=_now()) if case is not None else None
        return step is not None and step.question.kind is Kind.TEXT


class ActionIntakePause(Action):
    def name(self) -> str:
        return "action_intake_pause"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        with unit_of_work() as session:
            case = case_of(session, tracker)
            if case is None:
                _say(dispatcher, tracker, "intake.no_case")
                return [ActiveLoop(None), SlotSet("requested_slot", None)]
            pause(case)
            reference = case.reference
        _say(dispatcher, tracker, "intake.paused", case_reference=reference)
        return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet(SLOT, None)]


class ActionIntakeStop(Action):
    """The person withdraws consent: recorded, the case stops, nothing more is asked.

    Withdrawal cannot be undone in the chat, so a typed "stop" that the model is not sure of
    only offers the stop button; the button (a payload) or a sure match withdraws.
    """

    def name(self) -> str:
        return "action_intake_stop"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        intent = tracker.latest_message.get("intent") or {}
        if float(intent.get("confidence") or 0.0) < SURE_STOP_CONFIDENCE:
            language = officer_language(tracker)
            catalogs = shipped_catalogs()
            dispatcher.utter_message(
                **render_choices(
                    catalogs.lookup("intake.confirm_stop", language).text,
                    [Choice(catalogs.lookup("button.stop", language).text, "/stop")],
                    tracker.get_latest_input_channel(),
                )
            )
            return []
        with unit_of_work() as session:
            case = case_of(session, tracker)
            if case is None:
                _say(dispatcher, tracker, "intake.no_case")
            else:
                cancelled = withdraw_consent(session, case, policies().referrals, now=_now())
                _say(dispatcher, tracker, "intake.stopped", case_reference=case.reference)
                if cancelled:
                    _say(dispatcher, tracker, "referral.withdrawn", count=cancelled)
        return [ActiveLoop(None), SlotSet("requested_slot", None), SlotSet(SLOT, None)]
