"""Matching for the right people: a family kept together, a need of the children matched for the
children, and legal work sent to those who do that kind of work first."""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from referral_directory.geo import Point
from referral_directory.importer import import_directory
from referral_directory.match_case import InvalidCase, case_from_json
from referral_directory.match_values import CaseForMatching, MatchingRules, NeedMatch
from referral_directory.matcher import DirectoryIndex, directory_index
from referral_directory.needs import NEEDS, MatchFor, need
from referral_directory.taxonomy import CATEGORY_TAXONOMY, term_json
from tests.referral_directory.hsds_builders import TASHKENT, sal_id, service, write

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # Monday, 15:00 in Tashkent
RULES = MatchingRules()
MOTHER = {"age": None, "presumed_minor": False, "gender": "female", "languages": ("uz",)}


def _directory(session: Session, tmp_path: Path, *records: dict[str, Any]) -> DirectoryIndex:
    report = import_directory(session, write(tmp_path / "directory.json", list(records)))
    assert report.ok, report.lines()
    session.commit()
    return directory_index(session, RULES)


def _case(*needs: str, **fields: Any) -> CaseForMatching:
    return CaseForMatching(needs=needs, **{"location": Point(*TASHKENT), **MOTHER, **fields})


def _proposed(result: NeedMatch) -> list[str]:
    return [p.candidate.service_at_location_id for p in result.proposals]


def _reasons(result: NeedMatch, key: str) -> list[str]:
    (proposal,) = [p for p in result.proposals if p.candidate.service_at_location_id == sal_id(key)]
    return [r.code for r in proposal.reasons]


def test_a_mother_with_children_is_proposed_only_shelters_that_take_families(
    session: Session, tmp_path: Path
) -> None:
    index = _directory(
        session,
        tmp_path,
        service("women-shelter", eligibility=("women_only",)),
        service("family-shelter", eligibility=("women_only", "families_accepted")),
        service("women-counselling", categories=("psychosocial",), eligibility=("women_only",)),
    )
    housing, support = index.match(
        _case("basic.housing", "services.support_group", with_children=True), NOW
    )
    assert _proposed(housing) == [sal_id("family-shelter")]
    assert "for_families" in _reasons(housing, "family-shelter")
    # Counselling houses nobody: whether it takes children along does not matter.
    assert _proposed(support) == [sal_id("women-counselling")]

    [alone] = index.match(_case("basic.housing"), NOW)
    assert set(_proposed(alone)) == {sal_id("women-shelter"), sal_id("family-shelter")}
    assert "for_families" not in _reasons(alone, "family-shelter")


def test_no_shelter_taking_families_is_a_gap_that_says_so(session: Session, tmp_path: Path) -> None:
    index = _directory(session, tmp_path, service("women-shelter", eligibility=("women_only",)))
    [housing] = index.match(_case("basic.housing", with_children=True), NOW)
    assert housing.proposals == ()
    assert housing.gap is not None and housing.gap.code == "none_taking_families"
    [scanned] = index.match_by_scan(_case("basic.housing", with_children=True), NOW)
    assert scanned == housing


def test_a_protection_need_keeps_the_family_together_in_a_shelter_but_not_at_a_lawyer(
    session: Session, tmp_path: Path
) -> None:
    index = _directory(
        session,
        tmp_path,
        service("women-shelter", eligibility=("women_only",)),
        service("legal-aid", categories=("legal",)),
    )
    [protection] = index.match(_case("services.protection", with_children=True), NOW)
    assert _proposed(protection) == [sal_id("legal-aid")]


def test_the_childrens_medical_care_is_matched_for_children_not_for_their_mother(
    session: Session, tmp_path: Path
) -> None:
    index = _directory(
        session,
        tmp_path,
        service("adults-clinic", categories=("medical",), minimum_age=18),
        service("women-clinic", categories=("medical",), eligibility=("women_only",)),
        service("family-clinic", categories=("medical",), eligibility=("children_accepted",)),
    )
    children, mother = index.match(
        _case("basic.children", "services.medical", with_children=True), NOW
    )
    assert _proposed(children) == [sal_id("family-clinic")]
    assert set(_proposed(mother)) == {
        sal_id("adults-clinic"),
        sal_id("women-clinic"),
        sal_id("family-clinic"),
    }
    assert children == index.match_by_scan(_case("basic.children", with_children=True), NOW)[0]


def test_the_childrens_needs_of_a_presumed_child_parent_are_still_the_childrens(
    session: Session, tmp_path: Path
) -> None:
    index = _directory(
        session,
        tmp_path,
        service(
            "girls-clinic", categories=("medical",), eligibility=("women_only", "children_accepted")
        ),
        service("child-clinic", categories=("medical",), eligibility=("children_only",)),
    )
    [children] = index.match(_case("basic.children", presumed_minor=True), NOW)
    # A girl's clinic suits the mother, not her children, who may be boys.
    assert _proposed(children) == [sal_id("child-clinic")]


def test_who_a_need_is_for_is_part_of_the_catalog() -> None:
    assert need("basic.children").match_for is MatchFor.CHILDREN
    assert need("basic.housing").match_for is MatchFor.HOUSEHOLD
    assert need("services.medical").match_for is MatchFor.PERSON
    assert {n.match_for for n in NEEDS} == set(MatchFor)


def test_a_labour_rights_service_comes_before_a_general_legal_office_for_unpaid_wages(
    session: Session, tmp_path: Path
) -> None:
    index = _directory(
        session,
        tmp_path,
        # The general office is nearer and speaks the language: it still comes second.
        service("legal-aid", categories=("legal",)),
        service(
            "labour-rights",
            categories=("legal.labour",),
            languages=("ru",),
            at=(TASHKENT[0] + 0.2, TASHKENT[1]),
        ),
        service("migration-lawyers", categories=("legal.immigration",)),
    )
    [wages] = index.match(_case("services.employer_advocacy"), NOW)
    assert _proposed(wages) == [sal_id("labour-rights"), sal_id("legal-aid")]
    assert "general_service" in _reasons(wages, "legal-aid")
    assert "general_service" not in _reasons(wages, "labour-rights")
    assert wages.proposals[0].score < wages.proposals[1].score  # the order is not the score's
    assert [wages] == index.match_by_scan(_case("services.employer_advocacy"), NOW)


@pytest.mark.parametrize(
    ("need_id", "specialist"),
    [
        ("services.employer_advocacy", "legal.labour"),
        ("rights.compensation_claim", "legal.compensation"),
        ("services.immigration", "legal.immigration"),
        ("rights.justice_participation", "legal.criminal"),
    ],
)
def test_each_kind_of_legal_work_goes_to_its_specialist_first(
    session: Session, tmp_path: Path, need_id: str, specialist: str
) -> None:
    index = _directory(
        session,
        tmp_path,
        service("aaa-general", categories=("legal",)),
        service("zzz-specialist", categories=(specialist,)),
    )
    [result] = index.match(_case(need_id), NOW)
    assert _proposed(result) == [sal_id("zzz-specialist"), sal_id("aaa-general")]


def test_a_general_legal_need_takes_general_and_specialised_offices_alike(
    session: Session, tmp_path: Path
) -> None:
    index = _directory(
        session,
        tmp_path,
        service("legal-aid", categories=("legal",)),
        service("labour-rights", categories=("legal.labour",)),
    )
    [rights] = index.match(_case("rights.information"), NOW)
    assert set(_proposed(rights)) == {sal_id("legal-aid"), sal_id("labour-rights")}
    assert all("general_service" not in [r.code for r in p.reasons] for p in rights.proposals)


def test_the_legal_work_categories_are_terms_under_legal() -> None:
    for code in ("legal.labour", "legal.compensation", "legal.immigration", "legal.criminal"):
        term = term_json(CATEGORY_TAXONOMY, code)
        assert term["parent_id"] == term_json(CATEGORY_TAXONOMY, "legal")["id"]


def test_a_case_json_says_whether_children_are_with_the_person() -> None:
    case = case_from_json({"needs": ["basic.housing"], "with_children": True})
    assert case.with_children
    assert not case_from_json({"needs": ["basic.housing"]}).with_children
    with pytest.raises(InvalidCase, match="with_children"):
        case_from_json({"needs": ["basic.housing"], "with_children": 2})
