"""Belongings the police hold, over REST: the officer ticks the kinds, records a receipt the
person can be shown, and later records that the belongings were returned."""

import re
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.belongings import step_payload
from casework.models import BelongingsReceipt
from tests.e2e.conftest import Stack
from tests.e2e.officer import ADULT_TO_CONSENT, Officer, en, walk

pytestmark = pytest.mark.e2e

RECEIPT = re.compile(r"\bB-[A-Z2-9]{6}\b")


def _payloads(reply: dict[str, Any]) -> list[str]:
    return [button["payload"] for button in reply.get("buttons", [])]


def test_the_police_record_belongings_with_a_receipt_and_return_them(stack: Stack) -> None:
    officer = Officer(stack)
    officer.start()
    walk(officer, ADULT_TO_CONSENT)  # the person speaks Russian

    (asked,) = stack.say(officer.sender, "/belongings")  # the interview waits meanwhile
    assert asked["text"].startswith(
        en("belongings.choose").format(case_reference=officer.reference)
    ), asked
    assert step_payload("phone") in _payloads(asked)
    stack.say(officer.sender, step_payload("phone"))
    (ticked,) = stack.say(officer.sender, step_payload("money"))
    assert "✓ " + en("belongings.kind.money") in [b["title"] for b in ticked["buttons"]]

    receipt, for_the_person, *interview = stack.say(officer.sender, step_payload("done"))

    found = RECEIPT.search(receipt["text"])
    assert found, receipt
    code = found.group(0)
    assert receipt["text"] == en("belongings.recorded").format(
        code=code, case_reference=officer.reference, kinds="Phone, Money"
    )
    assert _payloads(receipt) == [step_payload(f"returned {code}")]
    person = for_the_person["text"]
    assert person.startswith(en("intake.for_the_person"))
    assert f"Код вашей квитанции: {code}." in person  # in the person's language
    assert "- Телефон" in person and "- Деньги" in person
    # The officer's language beside it (a blank line apart: the channel sends it on its own).
    officers = en("person.belongings_receipt").format(code=code) + "\n- Phone\n- Money"
    assert interview[0]["text"] == officers, interview
    asked_again = en("ask.consent_decisions")
    assert any(r.get("text", "").startswith(asked_again) for r in interview), interview
    with Session(stack.engine) as session:
        row = session.scalars(select(BelongingsReceipt).where(BelongingsReceipt.code == code)).one()
        assert (row.kinds, row.returned_at) == ("phone money", None)
        assert row.case_id == officer.case(session).id

    returned = officer.say(step_payload(f"returned {code}"))
    assert returned[0] == en("belongings.returned").format(code=code)
    again = officer.say(step_payload(f"returned {code}"))
    assert again[0] == en("belongings.already_returned").format(code=code)
    with Session(stack.engine) as session:
        row = session.scalars(select(BelongingsReceipt).where(BelongingsReceipt.code == code)).one()
        assert row.returned_at is not None

    # The interview goes on where it was: the consent question is still the open one.
    walk(officer, [("1 2", "level_1")])
