"""What a provider is sent when a referral is withdrawn because the person asked for erasure.

It says only that the referral code is withdrawn and that they must delete what they hold about
it: no category, no age group, no case fact. An API partner receives the Task cancelled, with
the same text as its status reason and no needs or categories in the ServiceRequest.
"""

import json
from datetime import datetime

from casework.fhir_referral import ReferralForPartner, task_bundle
from casework.outbox import Kind
from casework.referral_models import Referral
from casework.referral_status import Reason, Status
from translations.catalog import shipped_catalogs

MESSAGE_ID = "sms.erased"


def erasure_text(referral: Referral) -> str:
    return shipped_catalogs().render(MESSAGE_ID, referral.provider_language, code=referral.code)


def erasure_message(referral: Referral, *, base_url: str, now: datetime) -> tuple[Kind, str]:
    """The outbox kind and body for the provider's own channel; call after the cancellation."""
    text = erasure_text(referral)
    if referral.channel == Kind.SMS.value:
        return Kind.SMS, text
    view = ReferralForPartner(
        referral_id=referral.id,
        code=referral.code,
        status=Status.CANCELLED.value,
        status_reason=Reason.PERSON_DECLINED.value,
        status_text=text,
        categories=(),
        need_ids=(),
        urgent=referral.urgent,
        authored_on=referral.created_at,
        deadline=referral.deadline_at,
        last_modified=now,
        organization_id=referral.organization_id,
        service_at_location_id=referral.service_at_location_id,
        people=text,  # the ServiceRequest's note: the usual "1 adult" would be a person fact
        contacting_subject_prohibited=True,
        base_url=base_url,
    )
    return Kind.PARTNER_PUSH, json.dumps(task_bundle(view))
