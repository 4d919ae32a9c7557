"""The values matching works with: the deployment's rules, the case as matching sees it,
proposals with their reasons, and the gaps a coordinator must fix."""

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import timedelta
from enum import IntEnum

from referral_directory.candidates import Candidate
from referral_directory.geo import Point
from referral_directory.needs import MatchFor


@dataclass(frozen=True)
class MatchingRules:
    """Limits a deployment can tune (the runtime builds them from settings)."""

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
    with_children: bool = False  # children are with the person: a place to stay must take them

    def matched_for(self, whom: MatchFor) -> "CaseForMatching":
        """The case as a need for `whom` is matched: whose eligibility a provider must meet.

        The person's children are children of any gender, whatever their parent's age and
        gender; only a need of the whole household brings the children to a place to stay.
        """
        if whom is MatchFor.CHILDREN:
            return replace(self, age=None, presumed_minor=True, gender=None, with_children=False)
        if whom is MatchFor.PERSON and self.with_children:
            return replace(self, with_children=False)
        return self


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
    ELIGIBLE_FAMILY = 6
    AREA = 7
    CAPACITY = 8


GAP_CODES = {
    Stage.CATEGORY: "no_provider_of_this_kind",
    Stage.ACTIVE: "none_accepting_referrals",
    Stage.ELIGIBLE_AGE: "none_for_this_age",
    Stage.ELIGIBLE_CHILD: "none_taking_children",
    Stage.ELIGIBLE_GENDER: "none_for_this_gender",
    Stage.ELIGIBLE_FAMILY: "none_taking_families",
    Stage.AREA: "no_provider_in_the_area",
    Stage.CAPACITY: "no_capacity",
}

GAP_STAGES = {code: stage for stage, code in GAP_CODES.items()}


@dataclass(frozen=True)
class NeedMatch:
    need_id: str
    urgent: bool
    proposals: tuple[Proposal, ...]
    gap: Reason | None  # set when there is no proposal: what a coordinator must fix
