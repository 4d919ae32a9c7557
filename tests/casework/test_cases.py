from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.cases import (
    MayNotOpenCase,
    ReferenceSpaceExhausted,
    find_resumable_case,
    open_case,
    resume_case,
)
from casework.models import Case
from casework.references import InvalidReference
from casework.referral_models import AuditEntry
from casework.roles import ADMIN, CASEWORKER, COORDINATOR, INTAKE
from tests.casework.account_builders import account

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def test_open_case_stores_an_open_case_with_a_reference(session: Session) -> None:
    case = open_case(session, channel="rest", now=NOW, officer=account(session))
    session.commit()
    stored = session.scalars(select(Case)).one()
    assert stored.reference == case.reference
    assert stored.status == "open"
    assert stored.channel == "rest"
    assert stored.opened_at == NOW


def test_a_case_records_its_officer_unit_and_region(session: Session) -> None:
    officer = account(session, unit="unit-7", region="east")
    case = open_case(session, channel="rest", now=NOW, officer=officer)
    assert (case.officer_account_id, case.unit, case.region) == (officer.id, "unit-7", "east")
    opened = session.scalars(select(AuditEntry).where(AuditEntry.case_id == case.id)).one()
    assert (opened.actor, opened.action, opened.source) == ("officer.one", "case.open", "rest")


@pytest.mark.parametrize("role", [COORDINATOR, INTAKE, ADMIN])
def test_only_officers_and_caseworkers_open_cases(session: Session, role: str) -> None:
    with pytest.raises(MayNotOpenCase):
        open_case(
            session, channel="rest", now=NOW, officer=account(session, "x." + role, role=role)
        )
    assert session.scalar(select(func.count()).select_from(Case)) == 0


def test_a_disabled_officer_opens_no_case(session: Session) -> None:
    officer = account(session)
    officer.disabled = True
    with pytest.raises(MayNotOpenCase):
        open_case(session, channel="rest", now=NOW, officer=officer)


def test_find_resumable_case_accepts_the_code_as_typed(session: Session) -> None:
    case = open_case(session, channel="rest", now=NOW, officer=account(session))
    session.commit()
    typed = case.reference.lower().replace("-", " ")
    assert find_resumable_case(session, typed, account(session), now=NOW) is case


def test_a_case_is_found_only_by_those_who_may_see_it(session: Session) -> None:
    owner = account(session, unit="unit-1", region="north")
    case = open_case(session, channel="rest", now=NOW, officer=owner)
    session.commit()
    sees = {
        "other officer, same unit": account(session, "o2", unit="unit-1", region="north"),
        "caseworker, same unit": account(session, "c1", role=CASEWORKER, unit="unit-1"),
        "caseworker, other unit": account(session, "c2", role=CASEWORKER, unit="unit-2"),
        "coordinator, same region": account(session, "k1", role=COORDINATOR, region="north"),
        "coordinator, other region": account(session, "k2", role=COORDINATOR, region="south"),
        "admin": account(session, "a1", role=ADMIN, unit="unit-1", region="north"),
        "intake": account(session, "i1", role=INTAKE, unit="unit-1", region="north"),
    }
    found = {
        who: find_resumable_case(session, case.reference, v, now=NOW) is case
        for who, v in sees.items()
    }
    assert found == {
        "other officer, same unit": False,
        "caseworker, same unit": True,
        "caseworker, other unit": False,
        "coordinator, same region": True,
        "coordinator, other region": False,
        "admin": False,
        "intake": False,
    }
    assert find_resumable_case(session, case.reference, owner, now=NOW) is case


def test_find_resumable_case_ignores_closed_cases(session: Session) -> None:
    case = open_case(session, channel="rest", now=NOW, officer=account(session))
    case.status = "closed"
    session.commit()
    assert find_resumable_case(session, case.reference, account(session), now=NOW) is None


def test_find_resumable_case_refuses_text_that_is_no_code(session: Session) -> None:
    with pytest.raises(InvalidReference):
        find_resumable_case(session, "my name is Anna", account(session), now=NOW)


def test_resume_counts_timestamps_and_is_audited_as_a_read(session: Session) -> None:
    officer = account(session)
    case = open_case(session, channel="rest", now=NOW, officer=officer)
    resume_case(session, case, officer, now=NOW + timedelta(days=3), source="telegram")
    resume_case(session, case, officer, now=NOW + timedelta(days=4), source="rest")
    session.commit()
    assert case.resume_count == 2
    assert case.last_resumed_at == NOW + timedelta(days=4)
    reads = session.scalars(
        select(AuditEntry.source).where(AuditEntry.action == "case.resume")
    ).all()
    assert reads == ["telegram", "rest"]


def test_a_reference_collision_is_retried(session: Session) -> None:
    first = open_case(session, channel="rest", now=NOW, officer=account(session))
    session.commit()
    codes = iter([first.reference, "ZZZZ-2222"])
    second = open_case(
        session,
        channel="rest",
        now=NOW,
        officer=account(session),
        make_reference=lambda: next(codes),
    )
    session.commit()
    assert second.reference == "ZZZZ-2222"
    assert session.scalar(select(func.count()).select_from(Case)) == 2


def test_endless_collisions_are_an_error_not_a_loop(session: Session) -> None:
    first = open_case(session, channel="rest", now=NOW, officer=account(session))
    session.commit()
    with pytest.raises(ReferenceSpaceExhausted):
        open_case(
            session,
            channel="rest",
            now=NOW,
            officer=account(session),
            make_reference=lambda: first.reference,
        )


def test_a_paused_case_is_resumable_and_resuming_reopens_it(session: Session) -> None:
    case = open_case(session, channel="rest", now=NOW, officer=account(session))
    case.status = "paused"
    session.commit()
    found = find_resumable_case(session, case.reference, account(session), now=NOW)
    assert found is case
    resume_case(session, case, account(session), now=NOW, source="rest")
    assert case.status == "open"
