"""What matching needs to know about each service_at_location, read from the directory at once.

Matching runs for every case while the officer waits, so the directory is read into these flat
records once per directory revision, not queried per need.
"""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from referral_directory.geo import Area, Point, parse_extent
from referral_directory.models import (
    Attribute,
    Language,
    Location,
    Organization,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceCapacity,
    TaxonomyTerm,
    Unit,
    XReferralEndpoint,
)
from referral_directory.taxonomy import CATEGORY_TAXONOMY, ELIGIBILITY_TAXONOMY, taxonomy_id

_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


@dataclass(frozen=True)
class OpeningHours:
    days: frozenset[int]  # 0 = Monday
    opens: time
    closes: time

    def is_open(self, local: datetime) -> bool:
        now = local.time()
        if self.opens <= self.closes:
            return local.weekday() in self.days and self.opens <= now <= self.closes
        # Overnight hours: open on the evening of a listed day, or the morning after it.
        yesterday = (local.weekday() - 1) % 7
        return (local.weekday() in self.days and now >= self.opens) or (
            yesterday in self.days and now <= self.closes
        )


@dataclass
class Candidate:
    service_at_location_id: str
    service_id: str
    service_name: str
    provider_id: str  # the organization; a provider is proposed once per need
    provider_name: str
    status: str
    accepting_referrals: bool
    categories: frozenset[str] = frozenset()
    eligibility: frozenset[str] = frozenset()
    minimum_age: float | None = None
    maximum_age: float | None = None
    point: Point | None = None
    confidential: bool = False
    areas: tuple[Area, ...] = ()
    area_names: frozenset[str] = frozenset()
    languages: frozenset[str] = frozenset()
    interpretation: bool = False
    capacity_available: float | None = None
    capacity_unit: str = ""
    capacity_updated: datetime | None = None
    opening_hours: tuple[OpeningHours, ...] = ()
    time_zone: tzinfo = field(default=UTC)
    verified_at: datetime | None = None

    def open_at(self, moment: datetime) -> bool | None:
        """None when the directory gives no opening hours."""
        if not self.opening_hours:
            return None
        local = moment.astimezone(self.time_zone)
        return any(hours.is_open(local) for hours in self.opening_hours)

    @property
    def anywhere(self) -> bool:
        """No area and no place: a remote service (a telephone line) for any location."""
        return not self.areas and not self.area_names and self.point is None


@lru_cache(maxsize=4096)
def normalise_area_name(name: str) -> str:
    return " ".join(re.findall(r"\w+", name.casefold()))


def named_area_in(text: str, names: Iterable[str]) -> str | None:
    """The longest known area name that `text` contains as whole words ("Almaty, Medeu
    district" contains "almaty"); officers type places as they say them."""
    padded = f" {normalise_area_name(text)} "
    found = [name for name in names if name and f" {name} " in padded]
    return max(found, key=lambda name: (len(name), name)) if found else None


def load_candidates(session: Session) -> list[Candidate]:
    services = {s.id: s for s in session.scalars(select(Service))}
    organizations = {o.id: o.name for o in session.scalars(select(Organization))}
    locations = {loc.id: loc for loc in session.scalars(select(Location))}
    endpoints = {e.service_at_location_id: e for e in session.scalars(select(XReferralEndpoint))}
    terms = _our_terms(session)
    attributes: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for attribute in session.scalars(select(Attribute)):
        if attribute.taxonomy_term_id in terms:
            attributes[attribute.link_id].add(terms[attribute.taxonomy_term_id])
    languages: dict[str, set[str]] = defaultdict(set)
    for language in session.scalars(select(Language)):
        for owner in (language.service_id, language.location_id):
            if owner and language.code:
                languages[owner].add(language.code.lower())
    areas: dict[str, list[ServiceArea]] = defaultdict(list)
    for area in session.scalars(select(ServiceArea)):
        for owner in {area.service_id, area.service_at_location_id} - {None}:
            areas[str(owner)].append(area)
    schedules: dict[str, list[Schedule]] = defaultdict(list)
    for schedule in session.scalars(select(Schedule)):
        for owner in {schedule.service_id, schedule.location_id, schedule.service_at_location_id}:
            if owner:
                schedules[owner].append(schedule)
    units = {u.id: u.name for u in session.scalars(select(Unit))}
    capacities: dict[str, ServiceCapacity] = {}
    for capacity in session.scalars(select(ServiceCapacity)):
        known = capacities.get(capacity.service_id)
        if known is None or capacity.updated > known.updated:
            capacities[capacity.service_id] = capacity

    candidates = []
    for sal in session.scalars(select(ServiceAtLocation).order_by(ServiceAtLocation.id)):
        service = services[sal.service_id]
        location = locations.get(sal.location_id or "")
        endpoint = endpoints.get(sal.id)
        tags = attributes[service.id] | attributes[sal.id]
        own_areas = areas[sal.id] or areas[service.id]
        latest = capacities.get(service.id)
        candidates.append(
            Candidate(
                service_at_location_id=sal.id,
                service_id=service.id,
                service_name=service.name,
                provider_id=service.organization_id or service.id,
                provider_name=organizations.get(service.organization_id or "", service.name),
                status=service.status,
                accepting_referrals=endpoint is not None and endpoint.accepting_referrals,
                categories=frozenset(c for t, c in tags if t == CATEGORY_TAXONOMY),
                eligibility=frozenset(c for t, c in tags if t == ELIGIBILITY_TAXONOMY),
                minimum_age=service.minimum_age,
                maximum_age=service.maximum_age,
                point=_point_of(location),
                confidential=bool(location and location.x_confidential),
                areas=tuple(
                    a for a in (parse_extent(x.extent or "") for x in own_areas) if a is not None
                ),
                area_names=frozenset(normalise_area_name(a.name) for a in own_areas if a.name),
                languages=frozenset(
                    languages[service.id]
                    | languages[location.id if location else ""]
                    | {c for c in (endpoint.languages.split(",") if endpoint else []) if c}
                ),
                interpretation=bool((service.interpretation_services or "").strip()),
                capacity_available=latest.available if latest else None,
                capacity_unit=units.get(latest.unit_id, "") if latest else "",
                capacity_updated=latest.updated if latest else None,
                opening_hours=_hours(schedules[sal.id] or schedules[service.id]),
                time_zone=_zone(location, schedules[sal.id] or schedules[service.id]),
                verified_at=service.x_verified_at,
            )
        )
    return candidates


def _our_terms(session: Session) -> dict[str, tuple[str, str]]:
    ours = {taxonomy_id(CATEGORY_TAXONOMY): CATEGORY_TAXONOMY}
    ours[taxonomy_id(ELIGIBILITY_TAXONOMY)] = ELIGIBILITY_TAXONOMY
    return {
        term.id: (ours[term.taxonomy_id], term.code)
        for term in session.scalars(select(TaxonomyTerm))
        if term.taxonomy_id in ours and term.code
    }


def _point_of(location: Location | None) -> Point | None:
    if location is None or location.latitude is None or location.longitude is None:
        return None
    point = Point(location.latitude, location.longitude)
    return point if point.valid else None


def _hours(schedules: list[Schedule]) -> tuple[OpeningHours, ...]:
    hours = []
    for schedule in schedules:
        if not schedule.opens_at or not schedule.closes_at:
            continue
        days = frozenset(
            _DAYS.index(day.strip().upper())
            for day in (schedule.byday or ",".join(_DAYS)).split(",")
            if day.strip().upper() in _DAYS
        )
        try:
            opens = time.fromisoformat(schedule.opens_at)
            closes = time.fromisoformat(schedule.closes_at)
        except ValueError:
            continue
        hours.append(OpeningHours(days, opens, closes))
    return tuple(hours)


def _zone(location: Location | None, schedules: list[Schedule]) -> tzinfo:
    if location is not None and location.x_tz:
        try:
            return ZoneInfo(location.x_tz)
        except (ZoneInfoNotFoundError, ValueError):
            pass  # checked on import; a zone removed from tzdata since must not stop matching
    for schedule in schedules:
        if schedule.timezone is not None:
            return timezone(timedelta(hours=schedule.timezone))
    return UTC
