"""The intake interview driven through the domain functions, question by question."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.assessment import needed
from casework.case_status import reopen
from casework.cases import open_case
from casework.consent import Scope, has_consent
from casework.intake import (
    Outcome,
    answer,
    back,
    draft,
    needs_interpreter,
    next_step,
    rights_handout_due,
    toggle,
)
from casework.models import Case, ConsentReceipt, IntakeAnswer, RiskCheck
from casework.risk import RISK_CODES, risk_found
from tests.casework.account_builders import account
from translations.catalog import shipped_catalogs

NOW = datetime(2026, 11, 23, 2, 0, tzinfo=UTC)

CHILD_PROFILE = [
    ("urgent_medical", ["no"]),
    ("present", ["private_space"]),
    ("person_language", ["en"]),
    ("appears_under_18", ["yes"]),
    ("guardian_may_be_involved", ["no"]),
    ("gender", ["female"]),
    ("has_children", ["no"]),
    ("area", ["Tashkent"]),
    ("exploitation_form", ["does_not_know"]),
]

ADULT_PROFILE = [
    ("urgent_medical", ["no"]),
    ("present", ["interpreter_here", "private_space"]),
    ("person_language", ["ru"]),
    ("appears_under_18", ["no"]),
    ("gender", ["female"]),
    ("has_children", ["no"]),
    ("area", ["  Almaty,   Bostandyk district "]),
    ("exploitation_form", ["labour"]),
    ("consent_delivery", ["interpreter"]),
]


def _answer(session: Session, case: Case, question_id: str, values: list[str]) -> Outcome:
    step = next_step(session, case, now=NOW)
    assert step is not None and step.question.id == question_id
    return answer(session, case, step, values, now=NOW)


def _through(session: Session, case: Case, answers: list[tuple[str, list[str]]]) -> None:
    for question_id, values in answers:
        assert _answer(session, case, question_id, values) is Outcome.NEXT, question_id


@pytest.fixture
def case(session: Session) -> Case:
    created = open_case(session, channel="rest", now=NOW, officer=account(session))
    session.flush()
    return created


def test_an_adult_consenting_to_everything_completes_the_assessment(
    session: Session, case: Case
) -> None:
    _through(session, case, ADULT_PROFILE)
    assert case.area == "Almaty, Bostandyk district"
    assert (case.private_space, case.interpreter_present) == ("yes", "yes")
    _through(
        session,
        case,
        [
            ("consent_decisions", ["assessment", "referrals", "law_enforcement"]),
            ("level_1", ["basic.housing", "basic.food"]),
            ("level_2", ["services.medical", "services.legal_advocacy"]),
            ("level_3", ["rights.compensation_claim"]),
            ("urgency", ["basic.housing"]),
        ],
    )
    assert next_step(session, case, now=NOW) is None
    assert {row.need_id: row.urgent for row in needed(session, case)} == {
        "basic.housing": True,
        "basic.food": False,
        "services.medical": False,
        "services.legal_advocacy": False,
        "rights.compensation_claim": False,
    }
    receipts = session.scalars(
        select(ConsentReceipt).where(ConsentReceipt.case_id == case.id)
    ).all()
    assert {(r.scope, r.granted, r.language, r.delivery) for r in receipts} == {
        (scope.value, True, "ru", "interpreter") for scope in Scope
    }


def test_consent_to_services_but_not_police_is_respected(session: Session, case: Case) -> None:
    _through(session, case, [*ADULT_PROFILE, ("consent_decisions", ["assessment", "referrals"])])
    assert has_consent(session, case, Scope.REFERRALS, now=NOW)
    assert not has_consent(session, case, Scope.LAW_ENFORCEMENT, now=NOW)
    step = next_step(session, case, now=NOW)
    assert step is not None and step.question.id == "level_1"


def test_refusal_closes_as_information_only_and_keeps_nothing_identifying(
    session: Session, case: Case
) -> None:
    _through(session, case, ADULT_PROFILE)
    assert _answer(session, case, "consent_decisions", []) is Outcome.INFORMATION_ONLY
    assert case.status == "information_only"
    assert (case.gender, case.area, case.exploitation_form, case.has_children) == (
        None,
        None,
        None,
        None,
    )
    assert next_step(session, case, now=NOW) is None


def test_an_urgent_medical_need_pauses_before_anything_else(session: Session, case: Case) -> None:
    assert _answer(session, case, "urgent_medical", ["yes"]) is Outcome.PAUSED_FOR_MEDICAL
    assert case.status == "paused"
    assert [(r.need_id, r.urgent) for r in needed(session, case)] == [("services.medical", True)]
    assert next_step(session, case, now=NOW) is None
    case.status = "open"  # resumed
    step = next_step(session, case, now=NOW)
    assert step is not None and step.question.id == "present"


@pytest.mark.parametrize(
    "present",
    [
        ["private_space", "possible_exploiter"],  # someone who may be involved is there
        ["interpreter_here", "other_officers"],  # not a private space
        [],
    ],
)
def test_an_unsafe_setting_pauses_before_anything_about_the_person(
    session: Session, case: Case, present: list[str]
) -> None:
    assert _answer(session, case, "urgent_medical", ["no"]) is Outcome.NEXT
    step = next_step(session, case, now=NOW)
    assert step is not None
    for option in present:  # ticked one by one (buttons, Telegram), then Done
        toggle(session, case, step, option, now=NOW)

    assert answer(session, case, step, present, now=NOW) is Outcome.PAUSED_FOR_SAFETY

    assert case.status == "paused"
    assert (case.private_space, case.interpreter_present) == (None, None)
    assert next_step(session, case, now=NOW) is None  # no consent text, no question
    answered = session.scalars(
        select(IntakeAnswer.question_id).where(IntakeAnswer.case_id == case.id)
    )
    assert list(answered) == ["urgent_medical"]
    reopen(case)  # the officer resumes once the person is apart, in a private space
    step = next_step(session, case, now=NOW)
    assert step is not None and draft(session, case, step.question) == set()
    assert _answer(session, case, "present", ["private_space"]) is Outcome.NEXT
    step = next_step(session, case, now=NOW)
    assert step is not None and step.question.id == "person_language"


@pytest.mark.parametrize(
    ("present", "offered"),
    [(["private_space", "interpreter_here"], True), (["private_space"], False)],
)
def test_through_an_interpreter_only_when_one_is_there(
    session: Session, case: Case, present: list[str], offered: bool
) -> None:
    # English: the one consent text reviewed, so no interpreter is needed to go on.
    answers = {"present": present, "person_language": ["en"]}
    profile = [(q, answers.get(q, v)) for q, v in ADULT_PROFILE[:-1]]
    _through(session, case, profile)
    step = next_step(session, case, now=NOW)
    assert step is not None and step.question.id == "consent_delivery"

    assert ("interpreter" in step.options) is offered
    outcome = answer(session, case, step, ["interpreter"], now=NOW)
    assert (outcome is Outcome.NEXT) is offered


def test_the_rights_handout_follows_the_consent_decisions_and_information_only(
    session: Session, case: Case
) -> None:
    _through(session, case, ADULT_PROFILE)
    step = next_step(session, case, now=NOW)
    assert step is not None and step.question.id == "consent_decisions"
    assert rights_handout_due(step, Outcome.NEXT)
    assert rights_handout_due(step, Outcome.INFORMATION_ONLY)
    assert not rights_handout_due(step, Outcome.INVALID)
    later = answer(session, case, step, ["assessment", "referrals"], now=NOW)
    assert later is Outcome.NEXT
    following = next_step(session, case, now=NOW)
    assert following is not None and not rights_handout_due(following, Outcome.NEXT)


def test_an_address_for_the_area_is_refused_and_nothing_of_it_kept(
    session: Session, case: Case
) -> None:
    _through(session, case, ADULT_PROFILE[:6])

    assert _answer(session, case, "area", ["77 Secret Street flat 5"]) is Outcome.NOT_AN_AREA

    assert case.area is None
    kept = session.scalars(select(IntakeAnswer.value).where(IntakeAnswer.case_id == case.id))
    assert not any("Secret" in value for value in kept)
    assert _answer(session, case, "area", ["Almaty"]) is Outcome.NEXT
    assert case.area == "Almaty"


def test_a_language_without_a_consent_text_needs_an_interpreter_there(
    session: Session, case: Case
) -> None:
    _through(session, case, [("urgent_medical", ["no"]), ("present", ["private_space"])])

    assert _answer(session, case, "person_language", ["other"]) is Outcome.NEED_INTERPRETER

    assert case.status == "paused" and case.person_language == "other"
    assert next_step(session, case, now=NOW) is None
    reopen(case)  # the interpreter came: the officer says who is there again
    _through(
        session,
        case,
        [("present", ["private_space", "interpreter_here"]), ("person_language", ["other"])],
    )
    step = next_step(session, case, now=NOW)
    assert step is not None and step.question.id == "appears_under_18"


def test_a_consent_text_no_translator_reviewed_needs_an_interpreter_there(
    session: Session, case: Case
) -> None:
    # Burmese is shipped, but its consent text is an unreviewed translation.
    assert not shipped_catalogs().lookup("consent.script", "my").reviewed
    _through(session, case, [("urgent_medical", ["no"]), ("present", ["private_space"])])

    assert _answer(session, case, "person_language", ["my"]) is Outcome.NEED_INTERPRETER
    assert needs_interpreter("my", "yes") is False
    assert needs_interpreter("en", "no") is False  # the source text needs no review


def test_a_presumed_child_needs_a_representative_and_assent(session: Session, case: Case) -> None:
    _through(
        session,
        case,
        [
            ("urgent_medical", ["no"]),
            ("present", ["private_space"]),
            ("person_language", ["en"]),
            ("appears_under_18", ["unsure"]),
            ("guardian_may_be_involved", ["no"]),
            ("gender", ["male"]),
            ("has_children", ["no"]),
            ("area", ["Tashkent"]),
            ("exploitation_form", ["begging_crime"]),
        ],
    )
    step = next_step(session, case, now=NOW)
    assert step is not None and step.question.id == "representative"
    assert "guardian" in step.options
    assert answer(session, case, step, ["none"], now=NOW) is Outcome.NEED_REPRESENTATIVE
    assert case.status == "paused"
    case.status = "open"
    _through(
        session,
        case,
        [
            ("representative", ["social_worker"]),
            ("consent_delivery", ["read_by_officer"]),
            ("child_assent", ["yes"]),
            ("consent_decisions", ["assessment", "referrals"]),
        ],
    )
    receipt = session.scalars(
        select(ConsentReceipt).where(
            ConsentReceipt.case_id == case.id, ConsentReceipt.scope == "referrals"
        )
    ).one()
    assert (receipt.consenter, receipt.representative_role, receipt.child_assent) == (
        "representative",
        "social_worker",
        True,
    )


def test_a_guardian_who_may_be_involved_is_never_offered(session: Session, case: Case) -> None:
    _through(
        session,
        case,
        [
            ("urgent_medical", ["no"]),
            ("present", ["interpreter_here", "private_space"]),
            ("person_language", ["ru"]),
            ("appears_under_18", ["yes"]),
            ("guardian_may_be_involved", ["yes"]),
            ("gender", ["female"]),
            ("has_children", ["no"]),
            ("area", ["Siem Reap"]),
            ("exploitation_form", ["domestic_servitude"]),
        ],
    )
    step = next_step(session, case, now=NOW)
    assert step is not None and step.question.id == "representative"
    assert "guardian" not in step.options
    assert answer(session, case, step, ["guardian"], now=NOW) is Outcome.INVALID


def test_a_child_without_assent_gives_no_consent(session: Session, case: Case) -> None:
    _through(session, case, CHILD_PROFILE)
    _through(
        session,
        case,
        [
            ("representative", ["ngo"]),
            ("consent_delivery", ["read_by_officer"]),
            ("child_assent", ["no"]),
        ],
    )
    assert _answer(session, case, "consent_decisions", ["assessment"]) is Outcome.INFORMATION_ONLY
    assert not has_consent(session, case, Scope.ASSESSMENT, now=NOW)


def test_no_comprehension_means_explain_again(session: Session, case: Case) -> None:
    _through(session, case, ADULT_PROFILE[:-1])
    assert _answer(session, case, "consent_delivery", ["not_yet"]) is Outcome.EXPLAIN_AGAIN
    step = next_step(session, case, now=NOW)
    assert step is not None and step.question.id == "consent_delivery"


@pytest.mark.parametrize(
    ("question_id", "values"),
    [
        ("urgent_medical", ["maybe"]),
        ("urgent_medical", ["yes", "no"]),
        ("urgent_medical", []),
        ("urgent_medical", ["<script>"]),
    ],
)
def test_invalid_answers_change_nothing(
    session: Session, case: Case, question_id: str, values: list[str]
) -> None:
    assert _answer(session, case, question_id, values) is Outcome.INVALID
    step = next_step(session, case, now=NOW)
    assert step is not None and step.question.id == question_id


@pytest.mark.parametrize("text", ["", "   ", "x" * 65])
def test_the_area_must_be_short_text(session: Session, case: Case, text: str) -> None:
    _through(session, case, ADULT_PROFILE[:6])
    assert _answer(session, case, "area", [text]) is Outcome.INVALID


def test_toggles_build_a_selection_that_done_submits(session: Session, case: Case) -> None:
    _through(session, case, [*ADULT_PROFILE, ("consent_decisions", ["assessment"])])
    step = next_step(session, case, now=NOW)
    assert step is not None
    toggle(session, case, step, "basic.food", now=NOW)
    toggle(session, case, step, "basic.clothing", now=NOW)
    toggle(session, case, step, "basic.food", now=NOW)
    assert draft(session, case, step.question) == {"basic.clothing"}
    with pytest.raises(ValueError):
        toggle(session, case, step, "rights.information", now=NOW)
    assert (
        answer(session, case, step, sorted(draft(session, case, step.question)), now=NOW)
        is Outcome.NEXT
    )
    assert [r.need_id for r in needed(session, case)] == ["basic.clothing"]


def test_nothing_needed_still_gets_the_risk_check(session: Session, case: Case) -> None:
    _through(
        session,
        case,
        [
            *ADULT_PROFILE,
            ("consent_decisions", ["assessment", "referrals"]),
            ("level_1", ["does_not_know"]),
            ("level_2", ["declined"]),
            ("level_3", []),
        ],
    )
    # Nothing was needed: the last question asks only about risk.
    step = next_step(session, case, now=NOW)
    assert step is not None and step.question.id == "urgency"
    assert step.options == list(RISK_CODES)
    assert answer(session, case, step, [], now=NOW) is Outcome.NEXT
    assert next_step(session, case, now=NOW) is None
    assert needed(session, case) == [] and risk_found(session, case) == []


def test_risk_found_makes_safety_planning_an_urgent_need(session: Session, case: Case) -> None:
    _through(
        session,
        case,
        [
            *ADULT_PROFILE,
            ("consent_decisions", ["assessment", "referrals"]),
            ("level_1", ["basic.housing"]),
            ("level_2", []),
            ("level_3", []),
        ],
    )

    _through(session, case, [("urgency", ["basic.housing", "others_still_held"])])

    assert [(r.need_id, r.urgent) for r in needed(session, case)] == [
        ("basic.housing", True),
        ("services.safety_planning", True),
    ]
    assert risk_found(session, case) == ["others_still_held"]
    kept = session.scalars(select(RiskCheck.codes).where(RiskCheck.case_id == case.id)).all()
    assert kept == ["others_still_held"]


def test_a_resumed_case_asks_the_risk_check_again_each_time(session: Session, case: Case) -> None:
    _through(
        session,
        case,
        [
            *ADULT_PROFILE,
            ("consent_decisions", ["assessment", "referrals"]),
            ("level_1", []),
            ("level_2", []),
            ("level_3", []),
            ("urgency", []),
        ],
    )
    assert next_step(session, case, now=NOW) is None
    for hours in (1, 2):
        case.last_resumed_at = NOW + timedelta(hours=hours)
        later = NOW + timedelta(hours=hours, minutes=1)
        step = next_step(session, case, now=later)
        assert step is not None and step.question.id == "risk_recheck"
        assert answer(session, case, step, ["threats_to_family"], now=later) is Outcome.NEXT
        assert next_step(session, case, now=later) is None
    assert risk_found(session, case) == ["threats_to_family"]
    occasions = session.scalars(select(RiskCheck.occasion).where(RiskCheck.case_id == case.id))
    assert list(occasions) == ["intake", "resumed", "resumed"]


def test_back_forgets_the_latest_answer_and_asks_again(session: Session, case: Case) -> None:
    assert back(session, case) is None
    _through(session, case, ADULT_PROFILE[:3])
    later = NOW + timedelta(seconds=1)
    step = next_step(session, case, now=later)
    assert step is not None
    answer(session, case, step, ["no"], now=later)
    assert back(session, case) == "appears_under_18"
    session.flush()
    step = next_step(session, case, now=NOW)
    assert step is not None and step.question.id == "appears_under_18"


def test_no_assessment_question_without_consent(session: Session, case: Case) -> None:
    _through(session, case, ADULT_PROFILE)
    receipts = session.scalars(select(ConsentReceipt)).all()
    assert receipts == []
    step = next_step(session, case, now=NOW)
    assert step is not None and step.question.id == "consent_decisions"


def test_the_person_may_leave_any_personal_question_unanswered(
    session: Session, case: Case
) -> None:
    _through(
        session,
        case,
        [
            ("urgent_medical", ["does_not_know"]),
            ("present", ["private_space", "interpreter_here"]),
            ("person_language", ["other"]),
            ("appears_under_18", ["declined"]),
            ("guardian_may_be_involved", ["does_not_know"]),
            ("gender", ["declined"]),
            ("has_children", ["does_not_know"]),
            ("area", ["declined"]),
            ("exploitation_form", ["declined"]),
        ],
    )
    # Age not said: still a presumed child, so a representative is asked for.
    assert case.presumed_child
    assert (case.area, case.private_space, case.interpreter_present) == ("declined", "yes", "yes")
    step = next_step(session, case, now=NOW)
    assert step is not None and step.question.id == "representative"


def test_a_consent_the_rules_forbid_is_refused_as_an_answer(session: Session, case: Case) -> None:
    _through(session, case, [*CHILD_PROFILE, ("representative", ["guardian"])])
    _through(session, case, [("consent_delivery", ["read_by_officer"]), ("child_assent", ["yes"])])
    case.guardian_may_be_involved = "yes"  # learnt after the guardian was named
    assert _answer(session, case, "consent_decisions", ["assessment"]) is Outcome.INVALID
    assert session.scalars(select(ConsentReceipt)).all() == []


def test_typed_words_never_end_the_child_presumption_nor_give_a_childs_assent() -> None:
    from casework.intake_questions import NO, YES, may_come_from_typed_words

    assert not may_come_from_typed_words("appears_under_18", NO)
    assert not may_come_from_typed_words("guardian_may_be_involved", NO)
    assert not may_come_from_typed_words("child_assent", YES)
    assert may_come_from_typed_words("appears_under_18", YES)  # more protection: fine
    assert may_come_from_typed_words("child_assent", NO)
    assert may_come_from_typed_words("has_children", NO)


def test_a_done_sent_again_for_the_services_never_answers_the_rights(
    session: Session, case: Case
) -> None:
    """Measured before: the reply to "Done" at "Assistance and services" was lost, the officer
    sent "Done" again, and it answered the rights question with nothing chosen."""
    _through(
        session,
        case,
        [*ADULT_PROFILE, ("consent_decisions", ["assessment"]), ("level_1", ["basic.food"])],
    )
    services = next_step(session, case, now=NOW)
    assert services is not None and services.question.id == "level_2"
    assert answer(session, case, services, [], now=NOW, for_question="level_2") is Outcome.NEXT

    rights = next_step(session, case, now=NOW)
    assert rights is not None and rights.question.id == "level_3"
    assert answer(session, case, rights, [], now=NOW, for_question="level_2") is Outcome.STALE
    # A button names its case too: the same question of another case is not this one.
    assert (
        answer(session, case, rights, [], now=NOW, for_question="AAAA-BBBB/level_3")
        is Outcome.STALE
    )
    assert toggle(session, case, rights, "rights.information", now=NOW, for_question="level_2") is (
        None
    )

    step = next_step(session, case, now=NOW)
    assert step is not None and step.question.id == "level_3"
    assert draft(session, case, step.question) == set()
