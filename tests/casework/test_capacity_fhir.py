"""Capacity requests to API partners: the FHIR Task pushed through the outbox, what it must never
say, answers through the rule the SMS answers share, readiness, the release push, and the
push's signature with the owner organization's secret."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.task import Task
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.capacity_replies import Outcome, answer_request, handle_capacity_answer
from casework.capacity_requests import (
    RequestState,
    by_api,
    readiness,
    release_after_window,
    release_sms,
    request_capacity,
)
from casework.dispatch import DispatchReport, PartnerPushChannel, dispatch_due
from casework.fhir_capacity import Release, capacity_bundle, owner_organization
from casework.operation_models import CapacityRequest, OperationPlan
from casework.operations import OperationDetails, checked_details, plan_operation
from casework.outbox import Kind
from casework.referral_models import OutboxMessage
from casework.request_signing import verify
from passage.config import session_factory
from referral_directory.importer import import_directory
from referral_directory.match_values import MatchingRules
from referral_directory.needs import NEEDS
from tests.casework.account_builders import account
from tests.provider_words import FORBIDDEN, FORBIDDEN_BY_LANGUAGE
from tests.referral_directory.hsds_builders import ALMATY, box, sal_id, service, uid, write
from translations.catalog import shipped_catalogs

NOW = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)
START = NOW + timedelta(hours=20)
END = START + timedelta(hours=12)
SAFE_SITE = "Riverside district"
BASE = "https://passage.example.org"
INTERP = "services.interpretation"
CATALOGS = shipped_catalogs()
SHELTER_URL = "https://adult-shelter.example.org/fhir/Task"
CHILD_URL = "https://child-shelter.example.org/fhir/Task"
INTERPRETERS_URL = "https://km-interpreters.example.org/fhir/Task"
CLINIC_NUMBER = "+15005550103"
INPUTS = f"{BASE}/fhir/CodeSystem/capacity-request-input"
OUTPUTS = f"{BASE}/fhir/CodeSystem/capacity-request-output"


def details() -> OperationDetails:
    return checked_details(
        adults={"female": 5, "male": 3, "unknown": 1},
        minors={"female": 2, "male": 1},
        languages=["km", "vi"],
        needs=["basic.housing", "services.medical", INTERP],
        window_start=START,
        window_end=END,
        safe_site_region=SAFE_SITE,
    )


def directory(session: Session, tmp_path: Path) -> None:
    sizes = iter(range(1, 20))

    def here() -> list[dict[str, Any]]:
        return [box(SAFE_SITE, ALMATY, half=0.1 * next(sizes))]

    records = [
        service(
            "adult-shelter",
            areas=here(),
            languages=("en",),
            channel="api",
            endpoint_address=SHELTER_URL,
        ),
        service(
            "child-shelter",
            areas=here(),
            eligibility=("children_only",),
            languages=("km", "en"),
            channel="api",
            endpoint_address=CHILD_URL,
        ),
        service(
            "clinic",
            categories=("medical",),
            eligibility=("children_accepted",),
            areas=here(),
            languages=("vi",),
            endpoint_address=CLINIC_NUMBER,
        ),
        service(
            "km-interpreters",
            categories=("interpretation",),
            areas=here(),
            languages=("km", "en"),
            channel="api",
            endpoint_address=INTERPRETERS_URL,
        ),
    ]
    assert import_directory(session, write(tmp_path / "d.json", records)).ok


def planned(
    session: Session, tmp_path: Path, base_url: str | None = BASE
) -> tuple[OperationPlan, dict[tuple[str, bool, str | None], CapacityRequest]]:
    directory(session, tmp_path)
    plan = plan_operation(session, account(session), details(), now=NOW)
    made = request_capacity(session, plan, MatchingRules(), now=NOW, base_url=base_url)
    return plan, {(r.need_id, r.for_minors, r.language): r for r in made}


def task_in(body: str | dict[str, Any]) -> Task:
    bundle = Bundle.model_validate(json.loads(body) if isinstance(body, str) else body)
    assert bundle.type == "collection"
    (entry,) = bundle.entry
    assert isinstance(entry.resource, Task)
    return entry.resource


def inputs(task: Task) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for item in task.input:
        (coding,) = item.type.coding
        assert coding.system == INPUTS
        value = (
            item.valueInteger
            if item.valueInteger is not None
            else item.valueCode or item.valueCodeableConcept or item.valueIdentifier
        )
        found.setdefault(coding.code, []).append(value)
    return found


def outputs(task: Task) -> dict[str, int]:
    found = {}
    for item in task.output or []:
        (coding,) = item.type.coding
        assert coding.system == OUTPUTS
        found[coding.code] = item.valueInteger
    return found


def pushes(session: Session) -> list[OutboxMessage]:
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == Kind.PARTNER_PUSH.value)
            .order_by(OutboxMessage.id)
        )
    )


def test_api_partners_are_asked_by_a_push_and_sms_providers_by_sms(
    session: Session, tmp_path: Path
) -> None:
    plan, asked = planned(session, tmp_path)

    by_channel = {key: (r.recipient, by_api(r)) for key, r in asked.items()}
    assert by_channel == {
        ("basic.housing", False, None): (SHELTER_URL, True),
        ("basic.housing", True, None): (CHILD_URL, True),
        ("services.medical", False, None): (CLINIC_NUMBER, False),
        ("services.medical", True, None): (CLINIC_NUMBER, False),
        (INTERP, False, "km"): (INTERPRETERS_URL, True),
    }
    sent = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.kind, m.recipient) for m in sent] == [
        ("api" if by_api(r) else "sms", r.recipient) for r in asked.values()
    ]
    assert all(m.referral_id is None for m in sent)
    assert request_capacity(session, plan, MatchingRules(), now=NOW, base_url=BASE) == []


def test_without_a_base_url_api_partners_are_not_asked(session: Session, tmp_path: Path) -> None:
    _, asked = planned(session, tmp_path, base_url=None)

    assert {r.recipient for r in asked.values()} == {CLINIC_NUMBER}
    assert pushes(session) == []


def test_the_task_asks_places_for_whom_languages_and_service_in_the_window(
    session: Session, tmp_path: Path
) -> None:
    _, asked = planned(session, tmp_path)
    shelter = asked[("basic.housing", False, None)]
    (push, *_) = pushes(session)

    task = task_in(push.body)

    assert push.recipient == SHELTER_URL
    assert (task.status, task.intent) == ("requested", "order")
    assert [(i.system, i.value) for i in task.identifier] == [
        (f"{BASE}/fhir/capacity-request-code", shelter.code)
    ]
    assert [(c.system, c.code) for c in task.code.coding] == [
        (f"{BASE}/fhir/CodeSystem/task-code", "capacity-request")
    ]
    assert task.owner.type == "Organization"
    assert (task.owner.identifier.system, task.owner.identifier.value) == (
        f"{BASE}/fhir/organization",
        uid("organization/adult-shelter"),
    )
    period = task.restriction.period
    assert (period.start, period.end) == (START, END)
    found = inputs(task)
    (category,) = found.pop("service-category")
    assert [(c.system, c.code) for c in category.coding] == [
        (f"{BASE}/fhir/CodeSystem/service-category", "shelter")
    ]
    (service_at_location,) = found.pop("service-at-location")
    assert service_at_location.value == sal_id("adult-shelter")
    assert found == {
        "places": [9],
        "adults": [9],
        "adults-female": [5],
        "adults-male": [3],
        "language": ["km", "vi"],
    }
    assert task.output is None and task.statusReason is None and task.description is None


def test_an_interpreter_task_names_the_language_and_everyone_expected(
    session: Session, tmp_path: Path
) -> None:
    _, asked = planned(session, tmp_path)
    interpreter = asked[(INTERP, False, "km")]
    (push,) = [m for m in pushes(session) if m.recipient == INTERPRETERS_URL]

    found = inputs(task_in(push.body))

    assert found["interpreter-language"] == ["km"]
    assert (found["places"], found["adults"], found["minors"]) == ([1], [9], [3])
    assert (found["minors-female"], found["minors-male"]) == ([2], [1])
    assert [c.code for c in found["service-category"][0].coding] == ["interpretation"]
    assert interpreter.places_wanted == 1


def _every_task(language: str, plan_code: str) -> list[str]:
    """Every Task a provider speaking `language` may be pushed, as JSON: the request of each
    kind of service for each group, an interpreter's, held, declined and released."""
    plan_details = details()
    texts = []
    for category_need in {n.categories[0].split(".")[0]: n for n in NEEDS}.values():
        for minors in (False, True):
            request = CapacityRequest(
                code="H234567",
                need_id=category_need.id,
                for_minors=minors,
                language=None,
                organization_id="org-1",
                service_at_location_id="sal-1",
                provider_language=language,
                places_wanted=9,
                places_held=0,
                state=RequestState.REQUESTED.value,
                created_at=NOW,
            )
            category = category_need.categories[0].split(".")[0]
            for state, places in (("requested", 0), ("held", 4), ("declined", 0)):
                request.state, request.places_held = state, places
                bundle = capacity_bundle(
                    request, plan_details, category=category, base_url=BASE, now=NOW
                )
                texts.append(json.dumps(bundle, ensure_ascii=False))
            request.state, request.places_held = "released", 4
            for taken in (0, 1):
                release = Release(4 - taken, taken, release_sms(CATALOGS, request, taken))
                bundle = capacity_bundle(
                    request,
                    plan_details,
                    category=category,
                    base_url=BASE,
                    now=NOW,
                    release=release,
                )
                texts.append(json.dumps(bundle, ensure_ascii=False))
    interpreter = CapacityRequest(
        code="H234567",
        need_id=INTERP,
        for_minors=False,
        language="km",
        organization_id="org-1",
        service_at_location_id="sal-1",
        provider_language=language,
        places_wanted=1,
        places_held=0,
        state="requested",
        created_at=NOW,
    )
    bundle = capacity_bundle(
        interpreter, plan_details, category="interpretation", base_url=BASE, now=NOW
    )
    texts.append(json.dumps(bundle, ensure_ascii=False))
    texts.append(CATALOGS.render("sms.operation.too_many", language, code="H234567", wanted="9"))
    assert plan_code not in "".join(texts)
    return texts


@pytest.mark.parametrize("language", CATALOGS.languages)
def test_no_task_says_what_the_operation_is_or_where(language: str) -> None:
    forbidden = (*FORBIDDEN, *FORBIDDEN_BY_LANGUAGE[language], SAFE_SITE.casefold(), "riverside")
    for text in _every_task(language, "OP-"):
        folded = text.casefold()
        found = [word for word in forbidden if word.casefold() in folded]
        assert not found, f"{language}: {found} in {text}"


def test_a_pushed_task_names_neither_the_plan_nor_the_region(
    session: Session, tmp_path: Path
) -> None:
    plan, _ = planned(session, tmp_path)
    for push in pushes(session):
        folded = push.body.casefold()
        assert plan.code.casefold() not in folded
        assert SAFE_SITE.casefold() not in folded
        assert not [word for word in FORBIDDEN if word in folded]
        assert "basic.housing" not in folded  # the category, never the need


def test_answers_by_sms_and_api_share_one_rule(session: Session, tmp_path: Path) -> None:
    plan, asked = planned(session, tmp_path)
    shelter = asked[("basic.housing", False, None)]
    clinic = asked[("services.medical", False, None)]

    assert answer_request(session, shelter, 10, now=NOW) is Outcome.TOO_MANY
    assert (shelter.state, shelter.places_held) == (RequestState.REQUESTED.value, 0)
    assert answer_request(session, shelter, 9, now=NOW) is Outcome.HELD
    assert answer_request(session, shelter, 0, now=NOW) is Outcome.DECLINED
    assert answer_request(session, shelter, 6, now=NOW) is Outcome.HELD
    assert (shelter.state, shelter.places_held, shelter.answered_at) == ("held", 6, NOW)
    assert answer_request(session, shelter, 2, now=END) is Outcome.CLOSED
    assert shelter.places_held == 6

    too_many = handle_capacity_answer(
        session, sender=clinic.recipient, body=f"HOLD {clinic.code} 10", now=NOW
    )
    assert too_many is not None and too_many.outcome is Outcome.TOO_MANY
    assert too_many.answer_id == "sms.operation.too_many"
    assert too_many.values == {"code": clinic.code, "wanted": "9"}
    assert (clinic.state, clinic.places_held) == (RequestState.REQUESTED.value, 0)
    held = handle_capacity_answer(
        session, sender=clinic.recipient, body=f"HOLD {clinic.code} 9", now=NOW
    )
    assert held is not None and held.outcome is Outcome.HELD
    assert held.values == {"code": clinic.code, "held": "9", "end": "2026-12-06 10:00"}

    plan.released_at = NOW
    assert answer_request(session, clinic, 1, now=NOW) is Outcome.CLOSED


def test_readiness_counts_places_held_by_api_partners(session: Session, tmp_path: Path) -> None:
    plan, asked = planned(session, tmp_path)
    answer_request(session, asked[("basic.housing", False, None)], 6, now=NOW)
    answer_request(session, asked[("basic.housing", True, None)], 3, now=NOW)
    answer_request(session, asked[(INTERP, False, "km")], 1, now=NOW)

    ready = readiness(session, plan)

    rows = {(n.need_id, n.for_minors): (n.held, n.missing, n.not_answering) for n in ready.needs}
    assert rows[("basic.housing", False)] == (6, 3, 0)
    assert rows[("basic.housing", True)] == (3, 0, 0)
    assert ready.interpreters == {"km": 1, "vi": 0}


def test_the_release_tells_an_api_partner_by_a_cancelled_task(
    session: Session, tmp_path: Path
) -> None:
    plan, asked = planned(session, tmp_path)
    shelter = asked[("basic.housing", False, None)]
    clinic = asked[("services.medical", False, None)]
    answer_request(session, shelter, 6, now=NOW)
    answer_request(session, clinic, 2, now=NOW)
    answer_request(session, asked[("basic.housing", True, None)], 0, now=NOW)
    before = {m.id for m in session.scalars(select(OutboxMessage))}

    assert release_after_window(session, now=END, base_url=BASE) == 2

    told = [m for m in session.scalars(select(OutboxMessage)) if m.id not in before]
    assert sorted((m.kind, m.recipient) for m in told) == [
        ("api", SHELTER_URL),
        ("sms", CLINIC_NUMBER),
    ]
    (push,) = [m for m in told if m.kind == "api"]
    task = task_in(push.body)
    assert task.status == "cancelled"
    assert [i.value for i in task.identifier] == [shelter.code]
    (reason,) = task.statusReason.coding
    assert (reason.system, reason.code) == (
        f"{BASE}/fhir/CodeSystem/capacity-request-status-reason",
        "window_ended",
    )
    assert task.statusReason.text == release_sms(CATALOGS, shelter)
    assert outputs(task) == {"places-released": 6, "places-taken": 0}
    assert shelter.state == RequestState.RELEASED.value
    assert plan.released_at == END
    assert release_after_window(session, now=END + timedelta(hours=1), base_url=BASE) == 0


def test_the_release_counts_places_referrals_took() -> None:
    request = CapacityRequest(
        code="H234567",
        need_id="basic.housing",
        for_minors=False,
        language=None,
        organization_id="org-1",
        service_at_location_id="sal-1",
        provider_language="fr",
        places_wanted=9,
        places_held=5,
        state=RequestState.RELEASED.value,
        created_at=NOW,
    )
    text = release_sms(CATALOGS, request, 2)
    release = Release(released=3, taken=2, text=text)

    task = task_in(
        capacity_bundle(
            request, details(), category="shelter", base_url=BASE, now=END, release=release
        )
    )

    assert outputs(task) == {"places-released": 3, "places-taken": 2}
    assert task.statusReason.text == text and "3" in text  # the French release SMS


@pytest.mark.usefixtures("database")
def test_a_capacity_push_is_signed_with_the_owner_organizations_secret(
    session: Session, tmp_path: Path
) -> None:
    planned(session, tmp_path)
    session.commit()
    received: list[httpx.Request] = []

    def partner(request: httpx.Request) -> httpx.Response:
        received.append(request)
        return httpx.Response(200)

    secrets = {uid(f"organization/{key}"): f"secret-of-{key}" for key in ("adult-shelter",)}
    channel = PartnerPushChannel(
        httpx.Client(transport=httpx.MockTransport(partner)),
        lambda _referral: pytest.fail("a capacity push belongs to no referral"),
        secrets.get,
    )

    report = dispatch_due(
        session_factory(),
        {Kind.PARTNER_PUSH: channel},
        now=lambda: NOW,
        max_attempts=1,
        stale_after=timedelta(minutes=5),
    )

    # The child shelter's and the interpreters' organizations have no secret: dead, not sent.
    assert report == DispatchReport(sent=1, dead=2)
    (request,) = received
    assert str(request.url) == SHELTER_URL
    assert verify("secret-of-adult-shelter", request.content, dict(request.headers), NOW)
    assert owner_organization(request.content.decode()) == uid("organization/adult-shelter")


@pytest.mark.parametrize("body", ["", "[]", "{}", '{"entry": [{"resource": "x"}]}', "nonsense"])
def test_the_owner_of_a_body_that_is_no_task_is_none(body: str) -> None:
    assert owner_organization(body) is None
