"""What matching needs to know about each service_at_location, read from the directory at once.

Matching runs for every case while the officer waits, so the directory is read into these flat
records once per directory revision, not queried per need.
"""

import gc
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
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


@dataclass(frozen=True)
class _Place:
    """What matching reads of a location."""

    id: str
    point: Point | None
    confidential: bool
    time_zone: str | None


@dataclass(frozen=True)
class _Hours:
    """What matching reads of a schedule."""

    byday: str | None
    opens_at: str | None
    closes_at: str | None
    timezone: float | None


# Objects made in a paused block above which a full collection follows it.
_MANY_OBJECTS = 200_000


@contextmanager
def collector_paused() -> Iterator[None]:
    """No cyclic garbage collection in the block; a full collection after it if it made many
    objects.

    Reading or indexing a large directory makes millions of objects that all stay alive; the
    collector would walk them again and again while they are made (at 100,000 services that
    was more than half of the time). The collection at the end settles them in the oldest
    generation; without it, the next case would pay for that (400 ms at 100,000 services).
    A small directory makes too few objects to be worth a full collection of the process.
    Nested or concurrent blocks leave collection on once the first of them ends.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
            if gc.get_count()[0] > _MANY_OBJECTS:
                gc.collect()


def load_candidates(session: Session) -> list[Candidate]:
    with collector_paused():
        return _load_candidates(session)


def _load_candidates(session: Session) -> list[Candidate]:
    # Plain rows of the columns matching reads, not ORM objects: at 100,000 services the
    # objects' bookkeeping made the first case after a directory change wait tens of seconds.
    services = {
        row.id: row
        for row in session.execute(
            select(
                Service.id,
                Service.name,
                Service.organization_id,
                Service.status,
                Service.minimum_age,
                Service.maximum_age,
                Service.interpretation_services,
                Service.x_verified_at,
            )
        )
    }
    organizations = {
        key: name for key, name in session.execute(select(Organization.id, Organization.name))
    }
    locations = {
        row.id: _Place(
            row.id, _point_of(row.latitude, row.longitude), bool(row.x_confidential), row.x_tz
        )
        for row in session.execute(
            select(
                Location.id,
                Location.latitude,
                Location.longitude,
                Location.x_confidential,
                Location.x_tz,
            )
        )
    }
    endpoints = {
        row.service_at_location_id: row
        for row in session.execute(
            select(
                XReferralEndpoint.service_at_location_id,
                XReferralEndpoint.accepting_referrals,
                XReferralEndpoint.languages,
            )
        )
    }
    terms = _our_terms(session)
    attributes: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for link_id, term in session.execute(select(Attribute.link_id, Attribute.taxonomy_term_id)):
        if term in terms:
            attributes[link_id].add(terms[term])
    languages: dict[str, set[str]] = defaultdict(set)
    for service_id, location_id, code in session.execute(
        select(Language.service_id, Language.location_id, Language.code)
    ):
        for owner in (service_id, location_id):
            if owner and code:
                languages[owner].add(code.lower())
    areas: dict[str, list[tuple[str | None, str | None]]] = defaultdict(list)
    for service_id, sal_id, name, extent in session.execute(
        select(
            ServiceArea.service_id,
            ServiceArea.service_at_location_id,
            ServiceArea.name,
            ServiceArea.extent,
        )
    ):
        for owner in {service_id, sal_id} - {None}:
            areas[str(owner)].append((name, extent))
    schedules: dict[str, list[_Hours]] = defaultdict(list)
    for row in session.execute(
        select(
            Schedule.service_id,
            Schedule.location_id,
            Schedule.service_at_location_id,
            Schedule.byday,
            Schedule.opens_at,
            Schedule.closes_at,
            Schedule.timezone,
        )
    ):
        hours = _Hours(row.byday, row.opens_at, row.closes_at, row.timezone)
        for owner in {row.service_id, row.location_id, row.service_at_location_id}:
            if owner:
                schedules[owner].append(hours)
    units = {key: name for key, name in session.execute(select(Unit.id, Unit.name))}
    capacities: dict[str, tuple[float, str, datetime]] = {}
    for service_id, available, unit_id, updated in session.execute(
        select(
            ServiceCapacity.service_id,
            ServiceCapacity.available,
            ServiceCapacity.unit_id,
            ServiceCapacity.updated,
        )
    ):
        known = capacities.get(service_id)
        if known is None or updated > known[2]:
            capacities[service_id] = (available, unit_id, updated)
    # Services of one town often publish the same area: parse each extent once.
    parsed: dict[str, Area | None] = {}

    def parse(extent: str | None) -> Area | None:
        key = extent or ""
        if key not in parsed:
            parsed[key] = parse_extent(key)
        return parsed[key]

    candidates = []
    for sal_id, service_id, location_id in session.execute(
        select(
            ServiceAtLocation.id, ServiceAtLocation.service_id, ServiceAtLocation.location_id
        ).order_by(ServiceAtLocation.id)
    ):
        service = services[service_id]
        location = locations.get(location_id or "")
        endpoint = endpoints.get(sal_id)
        tags = attributes[service.id] | attributes[sal_id]
        own_areas = areas[sal_id] or areas[service.id]
        latest = capacities.get(service.id)
        own_hours = schedules[sal_id] or schedules[service.id]
        candidates.append(
            Candidate(
                service_at_location_id=sal_id,
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
                point=location.point if location else None,
                confidential=bool(location and location.confidential),
                areas=tuple(a for a in (parse(extent) for _, extent in own_areas) if a is not None),
                area_names=frozenset(normalise_area_name(name) for name, _ in own_areas if name),
                languages=frozenset(
                    languages[service.id]
                    | languages[location.id if location else ""]
                    | {c for c in (endpoint.languages.split(",") if endpoint else []) if c}
                ),
                interpretation=bool((service.interpretation_services or "").strip()),
                capacity_available=latest[0] if latest else None,
                capacity_unit=units.get(latest[1], "") if latest else "",
                capacity_updated=latest[2] if latest else None,
                opening_hours=_hours(own_hours),
                time_zone=_zone(location, own_hours),
                verified_at=service.x_verified_at,
            )
        )
    return candidates


def _our_terms(session: Session) -> dict[str, tuple[str, str]]:
    ours = {taxonomy_id(CATEGORY_TAXONOMY): CATEGORY_TAXONOMY}
    ours[taxonomy_id(ELIGIBILITY_TAXONOMY)] = ELIGIBILITY_TAXONOMY
    return {
        term_id: (ours[taxonomy], code)
        for term_id, taxonomy, code in session.execute(
            select(TaxonomyTerm.id, TaxonomyTerm.taxonomy_id, TaxonomyTerm.code)
        )
        if taxonomy in ours and code
    }


def _point_of(latitude: float | None, longitude: float | None) -> Point | None:
    if latitude is None or longitude is None:
        return None
    point = Point(latitude, longitude)
    return point if point.valid else None


def _hours(schedules: list[_Hours]) -> tuple[OpeningHours, ...]:
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


def _zone(location: _Place | None, schedules: list[_Hours]) -> tzinfo:
    if location is not None and location.time_zone:
        try:
            return ZoneInfo(location.time_zone)
        except (ZoneInfoNotFoundError, ValueError):
            pass  # checked on import; a zone removed from tzdata since must not stop matching
    for schedule in schedules:
        if schedule.timezone is not None:
            return timezone(timedelta(hours=schedule.timezone))
    return UTC
