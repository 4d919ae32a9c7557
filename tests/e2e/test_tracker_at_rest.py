"""Rasa's tracker store on the real stack holds no readable transcript: a typed area, a hidden
shelter address released to the officer and a provider's note with a name and a phone number
are in the conversation Rasa serves back, and nowhere in the tracker database file; the app
still finds the case's conversation there (erasure, legal hold, purge)."""

import pytest

from casework.transcripts import TranscriptStore
from passage.core.field_crypto import current_keyring
from tests.e2e.conftest import Stack
from tests.e2e.shymkent import (
    HIDDEN,
    NUMBERS,
    assessed_in_shymkent,
    officer_was_told,
    provider_replies,
    send_referral,
    shymkent_shelters,
    sms_to,
)

pytestmark = pytest.mark.e2e

AREA = "Shymkent, Karatau district"
NOTE_NAME = "Gulnara Seitkali"
NOTE_PHONE = "+77015550199"


@pytest.fixture(scope="module")
def shelters(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> None:
    shymkent_shelters(stack, tmp_path_factory.mktemp("directory"))


def test_the_tracker_store_keeps_transcripts_encrypted(stack: Stack, shelters: None) -> None:
    accepted, housing = assessed_in_shymkent(stack, area=AREA)
    earlier = len([m for m in stack.twilio.messages if m.to == NUMBERS["ref-a"]])
    code = send_referral(stack, accepted, housing, "send")
    sms_to(stack, NUMBERS["ref-a"], earlier + 1)
    provider_replies(stack, NUMBERS["ref-a"], f"accept {code}")
    told = officer_was_told(stack, accepted, f"referral {code}")
    assert HIDDEN["address_1"] in told[0]

    declined, housing = assessed_in_shymkent(stack, area=AREA)
    earlier = len([m for m in stack.twilio.messages if m.to == NUMBERS["ref-a"]])
    code = send_referral(stack, declined, housing, "send")
    sms_to(stack, NUMBERS["ref-a"], earlier + 1)
    provider_replies(stack, NUMBERS["ref-a"], f"DECLINE {code} other {NOTE_NAME} {NOTE_PHONE}")
    officer_was_told(stack, declined, NOTE_NAME)

    # Rasa serves the conversations back in the clear ...
    said = " ".join(stack.tracker_texts(accepted.sender) + stack.tracker_texts(declined.sender))
    assert HIDDEN["address_1"] in said and NOTE_NAME in said

    # ... and its database holds none of it.
    rows = stack.tracker_rows()
    senders = {sender for sender, _data in rows}
    assert {accepted.sender, declined.sender} <= senders
    keyring = current_keyring()  # the stack's keys (PASSAGE_DATA_KEYS of the e2e session)
    assert {keyring.key_id_of(data) for _sender, data in rows} == {keyring.current_key_id}
    stored = stack.tracker_stored_text()
    for personal in ("Quiet Yard", "Karatau", NOTE_NAME, NOTE_PHONE, "5550199", accepted.reference):
        assert personal not in stored, personal

    # The app still links the case to its conversation, to erase it or keep it under a hold.
    store = TranscriptStore(stack.settings.resolved_tracker_url)
    try:
        assert accepted.sender in store.naming({accepted.reference})
    finally:
        store.close()
