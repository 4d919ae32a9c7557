"""A provider's SMS: an answer to a referral, or the free places of its services, and what it
changes.

A referral is answered with `1 <code>` or `ACCEPT <code>`, `2 <code> <reason>` or
`DECLINE <code> <reason>`, or with the same words in any shipped language (`sms.word.*` in the
catalogs); free places are reported with `BEDS <number>` or its translation.

An SMS sender can be spoofed, so an SMS acceptance is an intent: it moves the referral, but the
person's details are released only after a login. A message changes something only when it
comes from a number registered as an SMS endpoint and was not seen before; an answer must also
quote the code of a referral sent to that number.
"""

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import lru_cache
from typing import Generic, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.references import ALPHABET
from casework.referral_models import InboundMessage, Referral
from casework.referral_policy import ReferralPolicy
from casework.referral_status import Reason, Status
from casework.referrals import CODE_LENGTH, change_status
from referral_directory.capacity import update_capacity
from referral_directory.models import XReferralEndpoint
from translations.catalog import Catalogs, shipped_catalogs

_CODE = re.compile(rf"^[{ALPHABET}]{{{CODE_LENGTH}}}$")
MAX_NOTE = 500
# More free places than any service has: a larger number is a slip (a phone number, a date).
MAX_PLACES = 9999
WORD_ID_PREFIX = "sms.word."
# One catalog entry may list several forms of its word (`ACCEPTE/ACCEPTER`).
FORMS_SEPARATOR = "/"
# Letters NFKD keeps whole although people often type them without their stroke.
_UNSTROKED = str.maketrans({"đ": "d", "Đ": "D"})
# The accents of Latin and Cyrillic letters; Thai and Khmer signs are outside this block.
_COMBINING_DIACRITICS = range(0x300, 0x370)

# First word of a decline reason -> reason code. Providers type in a hurry: prefixes count.
_REASON_WORDS: tuple[tuple[str, Reason], ...] = (
    ("full", Reason.NO_CAPACITY),
    ("capacity", Reason.NO_CAPACITY),
    ("nocapacity", Reason.NO_CAPACITY),
    ("eligib", Reason.NOT_ELIGIBLE),
    ("language", Reason.LANGUAGE),
    ("safety", Reason.SAFETY),
    ("unsafe", Reason.SAFETY),
    ("declined", Reason.PERSON_DECLINED),
    ("other", Reason.OTHER),
)


class Verb(StrEnum):
    ACCEPT = "accept"
    DECLINE = "decline"


class Command(StrEnum):
    """What the first word(s) of a provider's SMS ask for; the value names the catalog entry."""

    ACCEPT = "accept"
    DECLINE = "decline"
    BEDS = "beds"


_VERBS = {Command.ACCEPT: Verb.ACCEPT, Command.DECLINE: Verb.DECLINE}
# Digits are on every keyboard, whatever its script. Only for answers: after a capacity word a
# number is the count, so digits cannot also be a capacity command.
DIGITS = {"1": Command.ACCEPT, "2": Command.DECLINE}


@dataclass(frozen=True)
class ProviderReply:
    verb: Verb
    code: str
    reason: Reason | None = None
    note: str | None = None


def fold(text: str) -> str:
    """What two spellings of a word share: case, the accents of Latin and Cyrillic letters
    (Vietnamese tones, French accents, ё), full-width forms and the script of digits do not
    count. Thai and Khmer signs stay: they are parts of the letters, not optional accents."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_UNSTROKED))
    kept = (
        str(unicodedata.digit(char)) if unicodedata.category(char) == "Nd" else char
        for char in decomposed
        if ord(char) not in _COMBINING_DIACRITICS
    )
    return "".join(kept).casefold()


def _strip(word: str, categories: tuple[str, ...]) -> str:
    start, end = 0, len(word)
    while start < end and unicodedata.category(word[start]).startswith(categories):
        start += 1
    while end > start and unicodedata.category(word[end - 1]).startswith(categories):
        end -= 1
    return word[start:end]


def word_key(phrase: str) -> tuple[str, ...]:
    """How a command phrase is looked up: each word folded, without the punctuation and symbols
    around it (`ACCEPT:`, `«ACCEPT»`, `ទទួល។`). Vietnamese `TỪ CHỐI` is two words."""
    return tuple(fold(_strip(word, ("P", "S"))) for word in phrase.split())


Meaning = TypeVar("Meaning", bound=StrEnum)


def catalog_words(
    catalogs: Catalogs, meanings: Iterable[Meaning]
) -> dict[tuple[str, ...], set[Meaning]]:
    """Every form of every shipped language's word for each meaning (the catalog entry
    `sms.word.<value>`), by lookup key, with what each means."""
    found: dict[tuple[str, ...], set[Meaning]] = {}
    for meaning in meanings:
        for language in catalogs.languages:
            text = catalogs.lookup(f"{WORD_ID_PREFIX}{meaning.value}", language).text
            for form in text.split(FORMS_SEPARATOR):
                key = word_key(form)
                if key and all(key):
                    found.setdefault(key, set()).add(meaning)
    return found


@dataclass(frozen=True)
class WordTable(Generic[Meaning]):
    """The keys of a word list that mean one thing, and how many words the longest one has."""

    meanings: dict[tuple[str, ...], Meaning]
    longest: int

    @classmethod
    def of(cls, words: dict[tuple[str, ...], set[Meaning]]) -> "WordTable[Meaning]":
        # A key that two languages give different meanings means nothing rather than a wrong
        # thing.
        table = {key: next(iter(meant)) for key, meant in words.items() if len(meant) == 1}
        return cls(table, max(len(key) for key in table))

    def leading(self, words: Sequence[str]) -> tuple[Meaning, int] | None:
        """What the words start with, and how many words name it (the longest form wins)."""
        keys = word_key(" ".join(words[: self.longest]))
        for size in range(len(keys), 0, -1):
            meaning = self.meanings.get(keys[:size])
            if meaning is not None:
                return meaning, size
        return None


def quoted_code(word: str) -> str:
    """The code an answer quotes, without what was typed around or inside it (`<ABC-123>`)."""
    return re.sub(r"[^A-Za-z0-9]", "", word).upper()


def command_words(catalogs: Catalogs) -> dict[tuple[str, ...], set[Command]]:
    """Every form of every shipped language's command words and the digits, by lookup key, with
    what each asks for. Any language's word counts from any provider: a phone number has no
    language of its own, and a provider may have learnt a word from a colleague's SMS."""
    found: dict[tuple[str, ...], set[Command]] = {(d,): {c} for d, c in DIGITS.items()}
    for key, meant in catalog_words(catalogs, Command).items():
        found.setdefault(key, set()).update(meant)
    return found


@lru_cache(maxsize=1)
def _shipped_commands() -> WordTable[Command]:
    return WordTable.of(command_words(shipped_catalogs()))


def _command(words: Sequence[str]) -> tuple[Command, int] | None:
    """The command the words start with, and how many words name it (the longest form wins)."""
    return _shipped_commands().leading(words)


def parse_reply(body: str) -> ProviderReply | None:
    """None for anything that is not a well-formed answer to a referral."""
    words = body.split()
    found = _command(words)
    if found is None:
        return None
    command, size = found
    verb = _VERBS.get(command)
    if verb is None or len(words) <= size:
        return None
    code = quoted_code(words[size])
    if not _CODE.match(code):
        return None
    if verb is Verb.ACCEPT:
        return ProviderReply(verb, code)
    rest = words[size + 1 :]
    if not rest:
        return ProviderReply(verb, code, Reason.OTHER)
    first = re.sub(r"[^a-z]", "", rest[0].lower())
    reason = next(
        (r for prefix, r in _REASON_WORDS if first and first.startswith(prefix)), Reason.OTHER
    )
    return ProviderReply(verb, code, reason, " ".join(rest)[:MAX_NOTE])


def parse_capacity(body: str) -> int | None:
    """The free places of `BEDS <number>`; None for anything else, a number out of bounds too."""
    words = body.split()
    found = _command(words)
    if found is None or found[0] is not Command.BEDS or len(words) != found[1] + 1:
        return None
    # Punctuation around the count goes, dashes stay: `-3` must not be read as 3.
    count = _strip(words[-1], ("Pc", "Pe", "Pf", "Pi", "Po", "Ps"))
    if not count.isdecimal():
        return None
    places = int(count)  # decimal digits of any script: Thai ๓ and Khmer ៣ are 3
    return places if places <= MAX_PLACES else None


class Outcome(StrEnum):
    REPLAY = "replay"
    UNKNOWN_SENDER = "unknown_sender"
    HELP = "help"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    ALREADY = "already"
    CLOSED = "closed"
    CAPACITY_UPDATED = "capacity_updated"


@dataclass(frozen=True)
class ReplyResult:
    outcome: Outcome
    language: str = "en"
    # Placeholders of the answer text: the code, a status or a count, never anything else.
    values: dict[str, str] = field(default_factory=dict)

    @property
    def answer_id(self) -> str | None:
        """The catalog id of the SMS answered to the provider; None: answer nothing."""
        if self.outcome in (Outcome.REPLAY, Outcome.UNKNOWN_SENDER):
            return None
        return f"sms.{self.outcome.value}"


def handle_sms_reply(
    session: Session,
    *,
    sender: str,
    body: str,
    carrier_id: str,
    policy: ReferralPolicy,
    now: datetime,
) -> ReplyResult:
    if session.get(InboundMessage, carrier_id) is not None:
        return ReplyResult(Outcome.REPLAY)
    session.add(InboundMessage(carrier_id=carrier_id, received_at=now))
    endpoints = session.scalars(
        select(XReferralEndpoint)
        .where(XReferralEndpoint.channel == "sms", XReferralEndpoint.address == sender)
        .order_by(XReferralEndpoint.service_at_location_id)
    ).all()
    if not endpoints:
        return ReplyResult(Outcome.UNKNOWN_SENDER)
    language = _language_of(session, sender, endpoints[0], policy)
    reply = parse_reply(body)
    if reply is None:
        places = parse_capacity(body)
        if places is None:
            return ReplyResult(Outcome.HELP, language)
        # One number may serve several places of an organization: it speaks for all of them.
        for endpoint in endpoints:
            update_capacity(session, endpoint.service_at_location_id, places, now)
        return ReplyResult(Outcome.CAPACITY_UPDATED, language, {"available": str(places)})
    referral = session.scalars(
        select(Referral).where(Referral.code == reply.code, Referral.recipient == sender)
    ).first()
    if referral is None:
        return ReplyResult(Outcome.HELP, language)
    values = {"code": referral.code}
    if referral.status != Status.REQUESTED.value:
        same = (reply.verb is Verb.ACCEPT and referral.status == Status.ACCEPTED.value) or (
            reply.verb is Verb.DECLINE and referral.status == Status.REJECTED.value
        )
        if same:
            return ReplyResult(Outcome.ALREADY, language, values | {"status": referral.status})
        return ReplyResult(Outcome.CLOSED, language, values)
    if reply.verb is Verb.ACCEPT:
        change_status(session, referral, Status.ACCEPTED, policy, actor="provider_sms", now=now)
        return ReplyResult(Outcome.ACCEPTED, language, values)
    change_status(
        session,
        referral,
        Status.REJECTED,
        policy,
        actor="provider_sms",
        now=now,
        reason=reply.reason,
        text=reply.note,
    )
    return ReplyResult(Outcome.DECLINED, language, values)


def _language_of(
    session: Session, sender: str, endpoint: XReferralEndpoint, policy: ReferralPolicy
) -> str:
    """The language of the last referral sent to the number; before any, the one a referral to
    it would be written in."""
    latest = session.scalars(
        select(Referral.provider_language)
        .where(Referral.recipient == sender)
        .order_by(Referral.id.desc())
    ).first()
    if latest:
        return latest
    spoken = [code for code in endpoint.languages.split(",") if code]
    return next((code for code in spoken if code in policy.shipped_languages), "en")


def awaiting_sms_answer(session: Session) -> dict[str, list[str]]:
    """Codes of referrals sent by SMS that still wait for the provider's answer, by number."""
    rows = session.execute(
        select(Referral.recipient, Referral.code)
        .where(Referral.channel == "sms", Referral.status == Status.REQUESTED.value)
        .order_by(Referral.id)
    ).all()
    waiting: dict[str, list[str]] = {}
    for number, code in rows:
        waiting.setdefault(number, []).append(code)
    return waiting
