"""What a provider receives: an SMS in their language, or a FHIR Task for their API.

Neither names the person, their age, nationality or whereabouts, nor any case fact but who
comes ("1 adult, 2 children"): a provider learns the details after logging in, and only while
the referral is theirs.
"""

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.fhir_referral import ReferralForPartner, task_bundle
from casework.models import Case
from casework.people import people_message_id
from casework.referral_models import Referral, ReferralEvent, need_ids_of
from casework.referral_notes import note_for_provider
from casework.referral_policy import ReferralPolicy
from casework.referral_status import OPEN, Status
from translations.catalog import shipped_catalogs

LINK_PATH = "/r/"


def link(policy: ReferralPolicy, token: str) -> str:
    return f"{policy.public_base_url}{LINK_PATH}{token}"


def what_is_asked(referral: Referral, case: Case) -> str:
    catalogs = shipped_catalogs()
    language = referral.provider_language
    return catalogs.render(
        "sms.asked_urgent" if referral.urgent else "sms.asked",
        language,
        category=catalogs.render(f"sms.category.{referral.category}", language),
        people=catalogs.render(people_message_id(case), language),
    )


def referral_message(
    session: Session,
    case: Case,
    referral: Referral,
    token: str,
    policy: ReferralPolicy,
) -> tuple[str, str]:
    if referral.channel == "sms":
        return "sms", shipped_catalogs().render(
            "sms.referral",
            referral.provider_language,
            code=referral.code,
            asked=what_is_asked(referral, case),
            link=link(policy, token),
        )
    return "api", partner_body(session, case, referral, policy)


def cancellation_message(
    session: Session, referral: Referral, policy: ReferralPolicy
) -> tuple[str, str]:
    if referral.channel == "sms":
        return "sms", shipped_catalogs().render(
            "sms.cancelled", referral.provider_language, code=referral.code
        )
    case = session.get(Case, referral.case_id)
    if case is None:  # a referral always has its case; this keeps the type checker honest
        raise LookupError(referral.case_id)
    return "api", partner_body(session, case, referral, policy)


def partner_view(
    session: Session, case: Case, referral: Referral, policy: ReferralPolicy
) -> ReferralForPartner:
    need_ids = tuple(need_ids_of(session, referral))
    catalogs = shipped_catalogs()
    people = catalogs.render(people_message_id(case), referral.provider_language)
    first_event = session.scalars(
        select(ReferralEvent.at)
        .where(ReferralEvent.referral_id == referral.id)
        .order_by(ReferralEvent.id)
    ).first()
    return ReferralForPartner(
        referral_id=referral.id,
        code=referral.code,
        status=referral.status,
        status_reason=referral.status_reason,
        status_text=referral.status_text,
        categories=(referral.category,),
        need_ids=need_ids,
        urgent=referral.urgent,
        authored_on=first_event or referral.created_at,
        deadline=referral.deadline_at,
        last_modified=referral.updated_at,
        organization_id=referral.organization_id,
        service_at_location_id=referral.service_at_location_id,
        people=people,
        # We never know that contacting the person directly is safe: everything goes through
        # the referring officer.
        contacting_subject_prohibited=True,
        base_url=policy.public_base_url,
        # About the person: only while the referral is open (a cancellation carries none).
        officer_note=(
            tuple(note_for_provider(catalogs, referral, policy.models_dir))
            if Status(referral.status) in OPEN
            else ()
        ),
    )


def partner_body(session: Session, case: Case, referral: Referral, policy: ReferralPolicy) -> str:
    return json.dumps(task_bundle(partner_view(session, case, referral, policy)))
