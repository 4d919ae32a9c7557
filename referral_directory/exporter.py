"""`passage directory export`: HSDS service JSON files, or the HSDS tabular (CSV) layout.

What is published never contains a confidential location's real address or coordinates: its
record keeps only the front-door contact (`x_confidential_address` is not exported at all).
"""

import csv
import json
from collections import defaultdict
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from referral_directory.db import DirectoryBase
from referral_directory.hsds_checks import HSDS_DIR, tabular_fields, validator
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
    """One file per service; each is checked against the official compiled service schema."""
    out_dir.mkdir(parents=True, exist_ok=True)
    snapshot = DirectorySnapshotForExport(session)
    written = []
    for service_id in sorted(snapshot.rows["service"]):
        service = snapshot.nest("service", snapshot.rows["service"][service_id], frozenset())
        errors = [e.message for e in validator("service").iter_errors(service)]
        if errors:
            raise ExportInvalid(f"service {service_id}: {errors[0]}")
        path = out_dir / f"{service_id}.json"
        path.write_text(json.dumps(service, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        written.append(path)
    return written


class ExportInvalid(Exception):
    """An exported record does not validate: a bug of ours, never silently published."""


def export_csv(session: Session, out_dir: Path) -> list[Path]:
    """The HSDS tabular layout: one CSV per table and a datapackage.json describing them."""
    out_dir.mkdir(parents=True, exist_ok=True)
    snapshot = DirectorySnapshotForExport(session)
    official = tabular_fields()
    written = []
    resources = []
    package = json.loads((HSDS_DIR / "datapackage.json").read_text())
    by_path = {resource["path"]: resource for resource in package["resources"]}
    for table, csv_name in CSV_FILES.items():
        if table == "x_confidential_address":
            continue
        if table == "x_referral_endpoint":
            names = ["service_at_location_id", *endpoint_json_fields()]
            records = [
                {"service_at_location_id": key, **_csv_endpoint(e)}
                for key, e in sorted(snapshot.endpoints.items())
            ]
        else:
            ours = [c.name for c in TABLES[table].__table__.columns if c.name != "extra"]
            names = [n for n in official.get(table, {}) if n in ours]
            names += [n for n in ours if n not in names]
            records = [
                _csv_row(table, record) for _, record in sorted(snapshot.rows[table].items())
            ]
        path = out_dir / csv_name
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.DictWriter(handle, fieldnames=names, extrasaction="ignore")
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
