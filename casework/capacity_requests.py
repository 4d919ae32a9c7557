"""Capacity requests before an operation: places asked of providers, held, and released.

Each expected need is matched in the safe site's region, for adults and for presumed minors
apart (a presumed child is never counted in a place held for adults), and for interpreters one
language at a time. The SMS says only what a provider needs to prepare: places, for whom in
numbers, languages, the time window and how to answer; never who plans it, why, or where.
A provider whose endpoint is an API partner (`channel` "api") gets the same as a FHIR Task
pushed through the outbox (casework.fhir_capacity) when a base URL is given for its code
systems, and answers through the partner API (casework.capacity_replies).

The operation's referrals take held places (casework.held_places); readiness counts them, and
the release after the window gives back only the places no referral took.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.fhir_capacity import Release, capacity_body
from casework.held_places import places_taken
from casework.interpreters import INTERPRETATION_NEED
from casework.operation_models import CapacityRequest, OperationPlan
from casework.operations import OperationDetails, details_of
from casework.outbox import Kind, enqueue
from casework.references import ALPHABET
from casework.sms_replies import FORMS_SEPARATOR
from referral_directory.match_values import CaseForMatching, MatchingRules, Proposal
from referral_directory.matcher import directory_index
from referral_directory.models import XReferralEndpoint
from referral_directory.needs import CHILD_PROTECTION, MatchFor, need, top_category
from translations.catalog import Catalogs, shipped_catalogs

# "H" and six characters: one more than a referral code, so neither is taken for the other.
CODE_PREFIX = "H"
CODE_LENGTH = 6
TIME_FORMAT = "%Y-%m-%d %H:%M"


class RequestState(StrEnum):
    REQUESTED = "requested"
    HELD = "held"
    DECLINED = "declined"
    RELEASED = "released"  # held, then the window ended: the provider was told
    EXPIRED = "expired"  # never answered before the window ended


# States a provider may still answer in.
OPEN_STATES = frozenset({RequestState.REQUESTED, RequestState.HELD, RequestState.DECLINED})

# XReferralEndpoint.channel of the providers asked, and how each is told.
SMS_CHANNEL = "sms"
API_CHANNEL = "api"
_URL_STARTS = ("https://", "http://")


def by_api(request: CapacityRequest) -> bool:
    """True when the request went to an API partner: its recipient is the endpoint's URL (an
    SMS recipient is a phone number)."""
    return request.recipient.startswith(_URL_STARTS)


def service_category(request: CapacityRequest) -> str:
    """The kind of service asked: the top category of the need's first category."""
    return top_category(need(request.need_id).categories[0])


def new_code() -> str:
    return CODE_PREFIX + "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def for_minors_only(need_id: str) -> bool:
    """Needs of children: asked for the presumed minors, never for the adults."""
    return need_id == CHILD_PROTECTION.id or need(need_id).match_for is MatchFor.CHILDREN


def groups_of(details: OperationDetails, need_id: str) -> list[bool]:
    """For whom places of a need are asked: False for the adults, True for presumed minors."""
    groups = []
    if details.adult_count and not for_minors_only(need_id):
        groups.append(False)
    if details.minor_count:
        groups.append(True)
    return groups


def _gender(counts: dict[str, int]) -> str | None:
    """The group's gender when all of it is one; matching then honours gender-only services."""
    present = [key for key, count in counts.items() if count]
    return present[0] if present in (["female"], ["male"]) else None


def request_capacity(
    session: Session,
    plan: OperationPlan,
    rules: MatchingRules,
    *,
    now: datetime,
    providers_per_need: int = 1,
    base_url: str | None = None,
) -> list[CapacityRequest]:
    """Match every expected need in the safe site's region and ask the best providers that
    take SMS, or, with `base_url` (the public base of our FHIR code systems, as for referral
    pushes), an API push; returns the requests made (a need nobody serves gets none:
    readiness shows it). Calling it again asks only for what was never asked (a provider added
    to the directory since), and nothing once the window has ended."""
    details = details_of(plan)
    if plan.released_at is not None or details.window_end <= now:
        return []
    asked = {(r.need_id, r.for_minors, r.language) for r in requests_of(session, plan)}
    index = directory_index(session, rules)
    made = []
    for need_id in details.needs:
        if need_id == INTERPRETATION_NEED:
            for language in details.languages:
                if (need_id, False, language) in asked:
                    continue
                wanted = CaseForMatching(
                    needs=(need_id,),
                    urgent=frozenset({need_id}),
                    presumed_minor=False,  # the interpreter works with the officers
                    languages=(language,),
                    area=details.safe_site_region,
                )
                (match,) = index.match(wanted, now, {})
                chosen = [p for p in match.proposals if language in p.candidate.languages]
                for proposal in _reachable(session, chosen, base_url)[:providers_per_need]:
                    made.append(
                        _create(session, plan, need_id, False, language, 1, proposal, now, base_url)
                    )
            continue
        for minors in groups_of(details, need_id):
            if (need_id, minors, None) in asked:
                continue
            counts = details.minors if minors else details.adults
            wanted = CaseForMatching(
                needs=(need_id,),
                urgent=frozenset({need_id}),
                presumed_minor=minors,
                gender=_gender(counts),
                languages=details.languages,
                area=details.safe_site_region,
            )
            (match,) = index.match(wanted, now, {})
            reachable = _reachable(session, list(match.proposals), base_url)
            for proposal in reachable[:providers_per_need]:
                places = sum(counts.values())
                made.append(
                    _create(session, plan, need_id, minors, None, places, proposal, now, base_url)
                )
    return made


def _reachable(session: Session, proposals: list[Proposal], base_url: str | None) -> list[Proposal]:
    """Services taking referrals by SMS, or by API when a push can be built."""
    channels = {SMS_CHANNEL, API_CHANNEL} if base_url else {SMS_CHANNEL}
    kept = []
    for proposal in proposals:
        endpoint = session.get(XReferralEndpoint, proposal.candidate.service_at_location_id)
        if endpoint is not None and endpoint.channel in channels and endpoint.accepting_referrals:
            kept.append(proposal)
    return kept


def _create(
    session: Session,
    plan: OperationPlan,
    need_id: str,
    minors: bool,
    language: str | None,
    places: int,
    proposal: Proposal,
    now: datetime,
    base_url: str | None,
) -> CapacityRequest:
    endpoint = session.get(XReferralEndpoint, proposal.candidate.service_at_location_id)
    if endpoint is None:  # _reachable kept only services with an endpoint
        raise LookupError(proposal.candidate.service_at_location_id)
    request = CapacityRequest(
        operation_id=plan.id,
        code=_unused_code(session),
        need_id=need_id,
        for_minors=minors,
        language=language,
        service_at_location_id=proposal.candidate.service_at_location_id,
        organization_id=proposal.candidate.provider_id,
        recipient=endpoint.address,
        provider_language=provider_language(endpoint, shipped_catalogs().languages),
        places_wanted=places,
        places_held=0,
        state=RequestState.REQUESTED.value,
        created_at=now,
    )
    session.add(request)
    session.flush()
    details = details_of(plan)
    if endpoint.channel == API_CHANNEL and base_url:
        body = capacity_body(
            request, details, category=service_category(request), base_url=base_url, now=now
        )
        enqueue(session, Kind.PARTNER_PUSH, request.recipient, body, now=now)
    else:
        enqueue(
            session,
            Kind.SMS,
            request.recipient,
            request_sms(shipped_catalogs(), request, details),
            now=now,
        )
    return request


def provider_language(endpoint: XReferralEndpoint, shipped: list[str]) -> str:
    """The first language the provider speaks that we ship, as for referrals."""
    spoken = [code for code in endpoint.languages.split(",") if code]
    return next((code for code in spoken if code in shipped), "en")


def command_word(catalogs: Catalogs, command: str, language: str) -> str:
    """The first form of a reply word in the provider's language (`HOLD`, `GARDE`)."""
    return catalogs.render(f"sms.word.{command}", language).split(FORMS_SEPARATOR)[0]


def whom(catalogs: Catalogs, details: OperationDetails, language: str, groups: list[bool]) -> str:
    parts = []
    for minors in groups:
        counts = details.minors if minors else details.adults
        parts.append(
            catalogs.render(
                "sms.operation.minors" if minors else "sms.operation.adults",
                language,
                count=sum(counts.values()),
                female=counts["female"],
                male=counts["male"],
            )
        )
    return ", ".join(parts)


def request_sms(catalogs: Catalogs, request: CapacityRequest, details: OperationDetails) -> str:
    language = request.provider_language
    common = {
        "code": request.code,
        "start": details.window_start.strftime(TIME_FORMAT),
        "end": details.window_end.strftime(TIME_FORMAT),
        "hold": command_word(catalogs, "hold", language),
        "no": command_word(catalogs, "no", language),
    }
    if request.language is not None:
        everyone = [g for g, n in ((False, details.adult_count), (True, details.minor_count)) if n]
        return catalogs.render(
            "sms.operation.interpreter",
            language,
            spoken=request.language,
            whom=whom(catalogs, details, language, everyone),
            **common,
        )
    category = service_category(request)
    return catalogs.render(
        "sms.operation.request",
        language,
        service=catalogs.render(f"sms.category.{category}", language),
        places=request.places_wanted,
        whom=whom(catalogs, details, language, [request.for_minors]),
        languages=", ".join(details.languages)
        or catalogs.render("sms.operation.languages_unknown", language),
        **common,
    )


def release_sms(catalogs: Catalogs, request: CapacityRequest, taken: int = 0) -> str:
    """The release, as the provider reads it: all its places when no referral took one, else
    the number left unused (the places taken stay with the persons referred)."""
    if not taken:
        return catalogs.render(
            "sms.operation.released", request.provider_language, code=request.code
        )
    return catalogs.render(
        "sms.operation.released_unused",
        request.provider_language,
        code=request.code,
        released=request.places_held - taken,
    )


def release_after_window(session: Session, *, now: datetime, base_url: str | None = None) -> int:
    """Release the holds of every plan whose window has ended and tell each provider how many
    of its places no referral took: by SMS, or to an API partner by a push of its Task
    cancelled (casework.fhir_capacity, `base_url` as when it was asked); a provider whose
    places were all taken is not told (it has nothing to free), and unanswered requests expire
    silently. Returns the number of providers told. The worker may call it on every tick: a
    plan is released once."""
    told = 0
    plans = session.scalars(select(OperationPlan).where(OperationPlan.released_at.is_(None)))
    for plan in plans:
        if details_of(plan).window_end > now:
            continue
        requests = requests_of(session, plan)
        taken = places_taken(session, requests)
        for request in requests:
            if request.state == RequestState.HELD.value:
                request.state = RequestState.RELEASED.value
                used = min(taken.get(request.id, 0), request.places_held)
                if used < request.places_held:
                    _tell_release(session, plan, request, used, now, base_url)
                    told += 1
            elif request.state == RequestState.REQUESTED.value:
                request.state = RequestState.EXPIRED.value
        plan.released_at = now
    session.flush()
    return told


def _tell_release(
    session: Session,
    plan: OperationPlan,
    request: CapacityRequest,
    used: int,
    now: datetime,
    base_url: str | None,
) -> None:
    text = release_sms(shipped_catalogs(), request, used)
    if not by_api(request):
        enqueue(session, Kind.SMS, request.recipient, text, now=now)
        return
    if not base_url:
        raise ValueError("a base URL is needed to tell an API partner of a release")
    release = Release(released=request.places_held - used, taken=used, text=text)
    body = capacity_body(
        request,
        details_of(plan),
        category=service_category(request),
        base_url=base_url,
        now=now,
        release=release,
    )
    enqueue(session, Kind.PARTNER_PUSH, request.recipient, body, now=now)


def requests_of(session: Session, plan: OperationPlan) -> list[CapacityRequest]:
    return list(
        session.scalars(
            select(CapacityRequest)
            .where(CapacityRequest.operation_id == plan.id)
            .order_by(CapacityRequest.id)
        )
    )


def _unused_code(session: Session) -> str:
    while True:
        code = new_code()
        if session.scalar(select(CapacityRequest.id).where(CapacityRequest.code == code)) is None:
            return code


@dataclass(frozen=True)
class NeedReadiness:
    need_id: str
    for_minors: bool
    wanted: int
    held: int
    missing: int
    not_answering: int  # providers asked that have not answered yet
    # Places referrals of the operation's cases took (casework.held_places), within `held`
    # while the holds last; after the window they stay counted, the persons being there.
    taken: int = 0
    # Providers asked at all: none means nobody in the region takes SMS or API referrals for it,
    # which waiting will not mend (a coordinator must find one).
    asked: int = 0


@dataclass(frozen=True)
class Readiness:
    needs: tuple[NeedReadiness, ...]
    # Interpreters held per expected language (0: none yet).
    interpreters: dict[str, int]


def readiness(session: Session, plan: OperationPlan) -> Readiness:
    """Per need and group (adults, presumed minors apart): places held, taken by referrals,
    still missing, and providers not answering; interpreters held per language. Only current
    holds count."""
    details = details_of(plan)
    requests = requests_of(session, plan)
    taken = places_taken(session, requests)

    def held(rows: list[CapacityRequest]) -> int:
        return sum(r.places_held for r in rows if r.state == RequestState.HELD.value)

    rows = []
    for need_id in details.needs:
        if need_id == INTERPRETATION_NEED:
            continue
        for minors in groups_of(details, need_id):
            wanted = details.minor_count if minors else details.adult_count
            mine = [r for r in requests if r.need_id == need_id and r.for_minors == minors]
            got = held(mine)
            rows.append(
                NeedReadiness(
                    need_id=need_id,
                    for_minors=minors,
                    wanted=wanted,
                    held=got,
                    missing=max(0, wanted - got),
                    not_answering=sum(r.state == RequestState.REQUESTED.value for r in mine),
                    taken=sum(taken.get(r.id, 0) for r in mine),
                    asked=len(mine),
                )
            )
    interpreters = {
        language: held([r for r in requests if r.language == language])
        for language in details.languages
        if INTERPRETATION_NEED in details.needs
    }
    return Readiness(needs=tuple(rows), interpreters=interpreters)
