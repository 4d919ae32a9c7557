"""Places held for a rescue operation, and the referrals of its persons that take them.

Providers held places before the operation (casework.capacity_requests, capacity_replies). A
case under the operation (`case.operation_id`) is referred into them first, with no new
capacity request: matching still decides who may serve the person; a held place only puts its
service first, says why, and is taken by the referral (`referral.capacity_request_id`) until
the referral is refused or cancelled. A presumed child is never grouped with adults: a service
whose places in the operation are held for adults only (for a need) is not proposed to a child
for that need, and a referral of the child there is refused.

Interpreters held are left out: one works with the officers at the safe site for everyone, it
is not a place a person's referral takes.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from casework.audit import record_audit
from casework.models import Case
from casework.operation_models import CapacityRequest, OperationPlan
from casework.operations import details_of
from casework.referral_models import Referral
from casework.referral_status import Status
from referral_directory.candidates import named_area_in
from referral_directory.match_values import CaseForMatching, NeedMatch, Proposal, Reason
from referral_directory.matcher import DirectoryIndex
from referral_directory.matching import evaluate, rank, resolve_place
from referral_directory.needs import need

# The reason shown with a service that holds free places for the person ({"places": free}).
HELD_PLACES_REASON = "held_places"
# The gap of a presumed child's need when every service proposed holds places for adults only.
HELD_FOR_ADULTS_GAP = "held_for_adults"
# A referral that took a held place keeps it while the person may still come or is there; a
# refusal or a cancellation (a timeout is one) gives the place back for the next person.
PLACE_GIVEN_BACK = frozenset({Status.REJECTED.value, Status.CANCELLED.value})

# (need id, service_at_location id)
Key = tuple[str, str]


class HeldForAdults(PermissionError):
    """A presumed child's referral to a service whose places in the operation, for that need,
    are held for adults only."""


def places_taken(session: Session, requests: list[CapacityRequest]) -> dict[int, int]:
    """Places taken per capacity request id: its referrals that did not give the place back."""
    if not requests:
        return {}
    rows = session.execute(
        select(Referral.capacity_request_id, func.count(Referral.id))
        .where(
            Referral.capacity_request_id.in_([r.id for r in requests]),
            Referral.status.not_in(PLACE_GIVEN_BACK),
        )
        .group_by(Referral.capacity_request_id)
    )
    return {request_id: count for request_id, count in rows if request_id is not None}


def _holds(session: Session, case: Case, now: datetime) -> list[CapacityRequest]:
    """The requests of the case's operation that hold places now: none for a case not under an
    operation, nor once the plan's window ended or its holds were released."""
    if case.operation_id is None:
        return []
    plan = session.get(OperationPlan, case.operation_id)
    if plan is None or plan.released_at is not None or details_of(plan).window_end <= now:
        return []
    # A HOLD answer sets places_held, NO sets 0, and the release marks the plan released: on a
    # plan still current, a request with places is a hold (casework.capacity_replies).
    return list(
        session.scalars(
            select(CapacityRequest)
            .where(
                CapacityRequest.operation_id == plan.id,
                CapacityRequest.places_held > 0,
                CapacityRequest.language.is_(None),
            )
            .order_by(CapacityRequest.id)
        )
    )


@dataclass(frozen=True)
class HeldPlaces:
    """What the case's operation holds now, as it concerns this person."""

    # Places still free for the person's group (adults, or presumed minors), above zero only.
    free: Mapping[Key, int]
    # Held for adults and not for minors: never for a presumed child (empty for an adult).
    adults_only: frozenset[Key]

    def free_for(self, need_id: str) -> dict[str, int]:
        return {sal: n for (need_id_, sal), n in self.free.items() if need_id_ == need_id}

    def adults_only_for(self, need_id: str) -> frozenset[str]:
        return frozenset(sal for need_id_, sal in self.adults_only if need_id_ == need_id)


def held_places(session: Session, case: Case, *, now: datetime) -> HeldPlaces | None:
    """None when nothing is held for the case (then nothing here changes its referrals)."""
    holds = _holds(session, case, now)
    if not holds:
        return None
    taken = places_taken(session, holds)
    free: dict[Key, int] = {}
    for request in holds:
        if request.for_minors == case.presumed_child:
            key = (request.need_id, request.service_at_location_id)
            left = max(0, request.places_held - taken.get(request.id, 0))
            free[key] = free.get(key, 0) + left
    adults_only: frozenset[Key] = frozenset()
    if case.presumed_child:
        for_minors = {(r.need_id, r.service_at_location_id) for r in holds if r.for_minors}
        adults_only = frozenset(
            (r.need_id, r.service_at_location_id)
            for r in holds
            if (r.need_id, r.service_at_location_id) not in for_minors
        )
    return HeldPlaces({key: n for key, n in free.items() if n > 0}, adults_only)


def place_for(
    session: Session, case: Case, need_id: str, service_at_location_id: str, *, now: datetime
) -> CapacityRequest | None:
    """The hold a new referral of the case to that service takes a place of, if one has a free
    place for the need and the person's group."""
    holds = [
        r
        for r in _holds(session, case, now)
        if (r.need_id, r.service_at_location_id, r.for_minors)
        == (need_id, service_at_location_id, case.presumed_child)
    ]
    taken = places_taken(session, holds)
    return next((r for r in holds if r.places_held > taken.get(r.id, 0)), None)


def require_not_held_for_adults(
    session: Session,
    case: Case,
    need_id: str,
    service_at_location_id: str,
    *,
    actor: str,
    now: datetime,
) -> None:
    """Raises HeldForAdults (an audit entry is written first: commit it) for a presumed child
    and a service whose places in the case's operation are held for adults only."""
    if not case.presumed_child:
        return
    held = held_places(session, case, now=now)
    if held is None or service_at_location_id not in held.adults_only_for(need_id):
        return
    record_audit(
        session,
        actor=actor,
        action="referral.create",
        outcome="refused",
        case_id=case.id,
        detail=f"held for adults only: {need_id} -> {service_at_location_id}",
        now=now,
    )
    raise HeldForAdults(need_id)


def prefer_held(
    result: NeedMatch,
    held: HeldPlaces,
    index: DirectoryIndex,
    wanted: CaseForMatching,
    *,
    now: datetime,
    acceptance: Mapping[str, tuple[int, int]],
) -> NeedMatch:
    """The need's proposals with the services holding free places for the person first, each
    with the reason, and without those held for adults only when the person is a presumed
    child. Only services matching proposes (all its filters passed) are shown."""
    free = held.free_for(result.need_id)
    barred = held.adults_only_for(result.need_id)
    if not free and not barred:
        return result
    proposals = [p for p in result.proposals if _sal(p) not in barred]
    missing = set(free) - {_sal(p) for p in proposals}
    if missing:
        proposals += _cut_off(index, wanted, result.need_id, missing, now, acceptance)
    first = [_with_reason(p, free[_sal(p)]) for p in proposals if _sal(p) in free]
    # Matching proposes a provider once per need: a held service takes its provider's place.
    providers = {p.candidate.provider_id for p in first}
    rest = [
        p for p in proposals if _sal(p) not in free and p.candidate.provider_id not in providers
    ]
    kept = tuple((first + rest)[: index.rules.proposals_per_need])
    if kept or result.gap is not None:
        return replace(result, proposals=kept)
    return replace(
        result, proposals=kept, gap=Reason(HELD_FOR_ADULTS_GAP, {"need": result.need_id})
    )


def _sal(proposal: Proposal) -> str:
    return proposal.candidate.service_at_location_id


def _with_reason(proposal: Proposal, places: int) -> Proposal:
    reason = Reason(HELD_PLACES_REASON, {"places": places})
    return replace(proposal, reasons=(reason, *proposal.reasons))


def _cut_off(
    index: DirectoryIndex,
    wanted: CaseForMatching,
    need_id: str,
    services: set[str],
    now: datetime,
    acceptance: Mapping[str, tuple[int, int]],
) -> list[Proposal]:
    """Held services matching left out of its proposals: evaluated alone with the same filters
    and reasons, so one ranked below the top proposals (or below another service of its
    provider) is not cut off, and one that fails a filter is never proposed."""
    candidates = [c for c in index.candidates if c.service_at_location_id in services]
    if not candidates:
        return []
    case = wanted
    if case.area:
        # As DirectoryIndex.match reads a typed place: the directory's own name for it.
        names = {name for c in index.candidates for name in c.area_names}
        known = named_area_in(case.area, names)
        if known:
            case = replace(case, area=known)
    place = resolve_place(case, index.gazetteer)
    item = need(need_id)
    evaluations = [evaluate(c, item, case, place, now, index.rules, acceptance) for c in candidates]
    every = replace(index.rules, proposals_per_need=len(candidates))
    return list(rank(item, evaluations, case, every).proposals)
