"""The readiness page shows the places referrals of the operation's cases took."""

from fastapi.testclient import TestClient
from sqlalchemy import select

from casework.account_models import StaffAccount
from casework.operation_cases import put_under_operation
from casework.operation_models import CapacityRequest, OperationPlan
from casework.proposals import choose_provider
from casework.referrals import send_chosen_referral
from passage.config import unit_of_work
from tests.api import test_operation_pages as pages
from tests.api.staff_world import World, log_in
from tests.casework.referral_builders import NOW, OFFICER, POLICY, ready_case

# The readiness page's world and plan: one shelter holds 3 places for the adults.
world = pages.world
code = pages.code
client = pages.client


def test_a_column_shows_the_places_referrals_took_once_there_are_some(
    client: TestClient, world: World, code: str
) -> None:
    log_in(client, "coordinator", world)
    assert "Taken by referrals" not in client.get(f"/operations/{code}").text
    with unit_of_work() as session:
        plan = session.scalars(select(OperationPlan).where(OperationPlan.code == code)).one()
        held = session.scalars(
            select(CapacityRequest).where(
                CapacityRequest.operation_id == plan.id, CapacityRequest.places_held > 0
            )
        ).one()
        coordinator = session.get(StaffAccount, world.accounts["coordinator"])
        assert coordinator is not None
        case = ready_case(session)
        put_under_operation(session, coordinator, case, plan, now=NOW)
        need = "basic.housing"
        choose_provider(session, case, need, held.service_at_location_id, POLICY.rules, now=NOW)
        send_chosen_referral(session, case, need, OFFICER, POLICY, cascade=False, now=NOW)

    page = client.get(f"/operations/{code}")

    assert pages.rows(page.text)[:3] == [
        [
            "Need",
            "For",
            "Places wanted",
            "Held",
            "Taken by referrals",
            "Still missing",
            "Providers not answering",
        ],
        [pages.HOUSING, "Adults", "4", "3", "1", "1", "1"],
        [pages.HOUSING, "Presumed minors", "2", "0", "0", "2", pages.NOBODY_ASKED],
    ]
