"""Matching a case's needs to service_at_locations, with a reason for every proposal and gap.

Hard filters decide who may be proposed at all (category, active and accepting referrals, age,
children, gender, area, free capacity); preferences order the rest (language, distance, known
capacity, open now for urgent needs, recently verified, past acceptance). Reasons and gaps are
codes with parameters: `translations` turns them into the officer's language.
"""

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntEnum

from referral_directory.candidates import Candidate, normalise_area_name
from referral_directory.geo import Point, distance_km
from referral_directory.needs import Need

CHILD_PROTECTION = "child_protection"
MEDICAL = "medical"


@dataclass(frozen=True)
class MatchingRules:
    """Limits a deployment can tune (from passage settings)."""

    max_distance_km: float = 50.0  # for a service that publishes no service area
    capacity_max_age: timedelta = timedelta(hours=24)  # older figures count as unknown
    verified_recently: timedelta = timedelta(days=180)
    proposals_per_need: int = 5


@dataclass(frozen=True)
class CaseForMatching:
    needs: tuple[str, ...]
    urgent: frozenset[str] = frozenset()
    age: int | None = None
    presumed_minor: bool = True
    gender: str | None = None  # "female", "male", or None when not known or not said
    languages: tuple[str, ...] = ()
    location: Point | None = None
    area: str | None = None


@dataclass(frozen=True)
class Reason:
    code: str
    params: Mapping[str, object] = field(default_factory=dict)
    caution: bool = False  # speaks against the proposal; shown so the officer can weigh it


@dataclass(frozen=True)
class Proposal:
    candidate: Candidate
    score: float
    distance_km: float | None
    reasons: tuple[Reason, ...]


class Stage(IntEnum):
    """Filters in the order they are applied; a gap names the stage nobody passed."""

    CATEGORY = 1
    ACTIVE = 2
    ELIGIBLE_AGE = 3
    ELIGIBLE_CHILD = 4
    ELIGIBLE_GENDER = 5
    AREA = 6
    CAPACITY = 7


GAP_CODES = {
    Stage.CATEGORY: "no_provider_of_this_kind",
    Stage.ACTIVE: "none_accepting_referrals",
    Stage.ELIGIBLE_AGE: "none_for_this_age",
    Stage.ELIGIBLE_CHILD: "none_taking_children",
    Stage.ELIGIBLE_GENDER: "none_for_this_gender",
    Stage.AREA: "no_provider_in_the_area",
    Stage.CAPACITY: "no_capacity",
}


@dataclass(frozen=True)
class NeedMatch:
    need_id: str
    urgent: bool
    proposals: tuple[Proposal, ...]
    gap: Reason | None  # set when there is no proposal: what a coordinator must fix


def category_covers(need_category: str, service_category: str) -> bool:
    """`legal` serves a `legal.immigration` need and the other way round; siblings do not."""
    return (
        need_category == service_category
        or service_category.startswith(need_category + ".")
        or need_category.startswith(service_category + ".")
    )


@dataclass
class Evaluation:
    passed: Stage | None  # None: passed every filter
    proposal: Proposal | None = None


def evaluate(
    candidate: Candidate,
    item: Need,
    case: CaseForMatching,
    case_point: Point | None,
    now: datetime,
    rules: MatchingRules,
    acceptance: Mapping[str, tuple[int, int]],
) -> Evaluation:
    """Apply every filter, then score; the stage that failed tells a gap's reason."""
    if not any(category_covers(c, s) for c in item.categories for s in candidate.categories):
        return Evaluation(Stage.CATEGORY)
    if candidate.status != "active" or not candidate.accepting_referrals:
        return Evaluation(Stage.ACTIVE)
    if case.age is not None and not _age_fits(candidate, case.age):
        return Evaluation(Stage.ELIGIBLE_AGE)
    if not _child_fits(candidate, case):
        return Evaluation(Stage.ELIGIBLE_CHILD)
    if not _gender_fits(candidate, case.gender):
        return Evaluation(Stage.ELIGIBLE_GENDER)
    distance = (
        distance_km(case_point, candidate.point)
        if case_point is not None and candidate.point is not None
        else None
    )
    area_reason = _area_reason(candidate, case, case_point, distance, rules)
    if area_reason is None:
        return Evaluation(Stage.AREA)
    fresh = _fresh_capacity(candidate, now, rules)
    if fresh is not None and fresh <= 0:
        return Evaluation(Stage.CAPACITY)
    return Evaluation(
        None,
        _score(candidate, item, case, distance, area_reason, now, rules, acceptance),
    )


def _age_fits(candidate: Candidate, age: int) -> bool:
    low, high = candidate.minimum_age, candidate.maximum_age
    return (low is None or age >= low) and (high is None or age <= high)


def _child_fits(candidate: Candidate, case: CaseForMatching) -> bool:
    takes_children = (
        "children_accepted" in candidate.eligibility
        or "children_only" in candidate.eligibility
        or any(category_covers(CHILD_PROTECTION, c) for c in candidate.categories)
    )
    if case.presumed_minor:
        adults_only = candidate.minimum_age is not None and candidate.minimum_age >= 18
        return takes_children and not adults_only
    return "children_only" not in candidate.eligibility


def _gender_fits(candidate: Candidate, gender: str | None) -> bool:
    if "women_only" in candidate.eligibility and gender != "female":
        return False
    return not ("men_only" in candidate.eligibility and gender != "male")


def _area_reason(
    candidate: Candidate,
    case: CaseForMatching,
    case_point: Point | None,
    distance: float | None,
    rules: MatchingRules,
) -> Reason | None:
    """Why the case's place is served, or None when it is not."""
    if case_point is not None and any(area.contains(case_point) for area in candidate.areas):
        return Reason("in_service_area")
    if case.area and normalise_area_name(case.area) in candidate.area_names:
        return Reason("in_service_area")
    if candidate.areas or candidate.area_names:
        return None
    if distance is not None and distance <= rules.max_distance_km:
        return Reason("within_distance", {"km": rules.max_distance_km})
    if candidate.anywhere:
        return Reason("remote_service")
    return None


def _fresh_capacity(candidate: Candidate, now: datetime, rules: MatchingRules) -> float | None:
    if candidate.capacity_available is None or candidate.capacity_updated is None:
        return None
    if now - candidate.capacity_updated > rules.capacity_max_age:
        return None
    return candidate.capacity_available


def _score(
    candidate: Candidate,
    item: Need,
    case: CaseForMatching,
    distance: float | None,
    area_reason: Reason,
    now: datetime,
    rules: MatchingRules,
    acceptance: Mapping[str, tuple[int, int]],
) -> Proposal:
    reasons: list[Reason] = []
    score = 0.0
    spoken = [code for code in case.languages if code in candidate.languages]
    if spoken:
        score += 3.0
        reasons.append(Reason("speaks", {"language": spoken[0]}))
    elif candidate.interpretation:
        score += 1.5
        reasons.append(Reason("interpretation_offered"))
    elif case.languages:
        reasons.append(Reason("no_shared_language", caution=True))
    if distance is not None:
        score += 2.0 * max(0.0, 1.0 - distance / max(rules.max_distance_km, 1.0))
        reasons.append(Reason("distance", {"km": round(distance, 1)}))
    else:
        reasons.append(area_reason)
    fresh = _fresh_capacity(candidate, now, rules)
    if fresh is not None:
        score += 2.0
        hours = max(0, int((now - candidate.capacity_updated).total_seconds() // 3600))  # type: ignore[operator]
        reasons.append(
            Reason(
                "capacity_free",
                {"available": int(fresh), "unit": candidate.capacity_unit, "hours": hours},
            )
        )
    elif candidate.capacity_available is not None and candidate.capacity_updated is not None:
        days = max(0, (now - candidate.capacity_updated).days)
        reasons.append(Reason("capacity_out_of_date", {"days": days}, caution=True))
    urgent = item.id in case.urgent
    open_now = candidate.open_at(now)
    if open_now:
        score += 2.0 if urgent else 0.2
        reasons.append(Reason("open_now"))
    elif open_now is False and urgent:
        reasons.append(Reason("closed_now", caution=True))
    if candidate.verified_at is not None:
        age = now - candidate.verified_at
        days = max(0, age.days)
        if age <= rules.verified_recently:
            score += 1.0 - age / rules.verified_recently
            reasons.append(Reason("verified", {"days": days}))
        else:
            reasons.append(Reason("not_verified_recently", {"days": days}, caution=True))
    else:
        reasons.append(Reason("never_verified", caution=True))
    accepted, total = acceptance.get(candidate.service_at_location_id, (0, 0))
    if total:
        score += accepted / total
        reasons.append(Reason("acceptance", {"accepted": accepted, "total": total}))
    score += _fit_bonus(candidate, item, case, reasons)
    return Proposal(candidate, round(score, 4), distance, tuple(reasons))


def _fit_bonus(
    candidate: Candidate, item: Need, case: CaseForMatching, reasons: list[Reason]
) -> float:
    bonus = 0.0
    medical = any(category_covers(MEDICAL, c) for c in item.categories)
    if medical and case.gender == "female" and "female_medical_staff" in candidate.eligibility:
        bonus += 1.5
        reasons.append(Reason("female_medical_staff"))
    if case.gender == "female" and "women_only" in candidate.eligibility:
        bonus += 0.5
        reasons.append(Reason("for_women"))
    if case.gender == "male" and "men_only" in candidate.eligibility:
        bonus += 0.5
        reasons.append(Reason("for_men"))
    if case.presumed_minor and (
        "children_only" in candidate.eligibility
        or any(category_covers(CHILD_PROTECTION, c) for c in candidate.categories)
    ):
        bonus += 1.0
        reasons.append(Reason("for_children"))
    return bonus


def _rank_key(proposal: Proposal) -> tuple[float, float, str]:
    # Ties: the nearer one, then the id, so the same directory always gives the same order.
    distance = proposal.distance_km if proposal.distance_km is not None else math.inf
    return (-proposal.score, distance, proposal.candidate.service_at_location_id)


def rank(
    item: Need,
    evaluations: Iterable[Evaluation],
    urgent: bool,
    rules: MatchingRules,
) -> NeedMatch:
    best_per_provider: dict[str, Proposal] = {}
    furthest = Stage.CATEGORY
    seen_any = False
    for evaluation in evaluations:
        if evaluation.proposal is None:
            seen_any = True
            if evaluation.passed is not None:
                furthest = max(furthest, evaluation.passed)
            continue
        proposal = evaluation.proposal
        known = best_per_provider.get(proposal.candidate.provider_id)
        if known is None or _rank_key(proposal) < _rank_key(known):
            best_per_provider[proposal.candidate.provider_id] = proposal
    proposals = sorted(best_per_provider.values(), key=_rank_key)[: rules.proposals_per_need]
    gap = None
    if not proposals:
        stage = furthest if seen_any else Stage.CATEGORY
        gap = Reason(GAP_CODES[stage], {"need": item.id})
    return NeedMatch(item.id, urgent, tuple(proposals), gap)


def resolve_place(case: CaseForMatching, gazetteer: Mapping[str, Point]) -> Point | None:
    """The case's coordinates, or the centre of the named area when only a name is known."""
    if case.location is not None:
        return case.location
    if case.area:
        return gazetteer.get(normalise_area_name(case.area))
    return None


def group_by_category(candidates: Iterable[Candidate]) -> dict[str, list[Candidate]]:
    groups: dict[str, list[Candidate]] = defaultdict(list)
    for candidate in candidates:
        for category in candidate.categories:
            groups[category].append(candidate)
    return groups
