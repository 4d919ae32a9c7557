"""How an operation's readiness and board read in the chat."""

from datetime import timedelta
from pathlib import Path

from sqlalchemy.orm import Session

from actions.operation_view import board_text, readiness_text
from casework.capacity_requests import release_after_window
from tests.casework.held_place_builders import grouped, hold, planned, shelters
from tests.casework.referral_builders import NOW
from translations.catalog import shipped_catalogs

CATALOGS = shipped_catalogs()
HOUSING = CATALOGS.lookup("need.basic.housing", "en").text


def test_readiness_says_held_and_taken_places_and_a_group_nobody_could_be_asked_for(
    session: Session, tmp_path: Path
) -> None:
    shelters(session, tmp_path)
    plan = planned(session)
    hold(session, plan, "shelter-b", 2)  # for the three women; nobody asked for the girl

    lines = readiness_text(session, plan, "en").splitlines()

    assert lines[1] == CATALOGS.render(
        "operation.readiness.need",
        "en",
        need=HOUSING,
        group=CATALOGS.lookup("operation.group.adults", "en").text,
        held=2,
        taken=0,
        wanted=3,
        missing=1,
        silent=0,
    )
    assert lines[2] == CATALOGS.render(
        "operation.readiness.nobody_asked",
        "en",
        need=HOUSING,
        group=CATALOGS.lookup("operation.group.minors", "en").text,
        wanted=1,
    )
    assert CATALOGS.lookup("operation.readiness.released", "en").text not in lines
    release_after_window(session, now=NOW + timedelta(days=1))
    after = readiness_text(session, plan, "en")
    assert after.endswith(CATALOGS.lookup("operation.readiness.released", "en").text)


def test_the_board_lists_each_case_by_reference_with_its_needs_status(
    session: Session, tmp_path: Path
) -> None:
    shelters(session, tmp_path)
    plan = planned(session)
    assert (
        board_text(session, plan, "en", now=NOW).splitlines()[1]
        == CATALOGS.lookup("operation.board.empty", "en").text
    )
    case = grouped(session, plan, child=True)

    lines = board_text(session, plan, "en", now=NOW).splitlines()

    assert lines[0] == CATALOGS.render("operation.board.title", "en", code=plan.code, count=1)
    assert lines[1].startswith(f"- {case.reference}")
    assert CATALOGS.lookup("operation.board.child", "en").text in lines[1]
    assert f"{HOUSING}: {CATALOGS.lookup('operation.board.no_referral', 'en').text}" in lines[1]
