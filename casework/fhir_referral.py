"""The FHIR R4 referral (a Task and the ServiceRequest it fulfils) pushed to a provider's API.

Modelled on the Gravity Project SDOH Clinical Care IG. fhir.resources validates the structure
but not the IG's rules, so those we rely on are checked here. Nothing about the person is ever
put in the bundle beyond the short `people` text (for example "1 adult") and the officer's note,
checked to hold no address or contact (casework.referral_notes).
"""

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fhir.resources.R4B.annotation import Annotation
from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task, TaskRestriction

# The subset of FHIR Task statuses our referrals use (as casework.referral_status.Status).
TASK_STATUSES = frozenset(
    {"requested", "accepted", "rejected", "cancelled", "in-progress", "completed", "failed"}
)
# The IG requires a reason for these, and a provider cannot act on a bare "rejected".
_STATUSES_NEEDING_REASON = frozenset({"rejected", "cancelled", "failed"})
# Used as statusReason.text when no free text was given: the IG requires the text.
REASON_TEXTS = {
    "no_capacity": "No capacity",
    "not_eligible": "Not eligible for the service",
    "language": "No staff speaking the person's language",
    "safety": "Safety concern",
    "person_declined": "The person declined",
    "no_response": "No response before the deadline",
    "other": "Other reason",
}
_SDOHCC_TEMPORARY_CODES = (
    "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"
)
_TASK_CODES = "http://hl7.org/fhir/CodeSystem/task-code"


@dataclass(frozen=True)
class ReferralForPartner:
    referral_id: int
    code: str
    status: str
    status_reason: str | None
    status_text: str | None
    categories: tuple[str, ...]
    need_ids: tuple[str, ...]
    urgent: bool
    authored_on: datetime
    deadline: datetime
    last_modified: datetime
    organization_id: str
    service_at_location_id: str
    people: str
    contacting_subject_prohibited: bool
    base_url: str
    # The officer's note (casework.referral_notes) as the provider reads it: a labelled machine
    # translation, then the original; or the original alone.
    officer_note: tuple[str, ...] = ()


def task_bundle(r: ReferralForPartner) -> dict[str, Any]:
    """The JSON body of a push: a collection Bundle holding the Task and its ServiceRequest."""
    _check(r)
    base = r.base_url.rstrip("/")
    request_url = _full_url(base, "ServiceRequest", r.referral_id)
    task_url = _full_url(base, "Task", r.referral_id)
    bundle = Bundle(
        type="collection",
        timestamp=r.last_modified,
        entry=[
            BundleEntry(fullUrl=task_url, resource=_task(r, base, request_url)),
            BundleEntry(fullUrl=request_url, resource=_service_request(r, base)),
        ],
    )
    # fhir.resources 8 defaults to by_alias and exclude_none, but to mode="python" (datetimes).
    return bundle.model_dump(mode="json")


def _check(r: ReferralForPartner) -> None:
    if r.status not in TASK_STATUSES:
        raise ValueError(f"unknown Task status {r.status!r}")
    if r.status in _STATUSES_NEEDING_REASON and r.status_reason is None:
        raise ValueError(f"a {r.status} Task needs a status reason")
    if r.status_reason is not None and r.status_reason not in REASON_TEXTS:
        raise ValueError(f"unknown status reason {r.status_reason!r}")
    if r.status_text is not None and r.status_reason is None:
        raise ValueError("a status text needs a status reason code")


def _full_url(base: str, resource_type: str, referral_id: int) -> str:
    # Stable across re-pushes of one referral, so the provider can recognise an update.
    name = f"{base}/fhir/{resource_type}/{referral_id}"
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}"


def _priority(r: ReferralForPartner) -> str:
    return "urgent" if r.urgent else "routine"


def _task(r: ReferralForPartner, base: str, request_url: str) -> Task:
    return Task(
        identifier=[Identifier(system=f"{base}/fhir/referral-code", value=r.code)],
        status=r.status,
        statusReason=_status_reason(r, base),
        intent="order",
        priority=_priority(r),
        code=CodeableConcept(coding=[Coding(system=_TASK_CODES, code="fulfill")]),
        focus=Reference(reference=request_url, type="ServiceRequest"),
        owner=Reference(
            type="Organization",
            identifier=Identifier(system=f"{base}/fhir/organization", value=r.organization_id),
        ),
        authoredOn=r.authored_on,
        lastModified=r.last_modified,
        restriction=TaskRestriction(period=Period(end=r.deadline)),
    )


def _status_reason(r: ReferralForPartner, base: str) -> CodeableConcept | None:
    if r.status_reason is None:
        return None
    system = f"{base}/fhir/CodeSystem/referral-status-reason"
    return CodeableConcept(
        coding=[Coding(system=system, code=r.status_reason)],
        text=r.status_text or REASON_TEXTS[r.status_reason],
    )


def _service_request(r: ReferralForPartner, base: str) -> ServiceRequest:
    category_system = f"{base}/fhir/CodeSystem/service-category"
    need_system = f"{base}/fhir/CodeSystem/need"
    details = [
        CodeableConcept(coding=[Coding(system=need_system, code=need)]) for need in r.need_ids
    ]
    if r.contacting_subject_prohibited:
        details.append(
            CodeableConcept(
                coding=[
                    Coding(
                        system=_SDOHCC_TEMPORARY_CODES,
                        code="contacting-subject-prohibited",
                        display="Contacting subject prohibited",
                    )
                ]
            )
        )
    return ServiceRequest(
        status="revoked" if r.status == "cancelled" else "active",
        intent="order",
        priority=_priority(r),
        category=[
            CodeableConcept(coding=[Coding(system=category_system, code=category)])
            for category in r.categories
        ],
        # orderDetail is only allowed beside a code (invariant prr-1); the needs are the detail.
        code=CodeableConcept(text="Referral to a support service"),
        orderDetail=details or None,
        # R4 requires a subject; a display alone identifies no one.
        subject=Reference(display=f"person referred under code {r.code}"),
        performer=[
            Reference(
                type="HealthcareService",
                identifier=Identifier(
                    system=f"{base}/fhir/service-at-location", value=r.service_at_location_id
                ),
            )
        ],
        note=[Annotation(text=r.people), *(Annotation(text=line) for line in r.officer_note)],
        authoredOn=r.authored_on,
    )
