"""Matching a case's needs to service_at_locations, with a reason for every proposal and gap.

Hard filters decide who may be proposed at all (category, active and accepting referrals, age,
children, gender, families, area, free capacity), for whom the need is (`Need.match_for`: the
person, their children, or both together); preferences order the rest (language, distance, known
capacity, open now for urgent needs, recently verified, past acceptance), after the two orders
that come first: open now for an urgent need, then a service that does that kind of work before
one that only covers it by a broader category. Reasons and gaps are codes with parameters:
`translations` turns them into the officer's language.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from referral_directory.candidates import Candidate, normalise_area_name
from referral_directory.geo import Point, distance_km
from referral_directory.match_values import (
    GAP_CODES,
    CaseForMatching,
    MatchingRules,
    NeedMatch,
    Proposal,
    Reason,
    Stage,
)
from referral_directory.needs import MatchFor, Need

CHILD_PROTECTION = "child_protection"
MEDICAL = "medical"
SHELTER = "shelter"
FAMILIES_ACCEPTED = "families_accepted"


@lru_cache(maxsize=65536)
def covers_any(need_categories: tuple[str, ...], service_categories: frozenset[str]) -> bool:
    return any(category_covers(n, s) for n in need_categories for s in service_categories)


def category_covers(need_category: str, service_category: str) -> bool:
    """`legal` serves a `legal.immigration` need and the other way round; siblings do not."""
    return (
        need_category == service_category
        or service_category.startswith(need_category + ".")
        or need_category.startswith(service_category + ".")
    )


@lru_cache(maxsize=65536)
def does_that_work(need_categories: tuple[str, ...], service_categories: frozenset[str]) -> bool:
    """The service has a need's category or a finer one (`legal.labour` for a `legal.labour`
    or `legal` need); a service with only `legal` covers a `legal.labour` need as a generalist."""
    return any(s == n or s.startswith(n + ".") for n in need_categories for s in service_categories)


@dataclass
class Evaluation:
    passed: Stage | None  # the filter that refused the candidate; None: it passed them all
    candidate: Candidate | None = None
    score: float = 0.0
    distance: float | None = None
    facts: "_Facts | None" = None
    urgent: bool = False
    female_medical: bool = False
    general: bool = False  # covers the need only through a broader category

    @property
    def candidate_id(self) -> str:
        return self.candidate.service_at_location_id if self.candidate else ""


# What is the same for all needs of a case matched for the same people, per candidate.
Memo = dict[tuple[str, MatchFor], Evaluation]


def evaluate(
    candidate: Candidate,
    item: Need,
    case: CaseForMatching,
    case_point: Point | None,
    now: datetime,
    rules: MatchingRules,
    acceptance: Mapping[str, tuple[int, int]],
    memo: Memo | None = None,
) -> Evaluation:
    """Apply every filter, then score; the stage that failed tells a gap's reason.

    The case is matched as the need's `match_for` says (the person, their children, or the
    household). Everything but the category is the same for all needs of a case matched for
    the same people: `memo` keeps it per candidate, so a service that fits several needs is
    examined once.
    """
    if not covers_any(item.categories, candidate.categories):
        return Evaluation(Stage.CATEGORY)
    party = case.matched_for(item.match_for)
    key = (candidate.service_at_location_id, item.match_for)
    fit = memo.get(key) if memo is not None else None
    if fit is None:
        fit = _fit_case(candidate, party, case_point, now, rules, acceptance)
        if memo is not None:
            memo[key] = fit
    if fit.facts is None:
        return fit
    urgent = item.id in case.urgent
    female_medical = (
        party.gender == "female"
        and "female_medical_staff" in candidate.eligibility
        and covers_any((MEDICAL,), frozenset(item.categories))
    )
    score = _score_of(fit.facts, urgent, female_medical, rules)
    general = not does_that_work(item.categories, candidate.categories)
    return Evaluation(
        None, candidate, score, fit.distance, fit.facts, urgent, female_medical, general
    )


def _fit_case(
    candidate: Candidate,
    case: CaseForMatching,
    case_point: Point | None,
    now: datetime,
    rules: MatchingRules,
    acceptance: Mapping[str, tuple[int, int]],
) -> Evaluation:
    if candidate.status != "active" or not candidate.accepting_referrals:
        return Evaluation(Stage.ACTIVE)
    if case.age is not None and not _age_fits(candidate, case.age):
        return Evaluation(Stage.ELIGIBLE_AGE)
    if not _child_fits(candidate, case):
        return Evaluation(Stage.ELIGIBLE_CHILD)
    if not _gender_fits(candidate, case.gender):
        return Evaluation(Stage.ELIGIBLE_GENDER)
    if not _family_fits(candidate, case):
        return Evaluation(Stage.ELIGIBLE_FAMILY)
    area_reason, distance = _area_reason(candidate, case, case_point, rules)
    if area_reason is None:
        return Evaluation(Stage.AREA)
    fresh = _fresh_capacity(candidate, now, rules)
    if fresh is not None and fresh <= 0:
        return Evaluation(Stage.CAPACITY)
    facts = _facts(candidate, case, distance, area_reason, now, rules, acceptance)
    return Evaluation(None, candidate, 0.0, distance, facts)


def _age_fits(candidate: Candidate, age: int) -> bool:
    low, high = candidate.minimum_age, candidate.maximum_age
    return (low is None or age >= low) and (high is None or age <= high)


def _child_fits(candidate: Candidate, case: CaseForMatching) -> bool:
    takes_children = (
        "children_accepted" in candidate.eligibility
        or "children_only" in candidate.eligibility
        or covers_any((CHILD_PROTECTION,), candidate.categories)
    )
    if case.presumed_minor:
        adults_only = candidate.minimum_age is not None and candidate.minimum_age >= 18
        return takes_children and not adults_only
    return "children_only" not in candidate.eligibility


def _gender_fits(candidate: Candidate, gender: str | None) -> bool:
    if "women_only" in candidate.eligibility and gender != "female":
        return False
    return not ("men_only" in candidate.eligibility and gender != "male")


def passes_people_filters(candidate: Candidate, party: CaseForMatching) -> bool:
    """Whether the child and gender filters let `candidate` serve `party` (the people a need
    is matched for, `CaseForMatching.matched_for`)."""
    return _child_fits(candidate, party) and _gender_fits(candidate, party.gender)


def _family_fits(candidate: Candidate, case: CaseForMatching) -> bool:
    """A place to stay takes a parent with their children together, or neither of them: a
    shelter that would part them is not proposed."""
    if not case.with_children or not covers_any((SHELTER,), candidate.categories):
        return True
    return FAMILIES_ACCEPTED in candidate.eligibility


def _area_reason(
    candidate: Candidate,
    case: CaseForMatching,
    case_point: Point | None,
    rules: MatchingRules,
) -> tuple[Reason | None, float | None]:
    """Why the case's place is served (None when it is not), and the distance when known."""
    served = None
    if case_point is not None:
        for area in candidate.areas:
            if area.contains(case_point):
                served = Reason("in_service_area")
                break
    if served is None and case.area and normalise_area_name(case.area) in candidate.area_names:
        served = Reason("in_service_area")
    if served is None and (candidate.areas or candidate.area_names):
        return None, None  # the distance of a service that cannot serve here is not needed
    distance = (
        distance_km(case_point, candidate.point)
        if case_point is not None and candidate.point is not None
        else None
    )
    if served is None and distance is not None and distance <= rules.max_distance_km:
        served = Reason("within_distance", {"km": rules.max_distance_km})
    if served is None and candidate.anywhere:
        served = Reason("remote_service")
    return served, distance


def _fresh_capacity(candidate: Candidate, now: datetime, rules: MatchingRules) -> float | None:
    if candidate.capacity_available is None or candidate.capacity_updated is None:
        return None
    age = now - candidate.capacity_updated
    if age > rules.capacity_max_age or age < -rules.capacity_max_age:
        return None  # too old, or dated so far ahead that it cannot be trusted
    return candidate.capacity_available


@dataclass(frozen=True)
class _Facts:
    """What scoring and explaining both read, worked out once per candidate."""

    spoken: str | None
    interpretation: bool
    distance: float | None
    area_reason: Reason
    fresh_capacity: float | None
    unit: str
    confidential: bool
    capacity_hours: int
    capacity_days: int | None  # age of an out-of-date figure
    open_now: bool | None
    verified_age: timedelta | None
    accepted: int
    total: int
    for_women: bool
    for_men: bool
    for_children: bool
    for_families: bool


def _facts(
    candidate: Candidate,
    case: CaseForMatching,
    distance: float | None,
    area_reason: Reason,
    now: datetime,
    rules: MatchingRules,
    acceptance: Mapping[str, tuple[int, int]],
) -> _Facts:
    fresh = _fresh_capacity(candidate, now, rules)
    updated = candidate.capacity_updated
    stale_days = None
    if fresh is None and candidate.capacity_available is not None and updated is not None:
        stale_days = max(0, (now - updated).days)
    accepted, total = acceptance.get(candidate.service_at_location_id, (0, 0))
    eligibility = candidate.eligibility
    return _Facts(
        spoken=next((code for code in case.languages if code in candidate.languages), None),
        interpretation=candidate.interpretation,
        distance=distance,
        area_reason=area_reason,
        fresh_capacity=fresh,
        unit=candidate.capacity_unit,
        confidential=candidate.confidential,
        capacity_hours=max(0, int((now - updated).total_seconds() // 3600)) if updated else 0,
        capacity_days=stale_days,
        open_now=candidate.open_at(now),
        # A date after `now` (clocks, or a publisher's typo) counts as today, never as better.
        verified_age=max(timedelta(0), now - candidate.verified_at)
        if candidate.verified_at
        else None,
        accepted=accepted,
        total=total,
        for_women=case.gender == "female" and "women_only" in eligibility,
        for_men=case.gender == "male" and "men_only" in eligibility,
        for_children=case.presumed_minor
        and (
            "children_only" in eligibility or covers_any((CHILD_PROTECTION,), candidate.categories)
        ),
        for_families=case.with_children and FAMILIES_ACCEPTED in eligibility,
    )


def _score_of(facts: _Facts, urgent: bool, female_medical: bool, rules: MatchingRules) -> float:
    score = 3.0 if facts.spoken else 1.5 if facts.interpretation else 0.0
    if facts.distance is not None:
        score += 2.0 * max(0.0, 1.0 - facts.distance / max(rules.max_distance_km, 1.0))
    if facts.fresh_capacity is not None:
        score += 2.0
    if facts.open_now:
        score += 2.0 if urgent else 0.2
    if facts.verified_age is not None and facts.verified_age <= rules.verified_recently:
        score += 1.0 - facts.verified_age / rules.verified_recently
    if facts.total:
        score += facts.accepted / facts.total
    score += 1.5 * female_medical + 0.5 * (facts.for_women or facts.for_men)
    score += 1.0 * facts.for_children
    return round(score, 4)


def score_ceiling(candidate: Candidate, urgent: bool, shared_language: bool = True) -> float:
    """The highest score `_score_of` can give `candidate` for any case at any time, leaving
    out the acceptance record (at most 1, added by the caller); with `shared_language` False,
    for a case that speaks none of the candidate's languages.

    The index visits services from the highest ceiling down and stops once five providers
    score above what is left: a ceiling below a real score would hide a service the scan
    proposes, so every term here must stay at least what `_score_of` can add.
    """
    eligibility = candidate.eligibility
    spoken = shared_language and bool(candidate.languages)
    ceiling = 3.0 if spoken else 1.5 if candidate.interpretation else 0.0
    if candidate.point is not None:
        ceiling += 2.0
    if candidate.capacity_available is not None and candidate.capacity_updated is not None:
        ceiling += 2.0
    if candidate.opening_hours:
        ceiling += 2.0 if urgent else 0.2
    if candidate.verified_at is not None:
        ceiling += 1.0
    if "female_medical_staff" in eligibility:
        ceiling += 1.5
    if "women_only" in eligibility or "men_only" in eligibility:
        ceiling += 0.5
    if "children_only" in eligibility or covers_any((CHILD_PROTECTION,), candidate.categories):
        ceiling += 1.0
    return ceiling


def case_score_ceiling(
    candidate: Candidate,
    ceiling: float,
    item: Need,
    party: CaseForMatching,
    case_point: Point | None,
    now: datetime,
    rules: MatchingRules,
) -> float:
    """`ceiling` (from `score_ceiling`, for this need's urgency) lowered to what `_score_of`
    can give `candidate` for this need, its people (`party`), place and moment."""
    if candidate.languages and not any(code in candidate.languages for code in party.languages):
        ceiling -= 1.5 if candidate.interpretation else 3.0
    if candidate.point is not None:
        if case_point is None:
            ceiling -= 2.0
        else:
            distance = distance_km(case_point, candidate.point)
            ceiling -= 2.0 - 2.0 * max(0.0, 1.0 - distance / max(rules.max_distance_km, 1.0))
    known = candidate.capacity_available is not None and candidate.capacity_updated is not None
    if known and _fresh_capacity(candidate, now, rules) is None:
        ceiling -= 2.0
    if candidate.opening_hours and not candidate.open_at(now):
        ceiling -= 2.0 if item.id in party.urgent else 0.2
    if candidate.verified_at is not None:
        age = max(timedelta(0), now - candidate.verified_at)
        ceiling -= 1.0 if age > rules.verified_recently else age / rules.verified_recently
    eligibility = candidate.eligibility
    if "female_medical_staff" in eligibility and not (
        party.gender == "female" and covers_any((MEDICAL,), frozenset(item.categories))
    ):
        ceiling -= 1.5
    if ("women_only" in eligibility or "men_only" in eligibility) and not (
        (party.gender == "female" and "women_only" in eligibility)
        or (party.gender == "male" and "men_only" in eligibility)
    ):
        ceiling -= 0.5
    children = "children_only" in eligibility or covers_any(
        (CHILD_PROTECTION,), candidate.categories
    )
    if children and not party.presumed_minor:
        ceiling -= 1.0
    return ceiling


def reasons_of(
    facts: _Facts,
    urgent: bool,
    female_medical: bool,
    case: CaseForMatching,
    rules: MatchingRules,
    general: bool = False,
) -> tuple[Reason, ...]:
    """Every reason for and against a proposal, in the order the officer reads them."""
    reasons: list[Reason] = []
    if general:
        reasons.append(Reason("general_service", caution=True))
    if facts.spoken:
        reasons.append(Reason("speaks", {"language": facts.spoken}))
    elif facts.interpretation:
        reasons.append(Reason("interpretation_offered"))
    elif case.languages:
        reasons.append(Reason("no_shared_language", caution=True))
    if facts.distance is not None:
        # A hidden shelter's distance to whole kilometres: a few cases from different places
        # must not pin it down.
        km = round(facts.distance) if facts.confidential else round(facts.distance, 1)
        reasons.append(Reason("distance", {"km": km}))
    else:
        reasons.append(facts.area_reason)
    if facts.fresh_capacity is not None:
        free = {"available": int(facts.fresh_capacity), "hours": facts.capacity_hours}
        reasons.append(Reason("capacity_free", {**free, "unit": facts.unit}))
    elif facts.capacity_days is not None:
        reasons.append(Reason("capacity_out_of_date", {"days": facts.capacity_days}, caution=True))
    if facts.open_now:
        reasons.append(Reason("open_now"))
    elif facts.open_now is False and urgent:
        reasons.append(Reason("closed_now", caution=True))
    if facts.verified_age is None:
        reasons.append(Reason("never_verified", caution=True))
    elif facts.verified_age <= rules.verified_recently:
        reasons.append(Reason("verified", {"days": max(0, facts.verified_age.days)}))
    else:
        days = max(0, facts.verified_age.days)
        reasons.append(Reason("not_verified_recently", {"days": days}, caution=True))
    if facts.total:
        reasons.append(Reason("acceptance", {"accepted": facts.accepted, "total": facts.total}))
    for flag, code in (
        (female_medical, "female_medical_staff"),
        (facts.for_women, "for_women"),
        (facts.for_men, "for_men"),
        (facts.for_children, "for_children"),
        (facts.for_families, "for_families"),
    ):
        if flag:
            reasons.append(Reason(code))
    return tuple(reasons)


RankKey = tuple[bool, bool, float, float, str]


def rank_key(evaluation: "Evaluation") -> RankKey:
    # For an urgent need, whoever is not known to be open now (closed, or hours unknown) comes
    # after everyone who is: a better score cannot make up for a closed door tonight.
    not_open = (
        evaluation.urgent and evaluation.facts is not None and evaluation.facts.open_now is not True
    )
    # Then those who do that kind of work (a labour-rights lawyer for unpaid wages) before
    # those who only cover it as a general office, however near or well scored.
    # Ties: the nearer one, then the id, so the same directory always gives the same order.
    distance = evaluation.distance if evaluation.distance is not None else math.inf
    return (not_open, evaluation.general, -evaluation.score, distance, evaluation.candidate_id)


def rank(
    item: Need,
    evaluations: Iterable["Evaluation"],
    case: CaseForMatching,
    rules: MatchingRules,
) -> NeedMatch:
    best_per_provider: dict[str, Evaluation] = {}
    furthest = Stage.CATEGORY
    for evaluation in evaluations:
        if evaluation.passed is not None:
            furthest = max(furthest, evaluation.passed)
            continue
        if evaluation.candidate is None:
            continue
        provider = evaluation.candidate.provider_id
        known = best_per_provider.get(provider)
        if known is None or rank_key(evaluation) < rank_key(known):
            best_per_provider[provider] = evaluation
    chosen = sorted(best_per_provider.values(), key=rank_key)[: rules.proposals_per_need]
    proposals = tuple(
        Proposal(
            e.candidate,
            e.score,
            e.distance,
            reasons_of(e.facts, e.urgent, e.female_medical, case, rules, e.general),
        )
        for e in chosen
        if e.candidate is not None and e.facts is not None
    )
    gap = None if proposals else Reason(GAP_CODES[furthest], {"need": item.id})
    return NeedMatch(item.id, item.id in case.urgent, proposals, gap)


def resolve_place(case: CaseForMatching, gazetteer: Mapping[str, Point]) -> Point | None:
    """The case's coordinates, or the centre of the named area when only a name is known."""
    if case.location is not None:
        return case.location
    if case.area:
        return gazetteer.get(normalise_area_name(case.area))
    return None
