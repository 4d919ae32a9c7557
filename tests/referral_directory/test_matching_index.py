"""The index proposes exactly what a scan of every service proposes, in directories dense
enough that it stops early: many providers per town, as a national directory would have."""

import json
import random
from datetime import UTC, datetime, time, timedelta

import pytest

from referral_directory.candidates import Candidate, OpeningHours
from referral_directory.geo import Point, parse_extent
from referral_directory.match_values import CaseForMatching, MatchingRules
from referral_directory.matcher import DirectoryIndex
from referral_directory.needs import CATEGORIES, NEEDS

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
TOWNS = {"tashkent": Point(41.30, 69.24), "chirchiq": Point(41.47, 69.58)}
LANGUAGES = ("uz", "ru", "kk", "en", "tg")
ELIGIBILITY = (
    "women_only",
    "men_only",
    "children_accepted",
    "children_only",
    "families_accepted",
    "female_medical_staff",
)
DAY_HOURS = OpeningHours(frozenset(range(5)), time(8), time(17))
NIGHT_HOURS = OpeningHours(frozenset(range(7)), time(20), time(8))


def _box(centre: Point, half: float) -> str:
    west, east = centre.longitude - half, centre.longitude + half
    south, north = centre.latitude - half, centre.latitude + half
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def _service(generator: random.Random, number: int) -> Candidate:
    name = generator.choice(sorted(TOWNS))
    town = TOWNS[name]
    point = Point(
        town.latitude + generator.uniform(-0.3, 0.3),
        town.longitude + generator.uniform(-0.3, 0.3),
    )
    place = generator.random()
    areas = (parse_extent(_box(town, 0.25)),) if place < 0.4 else ()
    has_capacity = generator.random() < 0.4
    return Candidate(
        service_at_location_id=f"sal-{number:05d}",
        service_id=f"service-{number:05d}",
        service_name=f"Service {number}",
        # Several services per provider: a provider is proposed once, with its best service.
        provider_id=f"org-{generator.randrange(number // 4 + 1):05d}",
        provider_name="Provider",
        status="active" if generator.random() < 0.95 else "inactive",
        accepting_referrals=generator.random() < 0.95,
        categories=frozenset(generator.sample(sorted(CATEGORIES), generator.randint(1, 3))),
        eligibility=frozenset(generator.sample(ELIGIBILITY, generator.choice((0, 0, 1, 2)))),
        minimum_age=generator.choice((None, None, 18.0, 14.0)),
        maximum_age=generator.choice((None, None, None, 25.0)),
        # Remote services (no place at all) and services known only by their area's name.
        point=point if place < 0.9 else None,
        areas=tuple(area for area in areas if area is not None),
        area_names=frozenset({name}) if place < 0.4 or 0.9 <= place < 0.95 else frozenset(),
        languages=frozenset(generator.sample(LANGUAGES, generator.randint(0, 3))),
        interpretation=generator.random() < 0.3,
        capacity_available=float(generator.randint(0, 4)) if has_capacity else None,
        capacity_unit="Bed" if has_capacity else "",
        capacity_updated=NOW - timedelta(hours=generator.randint(-2, 40)) if has_capacity else None,
        opening_hours=generator.choice(((), (DAY_HOURS,), (NIGHT_HOURS,), (DAY_HOURS,))),
        verified_at=generator.choice((None, NOW - timedelta(days=generator.randint(0, 300)))),
    )


def _case(generator: random.Random) -> CaseForMatching:
    needs = tuple(generator.sample([n.id for n in NEEDS], 6))
    town = TOWNS[generator.choice(sorted(TOWNS))]
    located = generator.random() < 0.8
    return CaseForMatching(
        needs=needs,
        urgent=frozenset(generator.sample(needs, 2)),
        age=generator.choice((None, None, 16, 30)),
        presumed_minor=generator.random() < 0.3,
        gender=generator.choice(("female", "male", None)),
        languages=tuple(generator.sample(LANGUAGES, generator.randint(0, 2))),
        location=Point(town.latitude + generator.uniform(-0.2, 0.2), town.longitude)
        if located
        else None,
        area=None if located else generator.choice(("Tashkent", "Chirchiq, centre", "Samarkand")),
        with_children=generator.random() < 0.2,
    )


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_index_proposes_what_the_scan_proposes_in_a_dense_directory(seed: int) -> None:
    generator = random.Random(seed)
    candidates = [_service(generator, number) for number in range(1500)]
    index = DirectoryIndex(candidates, MatchingRules())
    ids = [c.service_at_location_id for c in candidates]
    for _ in range(12):
        case = _case(generator)
        # Answers of past referrals lift a service whatever else it offers.
        acceptance = {sal: (generator.randint(0, 3), 3) for sal in generator.sample(ids, 200)} | {
            sal: (0, 0) for sal in generator.sample(ids, 20)
        }
        for answers in ({}, acceptance):
            assert index.match(case, NOW, answers) == index.match_by_scan(case, NOW, answers)


def test_a_service_known_to_accept_can_outrank_services_that_offer_more() -> None:
    town = TOWNS["tashkent"]
    rich = [
        Candidate(
            service_at_location_id=f"sal-rich-{number}",
            service_id=f"rich-{number}",
            service_name="Shelter",
            provider_id=f"org-rich-{number}",
            provider_name="Provider",
            status="active",
            accepting_referrals=True,
            categories=frozenset({"shelter"}),
            point=town,
            languages=frozenset({"uz"}),
            verified_at=NOW,
        )
        for number in range(10)
    ]
    # Nothing to order it by but what its past referrals say.
    plain = Candidate(
        service_at_location_id="sal-plain",
        service_id="plain",
        service_name="Shelter",
        provider_id="org-plain",
        provider_name="Provider",
        status="active",
        accepting_referrals=True,
        categories=frozenset({"shelter"}),
        point=town,
        languages=frozenset({"uz"}),
        verified_at=NOW - timedelta(days=179),
    )
    index = DirectoryIndex([*rich, plain], MatchingRules(proposals_per_need=3))
    case = CaseForMatching(needs=("basic.housing",), presumed_minor=False, location=town)
    (without,) = index.match(case, NOW, {})
    (with_record,) = index.match(case, NOW, {"sal-plain": (5, 5)})
    assert "sal-plain" not in [p.candidate.service_at_location_id for p in without.proposals]
    assert with_record.proposals[0].candidate.service_at_location_id == "sal-plain"
    assert with_record == index.match_by_scan(case, NOW, {"sal-plain": (5, 5)})[0]
