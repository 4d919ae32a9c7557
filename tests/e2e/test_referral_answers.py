"""Providers' answers to referrals end to end: chat -> outbox -> worker -> real twilio client
-> fake Twilio -> signed replies -> API -> the officer's chat. Accepting, declining (the
cascade and the timeout that follow) and forged, stray or replayed replies."""

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from casework.referral_models import Referral
from tests.e2e.conftest import Stack
from tests.e2e.officer import CATALOGS
from tests.e2e.shymkent import (
    NUMBERS,
    assessed_in_shymkent,
    officer_was_told,
    provider_replies,
    referral_by_code,
    send_referral,
    shymkent_shelters,
    sms_to,
)
from tests.waiting import eventually
from translations.bidi import isolate
from translations.sms_segments import segments

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def shelters(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> None:
    # Imported by each module that sends to them, so that either runs alone; a second import
    # changes nothing (records are matched by id).
    shymkent_shelters(stack, tmp_path_factory.mktemp("directory"))


# First here, and this module before test_referrals.py (by name), which sends to ref-a too:
# the first SMS ever sent to ref-a is this test's.
def test_accept_by_sms_reply_tells_the_officer_with_the_hidden_address(
    stack: Stack, shelters: None
) -> None:
    officer, housing = assessed_in_shymkent(stack)
    earlier = len([m for m in stack.twilio.messages if m.to == NUMBERS["ref-a"]])
    code = send_referral(stack, officer, housing, "send")

    # Other modules refer to the same shelters first: this referral's SMS is the next one.
    sms = sms_to(stack, NUMBERS["ref-a"], earlier + 1)[-1]
    assert sms.from_ == stack.twilio.valid_from
    accept_word = CATALOGS.lookup("sms.word.accept", "ru").text.split("/")[0]
    assert code in sms.body and f"1/{accept_word} {code}" in sms.body
    assert segments(sms.body) <= 2
    for private in ("Shymkent", "female", "labour", "trafficking", officer.reference):
        assert private.lower() not in sms.body.lower(), private
    assert f"{stack.api}/r/" in sms.body

    answer = provider_replies(stack, NUMBERS["ref-a"], f"accept {code.lower()}")

    assert CATALOGS.render("sms.accepted", "ru", code=code) in answer
    assert referral_by_code(stack, code).status == "accepted"
    told = officer_was_told(stack, officer, f"referral {code}")
    assert told[0].startswith(f"{isolate('ref-a-ngo (test)')} accepted referral")
    assert "12 Quiet Yard, Almaty, KZ" in told[0]


def test_decline_with_a_reason_cascades_to_the_next_provider(stack: Stack, shelters: None) -> None:
    officer, housing = assessed_in_shymkent(stack)
    code = send_referral(stack, officer, housing, "cascade")
    before_b = len([m for m in stack.twilio.messages if m.to == NUMBERS["ref-b"]])

    provider_replies(stack, NUMBERS["ref-a"], f"DECLINE {code} full until Monday")

    declined = referral_by_code(stack, code)
    assert (declined.status, declined.status_reason) == ("rejected", "no_capacity")
    to_b = sms_to(stack, NUMBERS["ref-b"], before_b + 1)[-1]
    with Session(stack.engine) as session:
        following = session.scalars(select(Referral).where(Referral.previous_id == declined.id))
        next_code = following.one().code
    assert next_code in to_b.body
    told = officer_was_told(stack, officer, f"referral {code}")[0]
    assert "no free place" in told and "full until Monday" in told and next_code in told
    # The next provider does not answer in time: the deadline passes, the third one gets it.
    with Session(stack.engine) as session:
        session.execute(
            update(Referral)
            .where(Referral.code == next_code)
            .values(deadline_at=declined.created_at)
        )
        session.commit()
    eventually(
        lambda: referral_by_code(stack, next_code).status == "cancelled" or None, "the timeout"
    )
    sms_to(stack, NUMBERS["ref-c"])
    assert officer_was_told(stack, officer, "did not answer")


def test_forged_signature_unknown_sender_and_replay_change_nothing(
    stack: Stack, shelters: None
) -> None:
    officer, housing = assessed_in_shymkent(stack)
    code = send_referral(stack, officer, housing, "send")
    url = f"{stack.api}/webhooks/twilio/sms"

    forged = stack.twilio.post_inbound(url, NUMBERS["ref-a"], f"ACCEPT {code}", signature="AAAA")
    assert forged.status_code == 403
    unsigned_url = stack.twilio.post_inbound(
        url, NUMBERS["ref-a"], f"ACCEPT {code}", signature_url="http://evil.example/x"
    )
    assert unsigned_url.status_code == 403
    stranger = stack.twilio.post_inbound(url, "+15005559876", f"ACCEPT {code}")
    assert stranger.status_code == 200 and "<Message>" not in stranger.text
    assert referral_by_code(stack, code).status == "requested"
    help_text = provider_replies(stack, NUMBERS["ref-a"], "yes ok")
    assert "ACCEPT" in help_text and referral_by_code(stack, code).status == "requested"
