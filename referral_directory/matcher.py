"""The matching entry point: a directory read once, indexed by category and place.

`DirectoryIndex.match` only evaluates services whose category fits and whose area can reach the
case's place; `match_by_scan` evaluates every service and is kept to check the index against
(tests) and to measure what the index saves (benchmarks). Both return the same result.
"""

import math
import threading
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import datetime

from sqlalchemy.orm import Session

from referral_directory.candidates import (
    Candidate,
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
    Memo,
    category_covers,
    evaluate,
    rank,
    resolve_place,
)
from referral_directory.needs import need
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


class DirectoryIndex:
    def __init__(self, candidates: list[Candidate], rules: MatchingRules) -> None:
        self.candidates = candidates
        self.rules = rules
        self.gazetteer = _gazetteer(candidates)
        self._by_cell: dict[tuple[str, Cell], list[Candidate]] = defaultdict(list)
        self._unplaced: dict[str, list[Candidate]] = defaultdict(list)
        self._by_category: dict[str, list[Candidate]] = defaultdict(list)
        self._by_area_name: dict[tuple[str, str], list[Candidate]] = defaultdict(list)
        for candidate in candidates:
            cells = set(self._reach(candidate))
            for category in candidate.categories:
                self._by_category[category].append(candidate)
                if candidate.status != "active" or not candidate.accepting_referrals:
                    continue  # never proposed; only a gap's reason looks at it
                for name in candidate.area_names:
                    self._by_area_name[(category, name)].append(candidate)
                if not cells:
                    self._unplaced[category].append(candidate)
                for cell in cells:
                    self._by_cell[(category, cell)].append(candidate)
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
        area_name = normalise_area_name(case.area) if case.area else None
        results = []
        for need_id in case.needs:
            item = need(need_id)
            categories = self._covering(item.categories)
            nearby: dict[str, Candidate] = {}
            for category in categories:
                pools = [self._unplaced[category]]
                if place is not None:
                    pools.append(self._by_cell.get((category, _cell(place)), []))
                if area_name is not None:
                    pools.append(self._by_area_name.get((category, area_name), []))
                for pool in pools:
                    for candidate in pool:
                        nearby.setdefault(candidate.service_at_location_id, candidate)
            result = self._rank(
                item.id, list(nearby.values()), case, place, now, acceptance or {}, memo
            )
            if result.gap is not None and GAP_STAGES[result.gap.code] < Stage.AREA:
                # Services out of reach fail at the area at best; whether any gets that far
                # changes the reason the coordinator reads, so look at all of them.
                everyone = {
                    c.service_at_location_id: c
                    for cat in categories
                    for c in self._by_category[cat]
                }
                result = self._rank(
                    item.id, list(everyone.values()), case, place, now, acceptance or {}, memo
                )
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
