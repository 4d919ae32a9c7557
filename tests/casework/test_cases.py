from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.cases import ReferenceSpaceExhausted, find_resumable_case, open_case, resume_case
from casework.models import Case
from casework.references import InvalidReference

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)


def test_open_case_stores_an_open_case_with_a_reference(session: Session) -> None:
    case = open_case(session, channel="rest", now=NOW)
    session.commit()
    stored = session.scalars(select(Case)).one()
    assert stored.reference == case.reference
    assert stored.status == "open"
    assert stored.channel == "rest"
    assert stored.opened_at == NOW


def test_find_resumable_case_accepts_the_code_as_typed(session: Session) -> None:
    case = open_case(session, channel="rest", now=NOW)
    session.commit()
    typed = case.reference.lower().replace("-", " ")
    assert find_resumable_case(session, typed) is case


def test_find_resumable_case_ignores_closed_cases(session: Session) -> None:
    case = open_case(session, channel="rest", now=NOW)
    case.status = "closed"
    session.commit()
    assert find_resumable_case(session, case.reference) is None


def test_find_resumable_case_refuses_text_that_is_no_code(session: Session) -> None:
    with pytest.raises(InvalidReference):
        find_resumable_case(session, "my name is Anna")


def test_resume_counts_and_timestamps(session: Session) -> None:
    case = open_case(session, channel="rest", now=NOW)
    resume_case(case, now=NOW + timedelta(days=3))
    resume_case(case, now=NOW + timedelta(days=4))
    session.commit()
    assert case.resume_count == 2
    assert case.last_resumed_at == NOW + timedelta(days=4)


def test_a_reference_collision_is_retried(session: Session) -> None:
    first = open_case(session, channel="rest", now=NOW)
    session.commit()
    codes = iter([first.reference, "ZZZZ-2222"])
    second = open_case(session, channel="rest", now=NOW, make_reference=lambda: next(codes))
    session.commit()
    assert second.reference == "ZZZZ-2222"
    assert session.scalar(select(func.count()).select_from(Case)) == 2


def test_endless_collisions_are_an_error_not_a_loop(session: Session) -> None:
    first = open_case(session, channel="rest", now=NOW)
    session.commit()
    with pytest.raises(ReferenceSpaceExhausted):
        open_case(session, channel="rest", now=NOW, make_reference=lambda: first.reference)


def test_a_paused_case_is_resumable_and_resuming_reopens_it(session: Session) -> None:
    case = open_case(session, channel="rest", now=NOW)
    case.status = "paused"
    session.commit()
    found = find_resumable_case(session, case.reference)
    assert found is case
    resume_case(case, now=NOW)
    assert case.status == "open"
