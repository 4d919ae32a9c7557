"""Operation plans, the capacity requests they send, the answers, the release and readiness."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.capacity_replies import (
    Answer,
    CapacityAnswer,
    Outcome,
    answer_words,
    handle_capacity_answer,
    parse_capacity_answer,
)
from casework.capacity_requests import (
    RequestState,
    readiness,
    release_after_window,
    release_sms,
    request_capacity,
    request_sms,
)
from casework.operation_models import CapacityRequest, OperationPlan
from casework.operations import (
    InvalidDetail,
    NotAllowed,
    OperationDetails,
    checked_details,
    operation_for,
    plan_operation,
)
from casework.referral_models import OutboxMessage
from casework.roles import CASEWORKER, COORDINATOR
from referral_directory.importer import import_directory
from referral_directory.match_values import MatchingRules
from referral_directory.needs import CATEGORIES, NEEDS
from tests.casework.account_builders import account
from tests.provider_words import FORBIDDEN, FORBIDDEN_BY_LANGUAGE
from tests.referral_directory.hsds_builders import ALMATY, box, service, write
from translations.catalog import shipped_catalogs
from translations.sms_segments import segments

NOW = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)
START = NOW + timedelta(hours=20)
END = START + timedelta(hours=12)
SAFE_SITE = "Riverside district"
CATALOGS = shipped_catalogs()


def details(**changes: Any) -> OperationDetails:
    values: dict[str, Any] = {
        "adults": {"female": 5, "male": 3, "unknown": 1},
        "minors": {"female": 2, "male": 1},
        "languages": ["km", "vi"],
        "needs": ["basic.housing", "services.medical", "child.protection", INTERP],
        "window_start": START,
        "window_end": END,
        "safe_site_region": SAFE_SITE,
    }
    return checked_details(**(values | changes))


INTERP = "services.interpretation"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"adults": {"female": -1}}, "adults"),
        ({"adults": {"female": True}}, "adults"),
        ({"minors": {"female": "2"}}, "minors"),
        ({"minors": {"girls": 2}}, "minors"),
        ({"adults": {"female": 400}, "minors": {"male": 200}}, "adults, minors"),
        ({"adults": {}, "minors": {}}, "adults, minors"),
        ({"languages": ["xx"]}, "languages"),
        ({"languages": ["khmer language"]}, "languages"),
        ({"needs": ["services.raid_support"]}, "needs"),
        ({"needs": []}, "needs"),
        ({"window_end": START - timedelta(hours=1)}, "window_end"),
        ({"window_end": START}, "window_end"),
        ({"window_end": START + timedelta(days=30)}, "window_end"),
        ({"window_start": START.replace(tzinfo=None)}, "window_start"),
        ({"safe_site_region": "  "}, "safe_site_region"),
        ({"safe_site_region": "x" * 65}, "safe_site_region"),
        # In the catalog, but asked per person later, not prepared for before an operation.
        ({"needs": ["rights.compensation_claim"]}, "needs"),
    ],
)
def test_a_bad_plan_is_refused_naming_the_field_and_not_the_value(
    changes: dict[str, Any], field: str
) -> None:
    with pytest.raises(InvalidDetail, match=f"^{field}: ") as refused:
        details(**changes)
    assert refused.value.field == field
    assert SAFE_SITE not in str(refused.value)
    assert "xx" not in str(refused.value) and "raid" not in str(refused.value)


def test_a_good_plan_is_kept_encrypted_and_has_a_code_of_its_own(session: Session) -> None:
    officer = account(session)
    plan = plan_operation(session, officer, details(), now=NOW)
    session.commit()

    assert plan.code.startswith("OP-") and len(plan.code) == 9
    raw = session.connection().exec_driver_sql("SELECT details FROM operation_plan").scalar_one()
    assert SAFE_SITE not in raw and "basic.housing" not in raw
    session.expunge_all()
    again = session.scalars(select(OperationPlan)).one()
    assert again.details["safe_site_region"] == SAFE_SITE
    assert (again.officer_account_id, again.unit, again.region) == (
        officer.id,
        "unit-north-1",
        "north",
    )


def test_officers_and_coordinators_plan_and_see_as_for_cases(session: Session) -> None:
    officer = account(session)
    other_officer = account(session, "officer.two")
    coordinator = account(session, "coord.north", role=COORDINATOR, unit=None)
    elsewhere = account(session, "coord.south", role=COORDINATOR, unit=None, region="south")
    caseworker = account(session, "cw.north", role=CASEWORKER)
    plan = plan_operation(session, officer, details(), now=NOW)

    assert operation_for(session, officer, plan.code.lower()) is plan
    assert operation_for(session, coordinator, plan.code) is plan
    for outsider in (other_officer, elsewhere, caseworker):
        with pytest.raises(NotAllowed):
            operation_for(session, outsider, plan.code)
    with pytest.raises(NotAllowed):
        plan_operation(session, caseworker, details(), now=NOW)
    assert plan_operation(session, coordinator, details(), now=NOW).region == "north"
    coordinator.disabled = True
    with pytest.raises(NotAllowed):
        plan_operation(session, coordinator, details(), now=NOW)


def operation_directory(session: Session, tmp_path: Path) -> None:
    sizes = iter(range(1, 20))

    def here() -> list[dict[str, Any]]:
        # One area of the same name per service: the builder gives one id per name and size.
        return [box(SAFE_SITE, ALMATY, half=0.1 * next(sizes))]

    records = [
        service("adult-shelter", areas=here(), languages=("en",), endpoint_address="+15005550101"),
        service(
            "child-shelter",
            areas=here(),
            eligibility=("children_only",),
            languages=("km", "en"),
            endpoint_address="+15005550102",
        ),
        service(
            "clinic",
            categories=("medical",),
            eligibility=("children_accepted",),
            areas=here(),
            languages=("vi",),
            endpoint_address="+15005550103",
        ),
        service(
            "child-care",
            categories=("child_protection",),
            eligibility=("children_only",),
            areas=here(),
            languages=("fr",),
            endpoint_address="+15005550104",
        ),
        service(
            "km-interpreters",
            categories=("interpretation",),
            areas=here(),
            languages=("km", "en"),
            endpoint_address="+15005550105",
        ),
        service(
            "vi-interpreters",
            categories=("interpretation",),
            areas=here(),
            languages=("vi", "en"),
            endpoint_address="+15005550106",
        ),
        # Elsewhere: never asked.
        service("far-shelter", languages=("en",), endpoint_address="+15005550107"),
    ]
    assert import_directory(session, write(tmp_path / "d.json", records)).ok


def _planned(session: Session, tmp_path: Path) -> tuple[OperationPlan, list[CapacityRequest]]:
    operation_directory(session, tmp_path)
    plan = plan_operation(session, account(session), details(), now=NOW)
    return plan, request_capacity(session, plan, MatchingRules(), now=NOW)


def test_capacity_is_asked_of_matching_providers_for_adults_and_minors_apart(
    session: Session, tmp_path: Path
) -> None:
    plan, requests = _planned(session, tmp_path)

    asked = {
        (r.need_id, r.for_minors, r.language, r.places_wanted, r.recipient, r.provider_language)
        for r in requests
    }
    assert asked == {
        ("basic.housing", False, None, 9, "+15005550101", "en"),
        ("basic.housing", True, None, 3, "+15005550102", "km"),
        ("services.medical", False, None, 9, "+15005550103", "vi"),
        ("services.medical", True, None, 3, "+15005550103", "vi"),
        ("child.protection", True, None, 3, "+15005550104", "fr"),
        (INTERP, False, "km", 1, "+15005550105", "km"),
        (INTERP, False, "vi", 1, "+15005550106", "vi"),
    }
    assert all(r.state == RequestState.REQUESTED.value for r in requests)
    assert all(r.code.startswith("H") and len(r.code) == 7 for r in requests)
    sent = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
    assert [(m.kind, m.recipient) for m in sent] == [("sms", r.recipient) for r in requests]
    adults = sent[0].body
    assert adults == (
        f"Passage {requests[0].code}: shelter, 9 places for 9 adults (5 women, 3 men). "
        f"Languages: km, vi. 2026-12-05 22:00 to 2026-12-06 10:00 UTC. "
        f"Reply HOLD {requests[0].code} and the number of places you hold, "
        f"or NO {requests[0].code}."
    )
    for message in sent:
        assert SAFE_SITE not in message.body and plan.code not in message.body
    assert request_capacity(session, plan, MatchingRules(), now=NOW) == []  # asked once
    assert request_capacity(session, plan, MatchingRules(), now=END) == []


def _all_provider_texts(language: str) -> list[str]:
    plan_details = details()
    texts = []
    for category_need in {n.categories[0].split(".")[0]: n for n in NEEDS}.values():
        for minors in (False, True):
            request = CapacityRequest(
                code="H234567",
                need_id=category_need.id,
                for_minors=minors,
                language=None,
                provider_language=language,
                places_wanted=9,
            )
            texts.append(request_sms(CATALOGS, request, plan_details))
    interpreter = CapacityRequest(
        code="H234567", need_id=INTERP, for_minors=False, language="km", provider_language=language
    )
    texts.append(request_sms(CATALOGS, interpreter, plan_details))
    texts.append(release_sms(CATALOGS, interpreter))
    values = {"code": "H234567", "held": "9", "end": "2026-12-06 10:00", "wanted": "9"}
    texts += [
        CATALOGS.render(f"sms.operation.{answer}", language, **values, taken="2")
        for answer in ("held", "declined", "closed", "too_many", "below_taken")
    ]
    return texts


def test_every_category_of_service_is_named_in_provider_texts() -> None:
    tops = {c for c in CATEGORIES if "." not in c}
    assert {n.categories[0].split(".")[0] for n in NEEDS} <= tops


@pytest.mark.parametrize("language", CATALOGS.languages)
def test_no_provider_text_says_what_the_operation_is_or_where(language: str) -> None:
    forbidden = (*FORBIDDEN, *FORBIDDEN_BY_LANGUAGE[language], SAFE_SITE.casefold())
    for text in _all_provider_texts(language):
        folded = text.casefold()
        found = [word for word in forbidden if word.casefold() in folded]
        assert not found, f"{language}: {found} in {text}"


def test_every_shipped_language_lists_its_forbidden_words() -> None:
    assert set(CATALOGS.languages) <= set(FORBIDDEN_BY_LANGUAGE)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("HOLD H234567 4", CapacityAnswer(Answer.HOLD, "H234567", 4)),
        ("hold h-234567 4", CapacityAnswer(Answer.HOLD, "H234567", 4)),
        ("Garde H234567 2.", CapacityAnswer(Answer.HOLD, "H234567", 2)),
        ("бронь H234567 3", CapacityAnswer(Answer.HOLD, "H234567", 3)),
        ("កក់ H234567 ៣", CapacityAnswer(Answer.HOLD, "H234567", 3)),
        ("จอง H234567 ๒", CapacityAnswer(Answer.HOLD, "H234567", 2)),
        ("giu H234567 1", CapacityAnswer(Answer.HOLD, "H234567", 1)),
        ("NO H234567", CapacityAnswer(Answer.NO, "H234567")),
        ("non H234567", CapacityAnswer(Answer.NO, "H234567")),
        ("\u041d\u0415\u0422 H234567", CapacityAnswer(Answer.NO, "H234567")),  # Russian
        ("ไม่ H234567", CapacityAnswer(Answer.NO, "H234567")),
        ("Không H234567", CapacityAnswer(Answer.NO, "H234567")),
        ("HOLD H234567", None),
        ("HOLD H234567 -3", None),
        ("HOLD H234567 3 4", None),
        ("HOLD H234567 100000", None),
        ("HOLD ABCDEF 3", None),  # a referral code
        ("HOLD H23456O 3", None),
        ("NO H234567 because", None),
        ("ACCEPT H234567", None),
        ("", None),
    ],
)
def test_capacity_answers_are_parsed_in_every_language(
    body: str, expected: CapacityAnswer | None
) -> None:
    assert parse_capacity_answer(body) == expected


def test_answer_words_mean_one_thing_in_every_language() -> None:
    assert all(len(meant) == 1 for meant in answer_words(CATALOGS).values())


def test_holds_come_from_the_number_asked_only(session: Session, tmp_path: Path) -> None:
    _, requests = _planned(session, tmp_path)
    shelter = requests[0]

    wrong = handle_capacity_answer(
        session, sender="+15005550199", body=f"HOLD {shelter.code} 9", now=NOW
    )
    assert wrong is not None and wrong.outcome is Outcome.NOT_FOUND and wrong.answer_id is None
    assert (shelter.state, shelter.places_held) == (RequestState.REQUESTED.value, 0)

    held = handle_capacity_answer(
        session, sender=shelter.recipient, body=f"HOLD {shelter.code} 6", now=NOW
    )
    assert held is not None and held.outcome is Outcome.HELD
    assert held.answer_id == "sms.operation.held"
    assert held.values == {"code": shelter.code, "held": "6", "end": "2026-12-06 10:00"}
    assert (shelter.state, shelter.places_held) == (RequestState.HELD.value, 6)

    no = handle_capacity_answer(
        session, sender=shelter.recipient, body=f"NO {shelter.code}", now=NOW
    )
    assert no is not None and no.outcome is Outcome.DECLINED
    assert (shelter.state, shelter.places_held) == (RequestState.DECLINED.value, 0)

    assert handle_capacity_answer(session, sender=shelter.recipient, body="BEDS 3", now=NOW) is None
    late = handle_capacity_answer(
        session, sender=shelter.recipient, body=f"HOLD {shelter.code} 2", now=END
    )
    assert late is not None and late.outcome is Outcome.CLOSED
    assert shelter.places_held == 0


def test_holds_are_released_after_the_window_and_the_providers_told(
    session: Session, tmp_path: Path
) -> None:
    plan, requests = _planned(session, tmp_path)
    shelter, child_shelter = requests[0], requests[1]
    handle_capacity_answer(
        session, sender=shelter.recipient, body=f"HOLD {shelter.code} 9", now=NOW
    )
    handle_capacity_answer(
        session, sender=child_shelter.recipient, body=f"NO {child_shelter.code}", now=NOW
    )
    before = len(session.scalars(select(OutboxMessage)).all())

    assert release_after_window(session, now=END - timedelta(minutes=1)) == 0
    assert release_after_window(session, now=END) == 1

    assert shelter.state == RequestState.RELEASED.value
    assert child_shelter.state == RequestState.DECLINED.value
    assert {r.state for r in requests[2:]} == {RequestState.EXPIRED.value}
    told = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()[before:]
    assert [(m.recipient, m.body) for m in told] == [
        (
            shelter.recipient,
            f"Passage {shelter.code}: the places you held are no longer needed and are free "
            "again. Thank you.",
        )
    ]
    assert plan.released_at == END
    assert release_after_window(session, now=END + timedelta(hours=1)) == 0
    assert readiness(session, plan).needs[0].held == 0


def test_readiness_counts_held_missing_and_silent_providers(
    session: Session, tmp_path: Path
) -> None:
    plan, requests = _planned(session, tmp_path)
    by_key = {(r.need_id, r.for_minors, r.language): r for r in requests}
    answers = {
        ("basic.housing", False, None): "HOLD {} 6",
        ("basic.housing", True, None): "HOLD {} 3",
        ("services.medical", False, None): "NO {}",
        (INTERP, False, "km"): "HOLD {} 1",
    }
    for key, body in answers.items():
        request = by_key[key]
        handle_capacity_answer(
            session, sender=request.recipient, body=body.format(request.code), now=NOW
        )

    ready = readiness(session, plan)

    rows = {
        (n.need_id, n.for_minors): (n.wanted, n.held, n.missing, n.not_answering)
        for n in ready.needs
    }
    assert rows == {
        ("basic.housing", False): (9, 6, 3, 0),
        ("basic.housing", True): (3, 3, 0, 0),
        ("services.medical", False): (9, 0, 9, 0),
        ("services.medical", True): (3, 0, 3, 1),
        ("child.protection", True): (3, 0, 3, 1),
    }
    assert ready.interpreters == {"km": 1, "vi": 0}


@pytest.mark.parametrize("language", CATALOGS.languages)
def test_provider_texts_fit_three_sms_segments(language: str) -> None:
    for text in _all_provider_texts(language):
        assert segments(text) <= 3, f"{language}: {segments(text)} segments: {text}"
