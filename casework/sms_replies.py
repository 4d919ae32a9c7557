"""A provider's SMS reply: `ACCEPT <code>` or `DECLINE <code> <reason>`, and what it changes.

An SMS sender can be spoofed, so an SMS acceptance is an intent: it moves the referral, but the
person's details are released only after a login. A reply changes something only when it comes
from the number the referral was sent to, quotes that referral's code, and was not seen before.
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.references import ALPHABET
from casework.referral_models import InboundMessage, Referral
from casework.referral_policy import ReferralPolicy
from casework.referral_status import Reason, Status
from casework.referrals import CODE_LENGTH, change_status
from referral_directory.models import XReferralEndpoint

_CODE = re.compile(rf"^[{ALPHABET}]{{{CODE_LENGTH}}}$")
MAX_NOTE = 500

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


@dataclass(frozen=True)
class ProviderReply:
    verb: Verb
    code: str
    reason: Reason | None = None
    note: str | None = None


def parse_reply(body: str) -> ProviderReply | None:
    """None for anything that is not a well-formed ACCEPT or DECLINE."""
    words = body.split()
    if len(words) < 2:
        return None
    verb = {"ACCEPT": Verb.ACCEPT, "DECLINE": Verb.DECLINE}.get(words[0].upper().strip(".:,"))
    code = re.sub(r"[^A-Za-z0-9]", "", words[1]).upper()
    if verb is None or not _CODE.match(code):
        return None
    if verb is Verb.ACCEPT:
        return ProviderReply(verb, code)
    rest = words[2:]
    if not rest:
        return ProviderReply(verb, code, Reason.OTHER)
    first = re.sub(r"[^a-z]", "", rest[0].lower())
    reason = next(
        (r for prefix, r in _REASON_WORDS if first and first.startswith(prefix)), Reason.OTHER
    )
    return ProviderReply(verb, code, reason, " ".join(rest)[:MAX_NOTE])


class Outcome(StrEnum):
    REPLAY = "replay"
    UNKNOWN_SENDER = "unknown_sender"
    HELP = "help"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    ALREADY = "already"
    CLOSED = "closed"


@dataclass(frozen=True)
class ReplyResult:
    outcome: Outcome
    language: str = "en"
    # Placeholders of the answer text; only the code and a status, never anything else.
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
    endpoint = session.scalars(
        select(XReferralEndpoint).where(
            XReferralEndpoint.channel == "sms", XReferralEndpoint.address == sender
        )
    ).first()
    if endpoint is None:
        return ReplyResult(Outcome.UNKNOWN_SENDER)
    language = _language_of(session, sender)
    reply = parse_reply(body)
    referral = (
        session.scalars(
            select(Referral).where(Referral.code == reply.code, Referral.recipient == sender)
        ).first()
        if reply is not None
        else None
    )
    if reply is None or referral is None:
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


def _language_of(session: Session, sender: str) -> str:
    latest = session.scalars(
        select(Referral.provider_language)
        .where(Referral.recipient == sender)
        .order_by(Referral.id.desc())
    ).first()
    return latest or "en"


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
