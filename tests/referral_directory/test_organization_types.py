"""An organization's type (`x_organization_type`): imported, checked and exported with it."""

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session

from referral_directory.exporter import export_csv, export_json
from referral_directory.importer import import_directory
from referral_directory.models import Organization
from referral_directory.organization_types import ORGANIZATION_TYPES
from tests.referral_directory.hsds_builders import service, uid, write


def _typed(key: str, organization_type: Any) -> dict[str, Any]:
    record = service(key)
    record["organization"]["x_organization_type"] = organization_type
    return record


@pytest.mark.parametrize("organization_type", ORGANIZATION_TYPES)
def test_each_type_is_imported_and_exported(
    session: Session, tmp_path: Path, organization_type: str
) -> None:
    report = import_directory(
        session, write(tmp_path / "s.json", _typed("unit", organization_type))
    )
    assert report.ok, report.lines()
    session.commit()
    organization = session.get(Organization, uid("organization/unit"))
    assert organization is not None and organization.x_organization_type == organization_type

    export_json(session, tmp_path / "json")
    exported = json.loads((tmp_path / "json" / f"{uid('service/unit')}.json").read_text())
    assert exported["organization"]["x_organization_type"] == organization_type
    export_csv(session, tmp_path / "csv")
    assert organization_type in (tmp_path / "csv" / "organizations.csv").read_text()


def test_the_type_survives_a_round_trip_through_csv(session: Session, tmp_path: Path) -> None:
    assert import_directory(session, write(tmp_path / "s.json", _typed("unit", "police"))).ok
    session.commit()
    export_csv(session, tmp_path / "csv")
    organization = session.get(Organization, uid("organization/unit"))
    assert organization is not None
    organization.x_organization_type = None
    session.commit()

    report = import_directory(session, tmp_path / "csv")
    assert report.ok, report.lines()
    session.commit()
    session.expire_all()
    again = session.get(Organization, uid("organization/unit"))
    assert again is not None and again.x_organization_type == "police"


@pytest.mark.parametrize("unknown", ["Police", "militia", "", 7])
def test_an_unknown_type_is_refused_and_the_record_skipped(
    session: Session, tmp_path: Path, unknown: Any
) -> None:
    report = import_directory(session, write(tmp_path / "s.json", _typed("unit", unknown)))
    assert not report.ok
    assert any("x_organization_type" in line for line in report.lines())
    assert session.get(Organization, uid("organization/unit")) is None


def test_an_organization_without_a_type_is_imported_untyped(
    session: Session, tmp_path: Path
) -> None:
    assert import_directory(session, write(tmp_path / "s.json", service("unit"))).ok
    organization = session.get(Organization, uid("organization/unit"))
    assert organization is not None and organization.x_organization_type is None
