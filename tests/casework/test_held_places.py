"""Referrals of an operation's persons use the places providers held (casework.held_places)."""

from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.capacity_replies import Outcome as CapacityOutcome
from casework.capacity_replies import handle_capacity_answer
from casework.capacity_requests import readiness, release_after_window, release_sms
from casework.held_places import HeldForAdults, held_places
from casework.models import Case
from casework.operation_models import CapacityRequest, OperationPlan
from casework.proposals import choose_provider, propose_providers
from casework.referral_models import AuditEntry, OutboxMessage, Referral
from casework.referral_status import Reason, Status
from casework.referrals import change_status, send_chosen_referral
from referral_directory.match_values import NeedMatch
from referral_directory.match_values import Reason as MatchReason
from tests.casework.held_place_builders import END, HOUSING, grouped, hold, planned, shelters
from tests.casework.referral_builders import NOW, OFFICER, POLICY, ready_case
from tests.provider_words import FORBIDDEN, FORBIDDEN_BY_LANGUAGE
from tests.referral_directory.hsds_builders import sal_id
from translations.catalog import shipped_catalogs
from translations.match_texts import gap_text, reason_text
from translations.sms_segments import segments

CATALOGS = shipped_catalogs()
KEYS = {sal_id(key): key for key in ("shelter-a", "shelter-b", "shelter-c", "shelter-d")}


def housing(session: Session, case: Case, proposals_per_need: int = 5) -> NeedMatch:
    rules = replace(POLICY.rules, proposals_per_need=proposals_per_need)
    (result,) = propose_providers(session, case, rules, now=NOW)
    return result


def shown(result: NeedMatch) -> list[str]:
    return [KEYS[p.candidate.service_at_location_id] for p in result.proposals]


def held_reasons(result: NeedMatch) -> list[MatchReason]:
    return [r for p in result.proposals for r in p.reasons if r.code == "held_places"]


def send(session: Session, case: Case, key: str, *, cascade: bool = False) -> Referral:
    choose_provider(session, case, HOUSING, sal_id(key), POLICY.rules, now=NOW)
    return send_chosen_referral(session, case, HOUSING, OFFICER, POLICY, cascade=cascade, now=NOW)


def taken(session: Session, case: Case) -> list[tuple[bool, int, int]]:
    """Per group of the case's operation (adults, then minors): places held and taken."""
    plan = session.get(OperationPlan, case.operation_id)
    assert plan is not None
    return [(row.for_minors, row.held, row.taken) for row in readiness(session, plan).needs]


def test_a_service_holding_places_comes_first_and_says_why(
    session: Session, tmp_path: Path
) -> None:
    shelters(session, tmp_path)
    plan = planned(session)
    hold(session, plan, "shelter-c", 2)
    case = grouped(session, plan)

    result = housing(session, case)

    # Matching alone ranks a, b, c (d is c's organization, ranked after c).
    assert shown(result) == ["shelter-c", "shelter-a", "shelter-b"]
    first = result.proposals[0]
    assert first.reasons[0] == MatchReason("held_places", {"places": 2})
    assert held_reasons(result) == [first.reasons[0]]  # the others hold nothing
    for language in CATALOGS.languages:
        assert "2" in reason_text("held_places", {"places": 2}, language, CATALOGS)


def test_a_held_service_is_not_cut_off_by_the_top_proposals_nor_by_its_organization(
    session: Session, tmp_path: Path
) -> None:
    shelters(session, tmp_path)
    plan = planned(session)
    hold(session, plan, "shelter-d", 1)  # fourth by distance, behind c of its organization
    case = grouped(session, plan)
    alone = ready_case(session)  # the same person, not under the operation

    assert shown(housing(session, alone, proposals_per_need=2)) == ["shelter-a", "shelter-b"]
    # d takes c's place as its organization's service, and the top two keep it.
    assert shown(housing(session, case, proposals_per_need=2)) == ["shelter-d", "shelter-a"]
    assert shown(housing(session, case)) == ["shelter-d", "shelter-a", "shelter-b"]


def test_a_held_service_that_fails_matching_is_never_proposed(
    session: Session, tmp_path: Path
) -> None:
    shelters(session, tmp_path)
    plan = planned(session)
    hold(session, plan, "shelter-b", 2, minors=True)  # b takes no children
    child = grouped(session, plan, child=True)

    assert shown(housing(session, child)) == ["shelter-a", "shelter-d"]
    assert held_reasons(housing(session, child)) == []


def test_a_referral_takes_a_held_place_and_readiness_counts_it(
    session: Session, tmp_path: Path
) -> None:
    shelters(session, tmp_path)
    plan = planned(session)
    request = hold(session, plan, "shelter-c", 2)
    case = grouped(session, plan)
    requests_before = session.scalars(select(CapacityRequest)).all()

    referral = send(session, case, "shelter-c")

    assert referral.capacity_request_id == request.id
    assert session.scalars(select(CapacityRequest)).all() == requests_before  # none new
    assert taken(session, case) == [(False, 2, 1), (True, 0, 0)]
    other = grouped(session, plan)
    assert held_reasons(housing(session, other)) == [MatchReason("held_places", {"places": 1})]
    # The referral SMS is the usual one: nothing of the operation or its hold.
    (sms,) = session.scalars(
        select(OutboxMessage).where(OutboxMessage.referral_id == referral.id)
    ).all()
    assert request.code not in sms.body and plan.code not in sms.body
    assert not [word for word in FORBIDDEN if word in sms.body.casefold()]


def test_a_refused_referral_gives_its_place_back_and_the_cascade_takes_the_next(
    session: Session, tmp_path: Path
) -> None:
    shelters(session, tmp_path)
    plan = planned(session)
    at_c = hold(session, plan, "shelter-c", 1)
    at_b = hold(session, plan, "shelter-b", 1)
    case = grouped(session, plan)
    first = send(session, case, "shelter-c", cascade=True)
    assert first.capacity_request_id == at_c.id

    change_status(
        session, first, Status.REJECTED, POLICY, actor="shelter-c", now=NOW, reason=Reason.SAFETY
    )

    following = session.scalars(select(Referral).where(Referral.previous_id == first.id)).one()
    # b holds a place too: the cascade goes there first (a ranks before b otherwise), and
    # takes it; c's place is free again for the next person.
    assert KEYS[following.service_at_location_id] == "shelter-b"
    assert following.capacity_request_id == at_b.id
    assert taken(session, case) == [(False, 2, 1), (True, 0, 0)]
    held = held_places(session, grouped(session, plan), now=NOW)
    assert held is not None and held.free_for(HOUSING) == {sal_id("shelter-c"): 1}


def test_once_its_places_are_all_taken_a_service_is_no_longer_preferred(
    session: Session, tmp_path: Path
) -> None:
    shelters(session, tmp_path)
    plan = planned(session)
    hold(session, plan, "shelter-c", 1)
    send(session, grouped(session, plan), "shelter-c")
    later = grouped(session, plan)

    result = housing(session, later)

    assert shown(result) == ["shelter-a", "shelter-b", "shelter-c"]
    assert held_reasons(result) == []
    assert send(session, later, "shelter-c").capacity_request_id is None


def test_a_presumed_child_never_gets_a_service_held_for_adults_only(
    session: Session, tmp_path: Path
) -> None:
    shelters(session, tmp_path)
    plan = planned(session)
    hold(session, plan, "shelter-a", 2)  # for adults; a takes children too
    child = grouped(session, plan, child=True)  # shelter-a was chosen before the hold

    assert shown(housing(session, child)) == ["shelter-d"]
    with pytest.raises(HeldForAdults):
        send_chosen_referral(session, child, HOUSING, OFFICER, POLICY, cascade=False, now=NOW)

    assert session.scalars(select(Referral).where(Referral.case_id == child.id)).all() == []
    refusal = session.scalars(
        select(AuditEntry).where(AuditEntry.case_id == child.id, AuditEntry.outcome == "refused")
    ).one()
    assert refusal.action == "referral.create"
    assert refusal.detail == f"held for adults only: {HOUSING} -> {sal_id('shelter-a')}"
    # An adult of the operation is referred there, into a held place.
    assert send(session, grouped(session, plan), "shelter-a").capacity_request_id is not None


def test_a_child_gets_places_held_for_minors_and_a_gap_when_all_are_for_adults(
    session: Session, tmp_path: Path
) -> None:
    shelters(session, tmp_path)
    plan = planned(session)
    for_minors = hold(session, plan, "shelter-d", 1, minors=True)
    hold(session, plan, "shelter-a", 2)
    child = grouped(session, plan, child=True)

    assert shown(housing(session, child)) == ["shelter-d"]
    assert held_reasons(housing(session, child)) == [MatchReason("held_places", {"places": 1})]
    assert send(session, child, "shelter-d").capacity_request_id == for_minors.id

    hold(session, plan, "shelter-d", 2)  # d now holds places for adults as well: not barred
    assert shown(housing(session, grouped(session, plan, child=True))) == ["shelter-d"]


def test_a_gap_says_why_when_every_service_holds_for_adults_only(
    session: Session, tmp_path: Path
) -> None:
    shelters(session, tmp_path)
    plan = planned(session)
    hold(session, plan, "shelter-a", 2)
    hold(session, plan, "shelter-d", 2)
    child = grouped(session, plan, child=True)

    result = housing(session, child)

    assert result.proposals == ()
    assert result.gap == MatchReason("held_for_adults", {"need": HOUSING})
    assert "adults" in gap_text("held_for_adults", "en", CATALOGS)


def test_after_the_window_each_provider_is_told_only_its_unused_places(
    session: Session, tmp_path: Path
) -> None:
    shelters(session, tmp_path)
    plan = planned(session)
    partly = hold(session, plan, "shelter-c", 3)
    fully = hold(session, plan, "shelter-b", 1)
    unused = hold(session, plan, "shelter-a", 2)
    send(session, grouped(session, plan), "shelter-c")
    send(session, grouped(session, plan), "shelter-b")
    before = len(session.scalars(select(OutboxMessage)).all())

    assert release_after_window(session, now=END) == 2

    told = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()[before:]
    assert [(m.recipient, m.body) for m in told] == [
        (
            partly.recipient,
            f"Passage {partly.code}: 2 of the places you held are no longer needed and are "
            "free again. The others stay taken. Thank you.",
        ),
        (
            unused.recipient,
            f"Passage {unused.code}: the places you held are no longer needed and are free "
            "again. Thank you.",
        ),
    ]
    assert fully.recipient not in {m.recipient for m in told}  # nothing left to free
    # Released: nothing is held any more, and proposals are matching's own again.
    assert held_places(session, grouped(session, plan), now=END) is None


@pytest.mark.parametrize("language", CATALOGS.languages)
def test_the_partial_release_fits_three_sms_and_says_nothing_of_the_operation(
    language: str,
) -> None:
    request = CapacityRequest(code="H234567", provider_language=language, places_held=99)
    text = release_sms(CATALOGS, request, taken=1)

    assert "98" in text and segments(text) <= 3
    folded = text.casefold()
    assert not [w for w in (*FORBIDDEN, *FORBIDDEN_BY_LANGUAGE[language]) if w in folded]


def test_a_case_not_under_an_operation_is_unchanged(session: Session, tmp_path: Path) -> None:
    shelters(session, tmp_path)
    plan = planned(session)
    hold(session, plan, "shelter-c", 2)
    case = ready_case(session)

    result = housing(session, case)

    assert shown(result) == ["shelter-a", "shelter-b", "shelter-c"]
    assert held_reasons(result) == []
    assert send(session, case, "shelter-c").capacity_request_id is None
    assert held_places(session, case, now=NOW) is None


def test_a_provider_cannot_hold_fewer_places_than_referrals_already_took(
    session: Session, tmp_path: Path
) -> None:
    shelters(session, tmp_path)
    plan = planned(session)
    request = hold(session, plan, "shelter-c", 2)
    case = grouped(session, plan)
    send(session, case, "shelter-c")
    sender = request.recipient

    for body in (f"NO {request.code}", f"HOLD {request.code} 0"):
        refused = handle_capacity_answer(session, sender=sender, body=body, now=NOW)
        assert refused is not None and refused.outcome is CapacityOutcome.BELOW_TAKEN
        assert refused.values["taken"] == "1"
    assert (request.state, request.places_held) == ("held", 2)
    lowered = handle_capacity_answer(session, sender=sender, body=f"HOLD {request.code} 1", now=NOW)
    assert lowered is not None and lowered.outcome is CapacityOutcome.HELD
    assert taken(session, case) == [(False, 1, 1), (True, 0, 0)]
