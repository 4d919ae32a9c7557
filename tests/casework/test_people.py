"""Who comes to a provider: the person and how many children are with them, never more."""

import json
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from casework.intake_access import details_for_provider
from casework.intake_questions import QUESTIONS
from casework.models import Case
from casework.people import children_with_person, people_message_id
from casework.proposals import case_for_matching
from casework.provider_messages import partner_view, referral_message
from casework.referrals import send_chosen_referral
from tests.casework.referral_builders import NOW, OFFICER, POLICY, ready_case, shelters
from translations.catalog import shipped_catalogs

CATALOGS = shipped_catalogs()


def _case(has_children: str | None, *, child: bool = False) -> Case:
    return Case(appears_under_18="yes" if child else "no", has_children=has_children)


@pytest.mark.parametrize(
    ("answer", "english"),
    [
        ("one", "1 adult, 1 child"),
        ("two", "1 adult, 2 children"),
        ("three_or_more", "1 adult, 3 or more children"),
        # Children depending on the person elsewhere do not come along.
        ("elsewhere", "1 adult"),
        ("no", "1 adult"),
        ("does_not_know", "1 adult"),
        ("declined", "1 adult"),
        # Recorded before the number was asked: not known to be with the person.
        ("yes", "1 adult"),
        (None, "1 adult"),
    ],
)
def test_the_people_line_counts_the_children_with_the_person(
    answer: str | None, english: str
) -> None:
    assert CATALOGS.render(people_message_id(_case(answer)), "en") == english


def test_a_presumed_child_with_children_is_told_as_such() -> None:
    assert CATALOGS.render(people_message_id(_case("two", child=True)), "en") == (
        "1 child, and their 2 children"
    )
    assert CATALOGS.render(people_message_id(_case("two")), "ru") == "1 взрослый, 2 ребёнка"


def test_every_count_the_intake_offers_has_a_people_line_in_every_provider_language() -> None:
    (question,) = [q for q in QUESTIONS if q.id == "has_children"]
    for answer in question.options:
        for child in (False, True):
            message_id = people_message_id(_case(answer, child=child))
            for language in CATALOGS.languages:
                assert CATALOGS.render(message_id, language)


def test_matching_learns_only_whether_children_come_along() -> None:
    assert children_with_person(_case("three_or_more")) == "three_or_more"
    assert children_with_person(_case("elsewhere")) is None


def test_the_sms_the_inbox_and_the_fhir_bundle_say_who_comes(
    session: Session, tmp_path: Path
) -> None:
    shelters(session, tmp_path)
    case = ready_case(session)
    referral = send_chosen_referral(
        session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
    )
    assert case_for_matching(session, case).with_children is False
    case.has_children = "two"
    assert case_for_matching(session, case).with_children is True

    channel, sms = referral_message(session, case, referral, "token", POLICY)
    assert channel == "sms"
    expected = CATALOGS.render("sms.people.adult.two", referral.provider_language)
    assert expected in sms
    assert partner_view(session, case, referral, POLICY).people == expected
    details = details_for_provider(session, referral, now=NOW)
    assert details is not None and details.people == "sms.people.adult.two"
    referral.channel = "api"
    _, body = referral_message(session, case, referral, "token", POLICY)
    assert expected in json.dumps(json.loads(body), ensure_ascii=False)
