"""The FHIR R4 capacity request (a Task) pushed to a provider's API before an operation.

It says what the SMS says and nothing else, as codes and numbers only: places wanted, for whom
in numbers (adults, presumed minors, by gender), the languages, the kind of service and the time
window (`restriction.period`); the request's code is its identifier and the organization asked
its owner. There is no operation code, no region or place, no need id beyond the service
category, and no text but the release's status reason, which is the catalog's release SMS in the
provider's language. The Task is pushed as a collection Bundle holding it, like a referral.

Task status follows the request: requested, accepted (held, with the places held as an output),
rejected (declined), cancelled (released after the window, with the places released and taken
as outputs; or expired unanswered).
"""

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fhir.resources.R4B.bundle import Bundle, BundleEntry
from fhir.resources.R4B.codeableconcept import CodeableConcept
from fhir.resources.R4B.coding import Coding
from fhir.resources.R4B.identifier import Identifier
from fhir.resources.R4B.period import Period
from fhir.resources.R4B.reference import Reference
from fhir.resources.R4B.task import Task, TaskInput, TaskOutput, TaskRestriction

from casework.operation_models import CapacityRequest
from casework.operations import OperationDetails

TASK_CODE = "capacity-request"
# casework.capacity_requests.RequestState values -> Task.status.
TASK_STATUS = {
    "requested": "requested",
    "held": "accepted",
    "declined": "rejected",
    "released": "cancelled",
    "expired": "cancelled",
}
RELEASE_REASON = "window_ended"
_GENDERS = ("female", "male")


@dataclass(frozen=True)
class Release:
    """What the release after the window tells: places no referral took, places taken, and the
    release SMS of the catalogs in the provider's language as the status reason's text."""

    released: int
    taken: int
    text: str


def code_systems(base_url: str) -> dict[str, str]:
    base = base_url.rstrip("/")
    return {
        "identifier": f"{base}/fhir/capacity-request-code",
        "task": f"{base}/fhir/CodeSystem/task-code",
        "input": f"{base}/fhir/CodeSystem/capacity-request-input",
        "output": f"{base}/fhir/CodeSystem/capacity-request-output",
        "reason": f"{base}/fhir/CodeSystem/capacity-request-status-reason",
        "category": f"{base}/fhir/CodeSystem/service-category",
        "organization": f"{base}/fhir/organization",
        "service": f"{base}/fhir/service-at-location",
        "language": "urn:ietf:bcp:47",
    }


def capacity_bundle(
    request: CapacityRequest,
    details: OperationDetails,
    *,
    category: str,
    base_url: str,
    now: datetime,
    release: Release | None = None,
) -> dict[str, Any]:
    """The JSON body of a push (or of the partner API's answer): a collection Bundle holding
    the request's Task in its current state."""
    base = base_url.rstrip("/")
    # Stable across pushes of one request, so the provider recognises an update.
    name = f"{base}/fhir/Task/capacity-request/{request.code}"
    bundle = Bundle(
        type="collection",
        timestamp=now,
        entry=[
            BundleEntry(
                fullUrl=f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}",
                resource=_task(request, details, category, code_systems(base), now, release),
            )
        ],
    )
    return bundle.model_dump(mode="json")


def capacity_body(
    request: CapacityRequest,
    details: OperationDetails,
    *,
    category: str,
    base_url: str,
    now: datetime,
    release: Release | None = None,
) -> str:
    """The bundle as the outbox keeps it."""
    return json.dumps(
        capacity_bundle(
            request, details, category=category, base_url=base_url, now=now, release=release
        )
    )


def _coded(system: str, code: str) -> CodeableConcept:
    return CodeableConcept(coding=[Coding(system=system, code=code)])


def _task(
    request: CapacityRequest,
    details: OperationDetails,
    category: str,
    systems: dict[str, str],
    now: datetime,
    release: Release | None,
) -> Task:
    status = TASK_STATUS[request.state]
    reason = None
    if release is not None:
        reason = CodeableConcept(
            coding=[Coding(system=systems["reason"], code=RELEASE_REASON)], text=release.text
        )
    return Task(
        identifier=[Identifier(system=systems["identifier"], value=request.code)],
        status=status,
        statusReason=reason,
        intent="order",
        code=_coded(systems["task"], TASK_CODE),
        owner=Reference(
            type="Organization",
            identifier=Identifier(system=systems["organization"], value=request.organization_id),
        ),
        authoredOn=request.created_at,
        lastModified=now,
        restriction=TaskRestriction(
            period=Period(start=details.window_start, end=details.window_end)
        ),
        input=_inputs(request, details, category, systems),
        output=_outputs(request, systems, release) or None,
    )


def _inputs(
    request: CapacityRequest, details: OperationDetails, category: str, systems: dict[str, str]
) -> list[TaskInput]:
    def number(code: str, value: int) -> TaskInput:
        return TaskInput(type=_coded(systems["input"], code), valueInteger=value)

    def language(code: str, value: str) -> TaskInput:
        return TaskInput(type=_coded(systems["input"], code), valueCode=value)

    inputs = [
        TaskInput(
            type=_coded(systems["input"], "service-category"),
            valueCodeableConcept=_coded(systems["category"], category),
        ),
        TaskInput(
            type=_coded(systems["input"], "service-at-location"),
            valueIdentifier=Identifier(
                system=systems["service"], value=request.service_at_location_id
            ),
        ),
        number("places", request.places_wanted),
    ]
    if request.language is not None:  # an interpreter: for everyone expected
        groups = [g for g, n in ((False, details.adult_count), (True, details.minor_count)) if n]
        inputs.append(language("interpreter-language", request.language))
    else:
        groups = [request.for_minors]
    for minors in groups:
        name, counts = ("minors", details.minors) if minors else ("adults", details.adults)
        inputs.append(number(name, sum(counts.values())))
        inputs += [number(f"{name}-{gender}", counts.get(gender, 0)) for gender in _GENDERS]
    inputs += [language("language", code) for code in details.languages]
    return inputs


def _outputs(
    request: CapacityRequest, systems: dict[str, str], release: Release | None
) -> list[TaskOutput]:
    def number(code: str, value: int) -> TaskOutput:
        return TaskOutput(type=_coded(systems["output"], code), valueInteger=value)

    if release is not None:
        return [number("places-released", release.released), number("places-taken", release.taken)]
    if request.state == "held":
        return [number("places-held", request.places_held)]
    return []


def owner_organization(body: str) -> str | None:
    """The organization a pushed Bundle's Task is for (its owner), or None; the outbox worker
    signs a push that belongs to no referral with this organization's secret."""
    try:
        bundle = json.loads(body)
    except ValueError:
        return None
    if not isinstance(bundle, dict):
        return None
    for entry in bundle.get("entry") or []:
        resource = entry.get("resource") if isinstance(entry, dict) else None
        if isinstance(resource, dict) and resource.get("resourceType") == "Task":
            owner = resource.get("owner") or {}
            value = (owner.get("identifier") or {}).get("value")
            return value if isinstance(value, str) else None
    return None
