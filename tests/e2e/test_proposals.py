"""After the assessment the officer sees providers per need with reasons, and chooses one."""

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.models import ProviderChoice
from tests.e2e.conftest import Stack
from tests.e2e.officer import ADULT_TO_CONSENT, CATALOGS, Officer, choose, en, walk
from tests.referral_directory.hsds_builders import ALMATY, box, sal_id, service, write
from translations.bidi import isolate

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def almaty_directory(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> None:
    area = [box("Almaty", ALMATY)]
    records = [
        service("e2e-shelter", at=ALMATY, languages=("ru",), areas=area, organization="e2e-ngo"),
        service(
            "e2e-shelter-2", at=ALMATY, languages=("kk",), areas=area, organization="e2e-other"
        ),
    ]
    path = write(tmp_path_factory.mktemp("directory") / "almaty.json", records)
    stack.import_directory(path)


def _assessed(officer: Officer) -> list[dict]:
    officer.start()
    walk(officer, ADULT_TO_CONSENT)
    officer.answer("1 2", "level_1")  # consent to the assessment and to referrals
    officer.answer("1", "level_2")  # housing
    officer.answer(choose("done"), "level_3")
    officer.answer(choose("rights.compensation_claim"), "level_3")
    officer.answer(choose("done"), "urgency")
    return officer.stack.say(officer.sender, choose("done"))


def test_providers_per_need_with_reasons_then_a_choice(
    stack: Stack, almaty_directory: None
) -> None:
    officer = Officer(stack)
    replies = _assessed(officer)
    texts = [reply.get("text", "") for reply in replies]
    intro = texts.index(en("match.intro"))
    housing, compensation = replies[intro + 1], replies[intro + 2]

    # "Almaty, Medeu district" was typed as the area; the Russian speaker's shelter comes first.
    assert housing["text"].startswith(en("need.basic.housing"))
    lines = housing["text"].splitlines()
    assert lines[1].startswith(f"1. {isolate('e2e-ngo (test)')}: {isolate('e2e-shelter service')}")
    assert "speaks Russian" in lines[2] and "serves this area" not in lines[2]
    assert [b["title"] for b in housing["buttons"]] == [
        f"1. {isolate('e2e-ngo (test)')}",
        f"2. {isolate('e2e-other (test)')}",
    ]
    # Nobody offers compensation claims in this directory: the gap says so.
    assert en("match.gap.no_provider_of_this_kind") in compensation["text"]
    assert "buttons" not in compensation or compensation["buttons"] == []

    chosen = officer.say(housing["buttons"][0]["payload"])
    assert chosen[0] == CATALOGS.render(
        "match.chosen", "en", need=en("need.basic.housing"), provider=isolate("e2e-ngo (test)")
    )
    # Choosing sends nothing: the officer is asked first.
    assert chosen[1] == CATALOGS.render(
        "referral.ask_send", "en", need=en("need.basic.housing"), provider=isolate("e2e-ngo (test)")
    )
    with Session(stack.engine) as session:
        case = officer.case(session)
        row = session.scalars(select(ProviderChoice).where(ProviderChoice.case_id == case.id)).one()
        assert (row.need_id, row.service_at_location_id) == ("basic.housing", sal_id("e2e-shelter"))


def test_a_forged_choice_is_refused_and_nothing_is_recorded(
    stack: Stack, almaty_directory: None
) -> None:
    officer = Officer(stack)
    _assessed(officer)
    forged = "/choose_provider" + json.dumps(
        {"provider_choice": f"rights.compensation_claim {sal_id('e2e-shelter')}"}
    )
    assert officer.say(forged) == [en("match.not_proposed")]
    assert officer.say("choose this provider") == [en("match.choose_with_buttons")]
    with Session(stack.engine) as session:
        case = officer.case(session)
        assert (
            session.scalars(select(ProviderChoice).where(ProviderChoice.case_id == case.id)).all()
            == []
        )
