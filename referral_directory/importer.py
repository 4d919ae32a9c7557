"""`passage directory import` and `validate`: check HSDS data, then write it in one transaction."""

from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from referral_directory.db import DirectoryBase
from referral_directory.hsds_checks import check_rows
from referral_directory.hsds_layout import KEY_COLUMN, NESTING, WRITE_ORDER
from referral_directory.hsds_rows import MAX_IMPORT_BYTES, Rows, read_path
from referral_directory.models import TABLES, Location, XConfidentialAddress, XReferralEndpoint
from referral_directory.report import Report
from referral_directory.revision import bump

_MODELS: dict[str, type[DirectoryBase]] = {
    **TABLES,
    "x_referral_endpoint": XReferralEndpoint,
    "x_confidential_address": XConfidentialAddress,
}

# Links the database enforces: the record linked to must be in the data or already imported.
_REQUIRED_LINKS: dict[str, tuple[tuple[str, str], ...]] = {
    "service_at_location": (("service_id", "service"), ("location_id", "location")),
    "service_capacity": (("service_id", "service"), ("unit_id", "unit")),
    "x_referral_endpoint": (("service_at_location_id", "service_at_location"),),
    "x_confidential_address": (("location_id", "location"),),
}
# Links HSDS allows to point outside the data: kept, with a warning.
_OPTIONAL_LINKS: dict[str, tuple[tuple[str, str], ...]] = {
    "service": (("organization_id", "organization"),),
    "attribute": (("taxonomy_term_id", "taxonomy_term"),),
}
# Fields without which a row cannot be stored, whatever the layout.
_NOT_NULL: dict[str, tuple[str, ...]] = {
    "service_at_location": ("service_id",),
    "service_capacity": ("service_id", "unit_id", "available", "updated"),
    "attribute": ("taxonomy_term_id",),
}


def validate_directory(
    session: Session, path: Path, *, max_bytes: int = MAX_IMPORT_BYTES
) -> tuple[Report, Rows]:
    """Everything import checks, without writing; at most `max_bytes` are read."""
    report = Report()
    rows = read_path(path, report, max_bytes=max_bytes)
    if rows.tables:
        check_rows(rows, report)
        _check_links(session, rows, report)
    elif report.ok:
        # Only skipped files (an API description, tables we do not keep): say so, not "done".
        report.error(str(path), "", "", "no HSDS directory records found")
    return report, rows


def import_directory(
    session: Session,
    path: Path,
    *,
    skip_invalid: bool = False,
    max_bytes: int = MAX_IMPORT_BYTES,
) -> Report:
    """Import all of `path`, or nothing when anything is invalid (unless `skip_invalid`).

    Records are matched by id: importing the same data again updates, never duplicates.
    The caller's session is the transaction; it is not committed here.
    """
    report, rows = validate_directory(session, path, max_bytes=max_bytes)
    if not report.ok and not skip_invalid:
        return report
    report.skipped_records = sorted({row.top for _t, _k, row in rows if row.invalid})
    _write(session, rows, report)
    return report


def _check_links(session: Session, rows: Rows, report: Report) -> None:
    # Repeated because skipping a record can leave another without its target.
    while True:
        broken: set[str] = set()
        for table, key, row in rows:
            if row.invalid:
                continue
            for name in _NOT_NULL.get(table, ()):
                if row.values.get(name) is None:
                    report.error(row.file, key, name, "required field is missing")
                    broken.add(row.top)
            for column, target in _REQUIRED_LINKS.get(table, ()):
                linked = row.values.get(column)
                if linked is not None and not _exists(session, rows, target, str(linked)):
                    report.error(row.file, key, column, f"no {target} with id {linked}")
                    broken.add(row.top)
        if not broken:
            break
        rows.mark_invalid(broken)
    for table, key, row in rows:
        for column, target in _OPTIONAL_LINKS.get(table, ()):
            linked = row.values.get(column)
            if (
                not row.invalid
                and linked is not None
                and not _exists(session, rows, target, str(linked))
            ):
                report.warning(row.file, key, column, f"no {target} with id {linked} (kept)")


def _exists(session: Session, rows: Rows, table: str, key: str) -> bool:
    row = rows.tables.get(table, {}).get(key)
    if row is not None:
        return not row.invalid
    model = _MODELS[table]
    column = getattr(model, KEY_COLUMN[table])
    return session.scalar(select(column).where(column == key)) is not None


def _write(session: Session, rows: Rows, report: Report) -> None:
    for table in WRITE_ORDER:
        model = _MODELS[table]
        for key, row in rows.tables.get(table, {}).items():
            if row.invalid:
                continue
            record: Any = session.get(model, key)
            if record is None:
                record = model()
                session.add(record)
                report.created[table] = report.created.get(table, 0) + 1
            else:
                report.updated[table] = report.updated.get(table, 0) + 1
            for name, value in row.values.items():
                setattr(record, name, value)
            if hasattr(record, "extra"):
                record.extra = {**(record.extra or {}), **row.extra}
        session.flush()
    _remove_unlisted_children(session, rows, report)
    for key, row in rows.tables.get("x_confidential_address", {}).items():
        location = session.get(Location, key)
        if not row.invalid and location is not None and not location.x_confidential:
            location.x_confidential = True  # a hidden address makes its location confidential
    if report.created or report.updated:
        bump(session)


# Children a re-imported record replaces; services, locations and organizations are never
# deleted by leaving them out (that is a decision for a coordinator, not a side effect).
_REPLACEABLE = frozenset(
    {
        "attribute",
        "language",
        "service_area",
        "schedule",
        "phone",
        "contact",
        "address",
        "service_capacity",
    }
)


def _remove_unlisted_children(session: Session, rows: Rows, report: Report) -> None:
    for table, key, row in list(rows):
        if row.invalid or row.tabular:
            continue
        for field_name in sorted(row.listed):
            if field_name == "x_referral_endpoint":
                if key not in rows.tables.get("x_referral_endpoint", {}):
                    endpoint = session.get(XReferralEndpoint, key)
                    if endpoint is not None:
                        session.delete(endpoint)
                        _count(report.removed, "x_referral_endpoint")
                continue
            how = NESTING[table][field_name]
            if how.table not in _REPLACEABLE or how.child_link is None:
                continue
            model: Any = _MODELS[how.table]
            kept = set(rows.tables.get(how.table, {}))
            link = getattr(model, how.child_link)
            for child in session.scalars(select(model).where(link == key)):
                if child.id not in kept:
                    session.delete(child)
                    _count(report.removed, how.table)
    session.flush()


def _count(counts: dict[str, int], table: str) -> None:
    counts[table] = counts.get(table, 0) + 1
