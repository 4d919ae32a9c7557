"""A Rasa tracker database and cases with everything a case can hold, for retention tests.

The `events` table is created with Rasa 3.6's own DDL (rasa.core.tracker_store.SQLEvent),
written out here rather than taken from casework.transcripts, so a drift between the two shows.
"""

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.account_models import StaffAccount
from casework.consent import Consenter, ConsentScript, Decision, Delivery, Scope, record_decision
from casework.db import Base
from casework.models import AssessedNeed, Case, IntakeAnswer, ProviderChoice
from casework.outbox import enqueue
from casework.referral_models import CaseFlag, Referral, ReferralEvent, ReferralNeed
from casework.transcripts import EVENT_DATA_LABEL
from passage.core.field_crypto import current_keyring

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
SCRIPT = ConsentScript("consent.adult", "1", "ru", "text")
PROVIDER_NUMBER = "+15005551001"
PARTNER_URL = "https://partner.example.org/fhir"

RASA_EVENTS_DDL = """
CREATE TABLE events (
    id INTEGER NOT NULL,
    sender_id VARCHAR(255) NOT NULL,
    type_name VARCHAR(255) NOT NULL,
    timestamp FLOAT,
    intent_name VARCHAR(255),
    action_name VARCHAR(255),
    data TEXT,
    PRIMARY KEY (id)
);
CREATE INDEX ix_events_sender_id ON events (sender_id);
"""


def tracker_db(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as connection:
        connection.executescript(RASA_EVENTS_DDL)
    return path


def _event(
    sender: str, type_name: str, at: datetime, encrypted: bool, **data: object
) -> tuple[object, ...]:
    payload = json.dumps({"event": type_name, "timestamp": at.timestamp(), **data})
    if encrypted:  # as our tracker store writes it (bot/encrypted_tracker_store.py)
        payload = current_keyring().encrypt(EVENT_DATA_LABEL, payload)
    intent = data.get("parse_data", {}) if type_name == "user" else None
    intent_name = intent.get("intent", {}).get("name") if isinstance(intent, dict) else None
    return (sender, type_name, at.timestamp(), intent_name, data.get("name"), payload)


def add_conversation(
    path: Path,
    sender: str,
    last_event_at: datetime,
    reference: str | None = None,
    *,
    encrypted: bool = True,
) -> None:
    """A user message, the case slot (if any) and a bot answer, the last at `last_event_at`;
    `encrypted=False` writes them as Rasa's own SQL tracker store did (plain JSON)."""
    start = last_event_at - timedelta(minutes=5)
    rows = [
        _event(
            sender,
            "user",
            start,
            encrypted,
            text="I met a person who needs shelter",
            parse_data={"intent": {"name": "open_case"}},
        )
    ]
    if reference is not None:
        rows.append(
            _event(sender, "slot", start, encrypted, name="case_reference", value=reference)
        )
    rows.append(_event(sender, "bot", last_event_at, encrypted, text="Case opened."))
    with sqlite3.connect(path) as connection:
        connection.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp, intent_name, action_name, data)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )


def senders(path: Path) -> set[str]:
    with sqlite3.connect(path) as connection:
        return {row[0] for row in connection.execute("SELECT DISTINCT sender_id FROM events")}


def account(
    session: Session,
    username: str,
    role: str,
    *,
    unit: str | None = "unit-1",
    region: str | None = "north",
) -> StaffAccount:
    staff = StaffAccount(
        organization_id="police",
        username=username,
        password_hash="not-used",
        role=role,
        unit=unit,
        region=region,
        disabled=False,
        failed_logins=0,
        created_at=NOW,
    )
    session.add(staff)
    session.flush()
    return staff


def full_case(
    session: Session,
    reference: str,
    *,
    officer: StaffAccount | None = None,
    status: str = "open",
    closed_at: datetime | None = None,
    referral_status: str = "requested",
    channel: str = "sms",
    provider_language: str = "ru",
    conversation: str = "officer-conversation",
) -> Case:
    """An adult case in Almaty with answers, a need, a choice, a flag, consent and a referral."""
    case = Case(
        reference=reference,
        status=status,
        channel="rest",
        officer_account_id=officer.id if officer is not None else None,
        unit=officer.unit if officer is not None else "unit-1",
        region=officer.region if officer is not None else "north",
        opened_at=NOW - timedelta(days=400),
        resume_count=0,
        closed_at=closed_at,
        appears_under_18="no",
        gender="female",
        person_language="uz",
        area="Behind the old bus depot",
        exploitation_form="labour",
    )
    session.add(case)
    session.flush()
    session.add(
        IntakeAnswer(
            case_id=case.id,
            question_id="area",
            value="Behind the old bus depot",
            final=True,
            answered_at=NOW,
        )
    )
    session.add(
        AssessedNeed(
            case_id=case.id, need_id="basic.housing", answer="yes", urgent=True, recorded_at=NOW
        )
    )
    session.add(
        ProviderChoice(
            case_id=case.id, need_id="basic.housing", service_at_location_id="sal-a", chosen_at=NOW
        )
    )
    session.add(CaseFlag(case_id=case.id, kind="no_provider_left", raised_at=NOW))
    record_decision(
        session,
        case,
        Decision(Scope.REFERRALS, True, Delivery.INTERPRETER, Consenter.PERSON, True),
        SCRIPT,
        now=NOW - timedelta(days=1),
    )
    referral = Referral(
        case_id=case.id,
        code=f"C{reference[:4]}{reference[5]}",
        service_at_location_id="sal-a",
        organization_id="provider-org",
        channel=channel,
        recipient=PROVIDER_NUMBER if channel == "sms" else PARTNER_URL,
        provider_language=provider_language,
        category="shelter",
        urgent=True,
        status=referral_status,
        status_reason="no_capacity" if referral_status == "rejected" else None,
        status_text="Call Aigerim on +7 700 000 0000" if referral_status == "rejected" else None,
        created_at=NOW - timedelta(days=1),
        updated_at=NOW - timedelta(days=1),
        deadline_at=NOW + timedelta(hours=1),
        officer_conversation=conversation,
        officer_language="en",
        cascade=False,
        link_token_sha256=f"{reference}-token-hash",
        link_expires_at=NOW + timedelta(days=2),
    )
    session.add(referral)
    session.flush()
    session.add(ReferralNeed(referral_id=referral.id, need_id="basic.housing"))
    session.add(
        ReferralEvent(
            referral_id=referral.id, to_status="requested", actor="officer", at=referral.created_at
        )
    )
    enqueue(
        session,
        channel,
        referral.recipient,
        f"Passage referral {referral.code}: shelter, 1 adult, urgent.",
        referral_id=referral.id,
        now=referral.created_at,
    )
    session.flush()
    return case


def count(session: Session, table: type[Base], case_id: int) -> int:
    """Rows of `table` that belong to the case."""
    query = select(func.count()).select_from(table).where(table.__table__.c.case_id == case_id)
    return session.scalar(query) or 0
