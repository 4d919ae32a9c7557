"""Checks of what the demo directory promises to matching, and the summary printed after
writing it."""

from collections import Counter
from typing import Any

from demo_directory.places import CAMBODIA, CENTRAL_ASIA, CITIES, ORGS, PLACES
from demo_directory.services import SPECS
from referral_directory.needs import CATEGORIES
from referral_directory.taxonomy import ELIGIBILITY_TERMS


def check_specs() -> None:
    """What the demo promises to matching; fails loudly when an edit breaks a promise."""
    for place in PLACES.values():
        assert set(place.languages) <= set(CITIES[place.city].region.languages), place.key
    keys = [spec.key for spec in SPECS]
    assert len(keys) == len(set(keys)), "service keys must be unique"
    for spec in SPECS:
        assert spec.org in ORGS and spec.place in PLACES, spec.key
        assert 1 <= len(spec.categories) <= 3, spec.key
        assert all(code in CATEGORIES for code in spec.categories), spec.key
        assert all(code in ELIGIBILITY_TERMS for code in spec.eligibility), spec.key
        assert spec.channel in ("sms", "api") and 30 <= spec.deadline <= 240, spec.key
        region = CITIES[PLACES[spec.place].city].region
        assert set(spec.languages) <= set(region.languages), spec.key
        assert set(spec.intake) <= set(spec.languages), spec.key
        terms = set(spec.eligibility)
        if "children_only" in terms:
            assert spec.maximum_age == 17 and spec.minimum_age is None, spec.key
        if "children_accepted" in terms:
            assert (spec.minimum_age or 0) < 18, spec.key
        if "men_only" in terms and "shelter" in spec.categories:
            assert spec.minimum_age == 18, spec.key
        if spec.beds is not None:
            assert "shelter" in spec.categories, spec.key
    for region in (CAMBODIA, CENTRAL_ASIA):
        specs = [s for s in SPECS if CITIES[PLACES[s.place].city].region is region]
        active = [s for s in specs if s.status == "active"]
        covered = {code for s in active for code in s.categories}
        assert covered == set(CATEGORIES), f"{region.name} lacks {set(CATEGORIES) - covered}"
        for term in ("female_medical_staff", "men_only", "children_only", "children_accepted"):
            assert any(term in s.eligibility for s in active), (region.name, term)
        shelters = [s for s in active if "shelter" in s.categories]
        for term in ("women_only", "men_only", "children_only", "families_accepted"):
            assert any(term in s.eligibility for s in shelters), (region.name, term)
            for s in shelters:
                if term in ("women_only", "children_only") and term in s.eligibility:
                    assert PLACES[s.place].confidential_address, s.key
        assert any(s.beds is not None and s.beds[0] == 0 for s in shelters), region.name
        assert 1 <= len([s for s in specs if s.status != "active"]) <= 2, region.name
        assert 3 <= len([s for s in specs if s.area == "region"]) <= 4, region.name
    for city in CITIES.values():
        in_city = [s for s in SPECS if PLACES[s.place].city == city.slug]
        assert len(in_city) >= 16, city.slug
        covered = {code for s in in_city if s.status == "active" for code in s.categories}
        for code in (
            "shelter",
            "medical",
            "psychosocial",
            "legal",
            "child_protection",
            "interpretation",
            "social_services",
        ):
            assert code in covered, (city.slug, code)


def summary(files: dict[str, list[dict[str, Any]]]) -> str:
    lines = []
    for name, services in files.items():
        lines.append(f"{name}: {len(services)} services")
    for region in (CAMBODIA, CENTRAL_ASIA):
        specs = [s for s in SPECS if CITIES[PLACES[s.place].city].region is region]
        counts = Counter(code for s in specs for code in s.categories)
        active = Counter(code for s in specs if s.status == "active" for code in s.categories)
        lines.append(f"{region.name}: {len(specs)} services")
        lines.extend(f"  {code:28} {counts[code]:2} ({active[code]} active)" for code in CATEGORIES)
    api = sum(1 for s in SPECS if s.channel == "api")
    organizations = len({s.org for s in SPECS})
    lines.append(f"{len(SPECS)} services, {organizations} organizations, {api} api endpoints")
    return "\n".join(lines)
