"""The officer's short note to a provider ("needs a ground-floor room", "speaks only Uzbek").

It is about the person, so it is checked like the area answer: what looks like an address, a
phone number or an e-mail is refused and not kept (names cannot be told apart from other words:
the question asks the officer never to write one). A kept note is encrypted at rest, first on the
provider chosen for the need, then on the referral sent; it is never put in an SMS. A provider
reads it in the inbox or in the FHIR push, machine translated into their language where a model
is installed, labelled, with the original beside it: translated when shown, with the models
installed then, so the stored note is always the officer's own text.
"""

from enum import StrEnum
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.area_answers import NotAnArea, whereabouts_in_note
from casework.models import Case, ProviderChoice
from casework.referral_models import Referral
from translations.catalog import Catalogs
from translations.free_text import free_text_lines

NOTE_MAX_CHARS = 200


class NoteProblem(StrEnum):
    EMPTY = "empty"
    TOO_LONG = "too_long"
    ADDRESS = NotAnArea.ADDRESS.value
    CONTACT = NotAnArea.CONTACT.value


class NoteRefused(ValueError):
    """The note was not kept; says why by a code only, never quoting the text."""

    def __init__(self, problem: NoteProblem) -> None:
        super().__init__(f"note refused: {problem.value}")
        self.problem = problem


class NoProviderChosen(LookupError):
    """A note is kept with the provider chosen for a need: none is chosen for this one."""


def checked_note(text: str) -> str:
    """The note as it is kept (spaces collapsed); raises NoteRefused."""
    note = " ".join(text.split())
    if not note:
        raise NoteRefused(NoteProblem.EMPTY)
    if len(note) > NOTE_MAX_CHARS:
        raise NoteRefused(NoteProblem.TOO_LONG)
    found = whereabouts_in_note(note)
    if found is not None:
        raise NoteRefused(NoteProblem(found.value))
    return note


def keep_note(session: Session, case: Case, need_id: str, text: str) -> str:
    """Keep the note with the provider chosen for the need, for the referral to carry; returns
    it as kept. Raises NoteRefused (nothing is kept) or NoProviderChosen."""
    note = checked_note(text)
    choice = session.scalar(
        select(ProviderChoice).where(
            ProviderChoice.case_id == case.id, ProviderChoice.need_id == need_id
        )
    )
    if choice is None:
        raise NoProviderChosen(need_id)
    choice.note = note
    session.flush()
    return note


def note_for_provider(catalogs: Catalogs, referral: Referral, models_dir: Path | None) -> list[str]:
    """The lines a provider reads the note in: the machine translation into their language,
    labelled, then the original; the original only where no model translates it. Empty when
    the referral carries no note."""
    if not referral.officer_note:
        return []
    if models_dir is None:
        return [referral.officer_note]
    return free_text_lines(
        catalogs,
        referral.officer_note,
        written_in=referral.officer_language,
        reader_language=referral.provider_language,
        models_dir=models_dir,
    )
