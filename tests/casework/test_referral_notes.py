"""The officer's note for the provider: checked like the area answer, stored encrypted, never in
an SMS, carried in the FHIR push machine translated into the provider's language (on a tiny
real Argos model), labelled, with the original beside it."""

import dataclasses
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from casework.models import Case, ProviderChoice
from casework.outbox import Kind
from casework.provider_messages import partner_body
from casework.referral_models import OutboxMessage, Referral
from casework.referral_notes import (
    NOTE_MAX_CHARS,
    NoProviderChosen,
    NoteProblem,
    NoteRefused,
    checked_note,
    keep_note,
)
from casework.referral_status import Reason, Status
from casework.referrals import change_status, send_chosen_referral
from passage.config import Settings
from tests.casework.referral_builders import NOW, OFFICER, POLICY, ready_case, shelters
from tests.translations import tiny_argos
from translations import machine
from translations.catalog import shipped_catalogs

CATALOGS = shipped_catalogs()
NOTE = "hello, needs a ground-floor room and speaks only Uzbek"
TRANSLATED = "привет, needs a ground-floor room and speaks only Uzbek"


@pytest.fixture
def directory(session: Session, tmp_path: Path) -> None:
    shelters(session, tmp_path)


@pytest.fixture
def packages(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    with tiny_argos.offline_packages(monkeypatch, settings) as directory:
        yield directory


@pytest.mark.parametrize(
    "note",
    [
        "needs a ground-floor room",
        "speaks only Uzbek",
        "has 2 children with her, needs a female doctor",
        "нужна комната на первом этаже",
        "a besoin d'une chambre au rez-de-chaussée",
    ],
)
def test_what_to_prepare_is_a_note(note: str) -> None:
    assert checked_note(f"  {note}\n") == note


@pytest.mark.parametrize(
    ("note", "problem"),
    [
        ("lives at 77 Secret Street flat 5", NoteProblem.ADDRESS),
        ("was kept on Abay street", NoteProblem.ADDRESS),
        ("ask for room 12 at the hostel", NoteProblem.ADDRESS),
        ("lives at Abaya 150/2", NoteProblem.ADDRESS),
        ("at no. 77 Gagarin", NoteProblem.ADDRESS),
        ("dom № 5", NoteProblem.ADDRESS),
        ("ул. Абая 12, кв 3", NoteProblem.ADDRESS),
        ("12 rue de la Paix", NoteProblem.ADDRESS),
        ("ถนนสุขุมวิท", NoteProblem.ADDRESS),
        ("her sister: +7 701 555 12 34", NoteProblem.CONTACT),
        ("write to anna@mail.example", NoteProblem.CONTACT),
        ("x" * (NOTE_MAX_CHARS + 1), NoteProblem.TOO_LONG),
        (" \n ", NoteProblem.EMPTY),
    ],
)
def test_an_address_a_contact_or_a_long_text_is_refused_without_quoting_it(
    note: str, problem: NoteProblem
) -> None:
    with pytest.raises(NoteRefused) as refused:
        checked_note(note)
    assert refused.value.problem is problem
    assert str(refused.value) == f"note refused: {problem.value}"


def _choice(session: Session, case: Case) -> ProviderChoice:
    return session.scalars(select(ProviderChoice).where(ProviderChoice.case_id == case.id)).one()


def test_a_refused_note_is_not_kept(session: Session, directory: None) -> None:
    case = ready_case(session)
    keep_note(session, case, "basic.housing", "needs a ground-floor room")

    with pytest.raises(NoteRefused):
        keep_note(session, case, "basic.housing", "call her on +7 701 555 12 34")

    assert _choice(session, case).note == "needs a ground-floor room"


def test_a_note_needs_a_chosen_provider(session: Session, directory: None) -> None:
    case = ready_case(session)
    with pytest.raises(NoProviderChosen):
        keep_note(session, case, "medical.physical", "needs a female doctor")


def _raw(session: Session, table: str, column: str) -> str:
    value = session.execute(text(f'SELECT "{column}" FROM "{table}"')).scalar_one()
    assert isinstance(value, str)
    return value


def test_the_note_is_stored_encrypted_and_never_put_in_the_sms(
    session: Session, directory: None
) -> None:
    case = ready_case(session)
    keep_note(session, case, "basic.housing", NOTE)
    referral = send_chosen_referral(
        session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
    )
    session.commit()

    for table, column in (
        ("provider_choice", "note"),
        ("referral", "officer_note"),
        ("outbox_message", "body"),  # a partner push would carry the note
    ):
        stored = _raw(session, table, column)
        assert stored.startswith("enc:v1:") and "Uzbek" not in stored, table
    session.expunge_all()
    assert session.get(Referral, referral.id).officer_note == NOTE  # type: ignore[union-attr]
    (sms,) = session.scalars(select(OutboxMessage).where(OutboxMessage.kind == Kind.SMS.value))
    for word in ("hello", "ground-floor", "Uzbek"):
        assert word not in sms.body


def test_a_cascade_carries_the_note_to_the_next_provider(session: Session, directory: None) -> None:
    case = ready_case(session)
    keep_note(session, case, "basic.housing", NOTE)
    first = send_chosen_referral(
        session, case, "basic.housing", OFFICER, POLICY, cascade=True, now=NOW
    )
    event = change_status(
        session, first, Status.REJECTED, POLICY, actor="sms", now=NOW, reason=Reason.NO_CAPACITY
    )

    following = session.get(Referral, event.follow_up_referral_id)
    assert following is not None and following.officer_note == NOTE
    sms = session.scalars(
        select(OutboxMessage).where(OutboxMessage.referral_id == following.id)
    ).one()
    assert "Uzbek" not in sms.body


def _service_request_notes(
    session: Session, case: Case, referral: Referral, models: Path | None = None
) -> list[str]:
    policy = dataclasses.replace(POLICY, models_dir=models)
    bundle: dict[str, Any] = json.loads(partner_body(session, case, referral, policy))
    (request,) = [
        entry["resource"]
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == "ServiceRequest"
    ]
    return [note["text"] for note in request["note"]]


def test_the_fhir_push_carries_the_note_translated_and_labelled_with_the_original(
    session: Session, directory: None, packages: Path, tmp_path: Path
) -> None:
    machine.install_model(
        tiny_argos.build_model(tmp_path, "en", "ru", words={"hello": "привет"}), packages
    )
    case = ready_case(session)
    keep_note(session, case, "basic.housing", NOTE)
    referral = send_chosen_referral(
        session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
    )
    assert referral.provider_language == "ru"

    english = CATALOGS.lookup("language_name.en", "ru").text
    # After who comes ("1 adult"): the labelled translation, then the original.
    assert _service_request_notes(session, case, referral, packages)[1:] == [
        CATALOGS.render("free_text.machine_translated", "ru", source=english, text=TRANSLATED),
        CATALOGS.render("free_text.original", "ru", source=english, text=NOTE),
    ]


def test_without_a_model_the_fhir_push_carries_the_original_only(
    session: Session, directory: None, packages: Path
) -> None:
    case = ready_case(session)
    keep_note(session, case, "basic.housing", NOTE)
    referral = send_chosen_referral(
        session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
    )

    notes = _service_request_notes(session, case, referral, packages)
    english = CATALOGS.lookup("language_name.en", "ru").text
    assert notes[1:] == [
        CATALOGS.render("free_text.no_translation", "ru", source=english, text=NOTE)
    ]


def test_without_a_note_or_once_cancelled_the_fhir_push_has_only_who_comes(
    session: Session, directory: None
) -> None:
    case = ready_case(session)
    plain = send_chosen_referral(
        session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
    )
    assert len(_service_request_notes(session, case, plain)) == 1

    keep_note(session, case, "basic.housing", NOTE)
    change_status(
        session, plain, Status.CANCELLED, POLICY, actor="officer", now=NOW, reason=Reason.OTHER
    )
    with_note = send_chosen_referral(
        session, case, "basic.housing", OFFICER, POLICY, cascade=False, now=NOW
    )
    assert len(_service_request_notes(session, case, with_note)) == 2
    change_status(
        session, with_note, Status.CANCELLED, POLICY, actor="officer", now=NOW, reason=Reason.OTHER
    )
    assert len(_service_request_notes(session, case, with_note)) == 1
