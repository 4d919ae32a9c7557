"""Where to answer an officer on Telegram or a phone, and what a typed number stands for."""

import json
from datetime import timedelta

from sqlalchemy.orm import Session

from casework.chat_addresses import (
    address_of,
    may_send_freely,
    news_template_due,
    number_options,
    numbered_option,
    remember_inbound,
)
from tests.casework.referral_builders import NOW

KEY = b"k" * 32


def _row(session: Session, address: str = "+15005553001"):  # type: ignore[no-untyped-def]
    conversation = remember_inbound(session, KEY, "twilio", address, now=NOW)
    row = address_of(session, conversation)
    assert row is not None
    return row


def _question(step: str, codes: list[str], *, multiple: bool = False) -> dict:
    passage: dict = {"step": step}
    if multiple:
        passage |= {"multiple": True, "options": codes[:-1], "chosen": []}
    return {
        "text": step,
        "buttons": [
            {
                "title": code.title(),
                "payload": "/choose" + json.dumps({"choice": code, "step": step}),
            }
            for code in codes
        ],
        "custom": {"passage": passage},
    }


def _providers(need: str, names: list[str]) -> dict:
    return {
        "text": need,
        "buttons": [
            {
                "title": f"{i}. {name}",
                "payload": f'/choose_provider{{"provider_choice": "{need} {name}"}}',
            }
            for i, name in enumerate(names, start=1)
        ],
    }


NOTICE = {
    "text": "A declined; B is offered",
    "buttons": [{"title": "1. B", "payload": '/choose_provider{"provider_choice": "x b"}'}],
    "custom": {"passage": {"notice": 7}},
}


def test_numbers_run_on_across_a_turn_and_a_turn_without_options_leaves_none(
    session: Session,
) -> None:
    row = _row(session)
    firsts = number_options(
        row,
        [{"text": "intro"}, _providers("housing", ["A", "B"]), _providers("food", ["C"])],
        pushed=False,
    )
    assert firsts == [0, 1, 3]
    assert numbered_option(row, "3") == ("1. C", '/choose_provider{"provider_choice": "food C"}')
    assert numbered_option(row, "4") is None and numbered_option(row, "1 3") is None

    number_options(row, [{"text": "Referral K7Q2MX is queued"}], pushed=False)
    assert numbered_option(row, "2") is None  # never an option of an earlier turn


def test_a_question_with_several_answers_keeps_its_own_numbers(session: Session) -> None:
    row = _row(session)
    firsts = number_options(
        row,
        [NOTICE, _question("R/level_1", ["food", "housing", "done"], multiple=True)],
        pushed=False,
    )
    assert firsts == [0, 1]  # the notice is not numbered: "1 2" answers the question
    assert row.last_step == "R/level_1"
    assert numbered_option(row, "1") is None  # typed numbers go to the interview as they are


def test_news_pushed_while_a_question_is_open_never_takes_its_numbers(session: Session) -> None:
    row = _row(session)
    number_options(row, [_question("R/urgent_medical", ["yes", "no"])], pushed=False)
    assert number_options(row, [NOTICE], pushed=True) == [3]  # after the question's two
    assert numbered_option(row, "1") is not None and "yes" in numbered_option(row, "1")[1]
    assert numbered_option(row, "3") == ("1. B", NOTICE["buttons"][0]["payload"])
    assert row.last_step == "R/urgent_medical"  # the question stays open

    several = _row(session, "+15005553002")
    number_options(
        several, [_question("R/level_1", ["a", "b", "done"], multiple=True)], pushed=False
    )
    assert number_options(several, [NOTICE], pushed=True) == [0]
    assert numbered_option(several, "1") is None


def test_whatsapp_is_free_within_24_hours_then_a_template_at_most_hourly(
    session: Session,
) -> None:
    sms, whatsapp = _row(session), _row(session, "whatsapp:+15005553003")
    later = NOW + timedelta(hours=25)
    assert may_send_freely(sms, now=later)
    assert may_send_freely(whatsapp, now=NOW + timedelta(hours=23))
    assert not may_send_freely(whatsapp, now=later)
    assert news_template_due(whatsapp, now=later)
    whatsapp.news_template_sent_at = later
    assert not news_template_due(whatsapp, now=later + timedelta(minutes=59))
    assert news_template_due(whatsapp, now=later + timedelta(hours=1))
    remember_inbound(session, KEY, "twilio", "whatsapp:+15005553003", now=later)
    assert may_send_freely(whatsapp, now=later) and whatsapp.news_template_sent_at is None
