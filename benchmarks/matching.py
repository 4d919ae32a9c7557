"""Matching one case with 10 needs against synthetic directories of 1k, 10k and 100k services.

The directories are built in memory as the candidates matching reads (what `load_candidates`
returns for a real directory): 200 towns over a region the size of Central Asia, each service
with 1-3 categories, a service area around its town or only a point, languages, capacity,
opening hours and eligibility drawn at random with a fixed seed. Each size is timed twice in
the same run: the category-and-place index (`DirectoryIndex.match`) and a scan of every
service (`match_by_scan`), which must give the same result.

    python -m benchmarks.matching [--sizes 1000,10000,100000] [--runs 200]
"""

import argparse
import json
import platform
import random
import statistics
import time
from datetime import UTC, datetime, timedelta

from referral_directory.candidates import Candidate, OpeningHours
from referral_directory.geo import Point, parse_extent
from referral_directory.match_values import CaseForMatching, MatchingRules
from referral_directory.matcher import DirectoryIndex
from referral_directory.needs import CATEGORIES

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
NEEDS = (
    "basic.housing",
    "basic.food",
    "basic.transportation",
    "services.medical",
    "services.crisis_counselling",
    "services.legal_advocacy",
    "services.immigration",
    "services.interpretation",
    "rights.information",
    "rights.compensation_claim",
)
LANGUAGES = ("ru", "kk", "uz", "ky", "tg", "en")
ELIGIBILITY = ("children_accepted", "children_only", "women_only", "men_only")


def _towns(generator: random.Random, count: int) -> list[Point]:
    return [
        Point(generator.uniform(37.0, 50.0), generator.uniform(55.0, 85.0)) for _ in range(count)
    ]


def _box(town: Point, half: float) -> str:
    west, east = town.longitude - half, town.longitude + half
    south, north = town.latitude - half, town.latitude + half
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return json.dumps({"type": "Polygon", "coordinates": [ring]})


def synthetic_directory(size: int, seed: int = 42) -> list[Candidate]:
    generator = random.Random(seed)
    towns = _towns(generator, 200)
    categories = sorted(CATEGORIES)
    hours = (OpeningHours(frozenset(range(5)), *(datetime(2026, 1, 1, h).time() for h in (8, 17))),)
    candidates = []
    for number in range(size):
        town = generator.choice(towns)
        point = Point(
            town.latitude + generator.uniform(-0.2, 0.2),
            town.longitude + generator.uniform(-0.2, 0.2),
        )
        area = parse_extent(_box(town, 0.4)) if generator.random() < 0.7 else None
        has_capacity = generator.random() < 0.3
        candidates.append(
            Candidate(
                service_at_location_id=f"sal-{number:06d}",
                service_id=f"service-{number:06d}",
                service_name=f"Service {number}",
                provider_id=f"org-{number // 3:06d}",
                provider_name=f"Organization {number // 3}",
                status="active" if generator.random() < 0.95 else "inactive",
                accepting_referrals=generator.random() < 0.9,
                categories=frozenset(generator.sample(categories, generator.randint(1, 3))),
                eligibility=frozenset(
                    generator.sample(ELIGIBILITY, 1) if generator.random() < 0.3 else []
                ),
                minimum_age=18.0 if generator.random() < 0.2 else None,
                point=point,
                areas=(area,) if area else (),
                area_names=frozenset({f"town {towns.index(town)}"}) if area else frozenset(),
                languages=frozenset(generator.sample(LANGUAGES, 2)),
                interpretation=generator.random() < 0.2,
                capacity_available=float(generator.randint(0, 6)) if has_capacity else None,
                capacity_unit="Bed",
                capacity_updated=NOW - timedelta(hours=generator.randint(0, 60))
                if has_capacity
                else None,
                opening_hours=hours if generator.random() < 0.6 else (),
                verified_at=NOW - timedelta(days=generator.randint(0, 400)),
            )
        )
    return candidates


def _case(generator: random.Random, towns: list[Point]) -> CaseForMatching:
    town = generator.choice(towns)
    return CaseForMatching(
        needs=NEEDS,
        urgent=frozenset(NEEDS[:3]),
        age=None,
        presumed_minor=generator.random() < 0.3,
        gender=generator.choice(["female", "male", None]),
        languages=(generator.choice(LANGUAGES),),
        location=Point(town.latitude + 0.05, town.longitude - 0.05),
    )


def _percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return statistics.median(ordered), p95


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=200, help="timed cases per size (index)")
    parser.add_argument("--scan-runs", type=int, default=20, help="timed cases per size (scan)")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    print(
        f"Machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
        f"Python {platform.python_version()}"
    )
    rows = []
    for size in sizes:
        print(f"Building a directory of {size} services ...", flush=True)
        candidates = synthetic_directory(size)
        started = time.perf_counter()
        index = DirectoryIndex(candidates, MatchingRules())
        build_ms = (time.perf_counter() - started) * 1000
        generator = random.Random(size)
        towns = _towns(random.Random(42), 200)
        cases = [_case(generator, towns) for _ in range(max(args.runs, args.scan_runs))]
        for case in cases[:3]:  # warm-up, and the index must agree with the scan
            if index.match(case, NOW) != index.match_by_scan(case, NOW):
                raise SystemExit(f"index and scan disagree at {size} services")
        timed = {}
        for name, method, runs in (
            ("index", index.match, args.runs),
            ("scan", index.match_by_scan, args.scan_runs),
        ):
            samples = []
            for case in cases[:runs]:
                started = time.perf_counter()
                method(case, NOW)
                samples.append((time.perf_counter() - started) * 1000)
            timed[name] = _percentiles(samples)
            print(
                f"  {name:<5} {runs:>4} cases  p50 {timed[name][0]:8.2f} ms  "
                f"p95 {timed[name][1]:8.2f} ms",
                flush=True,
            )
        rows.append((size, build_ms, timed["index"], timed["scan"]))
    print(
        "\n| services | index build ms | index p50 ms | index p95 ms | scan p50 ms "
        "| scan p95 ms | speed-up (p50) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for size, build_ms, (ip50, ip95), (sp50, sp95) in rows:
        print(
            f"| {size} | {build_ms:.0f} | {ip50:.2f} | {ip95:.2f} | {sp50:.1f} | {sp95:.1f} "
            f"| {sp50 / ip50:.0f}x |"
        )
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print(
            f"\nGrowth {last[0]}/{first[0]} services: index p50 x{last[2][0] / first[2][0]:.1f}, "
            f"p95 x{last[2][1] / first[2][1]:.1f}; scan p50 x{last[3][0] / first[3][0]:.1f}"
        )


if __name__ == "__main__":
    main()
