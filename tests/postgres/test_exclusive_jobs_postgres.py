"""Two workers on one PostgreSQL database never run the same periodic job at once, and the
second reads what the first committed."""

from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from casework.exclusive_jobs import run_alone


def test_a_job_held_by_one_transaction_is_skipped_by_another_until_it_commits(
    postgres_url: str,
) -> None:
    engine = create_engine(postgres_url)
    try:
        with Session(engine) as first, Session(engine) as second:
            assert run_alone(first, "expire_overdue")
            assert not run_alone(second, "expire_overdue")
            second.rollback()
            # Another job is not held by the first.
            assert run_alone(second, "seal_audit_trail")
            second.commit()

            first.commit()

            assert run_alone(second, "expire_overdue")
            second.commit()
    finally:
        engine.dispose()
