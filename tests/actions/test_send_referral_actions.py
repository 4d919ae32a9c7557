"""What the officer is told on sending a referral: queued, and whether it can leave; never
"sent" (the worker sends it after the answer, or nothing can)."""

import re
from pathlib import Path

import pytest
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.referrals import ActionSendReferral
from passage.config import get_settings
from tests.actions.conftest import tracker_for
from tests.casework.referral_builders import ready_case, shelters
from translations.catalog import shipped_catalogs

MODES = {
    "referral.queued_sms": {
        "PASSAGE_TWILIO_ACCOUNT_SID": "AC" + "1" * 32,
        "PASSAGE_TWILIO_AUTH_TOKEN": "t" * 32,
        "PASSAGE_TWILIO_FROM_NUMBER": "+15005550006",
    },
    "referral.queued_sandbox": {"PASSAGE_SMS_SANDBOX_TOKEN": "s" * 32},
    "referral.queued_sms_off": {},
}


@pytest.mark.parametrize("message_id", sorted(MODES))
def test_the_officer_is_told_queued_and_how_it_leaves(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, message_id: str
) -> None:
    for name, value in MODES[message_id].items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    shelters(session, tmp_path)
    case = ready_case(session)
    session.commit()
    tracker = tracker_for(
        '/send_referral{"referral_request": "basic.housing send"}',
        "send_referral",
        entities=[{"entity": "referral_request", "value": "basic.housing send"}],
        slots={"case_reference": case.reference},
    )
    dispatcher = CollectingDispatcher()

    ActionSendReferral().run(dispatcher, tracker, {})

    (said,) = [m["text"] for m in dispatcher.messages]
    template = shipped_catalogs().lookup(message_id, "en").text
    assert all(part in said for part in re.split(r"\{[a-z_]+\}", template)), said
    assert " sent " not in said
