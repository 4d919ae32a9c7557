"""What a provider may see and do: its own referrals only, details while open and consented,
single-use SMS links, and only the statuses a provider may set."""

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.consent import withdraw_all
from casework.intake_access import (
    MAX_LISTED,
    LinkInvalid,
    NotYours,
    ProviderDetails,
    details_for_provider,
    open_link,
    referral_for_organization,
    referrals_for_organization,
    respond,
    set_status_as_provider,
    update_capacity_for_organization,
)
from casework.models import Case
from casework.outbox import Kind
from casework.proposals import choose_provider
from casework.referral_models import AuditEntry, OutboxMessage, Referral
from casework.referral_status import IllegalTransition, Reason, Status
from casework.referrals import send_chosen_referral
from referral_directory.capacity import UnknownServiceAtLocation
from tests.casework.referral_builders import NOW, OFFICER, POLICY, ready_case, shelters
from tests.referral_directory.hsds_builders import sal_id, uid

ORG_A = uid("organization/shelter-a")
ORG_B = uid("organization/shelter-b")


@pytest.fixture
def directory(session: Session, tmp_path: Path) -> None:
    shelters(session, tmp_path)


def refer(session: Session, shelter: str = "shelter-a") -> Referral:
    case = ready_case(session)
    if shelter != "shelter-a":
        choose_provider(session, case, "basic.housing", sal_id(shelter), POLICY.rules, now=NOW)
    return send_chosen_referral(
        session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
    )


def link_token(session: Session, referral: Referral) -> str:
    sms = session.scalars(
        select(OutboxMessage).where(
            OutboxMessage.referral_id == referral.id, OutboxMessage.kind == Kind.SMS.value
        )
    ).one()
    return sms.body.rsplit("/r/", 1)[1]


def test_an_organization_lists_its_own_referrals_waiting_ones_first(
    session: Session, directory: None
) -> None:
    later, sooner, answered = refer(session), refer(session), refer(session)
    theirs = refer(session, "shelter-b")
    later.deadline_at = NOW + timedelta(minutes=50)
    sooner.deadline_at = NOW + timedelta(minutes=10)
    respond(
        session,
        answered,
        accept=True,
        reason=None,
        note=None,
        actor="intake:alice",
        policy=POLICY,
        now=NOW + timedelta(minutes=5),
    )

    listed = referrals_for_organization(session, ORG_A, now=NOW)

    assert [r.id for r in listed] == [sooner.id, later.id, answered.id]
    assert [r.id for r in referrals_for_organization(session, ORG_B, now=NOW)] == [theirs.id]


def test_the_list_is_limited(session: Session, directory: None) -> None:
    first = refer(session)
    copied = {
        column.key: getattr(first, column.key)
        for column in Referral.__table__.columns
        if column.key not in {"id", "code", "link_token_sha256"}
    }
    session.add_all(Referral(**copied, code=f"C{n:05d}") for n in range(MAX_LISTED))
    session.flush()

    assert len(referrals_for_organization(session, ORG_A, now=NOW)) == MAX_LISTED


def test_a_referral_of_another_organization_is_refused_and_an_unknown_one_is_not_found(
    session: Session, directory: None
) -> None:
    referral = refer(session, "shelter-b")

    assert referral_for_organization(session, referral.id, ORG_B) is referral
    with pytest.raises(NotYours):
        referral_for_organization(session, referral.id, ORG_A)
    with pytest.raises(LookupError) as unknown:
        referral_for_organization(session, referral.id + 1000, ORG_B)
    assert not isinstance(unknown.value, NotYours)


def test_details_are_what_the_provider_may_know(session: Session, directory: None) -> None:
    referral = refer(session)

    assert details_for_provider(session, referral, now=NOW) == ProviderDetails(
        need_ids=("basic.housing",),
        category="shelter",
        presumed_child=False,
        people="sms.people.adult",
        gender="female",
        person_language="ru",
        urgent=True,
        deadline=NOW + timedelta(minutes=30),
    )


def test_unknown_or_unsaid_gender_and_language_are_left_out(
    session: Session, directory: None
) -> None:
    referral = refer(session)
    case = session.get(Case, referral.case_id)
    assert case is not None
    case.gender, case.person_language = "declined", "other"

    details = details_for_provider(session, referral, now=NOW)

    assert details is not None
    assert (details.gender, details.person_language) == (None, None)


def test_a_case_found_to_be_a_presumed_child_hides_details_until_a_representative_consents(
    session: Session, directory: None
) -> None:
    referral = refer(session)
    case = session.get(Case, referral.case_id)
    assert case is not None
    case.appears_under_18 = "unsure"  # the adult's own consent no longer counts

    assert details_for_provider(session, referral, now=NOW) is None


def test_details_end_with_the_consent_or_when_the_referral_closes(
    session: Session, directory: None
) -> None:
    withdrawn, declined = refer(session), refer(session)
    case = session.get(Case, withdrawn.case_id)
    assert case is not None
    withdraw_all(session, case, now=NOW + timedelta(minutes=1))
    respond(
        session,
        declined,
        accept=False,
        reason=Reason.NO_CAPACITY,
        note=None,
        actor="intake:alice",
        policy=POLICY,
        now=NOW,
    )

    assert details_for_provider(session, withdrawn, now=NOW + timedelta(minutes=2)) is None
    assert details_for_provider(session, declined, now=NOW) is None


def test_the_sms_link_opens_once_for_its_own_organization(
    session: Session, directory: None
) -> None:
    referral = refer(session)
    token = link_token(session, referral)

    with pytest.raises(NotYours):
        open_link(session, token, ORG_B, now=NOW)
    assert referral.link_used_at is None
    refused = session.scalars(select(AuditEntry).where(AuditEntry.outcome == "refused")).one()
    assert (refused.action, refused.referral_id) == ("referral.link_opened", referral.id)

    assert open_link(session, token, ORG_A, now=NOW) is referral
    assert referral.link_used_at == NOW
    with pytest.raises(LinkInvalid):
        open_link(session, token, ORG_A, now=NOW)


def test_expired_and_unknown_links_are_invalid(session: Session, directory: None) -> None:
    referral = refer(session)
    token = link_token(session, referral)

    with pytest.raises(LinkInvalid):
        open_link(session, token, ORG_A, now=NOW + POLICY.link_ttl)
    for wrong in ("", "nope", token + "x", "x" * 500):
        with pytest.raises(LinkInvalid):
            open_link(session, wrong, ORG_A, now=NOW)
    assert referral.link_used_at is None


def test_accepting_tells_the_officer(session: Session, directory: None) -> None:
    referral = refer(session)

    respond(
        session,
        referral,
        accept=True,
        reason=None,
        note=None,
        actor="intake:alice",
        policy=POLICY,
        now=NOW,
    )

    assert referral.status == Status.ACCEPTED.value
    notice = session.scalars(
        select(OutboxMessage).where(OutboxMessage.kind == Kind.OFFICER_NOTICE.value)
    ).one()
    assert notice.recipient == OFFICER.conversation
    with pytest.raises(IllegalTransition):
        respond(
            session,
            referral,
            accept=True,
            reason=None,
            note=None,
            actor="intake:alice",
            policy=POLICY,
            now=NOW,
        )


def test_a_decline_keeps_its_reason_or_counts_as_other(session: Session, directory: None) -> None:
    with_reason, without = refer(session), refer(session)

    for referral, reason in ((with_reason, Reason.LANGUAGE), (without, None)):
        respond(
            session,
            referral,
            accept=False,
            reason=reason,
            note="  no Dari speaker  " if reason else None,
            actor="intake:alice",
            policy=POLICY,
            now=NOW,
        )

    assert (with_reason.status, with_reason.status_reason, with_reason.status_text) == (
        "rejected",
        "language",
        "no Dari speaker",
    )
    assert (without.status, without.status_reason, without.status_text) == (
        "rejected",
        "other",
        None,
    )


@pytest.mark.parametrize(
    ("status", "reason", "note"),
    [
        (Status.CANCELLED, Reason.OTHER, None),
        (Status.REQUESTED, None, None),
        (Status.COMPLETED, None, None),
        (Status.REJECTED, None, None),
        (Status.REJECTED, Reason.NO_RESPONSE, None),
        (Status.ACCEPTED, None, "a note without a reason"),
    ],
)
def test_a_provider_cannot_set_what_is_not_theirs_to_set(
    session: Session,
    directory: None,
    status: Status,
    reason: Reason | None,
    note: str | None,
) -> None:
    referral = refer(session)

    with pytest.raises(IllegalTransition):
        set_status_as_provider(
            session, referral, status, reason, note, actor="partner_api:x", policy=POLICY, now=NOW
        )

    assert referral.status == Status.REQUESTED.value


def test_a_provider_follows_the_referral_to_its_end(session: Session, directory: None) -> None:
    referral = refer(session)

    for status in (Status.ACCEPTED, Status.IN_PROGRESS, Status.COMPLETED):
        set_status_as_provider(
            session, referral, status, None, None, actor="partner_api:x", policy=POLICY, now=NOW
        )

    assert referral.status == Status.COMPLETED.value


def test_capacity_only_for_the_organizations_own_services(
    session: Session, directory: None
) -> None:
    update = update_capacity_for_organization(session, sal_id("shelter-a"), ORG_A, 3, now=NOW)

    assert (update.service_at_location_id, update.available) == (sal_id("shelter-a"), 3)
    with pytest.raises(NotYours):
        update_capacity_for_organization(session, sal_id("shelter-b"), ORG_A, 3, now=NOW)
    with pytest.raises(UnknownServiceAtLocation):
        update_capacity_for_organization(session, "unknown", ORG_A, 3, now=NOW)
