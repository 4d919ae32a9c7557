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
from sqlalchemy import Boolean, Float, Integer, String

from passage.core.timestamps import UTCDateTime
from referral_directory.hsds_layout import CSV_FILES
from referral_directory.hsds_rows import Row, Rows
from referral_directory.models import (
    TABLES,
    XConfidentialAddress,
    XReferralEndpoint,
)
from referral_directory.organization_types import ORGANIZATION_TYPES
from referral_directory.report import Report

HSDS_DIR = Path(__file__).parent / "hsds"

# Sub-schemas of the compiled service schema for records HSDS has no compiled file for.
_SUBSCHEMA_PATHS: dict[str, tuple[str, ...]] = {
    "location": ("service_at_locations", "location"),
    "taxonomy_term": ("attributes", "taxonomy_term"),
    "taxonomy": ("attributes", "taxonomy_term", "taxonomy_detail"),
}

# Where each table's record sits in the compiled schemas: (compiled file, path of fields).
_TABLE_SCHEMA_PATHS: dict[str, tuple[str, tuple[str, ...]]] = {
    "service": ("service", ()),
    "organization": ("organization", ()),
    "phone": ("service", ("phones",)),
    "schedule": ("service", ("schedules",)),
    "service_area": ("service", ("service_areas",)),
    "service_at_location": ("service", ("service_at_locations",)),
    "language": ("service", ("languages",)),
    "contact": ("service", ("contacts",)),
    "service_capacity": ("service", ("capacities",)),
    "unit": ("service", ("capacities", "unit")),
    "attribute": ("service", ("attributes",)),
    "taxonomy_term": ("service", ("attributes", "taxonomy_term")),
    "taxonomy": ("service", ("attributes", "taxonomy_term", "taxonomy_detail")),
    "location": ("service", ("service_at_locations", "location")),
    "address": ("service", ("service_at_locations", "location", "addresses")),
}

_MODELS: dict[str, Any] = {
    **TABLES,
    "x_referral_endpoint": XReferralEndpoint,
    "x_confidential_address": XConfidentialAddress,
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


@lru_cache(maxsize=32)
def table_schema(table: str) -> dict[str, Any] | None:
    """The official JSON Schema of one record of `table` (None for our `x_` tables)."""
    if table not in _TABLE_SCHEMA_PATHS:
        return None
    kind, path = _TABLE_SCHEMA_PATHS[table]
    schema = compiled_schema(kind)
    for name in path:
        schema = schema["properties"][name]
        schema = schema.get("items", schema)
    return schema


@lru_cache(maxsize=32)
def _table_validator(table: str) -> Draft202012Validator | None:
    schema = table_schema(table)
    if schema is None:
        return None
    flat = {**schema, "properties": schema.get("properties", {}), "required": []}
    return Draft202012Validator(flat, format_checker=FormatChecker())


@lru_cache(maxsize=1)
def url_fields() -> frozenset[str]:
    """Names of the fields HSDS declares as URIs (website, url, uri, term_uri, ...)."""
    names: set[str] = set()
    pending: list[Any] = [compiled_schema("service"), compiled_schema("organization")]
    while pending:
        node = pending.pop()
        if isinstance(node, dict):
            for name, definition in (node.get("properties") or {}).items():
                if isinstance(definition, dict) and definition.get("format") == "uri":
                    names.add(name)
            pending.extend(node.values())
        elif isinstance(node, list):
            pending.extend(node)
    return frozenset(names)


_URL_SCHEMES = ("http", "https")


def url_problem(value: Any) -> str | None:
    """Why `value` is not a web address we publish (None when it is one). The reason never
    repeats the value: a `javascript:` link must not reach a report or a page."""
    if not isinstance(value, str):
        return "must be a web address (text)"
    if any(ord(char) <= 0x20 or ord(char) == 0x7F for char in value):
        return "a web address cannot contain spaces or control characters"
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return "not a valid web address"
    if not parts.scheme:
        return "a web address must start with http:// or https://"
    if parts.scheme.lower() not in _URL_SCHEMES:
        # urlsplit only takes letters, digits, + - . as a scheme: safe to name.
        return f"must be an http:// or https:// address, not {parts.scheme[:20]}:"
    if not host:
        return "an http(s) address needs a host name"
    return None


def bad_urls(document: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """(field path, reason) for every URL field of `document`, nested objects included."""
    found: list[tuple[str, str]] = []
    names = url_fields()
    pending: list[tuple[str, Any]] = [(prefix, document)]
    while pending:
        path, node = pending.pop()
        if isinstance(node, dict):
            for name, value in node.items():
                where = f"{path}.{name}" if path else str(name)
                if name in names and value is not None:
                    reason = url_problem(value)
                    if reason:
                        found.append((where, reason))
                elif isinstance(value, dict | list):
                    pending.append((where, value))
        elif isinstance(node, list):
            pending.extend((f"{path}.{index}", item) for index, item in enumerate(node))
    return sorted(found)


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
        _check_urls(table, key, row, report)
        _convert(table, key, row, report)
        _check_lengths(table, key, row, report)
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
    """A row of the tabular layout: required fields as datapackage.json says; values typed as
    the official JSON Schema types them (a CSV cell is text), then checked against it, so
    what was imported from CSV exports as valid HSDS JSON."""
    fields = tabular_fields().get(table, {})
    for name, definition in fields.items():
        if definition.get("constraints", {}).get("required") and row.values.get(name) is None:
            report.error(row.file, key, name, "required field is missing")
    schema = table_schema(table)
    if schema is None:
        return
    properties = schema.get("properties", {})
    for values in (row.values, row.extra):
        for name, value in list(values.items()):
            kind = properties.get(name, {}).get("type")
            if kind in _SCHEMA_TYPES and isinstance(value, str):
                try:
                    values[name] = _SCHEMA_TYPES[kind](value)
                except ValueError as refused:
                    report.error(row.file, key, name, str(refused))
                    values.pop(name)
    checker = _table_validator(table)
    if checker is None:
        return
    document = {
        name: value
        for name, value in {**row.extra, **row.values}.items()
        if value is not None and not name.startswith("x_")
    }
    for problem in checker.iter_errors(document):
        path = ".".join(str(part) for part in problem.absolute_path)
        report.error(row.file, key, path, _message(problem))


_NUMBER = re.compile(r"^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$")


def _schema_number(text: str) -> int | float:
    cleaned = text.strip()
    if not _NUMBER.match(cleaned) or len(cleaned) > 40:
        raise ValueError(f"{cleaned[:20]!r} is not a number")
    if cleaned.lstrip("-").isdigit():
        number: int | float = int(cleaned)
    else:
        number = float(cleaned)
    if not math.isfinite(number) or abs(number) > 1e9:
        raise ValueError(f"{cleaned[:20]!r} is not a number of a sensible size")
    return number


def _schema_integer(text: str) -> int:
    number = _schema_number(text)
    if isinstance(number, float):
        if not number.is_integer():
            raise ValueError(f"{text.strip()[:20]!r} is not a whole number")
        return int(number)
    return number


def _schema_boolean(text: str) -> bool:
    return parse_bool(text)


_SCHEMA_TYPES: dict[str, Any] = {
    "number": _schema_number,
    "integer": _schema_integer,
    "boolean": _schema_boolean,
}


def _check_urls(table: str, key: str, row: Row, report: Report) -> None:
    if table in ("x_referral_endpoint", "x_confidential_address"):
        return  # an endpoint's address has its own rule; a hidden address is never linked
    for path, reason in bad_urls({**row.extra, **row.values}):
        report.error(row.file, key, path, reason)


def _check_lengths(table: str, key: str, row: Row, report: Report) -> None:
    """Text longer than its column: SQLite would keep it, PostgreSQL refuses the import."""
    model = _MODELS.get(table)
    if model is None:
        return
    for column in model.__table__.columns:
        length = getattr(column.type, "length", None) or math.inf
        value = row.values.get(column.name)
        if isinstance(column.type, String) and isinstance(value, str) and length < len(value):
            report.error(
                row.file,
                key,
                column.name,
                f"longer than {length} characters ({len(value)}), the most it may have",
            )


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
