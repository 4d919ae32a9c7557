"""One row with a value in every encrypted column, made straight with the ORM, and raw reads."""

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from casework.account_models import StaffAccount
from casework.models import Case, IntakeAnswer
from casework.referral_models import PartnerPushSecret, Referral
from passage.config import get_settings
from referral_directory.models import Location, XConfidentialAddress

NOW = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)
ADDRESS = {"address_1": "7 Hidden Lane", "city": "Almaty", "country": "KZ"}
# What each encrypted column holds after `write_one_of_each`, as stored by the application.
PLAINTEXTS: dict[str, Any] = {
    "case.area": "Behind the old bus depot",
    "intake_answer.value": "Behind the old bus depot",
    "referral.status_text": "We are full tonight, call Aigerim on +7 700 000 0000",
    "partner_push_secret.secret": "push-secret-0123456789abcdef",
    "staff_account.totp_secret": "JBSWY3DPEHPK3PXP",
    "x_confidential_address.address": ADDRESS,
}
# The text of the plaintexts that must never appear in a raw column.
SECRET_WORDS = ("Behind the old bus depot", "Aigerim", "push-secret", "JBSWY3DP", "Hidden Lane")


def line(key_id: str) -> str:
    """A fixed test key (never used outside tests): 32 bytes of one repeated character."""
    import base64

    return f"{key_id}:{base64.urlsafe_b64encode(key_id[0].encode() * 32).decode()}"


def use_keys(monkeypatch: pytest.MonkeyPatch, *lines: str) -> None:
    monkeypatch.setenv("PASSAGE_DATA_KEYS", ",".join(lines))
    get_settings.cache_clear()


def write_one_of_each(session: Session) -> int:
    """Returns the case id."""
    case = Case(reference="ABCD-1234", channel="rest", opened_at=NOW, area=PLAINTEXTS["case.area"])
    session.add(case)
    session.flush()
    session.add(
        IntakeAnswer(
            case_id=case.id,
            question_id="area",
            value=PLAINTEXTS["intake_answer.value"],
            final=True,
            answered_at=NOW,
        )
    )
    session.add(
        Referral(
            case_id=case.id,
            code="R1234567",
            service_at_location_id="sal-1",
            organization_id="org-1",
            channel="sms",
            recipient="+15005551001",
            provider_language="en",
            category="shelter",
            status="rejected",
            status_reason="no_capacity",
            status_text=PLAINTEXTS["referral.status_text"],
            created_at=NOW,
            updated_at=NOW,
            deadline_at=NOW,
            officer_conversation="officer-1",
            officer_language="en",
        )
    )
    session.add(
        PartnerPushSecret(
            organization_id="org-1",
            secret=PLAINTEXTS["partner_push_secret.secret"],
            created_at=NOW,
        )
    )
    session.add(
        StaffAccount(
            organization_id="org-1",
            username="intake.one",
            password_hash="!",
            role="intake",
            totp_secret=PLAINTEXTS["staff_account.totp_secret"],
            disabled=False,
            failed_logins=0,
            created_at=NOW,
        )
    )
    session.add(Location(id="loc-1", location_type="physical", x_confidential=True, extra={}))
    session.flush()
    session.add(XConfidentialAddress(location_id="loc-1", address=ADDRESS))
    session.flush()
    return case.id


def read_back(session: Session) -> dict[str, Any]:
    """Every encrypted value through the ORM, as the application sees it."""
    session.expunge_all()
    referral = session.query(Referral).one()
    return {
        "case.area": session.query(Case).one().area,
        "intake_answer.value": session.query(IntakeAnswer).one().value,
        "referral.status_text": referral.status_text,
        "partner_push_secret.secret": session.get(PartnerPushSecret, "org-1").secret,  # type: ignore[union-attr]
        "staff_account.totp_secret": session.query(StaffAccount).one().totp_secret,
        "x_confidential_address.address": session.get(XConfidentialAddress, "loc-1").address,  # type: ignore[union-attr]
    }


def raw_values(session: Session) -> dict[str, str]:
    """The stored text of each encrypted column, read with plain SQL."""
    found = {}
    for label in PLAINTEXTS:
        table, column = label.split(".")
        found[label] = session.execute(text(f'SELECT "{column}" FROM "{table}"')).scalar_one()
    return found
