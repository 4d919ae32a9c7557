"""The provider proposals in the chat, and the choice action, with trackers built here."""

import json
from datetime import UTC, datetime
from pathlib import Path

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.proposals import ActionChooseProvider, say_proposals
from casework.assessment import record_level
from casework.cases import open_case
from casework.consent import Consenter, ConsentScript, Decision, Delivery, Scope, record_decision
from casework.models import Case
from casework.proposals import chosen_providers
from referral_directory.importer import import_directory
from referral_directory.needs import Level
from tests.actions.conftest import tracker_for
from tests.casework.account_builders import account
from tests.referral_directory.hsds_builders import ALMATY, box, sal_id, service, write
from translations.bidi import isolate
from translations.catalog import shipped_catalogs

NOW = datetime.now(UTC)
CATALOGS = shipped_catalogs()


def _case(session: Session, tmp_path: Path, *, referrals: bool = True) -> Case:
    record = service("shelter", at=ALMATY, languages=("ru",), areas=[box("Almaty", ALMATY)])
    assert import_directory(session, write(tmp_path / "d.json", [record])).ok
    case = open_case(session, channel="rest", now=NOW, officer=account(session))
    case.appears_under_18, case.gender, case.person_language = "no", "female", "ru"
    case.area = "Almaty"
    scopes = [Scope.ASSESSMENT] + ([Scope.REFERRALS] if referrals else [])
    for scope in scopes:
        decision = Decision(scope, True, Delivery.INTERPRETER, Consenter.PERSON, True)
        record_decision(session, case, decision, ConsentScript("c", "1", "ru", "t"), now=NOW)
    record_level(session, case, Level.BASIC_NEEDS, selected=["basic.housing"], now=NOW)
    session.commit()
    return case


def test_each_need_comes_with_its_proposals_reasons_and_buttons(
    session: Session, tmp_path: Path
) -> None:
    case = _case(session, tmp_path)
    dispatcher = CollectingDispatcher()
    say_proposals(dispatcher, session, case, "en", "rest")

    intro, housing = dispatcher.messages
    assert intro["text"] == CATALOGS.render("match.intro", "en")
    assert housing["text"].startswith(CATALOGS.render("need.basic.housing", "en"))
    # Names from the directory are isolated: their direction cannot turn our sentence around.
    assert f"1. {isolate('shelter (test)')}: {isolate('shelter service')}" in housing["text"]
    assert "speaks Russian" in housing["text"]
    [button] = housing["buttons"]
    assert button["title"] == f"1. {isolate('shelter (test)')}"
    assert json.loads(button["payload"].removeprefix("/choose_provider")) == {
        "provider_choice": f"basic.housing {sal_id('shelter')}"
    }


def test_sms_and_whatsapp_get_the_buttons_too_which_the_api_numbers(
    session: Session, tmp_path: Path
) -> None:
    case = _case(session, tmp_path)
    dispatcher = CollectingDispatcher()
    say_proposals(dispatcher, session, case, "en", "twilio")
    assert [b["title"] for b in dispatcher.messages[1]["buttons"]] == [
        f"1. {isolate('shelter (test)')}"
    ]


def test_without_consent_to_referrals_nothing_is_proposed(session: Session, tmp_path: Path) -> None:
    case = _case(session, tmp_path, referrals=False)
    dispatcher = CollectingDispatcher()
    say_proposals(dispatcher, session, case, "en", "rest")
    assert [m["text"] for m in dispatcher.messages] == [
        CATALOGS.render("match.no_referral_consent", "en")
    ]


def test_choosing_records_the_provider_and_says_so(session: Session, tmp_path: Path) -> None:
    case = _case(session, tmp_path)
    choice = f"basic.housing {sal_id('shelter')}"
    tracker = tracker_for(
        "/choose_provider",
        "choose_provider",
        entities=[{"entity": "provider_choice", "value": choice}],
        slots={"case_reference": case.reference},
    )
    dispatcher = CollectingDispatcher()

    assert ActionChooseProvider().run(dispatcher, tracker, {}) == []

    assert dispatcher.messages[0]["text"] == CATALOGS.render(
        "match.chosen",
        "en",
        need=CATALOGS.render("need.basic.housing", "en"),
        provider=isolate("shelter (test)"),
    )
    session.expire_all()
    assert chosen_providers(session, case) == {"basic.housing": sal_id("shelter")}


def test_a_choice_that_is_not_proposed_or_malformed_is_re_asked(
    session: Session, tmp_path: Path
) -> None:
    case = _case(session, tmp_path)
    slots = {"case_reference": case.reference}
    for entities, expected in (
        ([{"entity": "provider_choice", "value": "basic.housing nope"}], "match.not_proposed"),
        ([{"entity": "provider_choice", "value": "garbage"}], "match.choose_with_buttons"),
        ([], "match.choose_with_buttons"),
    ):
        dispatcher = CollectingDispatcher()
        tracker = tracker_for("choose this", "choose_provider", entities, slots)
        ActionChooseProvider().run(dispatcher, tracker, {})
        assert dispatcher.messages[0]["text"] == CATALOGS.render(expected, "en")
    assert chosen_providers(session, case) == {}
