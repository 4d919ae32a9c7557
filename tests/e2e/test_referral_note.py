"""The officer's note for the provider end to end over REST: added before sending (an address is
refused with a re-ask and kept nowhere), machine translated on a tiny en→ru Argos model into
the Russian-speaking provider's language, shown in its intake inbox labelled with the original
beside it, and never put in the SMS the provider got."""

import re
import shutil
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.accounts import create_account
from casework.referral_models import Referral
from casework.roles import INTAKE
from tests.e2e.conftest import Stack
from tests.e2e.officer import CATALOGS, en
from tests.e2e.shymkent import assessed_in_shymkent, sms_to
from tests.referral_directory.hsds_builders import ALMATY, box, service, uid, write
from tests.translations import tiny_argos
from translations import machine

pytestmark = pytest.mark.e2e

# A town of its own, so this shelter changes no other module's proposals.
AREA = "Turkestan, Yassawi district"
CENTRE = (ALMATY[0] + 1.5, ALMATY[1] - 6.0)
NUMBER = "+15005552301"
ORGANIZATION = uid("organization/turkestan-ngo")
PASSWORD = "correct horse battery"
NOTE = "hello, needs a ground-floor room and speaks only Uzbek"
TRANSLATED = "привет, needs a ground-floor room and speaks only Uzbek"


@pytest.fixture(scope="module")
def russian_shelter(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> None:
    record = service(
        "turkestan-shelter",
        at=CENTRE,
        languages=("ru",),
        areas=[box("Turkestan", CENTRE)],
        organization="turkestan-ngo",
        endpoint_address=NUMBER,
    )
    path: Path = write(tmp_path_factory.mktemp("turkestan") / "turkestan.json", [record])
    stack.import_directory(path)


@pytest.fixture(scope="module")
def english_to_russian(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """A tiny real en→ru model in the stack's models folder, which the API reads when it shows
    a page; removed afterwards, so no other module translates with it."""
    folder = tmp_path_factory.mktemp("argos")
    model = machine.install_model(
        tiny_argos.build_model(folder, "en", "ru", words={"hello": "привет"}),
        stack.settings.resolved_argos_packages_dir,
    )
    yield
    shutil.rmtree(model.path)
    machine.reset_caches()


def _intake_inbox(stack: Stack, username: str) -> httpx.Client:
    with Session(stack.engine) as session:
        create_account(
            session,
            role=INTAKE,
            organization_id=ORGANIZATION,
            username=username,
            password=PASSWORD,
            unit=None,
            region=None,
            now=datetime.now(UTC),
            actor="e2e-admin",
            source="e2e",
        )
        session.commit()
    client = httpx.Client(base_url=stack.api, timeout=60)
    form = client.get("/intake/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf, form.text
    answer = client.post(
        "/intake/login",
        data={"username": username, "password": PASSWORD, "csrf": csrf.group(1), "next": ""},
    )
    assert answer.status_code == 303, answer.text
    return client


def test_the_note_reaches_the_russian_provider_translated_and_never_by_sms(
    stack: Stack, russian_shelter: None, english_to_russian: None
) -> None:
    officer, housing = assessed_in_shymkent(stack, area=AREA)
    asked = stack.say(officer.sender, housing["buttons"][0]["payload"])
    send, _cascade, add_note = asked[-1]["buttons"]
    assert add_note["title"] == en("referral.button.note")
    need = en("need.basic.housing")

    question = officer.say(add_note["payload"])
    assert question == [CATALOGS.render("referral.ask_note", "en", need=need, max=200)]

    refused = officer.say("she waits at 12 Abay street, room 5")
    assert refused == [
        CATALOGS.render("referral.note_refused.address", "en", max=200),
        question[0],
    ]

    kept = stack.say(officer.sender, NOTE)
    assert kept[-1]["text"] == CATALOGS.render("referral.note_kept", "en", need=need)
    (queued,) = officer.say(kept[-1]["buttons"][0]["payload"])
    assert kept[-1]["buttons"][0]["payload"] == send["payload"]
    assert "queued" in queued, queued
    code = queued.split()[1]

    with Session(stack.engine) as session:
        referral = session.scalars(select(Referral).where(Referral.code == code)).one()
        assert (referral.provider_language, referral.officer_note) == ("ru", NOTE)
        case = officer.case(session)
        assert not any("Abay" in (text or "") for text in (case.area, referral.officer_note))

    (sms,) = sms_to(stack, NUMBER)
    assert code in sms.body
    for word in ("hello", "привет", "ground-floor", "Uzbek"):
        assert word not in sms.body, word

    inbox = _intake_inbox(stack, f"intake.{code.lower()}")
    page = inbox.get(f"/intake/referrals/{referral.id}", params={"lang": "ru"})
    assert page.status_code == 200
    english = CATALOGS.lookup("language_name.en", "ru").text
    translated = CATALOGS.render(
        "free_text.machine_translated", "ru", source=english, text=TRANSLATED
    )
    original = CATALOGS.render("free_text.original", "ru", source=english, text=NOTE)
    assert CATALOGS.lookup("inbox.detail.officer_note", "ru").text in page.text
    assert f"<p>{translated}</p><p>{original}</p>" in page.text, page.text
    assert "Abay" not in page.text
