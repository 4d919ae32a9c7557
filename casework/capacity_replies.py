"""A provider's answer to a capacity request: `HOLD <code> <n>` or `NO <code>`, in any shipped
language (`sms.word.hold`, `sms.word.no` in the catalogs), from the number it was sent to.

Answering twice is harmless (the last answer counts while the request is open), so a replayed
message changes nothing; the SMS adapter still drops replays before calling this.

An API partner answers the same request through the partner API (api.routers.partner_api):
both paths call `answer_request`, which holds the rules of an answer: only while the request
is open and before the window ends, and at most the places wanted (0 declines).
"""

import re
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.capacity_requests import (
    CODE_LENGTH,
    CODE_PREFIX,
    OPEN_STATES,
    TIME_FORMAT,
    RequestState,
)
from casework.held_places import places_taken
from casework.operation_models import CapacityRequest, OperationPlan
from casework.operations import details_of
from casework.references import ALPHABET
from casework.sms_replies import MAX_PLACES, WordTable, catalog_words, quoted_code
from translations.catalog import Catalogs, shipped_catalogs

_CODE = re.compile(rf"^{CODE_PREFIX}[{ALPHABET}]{{{CODE_LENGTH}}}$")


class Answer(StrEnum):
    HOLD = "hold"
    NO = "no"


@dataclass(frozen=True)
class CapacityAnswer:
    answer: Answer
    code: str
    places: int = 0


def answer_words(catalogs: Catalogs) -> dict[tuple[str, ...], set[Answer]]:
    """Every form of the answer words of every shipped language, by lookup key."""
    return catalog_words(catalogs, Answer)


@lru_cache(maxsize=1)
def _shipped_answers() -> WordTable[Answer]:
    return WordTable.of(answer_words(shipped_catalogs()))


def parse_capacity_answer(body: str) -> CapacityAnswer | None:
    """None for anything that is not a well-formed answer to a capacity request."""
    words = body.split()
    found = _shipped_answers().leading(words)
    if found is None or len(words) <= found[1]:
        return None
    answer, size = found
    code = quoted_code(words[size])
    if not _CODE.match(code):
        return None
    rest = words[size + 1 :]
    if answer is Answer.NO:
        return CapacityAnswer(answer, code) if not rest else None
    if len(rest) != 1:
        return None
    count = rest[0].strip(".,;:!?")
    if not count.isdecimal() or int(count) > MAX_PLACES:
        return None
    return CapacityAnswer(answer, code, int(count))  # Thai ๓ and Khmer ៣ are 3 too


class Outcome(StrEnum):
    NOT_FOUND = "not_found"  # no request with that code was sent to this number
    HELD = "held"
    DECLINED = "declined"
    CLOSED = "closed"
    TOO_MANY = "too_many"  # more places than were asked: nothing changed
    # Fewer than referrals of the operation's persons already took: nothing changed (those
    # persons are on their way or there).
    BELOW_TAKEN = "below_taken"


def answer_request(
    session: Session, request: CapacityRequest, places: int, *, now: datetime
) -> Outcome:
    """Record a provider's answer to its request, by SMS or API: `places` held, 0 to decline.
    CLOSED (nothing changed) once the request is no longer open or the window has ended;
    TOO_MANY (nothing changed) for more places than were asked; BELOW_TAKEN (nothing changed)
    for fewer than referrals already took. Whoever calls it has checked
    that the answer comes from the provider asked (its number, or its organization's key)."""
    plan = session.get(OperationPlan, request.operation_id)
    if plan is None or RequestState(request.state) not in OPEN_STATES:
        return Outcome.CLOSED
    if plan.released_at is not None or details_of(plan).window_end <= now:
        return Outcome.CLOSED
    if places > request.places_wanted:
        return Outcome.TOO_MANY
    if places < places_taken(session, [request]).get(request.id, 0):
        return Outcome.BELOW_TAKEN
    request.answered_at = now
    if places <= 0:
        request.state = RequestState.DECLINED.value
        request.places_held = 0
        return Outcome.DECLINED
    request.state = RequestState.HELD.value
    request.places_held = places
    return Outcome.HELD


def request_for_organization(
    session: Session, code: str, organization_id: str
) -> CapacityRequest | None:
    """The request with this code if it was sent to this organization; None otherwise (an
    unknown code and another organization's request are the same answer)."""
    return session.scalars(
        select(CapacityRequest).where(
            CapacityRequest.code == code.strip().upper(),
            CapacityRequest.organization_id == organization_id,
        )
    ).first()


@dataclass(frozen=True)
class CapacityReplyResult:
    outcome: Outcome
    language: str = "en"
    # Placeholders of the answer text: the code, a count and the window's end, nothing else.
    values: dict[str, str] = field(default_factory=dict)

    @property
    def answer_id(self) -> str | None:
        """The catalog id of the SMS answered to the provider; None: answer nothing (a number
        that was not asked learns nothing, not even that the code exists)."""
        if self.outcome is Outcome.NOT_FOUND:
            return None
        return f"sms.operation.{self.outcome.value}"


def handle_capacity_answer(
    session: Session, *, sender: str, body: str, now: datetime
) -> CapacityReplyResult | None:
    """Record the answer; None when the SMS is not a capacity answer at all (the SMS adapter
    then tries referral answers)."""
    parsed = parse_capacity_answer(body)
    if parsed is None:
        return None
    request = session.scalars(
        select(CapacityRequest).where(
            CapacityRequest.code == parsed.code, CapacityRequest.recipient == sender
        )
    ).first()
    if request is None:
        return CapacityReplyResult(Outcome.NOT_FOUND)
    places = 0 if parsed.answer is Answer.NO else parsed.places
    outcome = answer_request(session, request, places, now=now)
    values = {"code": request.code}
    if outcome is Outcome.TOO_MANY:
        values |= {"wanted": str(request.places_wanted)}
    if outcome is Outcome.BELOW_TAKEN:
        values |= {"taken": str(places_taken(session, [request]).get(request.id, 0))}
    if outcome is Outcome.HELD:
        plan = session.get(OperationPlan, request.operation_id)
        end = details_of(plan).window_end if plan is not None else None
        values |= {"held": str(places), "end": end.strftime(TIME_FORMAT) if end else ""}
    return CapacityReplyResult(outcome, request.provider_language, values)
