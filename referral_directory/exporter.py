"""`passage directory export`: HSDS service JSON files, or the HSDS tabular (CSV) layout.

What is published never contains a confidential location's real address or coordinates: its
record keeps only the front-door contact (`x_confidential_address` is not exported at all).
"""

import csv
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from jsonschema import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from referral_directory.db import DirectoryBase
from referral_directory.hsds_checks import HSDS_DIR, bad_urls, tabular_fields, validator
from referral_directory.hsds_layout import CSV_FILES, NESTING
from referral_directory.models import TABLES, Location, XReferralEndpoint

_HIDDEN_WHEN_CONFIDENTIAL = ("latitude", "longitude")


class DirectorySnapshotForExport:
    """All directory rows in memory, indexed by the columns that nest them."""

    def __init__(self, session: Session) -> None:
        self.rows: dict[str, dict[str, DirectoryBase]] = {}
        self.children: dict[tuple[str, str, str], list[DirectoryBase]] = defaultdict(list)
        for table, model in TABLES.items():
            records = session.scalars(select(model)).all()
            self.rows[table] = {record.id: record for record in records}  # type: ignore[attr-defined]
        for table, model in TABLES.items():
            for column in model.__table__.columns:
                if column.name.endswith("_id") and column.name != "id":
                    for record in self.rows[table].values():
                        linked = getattr(record, column.name)
                        if linked is not None:
                            self.children[(table, column.name, linked)].append(record)
        self.endpoints = {
            e.service_at_location_id: e for e in session.scalars(select(XReferralEndpoint))
        }

    def nest(self, table: str, record: DirectoryBase, parents: frozenset[str]) -> dict[str, Any]:
        """`record` as an HSDS object, its children nested; `parents` stops cycles."""
        out = _columns_of(table, record)
        for field_name, how in NESTING.get(table, {}).items():
            if how.table in parents:
                continue
            inner = parents | {table}
            if how.child_link:
                key = (how.table, how.child_link, record.id)  # type: ignore[attr-defined]
                kids = sorted(self.children.get(key, []), key=lambda r: r.id)  # type: ignore[attr-defined]
                if kids:
                    out[field_name] = [
                        self._child(how.table, kid, how.child_link, inner) for kid in kids
                    ]
            elif how.parent_link:
                linked = getattr(record, how.parent_link)
                target = self.rows[how.table].get(linked) if linked else None
                if target is not None:
                    out[field_name] = self.nest(how.table, target, inner)
        if table == "service_at_location":
            endpoint = self.endpoints.get(record.id)  # type: ignore[attr-defined]
            if endpoint is not None:
                out["x_referral_endpoint"] = endpoint_json(endpoint)
        return out

    def _child(
        self, table: str, record: DirectoryBase, link: str, parents: frozenset[str]
    ) -> dict[str, Any]:
        nested = self.nest(table, record, parents)
        nested.pop(link, None)  # implied by the nesting
        return nested


def endpoint_json(endpoint: XReferralEndpoint) -> dict[str, Any]:
    return {
        "channel": endpoint.channel,
        "address": endpoint.address,
        "languages": [code for code in endpoint.languages.split(",") if code],
        "accepting_referrals": endpoint.accepting_referrals,
        "response_deadline_minutes": endpoint.response_deadline_minutes,
    }


def _columns_of(table: str, record: DirectoryBase) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for column in TABLES[table].__table__.columns:
        if column.name == "extra":
            continue
        value = getattr(record, column.name)
        if value is None or (column.name == "x_confidential" and not value):
            continue
        hidden = isinstance(record, Location) and record.x_confidential
        if hidden and column.name in _HIDDEN_WHEN_CONFIDENTIAL:
            continue
        out[column.name] = _json_value(value)
    for name, value in (getattr(record, "extra", None) or {}).items():
        out.setdefault(name, value)
    return out


def _json_value(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def export_json(session: Session, out_dir: Path) -> list[Path]:
    """One file per service; each is checked against the official compiled service schema
    (and our rule for web addresses) before anything is written."""
    snapshot = DirectorySnapshotForExport(session)
    services = {
        service_id: snapshot.nest("service", snapshot.rows["service"][service_id], frozenset())
        for service_id in sorted(snapshot.rows["service"])
    }
    problems = [problem for service in services.values() for problem in export_problems(service)]
    if problems:
        raise ExportInvalid(problems)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for service_id, service in services.items():
        path = out_dir / f"{service_id}.json"
        path.write_text(json.dumps(service, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written


def export_problems(service: dict[str, Any]) -> list[str]:
    """What makes an exported service invalid HSDS: one line per problem, naming the record
    (its table and id) and the field."""
    found: list[tuple[tuple[str | int, ...], str]] = [
        (tuple(error.absolute_path), _schema_message(error))
        for error in validator("service").iter_errors(service)
    ]
    found += [
        (tuple(int(p) if p.isdigit() else p for p in path.split(".")), reason)
        for path, reason in bad_urls(service)
    ]
    return [_named(service, path, message) for path, message in found]


def _schema_message(error: ValidationError) -> str:
    if isinstance(error.instance, dict | list):
        return f"{error.validator} {error.validator_value!r} not satisfied"[:200]
    return error.message[:200]


def _named(service: dict[str, Any], path: tuple[str | int, ...], message: str) -> str:
    """`service <id>` or the innermost nested record holding the field, with the field."""
    record: tuple[str, Any] = ("service", service.get("id"))
    node: Any = service
    field_start = 0
    for index, part in enumerate(path):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and "id" in node and index < len(path) - 1:
            table = next(
                (name for name in reversed(path[: index + 1]) if isinstance(name, str)), "service"
            )
            record = (_TABLE_OF_FIELD.get(table, table), node["id"])
            field_start = index + 1
    field = ".".join(str(part) for part in path[field_start:]) or "(record)"
    return f"{record[0]} {str(record[1])[:80]} {field}: {message}"


_TABLE_OF_FIELD = {field: how.table for fields in NESTING.values() for field, how in fields.items()}


class ExportInvalid(Exception):
    """An exported record does not validate: never silently published. Carries one line per
    problem (record and field)."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:5]))
        self.problems = problems


def export_csv(session: Session, out_dir: Path) -> list[Path]:
    """The HSDS tabular layout: one CSV per table and a datapackage.json describing them."""
    snapshot = DirectorySnapshotForExport(session)
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in CSV_FILES:
        if table == "x_confidential_address":
            continue
        if table == "x_referral_endpoint":
            tables[table] = [
                {"service_at_location_id": key, **_csv_endpoint(e)}
                for key, e in sorted(snapshot.endpoints.items())
            ]
        else:
            tables[table] = [
                _csv_row(table, record) for _, record in sorted(snapshot.rows[table].items())
            ]
    return write_datapackage(out_dir, tables)


def csv_columns(table: str) -> list[str]:
    """The columns of one CSV file: the official ones we keep, in HSDS's order, then ours."""
    if table == "x_referral_endpoint":
        return ["service_at_location_id", *endpoint_json_fields()]
    if table == "x_confidential_address":
        return [
            "location_id",
            "address_1",
            "address_2",
            "city",
            "region",
            "state_province",
            "postal_code",
            "country",
        ]
    ours = [c.name for c in TABLES[table].__table__.columns if c.name != "extra"]
    names = [n for n in tabular_fields().get(table, {}) if n in ours]
    return names + [n for n in ours if n not in names]


def write_datapackage(out_dir: Path, tables: dict[str, list[dict[str, Any]]]) -> list[Path]:
    """`tables` (rows by table name) as the HSDS datapackage layout in `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    package = json.loads((HSDS_DIR / "datapackage.json").read_text())
    by_path = {resource["path"]: resource for resource in package["resources"]}
    written = []
    resources = []
    for table, records in tables.items():
        csv_name = CSV_FILES[table]
        path = out_dir / csv_name
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=csv_columns(table), extrasaction="ignore")
            writer.writeheader()
            writer.writerows(records)
        written.append(path)
        if csv_name in by_path:
            resources.append(by_path[csv_name])
    package["resources"] = resources
    (out_dir / "datapackage.json").write_text(json.dumps(package, indent=2) + "\n")
    written.append(out_dir / "datapackage.json")
    return written


def endpoint_json_fields() -> list[str]:
    return [
        c.name for c in XReferralEndpoint.__table__.columns if c.name != "service_at_location_id"
    ]


def _csv_endpoint(endpoint: XReferralEndpoint) -> dict[str, Any]:
    return {name: getattr(endpoint, name) for name in endpoint_json_fields()}


def _csv_row(table: str, record: DirectoryBase) -> dict[str, Any]:
    return {
        name: value
        for name, value in _columns_of(table, record).items()
        if not isinstance(value, dict | list)
    }
