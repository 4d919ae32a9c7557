"""Matching needs to providers: filters, preferences, reasons and gaps, on imported HSDS data."""

import random
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from referral_directory.capacity import update_capacity
from referral_directory.geo import Point
from referral_directory.importer import import_directory
from referral_directory.match_values import CaseForMatching, MatchingRules, NeedMatch
from referral_directory.matcher import DirectoryIndex, directory_index
from referral_directory.needs import NEEDS
from tests.referral_directory.hsds_builders import ALMATY, TASHKENT, box, sal_id, service, write

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # Monday, 15:00 in Tashkent
RULES = MatchingRules()
ADULT_WOMAN = {"age": 30, "presumed_minor": False, "gender": "female", "languages": ("uz",)}


def _directory(session: Session, tmp_path: Path, *records: dict[str, Any]) -> DirectoryIndex:
    report = import_directory(session, write(tmp_path / "directory.json", list(records)))
    assert report.ok, report.lines()
    session.commit()
    return directory_index(session, RULES)


def _case(*needs: str, **fields: Any) -> CaseForMatching:
    values = {"location": Point(*TASHKENT), **ADULT_WOMAN, **fields}
    return CaseForMatching(needs=needs, **values)


def _proposed(result: NeedMatch) -> list[str]:
    return [p.candidate.service_at_location_id for p in result.proposals]


def _codes(result: NeedMatch, rank: int = 0) -> list[str]:
    return [r.code for r in result.proposals[rank].reasons]


def test_only_active_services_of_the_need_s_category_that_accept_referrals(
    session: Session, tmp_path: Path
) -> None:
    index = _directory(
        session,
        tmp_path,
        service("shelter"),
        service("clinic", categories=("medical",)),
        service("closed", status="temporarily closed"),
        service("full-inbox", accepting=False),
    )
    [housing] = index.match(_case("basic.housing"), NOW)
    assert _proposed(housing) == [sal_id("shelter")]


def test_a_general_category_serves_a_specific_need_and_the_reverse(
    session: Session, tmp_path: Path
) -> None:
    index = _directory(
        session,
        tmp_path,
        service("legal-aid", categories=("legal",)),
        service("migration-lawyers", categories=("legal.immigration",)),
        service("advocates", categories=("legal.advocacy",)),
    )
    immigration, rights = index.match(_case("services.immigration", "rights.information"), NOW)
    assert set(_proposed(immigration)) == {sal_id("legal-aid"), sal_id("migration-lawyers")}
    assert set(_proposed(rights)) == {
        sal_id("legal-aid"),
        sal_id("migration-lawyers"),
        sal_id("advocates"),
    }


def test_a_presumed_child_goes_only_to_services_that_take_children(
    session: Session, tmp_path: Path
) -> None:
    index = _directory(
        session,
        tmp_path,
        service("adult-shelter", minimum_age=18),
        service("family-shelter", eligibility=("children_accepted",)),
        service("children-home", eligibility=("children_only",), maximum_age=17),
        service("plain-shelter"),
    )
    [child] = index.match(_case("basic.housing", age=None, presumed_minor=True), NOW)
    assert set(_proposed(child)) == {sal_id("family-shelter"), sal_id("children-home")}
    assert _proposed(child)[0] == sal_id("children-home")  # specialised in children
    assert "for_children" in _codes(child)

    [adult] = index.match(_case("basic.housing"), NOW)
    assert sal_id("children-home") not in _proposed(adult)


def test_gender_specific_services_and_a_female_doctor(session: Session, tmp_path: Path) -> None:
    index = _directory(
        session,
        tmp_path,
        service("women-shelter", eligibility=("women_only",)),
        service("men-shelter", eligibility=("men_only",)),
        service("clinic-a", categories=("medical",)),
        service("clinic-b", categories=("medical",), eligibility=("female_medical_staff",)),
    )
    housing, medical = index.match(_case("basic.housing", "services.medical"), NOW)
    assert _proposed(housing) == [sal_id("women-shelter")]
    assert _proposed(medical)[0] == sal_id("clinic-b")
    assert "female_medical_staff" in _codes(medical)

    [for_a_man] = index.match(_case("basic.housing", gender="male"), NOW)
    assert _proposed(for_a_man) == [sal_id("men-shelter")]
    [gender_unknown] = index.match(_case("basic.housing", gender=None), NOW)
    assert gender_unknown.gap is not None
    assert gender_unknown.gap.code == "none_for_this_gender"


def test_service_area_or_distance_decides_who_serves_the_place(
    session: Session, tmp_path: Path
) -> None:
    index = _directory(
        session,
        tmp_path,
        service("tashkent-area", areas=[box("Tashkent", TASHKENT)]),
        service("almaty-area", at=ALMATY, areas=[box("Almaty", ALMATY)]),
        service("near-no-area", at=(TASHKENT[0] + 0.1, TASHKENT[1])),
        service("far-no-area", at=ALMATY),
    )
    [by_point] = index.match(_case("basic.housing"), NOW)
    assert set(_proposed(by_point)) == {sal_id("tashkent-area"), sal_id("near-no-area")}
    near = next(
        p
        for p in by_point.proposals
        if p.candidate.service_at_location_id == sal_id("near-no-area")
    )
    assert near.distance_km is not None and 10 < near.distance_km < 12
    assert "distance" in [r.code for r in near.reasons]

    # Only the name of the place is known: the named area gives it, and so its centre.
    [by_name] = index.match(_case("basic.housing", location=None, area="almaty"), NOW)
    assert set(_proposed(by_name)) == {sal_id("almaty-area"), sal_id("far-no-area")}

    [nowhere] = index.match(_case("basic.housing", location=Point(0.0, 0.0)), NOW)
    assert nowhere.proposals == ()
    assert nowhere.gap is not None and nowhere.gap.code == "no_provider_in_the_area"


def test_capacity_fresh_zero_excludes_and_old_figures_count_as_unknown(
    session: Session, tmp_path: Path
) -> None:
    fresh = (NOW - timedelta(hours=2)).isoformat()
    stale = (NOW - timedelta(days=3)).isoformat()
    index = _directory(
        session,
        tmp_path,
        service("free", capacity=(3, fresh)),
        service("full", capacity=(0, fresh), organization="other"),
        service("stale", capacity=(5, stale), organization="third"),
    )
    [housing] = index.match(_case("basic.housing"), NOW)
    assert _proposed(housing) == [sal_id("free"), sal_id("stale")]
    free_reason = next(r for r in housing.proposals[0].reasons if r.code == "capacity_free")
    assert dict(free_reason.params) == {"available": 3, "unit": "Bed", "hours": 2}
    stale_reason = next(r for r in housing.proposals[1].reasons if r.code.startswith("capacity"))
    assert stale_reason.code == "capacity_out_of_date" and stale_reason.caution

    update_capacity(session, sal_id("free"), 0, NOW)
    update_capacity(session, sal_id("stale"), 0, NOW)
    session.commit()
    [after] = directory_index(session, RULES).match(_case("basic.housing"), NOW)
    assert after.proposals == ()
    assert after.gap is not None and after.gap.code == "no_capacity"


def test_preferences_language_opening_hours_and_verification_order_the_list(
    session: Session, tmp_path: Path
) -> None:
    index = _directory(
        session,
        tmp_path,
        service("russian-only", languages=("ru",), hours=("MO,TU,WE,TH,FR", "09:00", "18:00")),
        service("uzbek", languages=("uz",), hours=("SA,SU", "09:00", "18:00")),
        service("old-entry", languages=("uz",), verified_at="2024-01-01T00:00:00Z"),
    )
    [urgent] = index.match(_case("basic.housing", urgent=frozenset({"basic.housing"})), NOW)
    codes = {
        p.candidate.service_at_location_id: [r.code for r in p.reasons] for p in urgent.proposals
    }
    assert "speaks" in codes[sal_id("uzbek")] and "closed_now" in codes[sal_id("uzbek")]
    assert "no_shared_language" in codes[sal_id("russian-only")]
    assert "open_now" in codes[sal_id("russian-only")]
    assert "not_verified_recently" in codes[sal_id("old-entry")]
    assert all(p.reasons for p in urgent.proposals)  # every proposal says why
    # Urgent: who is open now first, though the closed one speaks the person's language.
    assert _proposed(urgent)[0] == sal_id("russian-only")
    rest = urgent.proposals[1:]
    assert [p.score for p in rest] == sorted((p.score for p in rest), reverse=True)
    assert urgent.proposals[0].score < max(p.score for p in rest)
    # Not urgent: the score alone orders them.
    [calm] = index.match(_case("basic.housing"), NOW)
    assert [p.score for p in calm.proposals] == sorted(
        (p.score for p in calm.proposals), reverse=True
    )


def test_a_provider_appears_once_per_need_and_ties_break_the_same_way(
    session: Session, tmp_path: Path
) -> None:
    index = _directory(
        session,
        tmp_path,
        service("ngo-shelter-a", organization="ngo"),
        service("ngo-shelter-b", organization="ngo"),
        service("twin-1"),
        service("twin-2"),
    )
    results = [index.match(_case("basic.housing"), NOW)[0] for _ in range(3)]
    providers = [p.candidate.provider_id for p in results[0].proposals]
    assert len(providers) == len(set(providers)) == 3
    assert _proposed(results[0]) == _proposed(results[1]) == _proposed(results[2])
    assert _proposed(results[0]) == sorted(_proposed(results[0]))  # equal scores: by id


def test_a_need_nobody_offers_is_a_gap_with_its_reason(session: Session, tmp_path: Path) -> None:
    index = _directory(session, tmp_path, service("shelter"))
    housing, compensation = index.match(_case("basic.housing", "rights.compensation_claim"), NOW)
    assert housing.gap is None
    assert compensation.proposals == ()
    assert compensation.gap is not None and compensation.gap.code == "no_provider_of_this_kind"


def test_the_index_finds_exactly_what_a_full_scan_finds(session: Session, tmp_path: Path) -> None:
    generator = random.Random(7)
    categories = ["shelter", "medical", "legal", "psychosocial", "child_protection"]
    records = []
    for number in range(60):
        centre = TASHKENT if number % 2 else ALMATY
        at = (centre[0] + generator.uniform(-0.4, 0.4), centre[1] + generator.uniform(-0.4, 0.4))
        records.append(
            service(
                f"s{number}",
                organization=f"org{number % 25}",
                categories=tuple(generator.sample(categories, 2)),
                at=at,
                areas=[box("Tashkent", centre)] if number % 3 == 0 else None,
                languages=tuple(generator.sample(["uz", "ru", "kk", "en"], 2)),
                eligibility=tuple(generator.sample(["children_accepted", "women_only"], 1)),
            )
        )
    index = _directory(session, tmp_path, *records)
    for _ in range(25):
        centre = TASHKENT if generator.random() < 0.5 else ALMATY
        case = _case(
            *generator.sample([n.id for n in NEEDS], 5),
            location=Point(centre[0] + generator.uniform(-0.6, 0.6), centre[1]),
            presumed_minor=generator.random() < 0.3,
            age=None,
        )
        assert index.match(case, NOW) == index.match_by_scan(case, NOW)
