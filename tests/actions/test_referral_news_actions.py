"""Referral news in the chat: told when shown, on each kind of channel."""

from pathlib import Path

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.referrals import ActionReferralNews
from casework.referral_models import ReferralEvent
from casework.referral_notices import mark_shown
from casework.referral_policy import Officer
from casework.referrals import send_chosen_referral
from casework.sms_replies import handle_sms_reply
from tests.actions.conftest import SENDER, tracker_for
from tests.casework.account_builders import account, enrol
from tests.casework.referral_builders import NOW, NUMBERS, POLICY, ready_case, shelters
from translations.catalog import shipped_catalogs

WEB_SENDER = "web-0123456789abcdef0123456789abcdef"
WOKEN = "EXTERNAL: referral_news"  # what Rasa records for the worker's trigger_intent


def _accepted_from(session: Session, tmp_path: Path, conversation: str) -> str:
    shelters(session, tmp_path)
    referral = send_chosen_referral(
        session,
        ready_case(session),
        "basic.housing",
        Officer(conversation, "en"),
        POLICY,
        cascade=False,
        now=NOW,
    )
    handle_sms_reply(
        session,
        sender=NUMBERS["shelter-a"],
        body=f"ACCEPT {referral.code}",
        carrier_id="SM-accept",
        policy=POLICY,
        now=NOW,
    )
    session.commit()
    return referral.code


def _untold(session: Session) -> int:
    session.expire_all()
    return len(
        session.scalars(
            select(ReferralEvent).where(
                ReferralEvent.told_at.is_(None), ReferralEvent.actor != "officer"
            )
        ).all()
    )


def _news(text: str, channel: str, sender: str) -> list[dict]:
    dispatcher = CollectingDispatcher()
    tracker = tracker_for(text, "referral_news", channel=channel, sender=sender)
    assert ActionReferralNews().run(dispatcher, tracker, {}) == []
    return dispatcher.messages


def test_a_wake_up_on_the_rest_channel_says_nothing_and_keeps_the_news(
    session: Session, tmp_path: Path
) -> None:
    code = _accepted_from(session, tmp_path, SENDER)

    assert _news(WOKEN, "rest", SENDER) == []
    assert _untold(session) == 1

    (told,) = _news("any news?", "rest", SENDER)
    assert code in told["text"] and "7 Hidden Lane" in told["text"]
    assert _untold(session) == 0
    assert [m["text"] for m in _news("any news?", "rest", SENDER)] == [
        shipped_catalogs().lookup("referral.no_news", "en").text
    ]


@pytest.mark.parametrize("text", [WOKEN, "any news?"])
def test_web_chat_news_names_its_event_and_is_told_when_the_page_shows_it(
    session: Session, tmp_path: Path, text: str
) -> None:
    enrol(session, account(session), WEB_SENDER, channel="webchat")
    session.commit()
    code = _accepted_from(session, tmp_path, WEB_SENDER)

    (notice,) = _news(text, "webchat", WEB_SENDER)

    assert code in notice["text"]
    event_id = notice["custom"]["passage"]["notice"]
    # Pushed or asked for, untold until the page says it showed it: an answer lost on its way
    # (the page got no reply) leaves the news for the next "any news?".
    assert _untold(session) == 1
    assert mark_shown(session, account(session).id, WEB_SENDER, [event_id], now=NOW) == 1
    session.commit()
    assert _untold(session) == 0
