"""HSDS data as rows of our tables: nested JSON is flattened, CSV files are read as they are."""

import csv
import io
import json
import os
import stat
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from referral_directory.hsds_layout import (
    CSV_FILES,
    EXTENSION_TABLES,
    KEY_COLUMN,
    NESTING,
    Nested,
    kind_of_record,
)
from referral_directory.models import TABLES, XConfidentialAddress, XReferralEndpoint
from referral_directory.report import Report

_EXTENSION_MODELS = {
    "x_referral_endpoint": XReferralEndpoint,
    "x_confidential_address": XConfidentialAddress,
}
_CSV_TABLES = {name: table for table, name in CSV_FILES.items()}


def columns_of(table: str) -> set[str]:
    model = TABLES.get(table) or _EXTENSION_MODELS[table]
    return {column.name for column in model.__table__.columns} - {"extra"}


_COLUMNS = {table: columns_of(table) for table in KEY_COLUMN}
# Links that say which record a row is; the other links add parents HSDS allows many of.
_IDENTITY_LINKS = frozenset({"service_id", "location_id", "organization_id", "unit_id", "link_id"})
_IDENTITY_TABLES = frozenset({"service_at_location", "service_capacity", "attribute", "address"})
# The official HSDS examples give one attribute id to attributes of several records; the
# first link is kept and the others reported, so such data still imports.
_LENIENT_TABLES = frozenset({"attribute"})


@dataclass
class Row:
    values: dict[str, Any]
    file: str
    extra: dict[str, Any] = field(default_factory=dict)
    # Read from the tabular layout (CSV), so checked against datapackage.json, not JSON Schema.
    tabular: bool = False
    # The record as handed in that this row is part of: skipped as a whole when invalid.
    top: str = ""
    invalid: bool = False
    # Child lists the record gave (JSON field names): on re-import, children it no longer
    # lists are removed, so a dropped eligibility or area cannot linger.
    listed: set[str] = field(default_factory=set)


@dataclass
class TopRecord:
    """A record as the user handed it in: what schema validation is run on."""

    kind: str
    data: dict[str, Any]
    file: str

    @property
    def top(self) -> str:
        return f"{self.kind}:{self.data.get('id', '')}"


@dataclass(frozen=True)
class ReadProblem:
    table: str
    key: str
    field: str
    message: str
    blocking: bool = True


@dataclass
class Rows:
    tables: dict[str, dict[str, Row]] = field(default_factory=dict)
    top_records: list[TopRecord] = field(default_factory=list)
    # Found while flattening; check_rows reports them against the rows they concern.
    problems: list[ReadProblem] = field(default_factory=list)

    def add(
        self,
        table: str,
        values: dict[str, Any],
        extra: dict[str, Any],
        file: str,
        *,
        tabular: bool = False,
        top: str = "",
    ) -> None:
        key = str(values.get(KEY_COLUMN[table], ""))
        rows = self.tables.setdefault(table, {})
        existing = rows.get(key)
        if existing is None:
            rows[key] = Row(dict(values), file, dict(extra), tabular, top or f"{table}:{key}")
            return
        # The same record nested under several parents: HSDS means one record with all links.
        # One id given two different values of a field means two records share an id.
        for name, value in values.items():
            known = existing.values.get(name)
            if known is None:
                existing.values[name] = value
            elif (
                value is not None
                and known != value
                and name in _IDENTITY_LINKS
                and table in _IDENTITY_TABLES
            ):
                self.problems.append(
                    ReadProblem(
                        table,
                        key,
                        name,
                        f"one id for two records ({known} and {value}); the first is kept"
                        if table in _LENIENT_TABLES
                        else f"one id for two records ({known} and {value})",
                        blocking=table not in _LENIENT_TABLES,
                    )
                )
        for name, value in extra.items():
            existing.extra.setdefault(name, value)

    def __iter__(self) -> Iterator[tuple[str, str, Row]]:
        for table, rows in self.tables.items():
            for key, row in rows.items():
                yield table, key, row

    def mark_invalid(self, tops: set[str]) -> None:
        """A record with one bad part is invalid as a whole, with everything nested in it."""
        for _table, _key, row in self:
            if row.top in tops:
                row.invalid = True


def flatten(
    record: dict[str, Any],
    table: str,
    rows: Rows,
    file: str,
    links: dict[str, Any],
    top: str = "",
) -> str:
    """Add `record` and everything nested in it to `rows`; return the record's id."""
    values: dict[str, Any] = dict(links)
    extra: dict[str, Any] = {}
    nested = NESTING.get(table, {})
    record_id = str(record.get("id", ""))
    top = top or f"{table}:{record_id}"
    children: list[tuple[Nested, Any]] = []
    for name, value in record.items():
        if name in nested:
            children.append((nested[name], value))
        elif name in EXTENSION_TABLES and EXTENSION_TABLES[name][0] == table:
            if isinstance(value, dict):
                key = EXTENSION_TABLES[name][1]
                ext_values = (
                    {key: record_id, "address": value}
                    if name == "x_confidential_address"
                    else {**value, key: record_id}
                )
                rows.add(name, ext_values, {}, file, top=top)
            else:
                rows.problems.append(ReadProblem(table, record_id, name, "must be an object"))
        elif name in _COLUMNS[table] and name not in links:
            values[name] = value
        elif name.startswith("x_"):
            # An extension we do not know could be a confidential field in the wrong place:
            # keeping it in `extra` would publish it on export.
            rows.problems.append(ReadProblem(table, record_id, name, "unknown x_ extension"))
        elif name not in links:
            extra[name] = value
    for how, value in children:
        if how.child_link:
            for child in value if isinstance(value, list) else []:
                if isinstance(child, dict):
                    child_links: dict[str, Any] = {how.child_link: record_id}
                    if how.table == "attribute":
                        child_links["link_entity"] = child.get("link_entity") or table
                    flatten(child, how.table, rows, file, child_links, top)
        elif isinstance(value, dict) and how.parent_link:
            values[how.parent_link] = flatten(value, how.table, rows, file, {}, top)
    rows.add(table, values, extra, file, top=top)
    row = rows.tables[table][str(values.get(KEY_COLUMN[table], ""))]
    row.listed |= {name for name in record if name in nested and nested[name].child_link}
    if table == "service_at_location":
        row.listed.add("x_referral_endpoint")  # an endpoint left out means: no referrals
    return record_id


# What an import reads at most: a file (or a folder's files together) beyond this is refused
# before it is parsed, so a wrong path (/dev/zero, a disk image) cannot exhaust the memory.
MAX_IMPORT_BYTES = 50 * 1024 * 1024
# Longest CSV field read (a GeoJSON service area is the longest field HSDS has).
MAX_CSV_FIELD_CHARS = 1024 * 1024


class _Budget:
    """Bytes an import may still read."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.left = limit


def size_text(limit: int) -> str:
    mega = 1024 * 1024
    return f"{limit // mega} MB" if limit >= mega and limit % mega == 0 else f"{limit} bytes"


def _read_bytes(file: Path, budget: _Budget, report: Report) -> bytes | None:
    """The content of a regular file within the budget; None (with the reason reported) for
    anything else. Opened without blocking, so a fifo cannot hang the import."""
    name = str(file)
    try:
        descriptor = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as error:
        report.error(name, "", "", f"cannot be read: {error.strerror or error}")
        return None
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            report.error(name, "", "", "not a regular file (a device, a fifo or a socket)")
            return None
        try:
            content = handle.read(budget.left + 1)
        except OSError as error:
            report.error(name, "", "", f"cannot be read: {error.strerror or error}")
            return None
    if len(content) > budget.left:
        if budget.left == budget.limit:
            message = f"the file is larger than {size_text(budget.limit)}"
        else:
            message = f"the files given are larger than {size_text(budget.limit)} together"
        report.error(name, "", "", f"{message}; nothing of it was read")
        budget.left = -1
        return None
    budget.left -= len(content)
    return content


def read_path(path: Path, report: Report, *, max_bytes: int = MAX_IMPORT_BYTES) -> Rows:
    """Read HSDS JSON (an object, a list, a paginated page, or a folder of files) or CSV,
    at most `max_bytes` in all."""
    rows = Rows()
    budget = _Budget(max_bytes)
    try:
        if not path.exists():
            report.error(str(path), "", "", "no such file or folder")
            return rows
        is_folder = path.is_dir()
    except OSError as error:  # a name too long, a permission refused on the way
        report.error(str(path)[:200], "", "", f"cannot be read: {error.strerror or error}")
        return rows
    if is_folder:
        if (
            any((path / name).exists() for name in _CSV_TABLES)
            or (path / "datapackage.json").exists()
        ):
            _read_csv_folder(path, rows, report, budget)
        for file in sorted(path.glob("*.json")):
            if file.name != "datapackage.json" and budget.left >= 0:
                _read_json_file(file, rows, report, budget)
        if not rows.tables and report.ok:
            report.error(str(path), "", "", "no HSDS .json or .csv files in this folder")
        return rows
    if path.suffix.lower() == ".csv":
        _read_csv_file(path, rows, report, budget)
    else:
        _read_json_file(path, rows, report, budget)
    return rows


def _read_json_file(file: Path, rows: Rows, report: Report, budget: _Budget) -> None:
    name = str(file)
    content = _read_bytes(file, budget, report)
    if content is None:
        return
    try:
        document = json.loads(content.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as error:  # JSONDecodeError, too-long integers
        report.error(name, "", "", f"not valid JSON: {str(error)[:200]}")
        return
    except RecursionError:
        report.error(name, "", "", "not valid JSON: nested too deeply")
        return
    if isinstance(document, dict) and "contents" in document and "total_items" in document:
        document = document["contents"]  # one page of an HSDS API list
    if isinstance(document, dict) and document and all(k.endswith(".csv") for k in document):
        for csv_name, table_rows in document.items():  # the tabular layout written as JSON
            _add_tabular(name, csv_name, table_rows, rows, report)
        return
    records = document if isinstance(document, list) else [document]
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            report.error(name, f"#{index + 1}", "", "expected an HSDS record (a JSON object)")
            continue
        kind = kind_of_record(record)
        if kind is None:
            if {"version", "openapi_url"} & set(record):
                report.notes.append(f"{name}: API description, not directory data; skipped")
            else:
                report.error(
                    name,
                    str(record.get("id", f"#{index + 1}")),
                    "",
                    "not an HSDS organization, service, location, service_at_location "
                    "or taxonomy record",
                )
            continue
        rows.top_records.append(TopRecord(kind, record, name))
        flatten(record, kind, rows, name, {})


def _read_csv_folder(folder: Path, rows: Rows, report: Report, budget: _Budget) -> None:
    for file in sorted(folder.glob("*.csv")):
        if budget.left >= 0:
            _read_csv_file(file, rows, report, budget)


_CSV_LOCK = threading.Lock()


def _read_csv_file(file: Path, rows: Rows, report: Report, budget: _Budget) -> None:
    if _CSV_TABLES.get(file.name) is None:
        report.notes.append(f"{file}: {file.name} is not kept by Passage; skipped")
        return
    content = _read_bytes(file, budget, report)
    if content is None:
        return
    reader: csv.DictReader[str] | None = None
    try:
        text = content.decode("utf-8-sig")
        # The field limit is the csv module's, for the whole process: set it for this read only.
        with _CSV_LOCK:
            before = csv.field_size_limit(MAX_CSV_FIELD_CHARS)
            try:
                reader = csv.DictReader(io.StringIO(text, newline=""))
                table_rows = list(reader)
            finally:
                csv.field_size_limit(before)
    except UnicodeDecodeError as error:
        report.error(str(file), "", "", f"not a readable CSV file: {error}")
        return
    except csv.Error as error:
        line = f"line {reader.line_num + 1}" if reader is not None else ""
        if "field limit" in str(error):
            message = f"a field is longer than {MAX_CSV_FIELD_CHARS} characters"
        else:
            message = f"not a readable CSV file: {error}"
        report.error(str(file), line, "", message)
        return
    _add_tabular(str(file), file.name, table_rows, rows, report)


def _add_tabular(file: str, csv_name: str, table_rows: Any, rows: Rows, report: Report) -> None:
    table = _CSV_TABLES.get(csv_name)
    if table is None:
        report.notes.append(f"{file}: {csv_name} is not kept by Passage; skipped")
        return
    if not isinstance(table_rows, list):
        report.error(file, "", "", f"{csv_name}: expected a list of rows")
        return
    for index, raw in enumerate(table_rows):
        if not isinstance(raw, dict):
            report.error(file, f"row {index + 2}", "", "expected a row of named fields")
            continue
        values: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for name, value in raw.items():
            if value in ("", None) or name is None:
                continue  # an empty CSV cell is an absent value
            if name.startswith("x_") and name not in _COLUMNS[table]:
                rows.problems.append(
                    ReadProblem(
                        table, str(raw.get(KEY_COLUMN[table], "")), name, "unknown x_ extension"
                    )
                )
                continue
            (values if name in _COLUMNS[table] else extra)[name] = value
        if table == "x_confidential_address":
            key = values.get("location_id")
            values = {"location_id": key, "address": {**extra, **values}}
            values["address"].pop("location_id", None)
            extra = {}
        if not values.get(KEY_COLUMN[table]):
            report.error(file, f"row {index + 2}", KEY_COLUMN[table], "missing")
            continue
        rows.add(table, values, extra, file, tabular=True)
