"""Intake conversations over REST against the real servers: every path of the interview."""

from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.models import AssessedNeed, ConsentReceipt, IntakeAnswer
from referral_directory.needs import Level, needs_of_level
from tests.e2e.conftest import Stack
from tests.e2e.officer import (
    ADULT_TO_CONSENT,
    CATALOGS,
    Officer,
    choose,
    en,
    walk,
)
from tests.referral_directory.hsds_builders import ALMATY, box, service, write

pytestmark = pytest.mark.e2e


def test_adult_consents_to_everything_with_buttons_and_numbers(stack: Stack) -> None:
    officer = Officer(stack)
    replies = officer.start()
    assert replies[1].startswith(en("ask.urgent_medical"))
    consent_shown = walk(officer, ADULT_TO_CONSENT[:10])
    assert any(CATALOGS.lookup("consent.script", "ru").text in r for r in consent_shown)
    assert any(en("intake.unreviewed_notice") in r for r in consent_shown)
    walk(officer, ADULT_TO_CONSENT[10:])
    # Toggle with buttons, then Done.
    for code in ("assessment", "referrals", "law_enforcement"):
        officer.answer(choose(code), "consent_decisions")
    decided = officer.answer(choose("done"), "level_1")
    # Every consenting person gets the handout of their rights, with the deployment's number.
    hotline = stack.settings.public_hotline
    assert any(CATALOGS.render("intake.handover", "ru", hotline=hotline) in r for r in decided)
    # Typed option numbers: housing (1) and food (3); children's needs are not offered.
    officer.answer("1 3", "level_2")
    level_2 = [n.id for n in needs_of_level(Level.ASSISTANCE_AND_SERVICES)]
    officer.answer(
        f"{level_2.index('services.medical') + 1}, {level_2.index('services.legal_advocacy') + 1}",
        "level_3",
    )
    officer.answer(choose("rights.compensation_claim"), "level_3")
    officer.answer(choose("done"), "urgency")
    summary = officer.answer(choose("basic.housing"), "urgency")
    replies = officer.answer(choose("done"), None)
    opening = CATALOGS.render("intake.summary", "en", case_reference=officer.reference, needs="")
    summary = next(r for r in replies if r.startswith(opening[:30]))
    assert f"- {en('need.basic.housing')} {en('intake.urgent_mark')}" in summary
    assert f"- {en('need.rights.compensation_claim')}" in summary
    # The person reads what was noted, in Russian, with the officer's English beside it.
    person, beside, *then = replies[replies.index(summary) + 1 :]
    ru = CATALOGS.lookup("person.need.basic.housing", "ru").text
    assert person.startswith(en("intake.for_the_person"))
    assert f"- {ru} {CATALOGS.lookup('person.urgent_mark', 'ru').text}" in person
    assert beside.startswith(en("person.summary"))
    # Then the providers for each need (the e2e directory may be empty: then the gaps).
    assert then[0] == en("match.intro")

    with Session(stack.engine) as session:
        case = officer.case(session)
        assert (case.person_language, case.gender, case.area, case.appears_under_18) == (
            "ru",
            "female",
            "Almaty, Medeu district",
            "no",
        )
        needed = {
            row.need_id: row.urgent
            for row in session.scalars(
                select(AssessedNeed).where(
                    AssessedNeed.case_id == case.id, AssessedNeed.answer == "needed"
                )
            )
        }
        assert needed == {
            "basic.housing": True,
            "basic.food": False,
            "services.medical": False,
            "services.legal_advocacy": False,
            "rights.compensation_claim": False,
        }
        receipts = session.scalars(
            select(ConsentReceipt).where(ConsentReceipt.case_id == case.id)
        ).all()
        assert {(r.scope, r.granted, r.language, r.consenter) for r in receipts} == {
            ("assessment", True, "ru", "person"),
            ("referrals", True, "ru", "person"),
            ("law_enforcement", True, "ru", "person"),
        }


def test_adult_consents_to_services_but_not_to_police(stack: Stack) -> None:
    officer = Officer(stack)
    officer.start()
    walk(officer, ADULT_TO_CONSENT)
    officer.answer("1 2", "level_1")  # typed numbers are final: assessment, referrals
    with Session(stack.engine) as session:
        case = officer.case(session)
        granted = dict(
            session.execute(
                select(ConsentReceipt.scope, ConsentReceipt.granted).where(
                    ConsentReceipt.case_id == case.id
                )
            ).all()
        )
    assert granted == {"assessment": True, "referrals": True, "law_enforcement": False}


def test_refusal_gives_information_only_and_keeps_nothing_identifying(stack: Stack) -> None:
    officer = Officer(stack)
    officer.start()
    walk(officer, ADULT_TO_CONSENT)
    replies = officer.answer(choose("done"), None)  # nothing chosen: everything refused
    assert any(
        r == CATALOGS.render("intake.information_only", "en", case_reference=officer.reference)
        for r in replies
    )
    # What to hand over is in the person's language (Russian), with English beside it (Rasa
    # sends the blank-line-separated parts as separate messages).
    hotline = stack.settings.public_hotline
    handover = CATALOGS.render("intake.handover", "ru", hotline=hotline)
    assert any(handover in r for r in replies)
    assert CATALOGS.render("intake.handover", "en", hotline=hotline) in replies
    with Session(stack.engine) as session:
        case = officer.case(session)
        assert case.status == "information_only"
        assert (case.gender, case.area, case.exploitation_form) == (None, None, None)
        assert (
            session.scalars(select(AssessedNeed).where(AssessedNeed.case_id == case.id)).all() == []
        )


def test_presumed_child_with_a_representative(stack: Stack) -> None:
    officer = Officer(stack)
    officer.start()
    walk(
        officer,
        [
            (choose("no"), "present"),
            ("1", "person_language"),
            (choose("en"), "appears_under_18"),
            (choose("unsure"), "guardian_may_be_involved"),
            (choose("no"), "gender"),
            (choose("male"), "has_children"),
            (choose("no"), "area"),
            ("Tashkent", "exploitation_form"),
            (choose("begging_crime"), "representative"),
            (choose("social_worker"), "consent_delivery"),
            (choose("read_by_officer"), "child_assent"),
            (choose("yes"), "consent_decisions"),
            ("1 2", "level_1"),
        ],
    )
    with Session(stack.engine) as session:
        case = officer.case(session)
        assert case.presumed_child
        receipt = session.scalars(
            select(ConsentReceipt).where(
                ConsentReceipt.case_id == case.id, ConsentReceipt.scope == "assessment"
            )
        ).one()
        assert (receipt.consenter, receipt.representative_role, receipt.child_assent) == (
            "representative",
            "social_worker",
            True,
        )


def test_child_whose_guardian_may_be_involved(stack: Stack) -> None:
    officer = Officer(stack)
    officer.start()
    replies = walk(
        officer,
        [
            (choose("no"), "present"),
            ("1 2", "person_language"),
            (choose("ru"), "appears_under_18"),
            (choose("yes"), "guardian_may_be_involved"),
            (choose("yes"), "gender"),
            (choose("female"), "has_children"),
            (choose("no"), "area"),
            ("Siem Reap", "exploitation_form"),
            (choose("sexual"), "representative"),
        ],
    )
    assert en("intake.child_protection") in replies
    question = stack.say(officer.sender, "help")[-1]
    titles = [b["title"] for b in question.get("buttons", [])]
    assert en("option.guardian") not in titles and en("option.social_worker") in titles
    # Typing the guardian anyway is refused: it is not an option here.
    refused = officer.answer(choose("guardian"), "representative")
    assert en("intake.invalid") in refused


def test_urgent_medical_need_pauses_and_the_case_resumes_later(stack: Stack) -> None:
    officer = Officer(stack)
    officer.start()
    replies = officer.answer(choose("yes"), None)
    assert replies == [
        CATALOGS.render("intake.paused_for_medical", "en", case_reference=officer.reference)
    ]
    with Session(stack.engine) as session:
        case = officer.case(session)
        assert case.status == "paused"
        urgent = session.scalars(select(AssessedNeed).where(AssessedNeed.case_id == case.id)).one()
        assert (urgent.need_id, urgent.urgent) == ("services.medical", True)
    later = Officer(stack, username=officer.username)
    later.reference = officer.reference
    resumed = later.answer(officer.reference, "present")
    assert resumed[0].startswith(en("utter_case_resumed").split("{")[0])


def test_a_possible_exploiter_present_pauses_before_the_consent_text(stack: Stack) -> None:
    officer = Officer(stack)
    officer.start()
    officer.answer(choose("no"), "present")
    officer.answer(choose("private_space"), "present")
    officer.answer(choose("possible_exploiter"), "present")

    replies = officer.answer(choose("done"), None)

    assert replies == [
        CATALOGS.render("intake.paused_for_safety", "en", case_reference=officer.reference)
    ]
    with Session(stack.engine) as session:
        case = officer.case(session)
        assert case.status == "paused" and case.private_space is None
        answered = session.scalars(
            select(IntakeAnswer.question_id).where(IntakeAnswer.case_id == case.id)
        ).all()
        assert answered == ["urgent_medical"]  # nothing of the person, not even the ticks
    # Apart from that someone, in a private space: the officer resumes and says so.
    later = Officer(stack, username=officer.username)
    later.reference = officer.reference
    later.answer(officer.reference, "present")
    later.answer(choose("private_space"), "present")
    later.answer(choose("done"), "person_language")


def test_a_burmese_person_without_an_interpreter_cannot_consent_yet(
    stack: Stack, tmp_path: Path
) -> None:
    # Burmese has a consent text, but no translator reviewed it: an interpreter must be there.
    records = [
        service(
            "burmese-interpreting",
            categories=("interpretation",),
            languages=("my", "en"),
            areas=[box("north", ALMATY)],  # the officer's region
        )
    ]
    stack.import_directory(write(tmp_path / "interpreters.json", records))
    officer = Officer(stack)
    officer.start()
    walk(officer, [(choose("no"), "present"), ("1", "person_language")])

    replies = officer.answer(choose("my"), None)

    assert replies[0] == CATALOGS.render(
        "intake.need_interpreter", "en", case_reference=officer.reference
    )
    interpreters = replies[1].splitlines()
    assert interpreters[0] == en("intake.interpreters_found")
    assert "burmese-interpreting service" in interpreters[1]
    with Session(stack.engine) as session:
        case = officer.case(session)
        assert case.status == "paused"
        receipts = session.scalars(
            select(ConsentReceipt).where(ConsentReceipt.case_id == case.id)
        ).all()
        assert receipts == []


def test_an_address_typed_for_the_area_is_refused_and_asked_again(stack: Stack) -> None:
    officer = Officer(stack)
    officer.start()
    walk(officer, ADULT_TO_CONSENT[:8])  # now at the area question

    refused = officer.answer("77 Secret Street flat 5", "area")

    assert en("intake.area_only") in refused
    officer.answer("Almaty, Medeu district", "exploitation_form")
    with Session(stack.engine) as session:
        case = officer.case(session)
        kept = session.scalars(select(IntakeAnswer.value).where(IntakeAnswer.case_id == case.id))
        assert not any("Secret" in value for value in kept)
        assert case.area == "Almaty, Medeu district"


def test_withdrawal_half_way_stops_the_case(stack: Stack) -> None:
    officer = Officer(stack)
    officer.start()
    walk(officer, [*ADULT_TO_CONSENT, ("1 2 3", "level_1")])
    replies = officer.answer("/stop", None)
    assert replies == [CATALOGS.render("intake.stopped", "en", case_reference=officer.reference)]
    with Session(stack.engine) as session:
        case = officer.case(session)
        assert case.status == "withdrawn"
        receipts = session.scalars(
            select(ConsentReceipt).where(ConsentReceipt.case_id == case.id)
        ).all()
        assert receipts and all(r.withdrawn_at is not None for r in receipts)
    # Nothing more is asked: an answer now is not taken.
    assert not any(r.startswith(en("ask.level_1")) for r in officer.say("1"))


def test_nonsense_emoji_and_overlong_answers_are_reasked_and_nothing_is_lost(stack: Stack) -> None:
    officer = Officer(stack)
    officer.start()
    walk(officer, ADULT_TO_CONSENT[:5])  # now at appears_under_18
    for nonsense in ("purple monkey dishwasher", "🙂🙂🙂", "99", '/choose{"choice": "maybe"}'):
        # Whatever the model makes of it, the same question is asked again.
        officer.answer(nonsense, "appears_under_18")
    too_long = httpx.post(
        stack.rest_webhook, json={"sender": officer.sender, "message": "x" * 5000}, timeout=60
    )
    assert too_long.status_code == 413
    officer.answer(choose("no"), "gender")
    with Session(stack.engine) as session:
        case = officer.case(session)
        answered = set(
            session.scalars(select(IntakeAnswer.question_id).where(IntakeAnswer.case_id == case.id))
        )
    assert answered == {"urgent_medical", "present", "person_language", "appears_under_18"}


def test_back_reasks_the_previous_question(stack: Stack) -> None:
    officer = Officer(stack)
    officer.start()
    walk(officer, ADULT_TO_CONSENT[:5])  # at appears_under_18
    replies = officer.answer("go back", "person_language")
    assert en("intake.went_back") in replies


def test_resume_after_a_restart_of_all_servers(stack: Stack) -> None:
    officer = Officer(stack)
    officer.start()
    walk(officer, ADULT_TO_CONSENT[:6])  # at gender
    officer.say("pause")
    stack.restart()
    later = Officer(stack, username=officer.username)
    later.reference = officer.reference
    later.answer(f"the code is {officer.reference}", "gender")
    later.answer(choose("declined"), "has_children")
