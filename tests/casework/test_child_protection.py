"""A presumed child is referred to child protection first, or the officer records why not."""

from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from casework.assessment import needed
from casework.child_protection import (
    NEED_ID,
    ChildProtectionFirst,
    SkipReason,
    add_child_protection_need,
    child_rules_due,
    is_urgent,
    skip,
)
from casework.consent import (
    Consenter,
    Decision,
    Delivery,
    RepresentativeRole,
    Scope,
    record_decision,
)
from casework.models import Case
from casework.referrals import send_chosen_referral
from referral_directory.importer import import_directory
from tests.casework.referral_builders import NOW, OFFICER, POLICY, SCRIPT, ready_case, shelters
from tests.referral_directory.hsds_builders import ALMATY, box, service, write


@pytest.fixture
def child(session: Session, tmp_path: Path) -> Case:
    records = [
        service(
            "shelter-a",  # ready_case chooses it
            eligibility=("children_only",),
            languages=("ru",),
            areas=[box("Almaty", ALMATY)],
        )
    ]
    assert import_directory(session, write(tmp_path / "children.json", records)).ok
    case = ready_case(session, child=True)
    add_child_protection_need(session, case, now=NOW)
    return case


def test_child_protection_comes_first_among_the_needs(session: Session, child: Case) -> None:
    rows = needed(session, child)

    assert [row.need_id for row in rows] == [NEED_ID, "basic.housing"]
    assert rows[0].urgent  # the guardian may be involved: the child is not with a safe adult
    add_child_protection_need(session, child, now=NOW)
    assert len(needed(session, child)) == 2


def test_other_referrals_wait_until_child_protection_was_referred_or_skipped(
    session: Session, child: Case
) -> None:
    with pytest.raises(ChildProtectionFirst):
        send_chosen_referral(
            session, child, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
        )

    skip(session, child, SkipReason.ALREADY_INVOLVED, actor="officer", now=NOW)

    referral = send_chosen_referral(
        session, child, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
    )
    assert referral.status == "requested"
    assert child.child_protection_skip == "already_involved"


def test_an_adult_has_no_child_protection_need(session: Session, tmp_path: Path) -> None:
    shelters(session, tmp_path)
    adult = ready_case(session)

    add_child_protection_need(session, adult, now=NOW)

    assert [row.need_id for row in needed(session, adult)] == ["basic.housing"]
    assert not child_rules_due("appears_under_18", adult)


@pytest.mark.parametrize(
    ("form", "guardian", "urgent"),
    [("sexual", "no", True), ("labour", "no", False), ("labour", "yes", True)],
)
def test_urgent_when_sexual_or_no_safe_adult(
    session: Session, child: Case, form: str, guardian: str, urgent: bool
) -> None:
    child.exploitation_form, child.guardian_may_be_involved = form, guardian
    assert is_urgent(child) is urgent
    assert child_rules_due("appears_under_18", child)


def test_nothing_waits_when_the_representative_did_not_agree_to_child_protection(
    session: Session, child: Case
) -> None:
    # A receipt for shelters only: child protection is not among the kinds agreed to.
    decision = Decision(
        Scope.REFERRALS,
        True,
        Delivery.INTERPRETER,
        Consenter.REPRESENTATIVE,
        True,
        representative_role=RepresentativeRole.SOCIAL_WORKER,
        child_assent=True,
        categories=frozenset({"shelter"}),
    )
    record_decision(session, child, decision, SCRIPT, now=NOW)

    referral = send_chosen_referral(
        session, child, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
    )

    assert referral.status == "requested"
