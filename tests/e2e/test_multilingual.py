"""A case run end to end with the officer in Khmer and the person in Burmese, and the referral
SMS going to a Thai provider in Thai (issue 6's acceptance scenario)."""

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.models import Case
from casework.referral_models import Referral
from tests.e2e.conftest import Stack
from tests.e2e.officer import CATALOGS, Officer, choose, walk
from tests.e2e.shymkent import officer_was_told, provider_replies, referral_by_code, sms_to
from tests.referral_directory.hsds_builders import ALMATY, box, service, write
from translations.bidi import isolate
from translations.sms_segments import segments

pytestmark = pytest.mark.e2e

THAI_NUMBER = "+15005552066"
MAE_SOT = (ALMATY[0] + 2.0, ALMATY[1] + 2.0)  # far from the other tests' providers
BURMESE_SENTENCE = "ကျွန်တော် အိမ်ပြန်ချင်ပါတယ်"


def km(message_id: str, **values: object) -> str:
    return CATALOGS.render(message_id, "km", **values)


@pytest.fixture(scope="module")
def thai_shelter(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> None:
    record = service(
        "th-shelter",
        at=MAE_SOT,
        languages=("th",),
        areas=[box("Mae Sot", MAE_SOT)],
        organization="th-ngo",
        endpoint_address=THAI_NUMBER,
    )
    path: Path = write(tmp_path_factory.mktemp("directory") / "mae_sot.json", [record])
    stack.import_directory(path)


def _fixed_parts(message_id: str, language: str) -> list[str]:
    """The text of a template between its placeholders."""
    template = CATALOGS.lookup(message_id, language).text
    return [part for part in re.split(r"\{[a-z_]+\}", template) if part.strip()]


def _joined(replies: list[str]) -> str:
    """Rasa's channels send a text with a blank line in it as two messages."""
    return "\n\n".join(replies)


def _person_block(message_id: str) -> str:
    """What the chat shows for a person-facing text: Burmese, flagged, Khmer beside it."""
    return "\n".join(
        [
            km("intake.for_the_person"),
            CATALOGS.lookup(message_id, "my").text,
            km("intake.unreviewed_notice"),
            "",
            km(message_id),
        ]
    )


def test_khmer_officer_burmese_person_thai_provider(stack: Stack, thai_shelter: None) -> None:
    assert not CATALOGS.lookup("consent.script", "my").reviewed  # else the flag is not shown
    officer = Officer(stack, language="km")
    set_language = '/set_language{"language":"km"}'
    assert officer.say(set_language) == [km("utter_language_set")]
    opened = officer.start()
    assert opened[0] == km("utter_case_opened", case_reference=officer.reference)

    walk(
        officer,
        [
            (choose("no"), "present"),
            (choose("private_space"), "present"),
            (choose("interpreter_here"), "present"),
            (choose("done"), "person_language"),
        ],
    )
    # The person types a sentence; the assistant proposes Burmese and the officer confirms.
    proposed = officer.answer(BURMESE_SENTENCE, "person_language")
    burmese = CATALOGS.lookup("language.my", "km").text
    assert km("intake.language_detected", name=burmese) in proposed
    consent = walk(
        officer,
        [
            (choose("my"), "appears_under_18"),
            (choose("no"), "gender"),
            (choose("male"), "has_children"),
            (choose("no"), "area"),
            ("Mae Sot", "exploitation_form"),
            (choose("labour"), "consent_delivery"),
        ],
    )
    assert _person_block("consent.script") in _joined(consent)
    decisions = officer.answer(choose("interpreter"), "consent_decisions")
    assert _person_block("person.consent_decisions") in _joined(decisions)

    # The person reads the needs asked about in Burmese, numbered as the officer's buttons.
    level_1 = _joined(officer.answer("1 2", "level_1"))
    assert CATALOGS.lookup("person.level_1", "my").text in level_1
    assert f"1. {CATALOGS.lookup('person.need.basic.housing', 'my').text}" in level_1
    walk(
        officer,
        [
            ("1", "level_2"),  # housing
            (choose("done"), "level_3"),
            (choose("done"), "urgency"),
        ],
    )
    replies = officer.stack.say(officer.sender, choose("done"))
    housing_label = km("need.basic.housing")
    housing = next(r for r in replies if r.get("text", "").startswith(housing_label))
    assert "th-ngo" in json.dumps(housing, ensure_ascii=False)

    asked = officer.stack.say(officer.sender, housing["buttons"][0]["payload"])
    assert all(part in asked[-1]["text"] for part in _fixed_parts("referral.ask_send", "km"))
    (sent,) = officer.say(asked[-1]["buttons"][0]["payload"])
    with Session(stack.engine) as session:
        code = session.scalars(
            select(Referral.code)
            .join(Case, Case.id == Referral.case_id)
            .where(Case.reference == officer.reference)
        ).one()
    assert code in sent and all(part in sent for part in _fixed_parts("referral.queued_sms", "km"))

    (sms,) = sms_to(stack, THAI_NUMBER)
    assert all(part in sms.body for part in _fixed_parts("sms.referral", "th"))
    assert CATALOGS.lookup("sms.category.shelter", "th").text in sms.body
    assert segments(sms.body) <= 2, sms.body
    assert BURMESE_SENTENCE not in sms.body and "Mae Sot" not in sms.body

    answer = provider_replies(stack, THAI_NUMBER, f"ACCEPT {code}")
    assert CATALOGS.render("sms.accepted", "th", code=code) in answer
    assert referral_by_code(stack, code).status == "accepted"
    notice = km("referral.notice.accepted", provider=isolate("th-ngo (test)"), code=code, need="")
    (told,) = officer_was_told(stack, officer, notice.split(code)[0])
    # What has been arranged, for the person in Burmese: the kind of help, never the place.
    arranged = told.split(km("intake.for_the_person"))[1]
    assert CATALOGS.lookup("person.arranged", "my").text in arranged
    assert CATALOGS.lookup("person.need.basic.housing", "my").text in arranged
