"""`passage directory ...` and `passage match`: the referral directory from the command line."""

import argparse
import json
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from passage.config import get_settings
from passage.runtime.migrate import open_database
from passage.runtime.policies import policies_from


def _print_report(report: Any, as_json: bool) -> None:
    if as_json:
        print(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
        return
    for line in report.lines():
        print(line, file=sys.stderr if line.startswith("error") else sys.stdout)


def _import(args: argparse.Namespace) -> int:
    from passage.config import session_factory
    from referral_directory.importer import import_directory

    open_database()
    print(f"Checking {args.path} ...", file=sys.stderr, flush=True)
    with session_factory().begin() as session:
        report = import_directory(session, Path(args.path), skip_invalid=args.skip_invalid)
        if not report.ok and not args.skip_invalid:
            session.rollback()
    _print_report(report, args.json)
    if not report.ok and not args.skip_invalid:
        print(
            f"Nothing imported: {len(report.errors)} error(s). Fix them, or import the valid "
            "records only with --skip-invalid.",
            file=sys.stderr,
        )
        return 1
    if report.skipped_records:
        print(f"Skipped (invalid): {', '.join(report.skipped_records)}", file=sys.stderr)
    print(f"Imported: {report.summary()}", file=sys.stderr)
    return 0


def _validate(args: argparse.Namespace) -> int:
    from passage.config import session_factory
    from referral_directory.importer import validate_directory

    open_database()
    with session_factory()() as session:
        report, _rows = validate_directory(session, Path(args.path))
        session.rollback()
    _print_report(report, args.json)
    if report.ok:
        print(f"Valid: {len(report.warnings)} warning(s).", file=sys.stderr)
        return 0
    print(f"Invalid: {len(report.errors)} error(s).", file=sys.stderr)
    return 1


def _export(args: argparse.Namespace) -> int:
    from passage.config import session_factory
    from referral_directory.exporter import ExportInvalid, export_csv, export_json

    open_database()
    out = Path(args.out)
    if out.exists() and not out.is_dir():
        print(f"{out} is a file; give a folder to write into.", file=sys.stderr)
        return 2
    try:
        with session_factory()() as session:
            writer = export_json if args.format == "json" else export_csv
            written = writer(session, out)
    except ExportInvalid as invalid:
        for line in invalid.problems:
            print(f"error: {line}", file=sys.stderr)
        print(
            f"Nothing exported: {len(invalid.problems)} problem(s) would make it invalid HSDS. "
            "Correct the records named (import them again, corrected).",
            file=sys.stderr,
        )
        return 1
    except OSError as error:
        print(f"Cannot write to {out}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"Wrote {len(written)} file(s) to {out}/", file=sys.stderr)
    return 0


def _template(args: argparse.Namespace) -> int:
    from referral_directory.hsds_layout import CSV_FILES
    from referral_directory.template import write_template

    out = Path(args.out)
    if out.exists() and not out.is_dir():
        print(f"{out} is a file; give a folder to write into.", file=sys.stderr)
        return 2
    present = sorted(
        name for name in [*CSV_FILES.values(), "datapackage.json"] if (out / name).exists()
    )
    if present:
        print(
            f"{out} already holds {', '.join(present[:3])}{' ...' if len(present) > 3 else ''}: "
            "give a new or empty folder (a filled template is never overwritten).",
            file=sys.stderr,
        )
        return 1
    try:
        written = write_template(out)
    except OSError as error:
        print(f"Cannot write to {out}: {error.strerror or error}", file=sys.stderr)
        return 1
    print(f"Wrote {len(written)} file(s) to {out}/", file=sys.stderr)
    print(
        "Fill in one row per record (new ids: a UUID each), keep taxonomies.csv and "
        f"taxonomy_terms.csv as they are, then: passage directory import {out}",
        file=sys.stderr,
    )
    return 0


def _capacity(args: argparse.Namespace) -> int:
    from passage.config import unit_of_work
    from referral_directory.capacity import UnknownServiceAtLocation, update_capacity

    open_database()
    try:
        with unit_of_work() as session:
            update = update_capacity(
                session, args.service_at_location_id, args.available, datetime.now(UTC)
            )
    except UnknownServiceAtLocation:
        print(f"No service_at_location with id {args.service_at_location_id}.", file=sys.stderr)
        return 1
    print(
        f"{update.service_at_location_id}: {update.available} free ({update.unit or 'places'}), "
        f"updated {update.updated.isoformat(timespec='seconds')}"
    )
    return 0


def match_as_json(results: list[Any], language: str) -> list[dict[str, Any]]:
    from translations.catalog import shipped_catalogs
    from translations.match_texts import gap_text, reason_text

    catalogs = shipped_catalogs()
    out = []
    for result in results:
        out.append(
            {
                "need": result.need_id,
                "label": catalogs.render(f"need.{result.need_id}", language),
                "urgent": result.urgent,
                "proposals": [
                    {
                        "service_at_location_id": p.candidate.service_at_location_id,
                        "service_id": p.candidate.service_id,
                        "service": p.candidate.service_name,
                        "provider": p.candidate.provider_name,
                        "score": p.score,
                        "distance_km": None if p.distance_km is None else round(p.distance_km, 1),
                        "reasons": [
                            {
                                "code": r.code,
                                "params": dict(r.params),
                                "caution": r.caution,
                                "text": reason_text(r.code, r.params, language, catalogs),
                            }
                            for r in p.reasons
                        ],
                    }
                    for p in result.proposals
                ],
                "gap": None
                if result.gap is None
                else {"code": result.gap.code, "text": gap_text(result.gap.code, language)},
            }
        )
    return out


def _match(args: argparse.Namespace) -> int:
    from passage.config import session_factory
    from referral_directory.match_case import InvalidCase, case_from_json
    from referral_directory.matcher import directory_index

    try:
        data = json.loads(Path(args.case).read_text(encoding="utf-8"))
    except OSError as error:
        print(f"Cannot read {args.case}: {error.strerror}", file=sys.stderr)
        return 2
    except (ValueError, RecursionError) as error:  # JSONDecodeError, undecodable bytes, ...
        print(f"{args.case}: not valid JSON ({str(error)[:200]})", file=sys.stderr)
        return 2
    try:
        case = case_from_json(data)
    except InvalidCase as error:
        print(f"{args.case}: {error}", file=sys.stderr)
        return 2
    now = args.at or datetime.now(UTC)
    open_database()
    settings = get_settings()
    with session_factory()() as session:
        results = directory_index(session, policies_from(settings).matching).match(case, now)
    rendered = match_as_json(results, args.language)
    if args.json:
        print(json.dumps({"at": now.isoformat(), "needs": rendered}, ensure_ascii=False, indent=2))
        return 0
    for item in rendered:
        print(f"{item['label']}{' (urgent)' if item['urgent'] else ''}")
        if item["gap"]:
            print(f"  ! {item['gap']['text']}")
        for rank, proposal in enumerate(item["proposals"], start=1):
            reasons = "; ".join(
                ("(!) " if r["caution"] else "") + r["text"] for r in proposal["reasons"]
            )
            print(f"  {rank}. {proposal['provider']}: {proposal['service']}")
            print(f"     {reasons}")
    return 0


def _aware_datetime(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            "an ISO 8601 time such as 2026-11-23T02:00+07:00"
        ) from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("give the time zone, e.g. 2026-11-23T02:00+07:00")
    return moment


def _non_negative(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError("a whole number") from None
    if number < 0:
        raise argparse.ArgumentTypeError("cannot be negative")
    return number


def load_demo_if_empty() -> bool:
    """The demo directory, into a directory that has no services yet (never over real data);
    True when it was loaded now."""
    from sqlalchemy import select

    from passage.config import unit_of_work
    from referral_directory.importer import import_directory
    from referral_directory.models import Service

    folder = get_settings().demo_directory
    if str(folder) in {"", "."}:
        return False
    with unit_of_work() as session:
        if session.scalar(select(Service.id).limit(1)) is not None:
            return False
        print(f"Loading the demo directory from {folder} ...", flush=True)
        report = import_directory(session, folder)
        if not report.ok:
            raise RuntimeError("the demo directory is invalid:\n" + "\n".join(report.lines()))
        print(f"Demo directory loaded: {report.summary()}", flush=True)
    return True


def add_commands(commands: Any) -> None:
    directory = commands.add_parser(
        "directory", help="the provider directory (Open Referral HSDS 3.1)"
    )
    actions = directory.add_subparsers(dest="directory_command", required=True, metavar="ACTION")
    importing = actions.add_parser(
        "import",
        help="import HSDS JSON (object, list, folder) or CSV (datapackage layout); all or nothing",
    )
    importing.add_argument("path", help="a .json or .csv file, or a folder of them")
    importing.add_argument(
        "--skip-invalid",
        action="store_true",
        help="import the valid records and report the invalid ones",
    )
    importing.add_argument("--json", action="store_true", help="print the report as JSON")
    importing.set_defaults(handler=_import)

    validating = actions.add_parser("validate", help="check HSDS data without importing it")
    validating.add_argument("path", help="a .json or .csv file, or a folder of them")
    validating.add_argument("--json", action="store_true", help="print the report as JSON")
    validating.set_defaults(handler=_validate)

    exporting = actions.add_parser(
        "export", help="write the directory as HSDS (confidential addresses never included)"
    )
    exporting.add_argument(
        "--format",
        choices=["json", "csv"],
        default="json",
        help="json: one HSDS service per file; csv: the HSDS datapackage layout",
    )
    exporting.add_argument("out", help="folder to write into (created if missing)")
    exporting.set_defaults(handler=_export)

    template = actions.add_parser(
        "template",
        help="write an HSDS CSV datapackage to fill in a spreadsheet",
        description="Write an HSDS 3.1 CSV datapackage (one .csv per table and a "
        "datapackage.json) to keep the directory in a spreadsheet. taxonomies.csv and "
        "taxonomy_terms.csv hold Passage's service categories and eligibility terms with "
        "their fixed ids (link a service to them in attributes.csv); every other file has "
        "one example row (a women's shelter whose real address is in "
        "x_confidential_addresses.csv). Replace the example rows with your own, each with a "
        "new UUID as id, then `passage directory validate FOLDER` and `passage directory "
        "import FOLDER`. The template imports as it is. See docs/directory.md.",
    )
    template.add_argument("out", help="a new or empty folder to write into (created if missing)")
    template.set_defaults(handler=_template)

    capacity = actions.add_parser("capacity", help="record free places of a service now")
    capacity.add_argument("service_at_location_id")
    capacity.add_argument(
        "--available", type=_non_negative, required=True, help="free places now (0 or more)"
    )
    capacity.set_defaults(handler=_capacity)

    match = commands.add_parser(
        "match", help="propose providers for each need of a case, with reasons"
    )
    match.add_argument(
        "case",
        help='case JSON: {"needs": [...], "urgent": [...], "age": null, "presumed_minor": true, '
        '"gender": "female", "languages": ["uz"], "location": {"area": "Tashkent"}}',
    )
    match.add_argument("--json", action="store_true", help="print JSON")
    match.add_argument("--language", default="en", help="language of the reasons (default en)")
    match.add_argument("--at", type=_aware_datetime, help="match as at this time (default: now)")
    match.set_defaults(handler=_match)
