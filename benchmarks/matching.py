"""Matching one case with 10 needs against synthetic directories of 1k, 10k and 100k services.

The directories are built as the candidates matching reads (what `load_candidates` returns for
a real directory): 200 towns over a region the size of Central Asia, each service with 1-3
categories, a service area around its town or only a point, languages, capacity, opening hours
and eligibility drawn at random with a fixed seed.

In memory (the default), each size is timed twice in the same run: the category-and-place index
(`DirectoryIndex.match`) and a scan of every service (`match_by_scan`), which must give the
same result.

With `--postgres`, each directory is written as HSDS rows through the app's models (bulk
inserts) into a fresh PostgreSQL database at the newest schema (the scaled profile), and read
back as the app reads it for a case. Timed separately: `load_candidates` (must give back the
written directory), the index build, the first case after a change (`directory_index`, which
reads and builds, then the match), then per case `DirectoryIndex.match` alone (wall clock and
this thread's CPU time) and together with `directory_index`'s revision query, as a case runs
once the index is cached. Writing is timed but is not part of matching. The database is
dropped afterwards; without a server the run says so in one line and exits 0.

    python -m benchmarks.matching [--sizes 1000,10000,100000] [--runs 200]
    python -m benchmarks.matching --postgres [postgresql://postgres@127.0.0.1:5432/postgres]
"""

import argparse
import json
import platform
import random
import signal
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import create_engine, insert, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from passage.config import make_engine
from passage.runtime.migrate import upgrade
from referral_directory.candidates import Candidate, OpeningHours, load_candidates
from referral_directory.geo import Area, Point, parse_extent
from referral_directory.match_values import CaseForMatching, MatchingRules
from referral_directory.matcher import DirectoryIndex, directory_index
from referral_directory.models import TABLES, XReferralEndpoint
from referral_directory.needs import CATEGORIES
from referral_directory.revision import bump
from referral_directory.taxonomy import (
    CATEGORY_TAXONOMY,
    ELIGIBILITY_TAXONOMY,
    ELIGIBILITY_TERMS,
    taxonomy_id,
    term_id,
)
from tests.postgres.throwaway import throwaway_databases

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
                capacity_unit="Bed" if has_capacity else "",
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


POSTGRES_SERVER = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
_CHUNK = 5000
_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def _extent(area: Area) -> str:
    polygons = [[[list(point) for point in ring] for ring in polygon] for polygon in area.polygons]
    if len(polygons) == 1:
        return json.dumps({"type": "Polygon", "coordinates": polygons[0]})
    return json.dumps({"type": "MultiPolygon", "coordinates": polygons})


def hsds_rows(candidates: list[Candidate]) -> dict[str, list[dict[str, Any]]]:
    """The candidates as the directory's tables hold them, in an order that satisfies the
    foreign keys; `load_candidates` must give the same candidates back."""
    tables: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for taxonomy, codes in (
        (CATEGORY_TAXONOMY, sorted(CATEGORIES)),
        (ELIGIBILITY_TAXONOMY, sorted(ELIGIBILITY_TERMS)),
    ):
        tables["taxonomy"].append(
            {"id": taxonomy_id(taxonomy), "name": taxonomy, "description": ""}
        )
        for code in codes:
            tables["taxonomy_term"].append(
                {
                    "id": term_id(taxonomy, code),
                    "code": code,
                    "name": code,
                    "description": "",
                    "taxonomy_id": taxonomy_id(taxonomy),
                }
            )
    tables["unit"].append({"id": "unit-bed", "name": "Bed"})
    organizations: dict[str, str] = {}
    for number, c in enumerate(candidates):
        organizations.setdefault(c.provider_id, c.provider_name)
        location_id = f"loc-{number:06d}"
        tables["service"].append(
            {
                "id": c.service_id,
                "organization_id": c.provider_id,
                "name": c.service_name,
                "status": c.status,
                "interpretation_services": "on request" if c.interpretation else None,
                "minimum_age": c.minimum_age,
                "maximum_age": c.maximum_age,
                "x_verified_at": c.verified_at,
            }
        )
        point = c.point or Point(0, 0)
        tables["location"].append(
            {
                "id": location_id,
                "location_type": "physical",
                "latitude": point.latitude,
                "longitude": point.longitude,
                "x_confidential": c.confidential,
            }
        )
        tables["service_at_location"].append(
            {"id": c.service_at_location_id, "service_id": c.service_id, "location_id": location_id}
        )
        tables["x_referral_endpoint"].append(
            {
                "service_at_location_id": c.service_at_location_id,
                "channel": "sms",
                "address": "+99800000000",
                "languages": "",
                "accepting_referrals": c.accepting_referrals,
                "response_deadline_minutes": 120,
            }
        )
        for code in sorted(c.languages):
            tables["language"].append(
                {"id": f"{c.service_id}-{code}", "service_id": c.service_id, "code": code}
            )
        name = min(c.area_names) if c.area_names else None
        for count, area in enumerate(c.areas):
            tables["service_area"].append(
                {
                    "id": f"{c.service_id}-area-{count}",
                    "service_id": c.service_id,
                    "name": name,
                    "extent": _extent(area),
                    "extent_type": "geojson",
                }
            )
        if c.capacity_available is not None and c.capacity_updated is not None:
            tables["service_capacity"].append(
                {
                    "id": f"{c.service_id}-beds",
                    "service_id": c.service_id,
                    "unit_id": "unit-bed",
                    "available": c.capacity_available,
                    "updated": c.capacity_updated,
                }
            )
        for count, hours in enumerate(c.opening_hours):
            tables["schedule"].append(
                {
                    "id": f"{c.service_id}-hours-{count}",
                    "service_id": c.service_id,
                    "byday": ",".join(_DAYS[day] for day in sorted(hours.days)),
                    "opens_at": hours.opens.isoformat(),
                    "closes_at": hours.closes.isoformat(),
                }
            )
        for taxonomy, codes in (
            (CATEGORY_TAXONOMY, c.categories),
            (ELIGIBILITY_TAXONOMY, c.eligibility),
        ):
            for code in sorted(codes):
                tables["attribute"].append(
                    {
                        "id": f"{c.service_id}-{code}",
                        "link_id": c.service_id,
                        "link_entity": "service",
                        "taxonomy_term_id": term_id(taxonomy, code),
                    }
                )
    tables["organization"] = [
        {"id": key, "name": name, "description": ""} for key, name in organizations.items()
    ]
    order = (
        "taxonomy",
        "taxonomy_term",
        "unit",
        "organization",
        "service",
        "location",
        "service_at_location",
        "x_referral_endpoint",
        "language",
        "service_area",
        "service_capacity",
        "schedule",
        "attribute",
    )
    return {table: tables[table] for table in order}


def _write_directory(session: Session, candidates: list[Candidate]) -> None:
    models: dict[str, Any] = {**TABLES, "x_referral_endpoint": XReferralEndpoint}
    tables = hsds_rows(candidates)
    total = sum(len(rows) for rows in tables.values())
    written = 0
    started = time.perf_counter()
    for table, rows in tables.items():
        for start in range(0, len(rows), _CHUNK):
            session.execute(insert(models[table]), rows[start : start + _CHUNK])
        written += len(rows)
        print(
            f"  wrote {len(rows):>7} rows of {table:<20} {written:>8}/{total} "
            f"({time.perf_counter() - started:.0f} s)",
            flush=True,
        )
    bump(session)


def _server_answers(server: URL) -> str | None:
    """None when the server answers; otherwise why not, in one line."""
    engine = create_engine(server, connect_args={"connect_timeout": 3})
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except OperationalError as error:
        reason = str(error.orig or error).strip().splitlines()
        return reason[0] if reason else type(error).__name__
    finally:
        engine.dispose()
    return None


def _server_url(raw: str) -> URL:
    url = make_url(raw)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")  # the driver the app uses
    return url


@contextmanager
def _fresh_database(server: URL, size: int) -> Iterator[str]:
    with throwaway_databases(server, f"passage_bench_matching_{size}") as (url,):
        upgrade(url)
        yield url


@dataclass
class _Figures:
    size: int
    write_s: float
    load_ms: float
    build_ms: float
    first_case_ms: float  # the first case after a change: revision, load, build and match
    match: tuple[float, float]  # p50, p95 wall clock of `DirectoryIndex.match`
    match_cpu: tuple[float, float]  # the same in this thread's CPU time
    case: tuple[float, float]  # p50, p95 of the revision check and the match together


def _on_postgres(server: URL, size: int, runs: int) -> _Figures:
    rules = MatchingRules()
    candidates = synthetic_directory(size)
    with _fresh_database(server, size) as url:
        engine = make_engine(url)
        try:
            started = time.perf_counter()
            with Session(engine) as session, session.begin():
                _write_directory(session, candidates)
            write_s = time.perf_counter() - started
            with Session(engine) as session:
                session.execute(text("ANALYZE"))
                started = time.perf_counter()
                loaded = load_candidates(session)
                load_ms = (time.perf_counter() - started) * 1000
                if loaded != candidates:
                    raise SystemExit(f"the directory read back differs at {size} services")
                started = time.perf_counter()
                DirectoryIndex(loaded, rules)
                build_ms = (time.perf_counter() - started) * 1000
                print(f"  load {load_ms:.0f} ms, index build {build_ms:.0f} ms", flush=True)
                generator = random.Random(size)
                towns = _towns(random.Random(42), 200)
                cases = [_case(generator, towns) for _ in range(runs + 1)]
                # What a case does: the index of the current revision, read and built on the
                # first case after a change and cached after it, then the match.
                started = time.perf_counter()
                directory_index(session, rules).match(cases[0], NOW, {})
                first_case_ms = (time.perf_counter() - started) * 1000
                index = directory_index(session, rules)
                for case in cases[1:4]:
                    if index.match(case, NOW, {}) != index.match_by_scan(case, NOW, {}):
                        raise SystemExit(f"index and scan disagree at {size} services")
                matching, cpu, whole = [], [], []
                for case in cases[1:]:
                    started = time.perf_counter()
                    index = directory_index(session, rules)
                    indexed, cpu_started = time.perf_counter(), time.thread_time()
                    index.match(case, NOW, {})
                    done, cpu_done = time.perf_counter(), time.thread_time()
                    matching.append((done - indexed) * 1000)
                    cpu.append((cpu_done - cpu_started) * 1000)
                    whole.append((done - started) * 1000)
        finally:
            engine.dispose()
    return _Figures(
        size,
        write_s,
        load_ms,
        build_ms,
        first_case_ms,
        _percentiles(matching),
        _percentiles(cpu),
        _percentiles(whole),
    )


def postgres_main(raw_server: str, sizes: list[int], runs: int) -> int:
    server = _server_url(raw_server)
    shown = server.render_as_string()
    why_not = _server_answers(server)
    if why_not is not None:
        print(f"matching on PostgreSQL: skipped, no server answers at {shown} ({why_not})")
        return 0
    # A `kill` must still drop the database this run made.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    print(_machine())
    print(f"PostgreSQL at {shown}: a fresh database per size, dropped afterwards")
    rows = []
    for size in sizes:
        print(f"Directory of {size} services ...", flush=True)
        figures = _on_postgres(server, size, runs)
        print(
            f"  {runs} cases  match p50 {figures.match[0]:.2f} ms  p95 {figures.match[1]:.2f} ms "
            f"(CPU p95 {figures.match_cpu[1]:.2f} ms); first case after a change "
            f"{figures.first_case_ms:.0f} ms",
            flush=True,
        )
        rows.append(figures)
    print(
        "\n| services | write s | load ms | index build ms | first case ms | match p50 ms "
        "| match p95 ms | CPU p50 ms | CPU p95 ms | case p50 ms | case p95 ms |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for f in rows:
        print(
            f"| {f.size} | {f.write_s:.0f} | {f.load_ms:.0f} | {f.build_ms:.0f} "
            f"| {f.first_case_ms:.0f} | {f.match[0]:.2f} | {f.match[1]:.2f} "
            f"| {f.match_cpu[0]:.2f} | {f.match_cpu[1]:.2f} | {f.case[0]:.2f} | {f.case[1]:.2f} |"
        )
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print(
            f"\nGrowth {last.size}/{first.size} services: match p50 "
            f"x{last.match[0] / first.match[0]:.1f}, p95 x{last.match[1] / first.match[1]:.1f} "
            f"(CPU p95 x{last.match_cpu[1] / first.match_cpu[1]:.1f}); "
            f"load x{last.load_ms / first.load_ms:.1f}, "
            f"index build x{last.build_ms / first.build_ms:.1f}"
        )
    return 0


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=200, help="timed cases per size (index)")
    parser.add_argument("--scan-runs", type=int, default=20, help="timed cases per size (scan)")
    parser.add_argument(
        "--postgres",
        nargs="?",
        const=POSTGRES_SERVER,
        metavar="URL",
        help="write each directory into a fresh database on this PostgreSQL server and match "
        f"from there (default server: {POSTGRES_SERVER})",
    )
    return parser.parse_args()


def _machine() -> str:
    return (
        f"Machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
        f"Python {platform.python_version()}"
    )


def main() -> int:
    args = _arguments()
    sizes = [int(size) for size in args.sizes.split(",")]
    if args.postgres:
        return postgres_main(args.postgres, sizes, args.runs)
    print(_machine())
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
            samples, cpu = [], []
            for case in cases[:runs]:
                started, cpu_started = time.perf_counter(), time.thread_time()
                method(case, NOW)
                samples.append((time.perf_counter() - started) * 1000)
                cpu.append((time.thread_time() - cpu_started) * 1000)
            timed[name] = _percentiles(samples)
            timed[f"{name} cpu"] = _percentiles(cpu)
            print(
                f"  {name:<5} {runs:>4} cases  p50 {timed[name][0]:8.2f} ms  "
                f"p95 {timed[name][1]:8.2f} ms  (CPU p95 {timed[f'{name} cpu'][1]:.2f} ms)",
                flush=True,
            )
        rows.append((size, build_ms, timed["index"], timed["scan"], timed["index cpu"]))
    print(
        "\n| services | index build ms | index p50 ms | index p95 ms | index CPU p95 ms "
        "| scan p50 ms | scan p95 ms | speed-up (p50) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for size, build_ms, (ip50, ip95), (sp50, sp95), (_, cpu95) in rows:
        print(
            f"| {size} | {build_ms:.0f} | {ip50:.2f} | {ip95:.2f} | {cpu95:.2f} | {sp50:.1f} "
            f"| {sp95:.1f} | {sp50 / ip50:.0f}x |"
        )
    if len(rows) > 1:
        first, last = rows[0], rows[-1]
        print(
            f"\nGrowth {last[0]}/{first[0]} services: index p50 x{last[2][0] / first[2][0]:.1f}, "
            f"p95 x{last[2][1] / first[2][1]:.1f} (CPU p95 x{last[4][1] / first[4][1]:.1f}); "
            f"scan p50 x{last[3][0] / first[3][0]:.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
