"""A little of the domain on PostgreSQL: a referral sent and accepted, and every encrypted
column written and read back, each committed and read in a new session."""

from pathlib import Path

from sqlalchemy import select

from casework.outbox import Kind
from casework.referral_models import OutboxMessage, Referral, ReferralEvent
from casework.referrals import send_chosen_referral
from casework.sms_replies import Outcome, handle_sms_reply
from passage.config import Settings, session_factory, unit_of_work
from tests.casework.encrypted_rows import (
    PLAINTEXTS,
    SECRET_WORDS,
    raw_values,
    read_back,
    write_one_of_each,
)
from tests.casework.referral_builders import NOW, NUMBERS, OFFICER, POLICY, ready_case, shelters


def test_a_referral_is_sent_and_accepted(postgres_database: Settings, tmp_path: Path) -> None:
    with unit_of_work() as session:
        shelters(session, tmp_path)
        case = ready_case(session)
        code = send_chosen_referral(
            session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
        ).code

    with unit_of_work() as session:
        reply = handle_sms_reply(
            session,
            sender=NUMBERS["shelter-a"],
            body=f"accept {code.lower()}",
            carrier_id="SM1",
            policy=POLICY,
            now=NOW,
        )
        assert reply.outcome == Outcome.ACCEPTED

    with session_factory()() as session:
        referral = session.scalars(select(Referral)).one()
        assert (referral.code, referral.status) == (code, "accepted")
        moves = session.scalars(
            select(ReferralEvent).where(ReferralEvent.referral_id == referral.id)
        ).all()
        assert ("requested", "accepted") in {(e.from_status, e.to_status) for e in moves}
        kinds = session.scalars(select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
        assert kinds == [Kind.SMS.value, Kind.OFFICER_NOTICE.value]


def test_encrypted_columns_round_trip(postgres_database: Settings) -> None:
    with unit_of_work() as session:
        write_one_of_each(session)

    with session_factory()() as session:
        assert read_back(session) == PLAINTEXTS
        stored = " ".join(str(value) for value in raw_values(session).values())
    assert not any(word in stored for word in SECRET_WORDS)
