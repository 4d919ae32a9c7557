"""The matching entry point: a directory read once, indexed by category and place.

`DirectoryIndex.match` only evaluates services whose category fits, whose area can reach the
case's place and whom the child and gender filters let serve the need's people, from the
highest score they could reach down, and stops once five providers are known that nobody left
could outrank; `match_by_scan` evaluates every service and is kept to check the index against
(tests) and to measure what the index saves (benchmarks). Both return the same result.
"""

import heapq
import math
import threading
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from referral_directory.candidates import (
    Candidate,
    collector_paused,
    load_candidates,
    named_area_in,
    normalise_area_name,
)
from referral_directory.geo import EARTH_RADIUS_KM, Point
from referral_directory.match_values import (
    GAP_STAGES,
    CaseForMatching,
    MatchingRules,
    NeedMatch,
    Stage,
)
from referral_directory.matching import (
    Evaluation,
    Memo,
    RankKey,
    case_score_ceiling,
    category_covers,
    does_that_work,
    evaluate,
    passes_people_filters,
    rank,
    rank_key,
    resolve_place,
    score_ceiling,
)
from referral_directory.needs import Need, need
from referral_directory.revision import current

CELL_DEGREES = 0.5
# The haversine's kilometres per degree, less 1 %: a cell range drawn a little too wide costs
# a few evaluations, one drawn too narrow would hide a service the scan proposes.
_KM_PER_DEGREE = EARTH_RADIUS_KM * math.pi / 180 * 0.99

Cell = tuple[int, int]


def _cell(point: Point) -> Cell:
    return (math.floor(point.latitude / CELL_DEGREES), math.floor(point.longitude / CELL_DEGREES))


def _cells_between(south: float, west: float, north: float, east: float) -> Iterable[Cell]:
    for row in range(math.floor(south / CELL_DEGREES), math.floor(north / CELL_DEGREES) + 1):
        for column in range(math.floor(west / CELL_DEGREES), math.floor(east / CELL_DEGREES) + 1):
            yield (row, column)


# Scores are rounded to 4 decimals and summed in another order than the ceilings: a margin
# far above both keeps a ceiling from passing for less than the score it bounds.
_MARGIN = 1e-3

# A pool: the services of one category that can serve one place (a cell, a named area, or
# None: anywhere), as positions in `DirectoryIndex._proposable`, by falling score ceiling.
# Under the language "" it holds all of them, ordered for a case that speaks none of their
# languages; under a language code, those who speak it. Services with opening hours are kept
# apart from those without: an urgent need raises the ceiling of all that do by the same
# amount, so one order serves urgent needs and others. Merging a need's pools thus visits
# services from the highest ceiling the case allows down.
Place = Cell | str | None
PoolKey = tuple[str, bool, str]  # language or "", has opening hours, category

# The people the child and gender filters tell apart: presumed minor or not, and gender.
_PARTIES = tuple(
    CaseForMatching(needs=(), presumed_minor=minor, gender=gender)
    for minor in (True, False)
    for gender in ("female", "male", None)
)


def _party_of(case: CaseForMatching) -> tuple[bool, str | None]:
    return case.presumed_minor, case.gender if case.gender in ("female", "male") else None


class DirectoryIndex:
    def __init__(self, candidates: list[Candidate], rules: MatchingRules) -> None:
        with collector_paused():
            self._build(candidates, rules)

    def _build(self, candidates: list[Candidate], rules: MatchingRules) -> None:
        self.candidates = candidates
        self.rules = rules
        self.gazetteer = _gazetteer(candidates)
        self._by_category: dict[str, list[Candidate]] = defaultdict(list)
        for candidate in candidates:
            for category in candidate.categories:
                self._by_category[category].append(candidate)
        # Others are never proposed; only a gap's reason looks at them.
        self._proposable = [c for c in candidates if c.status == "active" and c.accepting_referrals]
        self._ceiling = {
            urgent: [score_ceiling(c, urgent) for c in self._proposable] for urgent in (True, False)
        }
        self._mute_ceiling = {
            urgent: [score_ceiling(c, urgent, shared_language=False) for c in self._proposable]
            for urgent in (True, False)
        }
        # Per kind of people, whether each service passes the child and gender filters.
        self._admitted = {
            _party_of(party): bytes(passes_people_filters(c, party) for c in self._proposable)
            for party in _PARTIES
        }
        # Arrays rather than lists: millions of positions at 100,000 services, at 4 bytes
        # each instead of a pointer each, and nothing for the garbage collector to walk.
        self._pools: dict[PoolKey, dict[Place, array[int]]] = defaultdict(
            lambda: defaultdict(lambda: array("i"))
        )
        places: list[list[Place]] = []
        for candidate in self._proposable:
            cells = set(self._reach(candidate))
            places.append(
                [*cells, *candidate.area_names] if cells else [None, *candidate.area_names]
            )
        for ceilings, spoken in ((self._mute_ceiling[False], False), (self._ceiling[False], True)):
            for position in sorted(range(len(ceilings)), key=lambda i: -ceilings[i]):
                candidate = self._proposable[position]
                hours = bool(candidate.opening_hours)
                for language in candidate.languages if spoken else ("",):
                    for category in candidate.categories:
                        pools = self._pools[(language, hours, category)]
                        for place in places[position]:
                            pools[place].append(position)
        self._categories = sorted(self._by_category)
        self._area_names = sorted({name for c in candidates for name in c.area_names})

    def _reach(self, candidate: Candidate) -> Iterable[Cell]:
        """Cells where a case can be served by `candidate`; none when it has no geometry."""
        if candidate.areas:
            for area in candidate.areas:
                yield from _cells_between(area.south, area.west, area.north, area.east)
        elif candidate.point is not None and not candidate.area_names:
            p = candidate.point
            dlat = self.rules.max_distance_km / _KM_PER_DEGREE
            # At the edge nearer the pole a degree of longitude is shortest: size for that.
            edge = min(89.9, abs(p.latitude) + dlat)
            dlon = dlat / max(0.01, math.cos(math.radians(edge)))
            yield from _cells_between(
                p.latitude - dlat, p.longitude - dlon, p.latitude + dlat, p.longitude + dlon
            )

    def _prepare(self, case: CaseForMatching) -> tuple[CaseForMatching, Point | None, Memo]:
        """The case with its typed place replaced by the directory's name for it (if any), its
        coordinates, and an empty memo of what is the same for all its needs."""
        known = named_area_in(case.area, self._area_names) if case.area else None
        if known:
            case = replace(case, area=known)
        return case, resolve_place(case, self.gazetteer), {}

    def _covering(self, need_categories: tuple[str, ...]) -> list[str]:
        return [
            category
            for category in self._categories
            if any(category_covers(wanted, category) for wanted in need_categories)
        ]

    def match(
        self,
        case: CaseForMatching,
        now: datetime,
        acceptance: Mapping[str, tuple[int, int]] | None = None,
    ) -> list[NeedMatch]:
        case, place, memo = self._prepare(case)
        acceptance = acceptance or {}
        area_name = normalise_area_name(case.area) if case.area else None
        # The acceptance record can lift any service by this much, whatever its ceiling.
        lift = max(
            (accepted / total for accepted, total in acceptance.values() if total), default=0.0
        )
        results = []
        for need_id in case.needs:
            item = need(need_id)
            urgent = item.id in case.urgent
            categories = self._covering(item.categories)
            places: list[Place] = [None]
            if place is not None:
                places.append(_cell(place))
            if area_name is not None:
                places.append(area_name)
            streams = []
            mute_ceilings, ceilings = self._mute_ceiling[urgent], self._ceiling[urgent]
            # Services the child or gender filter refuses are left out: they could only change
            # a gap's reason to one before the area's, and such a gap has everyone of the
            # categories looked at below.
            admitted = self._admitted[_party_of(case.matched_for(item.match_for))]
            for category in categories:
                for language in ("", *case.languages):
                    for hours in (True, False):
                        pools = self._pools.get((language, hours, category))
                        if pools is None:
                            continue
                        for where in places:
                            positions = pools.get(where)
                            if positions:
                                streams.append(
                                    _by_ceiling(
                                        positions,
                                        ceilings if language else mute_ceilings,
                                        admitted,
                                    )
                                )
            search = _Search(item, case, place, now, self.rules, acceptance, memo, lift)
            evaluations = search.run(heapq.merge(*streams), self._proposable, self._ceiling[urgent])
            result = rank(item, evaluations, case, self.rules)
            if result.gap is not None and GAP_STAGES[result.gap.code] < Stage.AREA:
                # Services out of reach fail at the area at best; whether any gets that far
                # changes the reason the coordinator reads, so look at the others too.
                further = self._until_area(item, categories, case, place, now, acceptance, memo)
                result = rank(item, further, case, self.rules)
            results.append(result)
        return results

    def match_by_scan(
        self,
        case: CaseForMatching,
        now: datetime,
        acceptance: Mapping[str, tuple[int, int]] | None = None,
    ) -> list[NeedMatch]:
        case, place, memo = self._prepare(case)
        return [
            self._rank(need_id, self.candidates, case, place, now, acceptance or {}, memo)
            for need_id in case.needs
        ]

    def _until_area(
        self,
        item: Need,
        categories: list[str],
        case: CaseForMatching,
        place: Point | None,
        now: datetime,
        acceptance: Mapping[str, tuple[int, int]],
        memo: Memo,
    ) -> Iterator[Evaluation]:
        """Every service of `categories` evaluated, up to the first refused only by the area.

        Called when no service in reach got as far as the area; none out of reach can get
        further than the area, so once one gets that far the gap's reason is settled.
        """
        seen: set[str] = set()
        for category in categories:
            for candidate in self._by_category[category]:
                if candidate.service_at_location_id in seen:
                    continue
                seen.add(candidate.service_at_location_id)
                evaluation = evaluate(
                    candidate, item, case, place, now, self.rules, acceptance, memo
                )
                yield evaluation
                if evaluation.passed is not None and evaluation.passed >= Stage.AREA:
                    return

    def _rank(
        self,
        need_id: str,
        candidates: list[Candidate],
        case: CaseForMatching,
        place: Point | None,
        now: datetime,
        acceptance: Mapping[str, tuple[int, int]],
        memo: Memo,
    ) -> NeedMatch:
        item = need(need_id)
        evaluations = (
            evaluate(c, item, case, place, now, self.rules, acceptance, memo) for c in candidates
        )
        return rank(item, evaluations, case, self.rules)


def _by_ceiling(
    pool: "array[int]", ceilings: list[float], admitted: bytes
) -> Iterator[tuple[float, int]]:
    return ((-ceilings[position], position) for position in pool if admitted[position])


class _Search:
    """One need's walk through its services, best score ceiling first.

    Once the directory's best `proposals_per_need` providers so far would all still rank
    before anything a remaining service could reach, the rest cannot change the proposals,
    and they are not evaluated. A need that ends with fewer proposals has seen every service,
    so its gap's reason is what a scan gives.
    """

    def __init__(
        self,
        item: Need,
        case: CaseForMatching,
        place: Point | None,
        now: datetime,
        rules: MatchingRules,
        acceptance: Mapping[str, tuple[int, int]],
        memo: Memo,
        lift: float,
    ) -> None:
        self.item, self.case, self.place, self.now = item, case, place, now
        self.rules, self.acceptance, self.memo, self.lift = rules, acceptance, memo, lift
        self.party = case.matched_for(item.match_for)
        self.best: dict[str, RankKey] = {}  # per provider, as `rank` keeps them
        self.last: RankKey | None = None  # the last of the best providers, once there are enough

    def run(
        self,
        visits: Iterable[tuple[float, int]],
        proposable: list[Candidate],
        ceilings: list[float],
    ) -> list[Evaluation]:
        """Evaluate the services of `visits`, (-ceiling, position) by rising first item; a
        service may come more than once, first with its highest ceiling."""
        evaluations = []
        changed = 0
        seen: set[int] = set()
        for negative_ceiling, position in visits:
            if position in seen:
                continue
            seen.add(position)
            if changed and (changed >= 4 or self.last is None):
                changed = 0
                self._update_last()
            if self.last is not None:
                if self.last < (False, False, negative_ceiling - self.lift - _MARGIN):
                    break  # nobody left can rank high enough
                if self._cannot_rank(proposable[position], ceilings[position]):
                    continue
            evaluation = evaluate(
                proposable[position],
                self.item,
                self.case,
                self.place,
                self.now,
                self.rules,
                self.acceptance,
                self.memo,
            )
            evaluations.append(evaluation)
            if evaluation.passed is None and evaluation.candidate is not None:
                key = rank_key(evaluation)
                provider = evaluation.candidate.provider_id
                known = self.best.get(provider)
                if known is None or key < known:
                    self.best[provider] = key
                    changed += 1
        return evaluations

    def _update_last(self) -> None:
        wanted = self.rules.proposals_per_need
        if len(self.best) >= wanted > 0:
            self.last = heapq.nsmallest(wanted, self.best.values())[-1]

    def _cannot_rank(self, candidate: Candidate, ceiling: float) -> bool:
        """Whether the best key `candidate` could get still ranks after the last best provider."""
        assert self.last is not None
        general = not does_that_work(self.item.categories, candidate.categories)
        # An urgent need ranks a service not known to be open now after every one that is.
        closed = self.item.id in self.case.urgent and candidate.open_at(self.now) is not True
        if self.last < (closed, general):
            return True
        ceiling = case_score_ceiling(
            candidate, ceiling, self.item, self.party, self.place, self.now, self.rules
        )
        accepted, total = self.acceptance.get(candidate.service_at_location_id, (0, 0))
        if total:
            ceiling += accepted / total
        return self.last < (closed, general, -(ceiling + _MARGIN))


def _gazetteer(candidates: list[Candidate]) -> dict[str, Point]:
    """Named areas of the directory and their centres, so "Tashkent" gives a place."""
    places: dict[str, Point] = {}
    for candidate in candidates:
        for name in sorted(candidate.area_names):
            if name not in places and len(candidate.areas) == 1:
                places[name] = candidate.areas[0].centre
    return places


_cache_lock = threading.Lock()
_cache: dict[str, tuple[int, MatchingRules, DirectoryIndex]] = {}


def directory_index(session: Session, rules: MatchingRules) -> DirectoryIndex:
    """The index of the directory as it is now; rebuilt only after the directory changed."""
    revision = current(session)
    key = str(session.get_bind().engine.url)
    with _cache_lock:
        cached = _cache.get(key)
        if cached is not None and cached[0] == revision and cached[1] == rules:
            return cached[2]
    index = DirectoryIndex(load_candidates(session), rules)
    with _cache_lock:
        _cache[key] = (revision, rules, index)
    return index
