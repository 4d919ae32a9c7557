"""Every check an HSDS record passes before it is imported.

Records given as JSON are checked against the official HSDS 3.1 JSON Schemas; rows given in the
tabular layout against the field definitions of the official datapackage.json. Both then go
through the checks of our extensions and are converted to the types of our columns.
"""

import json
import math
import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from sqlalchemy import Boolean, Float, Integer

from passage.core.timestamps import UTCDateTime
from referral_directory.hsds_layout import CSV_FILES
from referral_directory.hsds_rows import Row, Rows
from referral_directory.models import TABLES, XReferralEndpoint
from referral_directory.organization_types import ORGANIZATION_TYPES
from referral_directory.report import Report

HSDS_DIR = Path(__file__).parent / "hsds"

# Sub-schemas of the compiled service schema for records HSDS has no compiled file for.
_SUBSCHEMA_PATHS: dict[str, tuple[str, ...]] = {
    "location": ("service_at_locations", "location"),
    "taxonomy_term": ("attributes", "taxonomy_term"),
    "taxonomy": ("attributes", "taxonomy_term", "taxonomy_detail"),
}

E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")
CHANNELS = ("sms", "api")


@lru_cache(maxsize=4)
def compiled_schema(kind: str) -> dict[str, Any]:
    if kind in _SUBSCHEMA_PATHS:
        schema = compiled_schema("service")
        for name in _SUBSCHEMA_PATHS[kind]:
            schema = schema["properties"][name]
            schema = schema.get("items", schema)
        return schema
    loaded: dict[str, Any] = json.loads((HSDS_DIR / "compiled" / f"{kind}.json").read_text())
    return loaded


@lru_cache(maxsize=8)
def validator(kind: str) -> Draft202012Validator:
    return Draft202012Validator(compiled_schema(kind), format_checker=FormatChecker())


@lru_cache(maxsize=1)
def tabular_fields() -> dict[str, dict[str, dict[str, Any]]]:
    """Field definitions of the official tabular layout, by our table name."""
    package = json.loads((HSDS_DIR / "datapackage.json").read_text())
    by_file = {resource["path"]: resource for resource in package["resources"]}
    return {
        table: {f["name"]: f for f in by_file[csv_name]["schema"]["fields"]}
        for table, csv_name in CSV_FILES.items()
        if csv_name in by_file
    }


def check_rows(rows: Rows, report: Report) -> None:
    """Check every record; convert values in place to the types of our columns."""
    invalid: set[str] = set()
    for record in rows.top_records:
        for error in validator(record.kind).iter_errors(record.data):
            path = ".".join(str(part) for part in error.absolute_path)
            report.error(record.file, str(record.data.get("id", "")), path, _message(error))
            invalid.add(record.top)
    for problem in rows.problems:
        row = rows.tables.get(problem.table, {}).get(problem.key)
        file = row.file if row else ""
        if not problem.blocking:
            report.warning(file, problem.key, problem.field, problem.message)
            continue
        report.error(file, problem.key, problem.field, problem.message)
        if row is not None:
            invalid.add(row.top)
    for key, row in rows.tables.get("x_confidential_address", {}).items():
        location = rows.tables.get("location", {}).get(key)
        if location is not None and location.values.get("x_confidential") not in (True, "true"):
            location.values["x_confidential"] = True
            report.warning(
                row.file, key, "x_confidential", "set to true: the location has a hidden address"
            )
    for table, key, row in rows:
        errors_before = len(report.errors)
        if row.tabular:
            _check_tabular_row(table, key, row, report)
        _convert(table, key, row, report)
        _check_extensions(table, key, row, report)
        if len(report.errors) > errors_before:
            invalid.add(row.top)
    rows.mark_invalid(invalid)


def _message(error: ValidationError) -> str:
    """The schema's complaint without the offending value when that is an object or a list:
    it may hold a confidential address, and reports are printed and kept."""
    if isinstance(error.instance, dict | list):
        return f"{error.validator} {error.validator_value!r} not satisfied"[:200]
    return error.message[:200]


def _check_tabular_row(table: str, key: str, row: Row, report: Report) -> None:
    fields = tabular_fields().get(table, {})
    for name, definition in fields.items():
        if definition.get("constraints", {}).get("required") and row.values.get(name) is None:
            report.error(row.file, key, name, "required field is missing")
    status = row.values.get("status")
    if table == "service" and status not in (None, *_SERVICE_STATUSES):
        report.error(row.file, key, "status", f"must be one of {', '.join(_SERVICE_STATUSES)}")
    location_type = row.values.get("location_type")
    if table == "location" and location_type not in (None, "physical", "postal", "virtual"):
        report.error(row.file, key, "location_type", "must be physical, postal or virtual")


_SERVICE_STATUSES = ("active", "inactive", "defunct", "temporarily closed")


def _convert(table: str, key: str, row: Row, report: Report) -> None:
    model = TABLES.get(table) or (XReferralEndpoint if table == "x_referral_endpoint" else None)
    if model is None:
        return
    for column in model.__table__.columns:
        value = row.values.get(column.name)
        if value is None:
            continue
        if (
            table == "x_referral_endpoint"
            and column.name == "languages"
            and isinstance(value, list)
        ):
            value = ",".join(str(code) for code in value)
        try:
            row.values[column.name] = _typed(column.type, value)
        except (TypeError, ValueError, OverflowError) as error:
            report.error(row.file, key, column.name, str(error)[:200])


def _typed(column_type: Any, value: Any) -> Any:
    if isinstance(column_type, UTCDateTime):
        return parse_datetime(value)
    if isinstance(column_type, Boolean):
        return parse_bool(value)
    if isinstance(column_type, Integer):
        text = str(value).strip()
        if isinstance(value, bool) or not text.lstrip("-").isdigit() or len(text) > 9:
            raise ValueError(f"{text[:20]!r} is not a whole number below 10^9")
        return int(text)
    if isinstance(column_type, Float):
        if isinstance(value, bool):
            raise ValueError(f"{value!r} is not a number")
        number = float(value)
        if not math.isfinite(number) or abs(number) > 1e9:
            raise ValueError(f"{str(value)[:20]!r} is not a number of a sensible size")
        return number
    if isinstance(value, dict | list):
        raise ValueError("expected text, found a nested object")
    return value if isinstance(value, str) else str(value)


def parse_datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        parsed = value
    else:
        try:
            parsed = datetime.fromisoformat(str(value).strip())
        except ValueError:
            raise ValueError(f"{value!r} is not an ISO 8601 date and time") from None
    if parsed.tzinfo is None:
        raise ValueError(f"{value!r} has no time zone offset (add Z or +07:00)")
    try:
        return parsed.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"{value!r} is out of range") from None


def parse_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "1", "yes"}:
        return True
    if text in {"false", "0", "no"}:
        return False
    raise ValueError(f"{value!r} is not true or false")


def _check_extensions(table: str, key: str, row: Row, report: Report) -> None:
    values = row.values
    if table == "location":
        _check_coordinates(key, row, report)
        zone = values.get("x_tz")
        if zone is not None and not _is_time_zone(str(zone)):
            report.error(row.file, key, "x_tz", f"{zone!r} is not an IANA time zone")
    elif table == "x_referral_endpoint":
        _check_endpoint(key, row, report)
    elif table == "x_confidential_address":
        address = values.get("address")
        if not isinstance(address, dict) or not address.get("address_1"):
            report.error(row.file, key, "x_confidential_address", "needs at least address_1")
    elif table == "service_area":
        _check_extent(key, row, report)
    elif table == "service":
        _check_not_future(key, row, "x_verified_at", report)
    elif table == "organization":
        kind = values.get("x_organization_type")
        if kind is not None and kind not in ORGANIZATION_TYPES:
            allowed = ", ".join(ORGANIZATION_TYPES)
            report.error(row.file, key, "x_organization_type", f"must be one of {allowed}")
    elif table == "service_capacity":
        _check_not_future(key, row, "updated", report)
    elif table == "schedule":
        _check_schedule(key, row, report)


def _check_coordinates(key: str, row: Row, report: Report) -> None:
    latitude, longitude = row.values.get("latitude"), row.values.get("longitude")
    if (latitude is None) != (longitude is None):
        report.warning(row.file, key, "latitude", "latitude without longitude: not used")
    elif (
        isinstance(latitude, float)
        and isinstance(longitude, float)
        and not (-90 <= latitude <= 90 and -180 <= longitude <= 180)
    ):
        report.warning(
            row.file, key, "latitude", "outside -90..90 / -180..180: distance is unknown"
        )


def _check_endpoint(key: str, row: Row, report: Report) -> None:
    values = row.values
    channel = values.get("channel")
    address = str(values.get("address") or "")
    where = "x_referral_endpoint"
    known = {column.name for column in XReferralEndpoint.__table__.columns}
    for unknown in sorted(set(values) - known):
        report.error(row.file, key, f"{where}.{unknown}", "unknown field")
    if channel not in CHANNELS:
        report.error(row.file, key, f"{where}.channel", "must be sms or api")
    elif channel == "sms" and not E164.match(address):
        report.error(row.file, key, f"{where}.address", "SMS number must be E.164 (+...)")
    elif channel == "api" and (
        urlsplit(address).scheme != "https" or not urlsplit(address).hostname
    ):
        report.error(row.file, key, f"{where}.address", "API endpoint must be an https:// URL")
    codes = [code for code in str(values.get("languages") or "").split(",") if code]
    if not codes or not all(LANGUAGE_CODE.match(code) for code in codes):
        report.error(row.file, key, f"{where}.languages", "a list of ISO 639 codes is required")
    deadline = values.get("response_deadline_minutes")
    if not isinstance(deadline, int) or isinstance(deadline, bool) or not 0 < deadline <= 10080:
        report.error(
            row.file,
            key,
            f"{where}.response_deadline_minutes",
            "a number of minutes from 1 to 10080 (a week)",
        )
    values.setdefault("accepting_referrals", True)


def _check_extent(key: str, row: Row, report: Report) -> None:
    extent = row.values.get("extent")
    if extent is None or str(row.values.get("extent_type", "")).lower() != "geojson":
        return
    from referral_directory.geo import parse_extent

    if parse_extent(str(extent)) is None:
        report.warning(
            row.file, key, "extent", "not a GeoJSON Polygon or MultiPolygon: area not used"
        )


def _check_not_future(key: str, row: Row, name: str, report: Report) -> None:
    # A date in the future would count as fresh for years and outrank every honest entry.
    value = row.values.get(name)
    if isinstance(value, datetime) and value > datetime.now(UTC) + _CLOCK_SKEW:
        report.error(row.file, key, name, "is in the future")


_CLOCK_SKEW = timedelta(hours=1)


def _check_schedule(key: str, row: Row, report: Report) -> None:
    offset = row.values.get("timezone")
    if isinstance(offset, float) and not -14 <= offset <= 14:
        report.error(row.file, key, "timezone", "an offset in hours between -14 and 14")
    for name in ("opens_at", "closes_at"):
        value = row.values.get(name)
        if value is not None:
            try:
                time.fromisoformat(str(value))
            except ValueError:
                report.error(row.file, key, name, f"{value!r} is not a time (HH:MM[:SS])")
    for name in ("valid_from", "valid_to"):
        value = row.values.get(name)
        if value is not None:
            try:
                date.fromisoformat(str(value))
            except ValueError:
                report.error(row.file, key, name, f"{value!r} is not a date (YYYY-MM-DD)")


def _is_time_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True
