"""The FHIR Bundle pushed to providers: valid R4, IG rules we enforce, and nothing identifying."""

import dataclasses
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.task import Task

from casework.fhir_referral import ReferralForPartner, task_bundle

DOC = Path(__file__).resolve().parents[2] / "docs" / "partner-push.md"
AUTHORED = datetime(2026, 3, 14, 21, 5, tzinfo=UTC)
BASE = "https://passage.example.org"

# The same fake referral as the example in docs/partner-push.md.
EXAMPLE = ReferralForPartner(
    referral_id=1042,
    code="R7K2QX",
    status="requested",
    status_reason=None,
    status_text=None,
    categories=("shelter", "legal"),
    need_ids=("basic.housing", "legal.documents"),
    urgent=True,
    authored_on=AUTHORED,
    deadline=AUTHORED + timedelta(hours=1),
    last_modified=AUTHORED,
    organization_id="3f1c2b8e-6d4a-4e0f-9a57-1b2c3d4e5f60",
    service_at_location_id="9b8a7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d",
    people="1 adult",
    contacting_subject_prohibited=True,
    base_url=BASE,
)


def parsed(referral: ReferralForPartner) -> tuple[Bundle, Task, ServiceRequest]:
    bundle = Bundle.model_validate(json.loads(json.dumps(task_bundle(referral))))
    entries = bundle.entry or []
    tasks = [e.resource for e in entries if isinstance(e.resource, Task)]
    requests = [e.resource for e in entries if isinstance(e.resource, ServiceRequest)]
    assert len(entries) == 2
    assert len(tasks) == 1
    assert len(requests) == 1
    return bundle, tasks[0], requests[0]


def walk(node: Any) -> list[str]:
    """Every key and string value in a JSON tree."""
    if isinstance(node, dict):
        return [text for key, value in node.items() for text in [key, *walk(value)]]
    if isinstance(node, list):
        return [text for item in node for text in walk(item)]
    return [node] if isinstance(node, str) else []


def test_bundle_parses_back_with_one_task_and_one_service_request() -> None:
    bundle, task, request = parsed(EXAMPLE)
    assert bundle.type == "collection"
    assert task.status == "requested"
    assert task.intent == "order"
    assert request.status == "active"
    assert request.intent == "order"


def test_task_focus_is_the_service_request_full_url() -> None:
    bundle, task, _ = parsed(EXAMPLE)
    by_type = {type(e.resource).__name__: e.fullUrl for e in bundle.entry or []}
    assert task.focus is not None
    assert task.focus.reference == by_type["ServiceRequest"]
    assert by_type["ServiceRequest"] != by_type["Task"]


def test_full_urls_are_stable_for_one_referral_and_differ_between_referrals() -> None:
    first = task_bundle(EXAMPLE)
    again = task_bundle(dataclasses.replace(EXAMPLE, status="accepted"))
    other = task_bundle(dataclasses.replace(EXAMPLE, referral_id=1043))
    urls = [[e["fullUrl"] for e in b["entry"]] for b in (first, again, other)]
    assert urls[0] == urls[1]
    assert not set(urls[0]) & set(urls[2])


def test_task_identifier_owner_dates_and_deadline() -> None:
    _, task, request = parsed(EXAMPLE)
    assert task.identifier is not None
    assert [(i.system, i.value) for i in task.identifier] == [
        (f"{BASE}/fhir/referral-code", "R7K2QX")
    ]
    assert task.owner is not None
    assert task.owner.identifier is not None
    assert task.owner.identifier.system == f"{BASE}/fhir/organization"
    assert task.owner.identifier.value == EXAMPLE.organization_id
    assert task.restriction is not None
    assert task.restriction.period is not None
    assert task.restriction.period.end == EXAMPLE.deadline
    assert task.authoredOn == request.authoredOn == EXAMPLE.authored_on
    assert task.lastModified == EXAMPLE.last_modified


@pytest.mark.parametrize(("urgent", "priority"), [(True, "urgent"), (False, "routine")])
def test_priority_follows_urgency(urgent: bool, priority: str) -> None:
    _, task, request = parsed(dataclasses.replace(EXAMPLE, urgent=urgent))
    assert task.priority == request.priority == priority


def test_categories_needs_and_contact_prohibition() -> None:
    _, _, request = parsed(EXAMPLE)
    assert [(c.system, c.code) for cat in request.category or [] for c in cat.coding or []] == [
        (f"{BASE}/fhir/CodeSystem/service-category", "shelter"),
        (f"{BASE}/fhir/CodeSystem/service-category", "legal"),
    ]
    details = [c.code for d in request.orderDetail or [] for c in d.coding or []]
    assert details == ["basic.housing", "legal.documents", "contacting-subject-prohibited"]
    assert request.note is not None
    assert [n.text for n in request.note] == ["1 adult"]


def test_contact_prohibition_absent_when_contact_is_safe() -> None:
    _, _, request = parsed(dataclasses.replace(EXAMPLE, contacting_subject_prohibited=False))
    details = [c.code for d in request.orderDetail or [] for c in d.coding or []]
    assert "contacting-subject-prohibited" not in details


def test_status_reason_present_for_rejected() -> None:
    rejected = dataclasses.replace(EXAMPLE, status="rejected", status_reason="no_capacity")
    _, task, request = parsed(rejected)
    assert task.statusReason is not None
    assert task.statusReason.coding is not None
    coding = task.statusReason.coding[0]
    assert (coding.system, coding.code) == (
        f"{BASE}/fhir/CodeSystem/referral-status-reason",
        "no_capacity",
    )
    assert task.statusReason.text  # the IG requires the text even when none was given
    assert request.status == "active"


def test_status_text_is_kept() -> None:
    rejected = dataclasses.replace(
        EXAMPLE, status="rejected", status_reason="other", status_text="Closed for repairs"
    )
    _, task, _ = parsed(rejected)
    assert task.statusReason is not None
    assert task.statusReason.text == "Closed for repairs"


def test_status_reason_absent_for_requested() -> None:
    _, task, _ = parsed(EXAMPLE)
    assert task.statusReason is None


def test_cancelled_task_revokes_the_service_request() -> None:
    cancelled = dataclasses.replace(EXAMPLE, status="cancelled", status_reason="person_declined")
    _, task, request = parsed(cancelled)
    assert task.status == "cancelled"
    assert request.status == "revoked"


@pytest.mark.parametrize("status", ["rejected", "cancelled", "failed"])
def test_status_without_reason_is_refused(status: str) -> None:
    with pytest.raises(ValueError, match="status reason"):
        task_bundle(dataclasses.replace(EXAMPLE, status=status))


@pytest.mark.parametrize(
    "changes",
    [
        {"status": "draft"},
        {"status": "on-hold", "status_reason": "other"},
        {"status": "rejected", "status_reason": "too_busy"},
        {"status_text": "free text without a code"},
    ],
)
def test_inconsistent_input_is_refused(changes: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        task_bundle(dataclasses.replace(EXAMPLE, **changes))


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError):
        task_bundle(dataclasses.replace(EXAMPLE, deadline=datetime(2026, 3, 14, 22, 5)))


def test_subject_is_a_display_only() -> None:
    _, _, request = parsed(EXAMPLE)
    subject = request.subject.model_dump(mode="json")
    assert subject == {"display": "person referred under code R7K2QX"}


def test_no_forbidden_word_anywhere() -> None:
    rejected = dataclasses.replace(EXAMPLE, status="rejected", status_reason="safety")
    for referral in (EXAMPLE, rejected):
        texts = walk(task_bundle(referral))
        assert texts
        assert not [t for t in texts if "trafficking" in t.lower()]


def test_doc_example_is_what_task_bundle_produces() -> None:
    match = re.search(r"<!-- example: bundle -->\s*```json\n(.*?)```", DOC.read_text(), re.S)
    assert match, "docs/partner-push.md lost its example bundle"
    assert json.loads(match.group(1)) == task_bundle(EXAMPLE)
