"""HSDS import, validation and export against a real (SQLite) database."""

import json
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from referral_directory.exporter import export_csv, export_json
from referral_directory.hsds_checks import HSDS_DIR
from referral_directory.importer import import_directory
from referral_directory.models import (
    TABLES,
    Location,
    Phone,
    Service,
    XConfidentialAddress,
    XReferralEndpoint,
)
from tests.referral_directory.hsds_builders import sal_id, service, uid, write

EXAMPLES = Path(__file__).parent / "hsds_examples"
SERVICE_SCHEMA = json.loads((HSDS_DIR / "compiled" / "service.json").read_text())


def _counts(session: Session) -> dict[str, int]:
    return {
        table: session.scalar(select(func.count()).select_from(model)) or 0
        for table, model in TABLES.items()
    }


def test_the_official_examples_import_and_again_without_duplicates(session: Session) -> None:
    first = import_directory(session, EXAMPLES)
    session.commit()
    assert first.ok, first.lines()
    assert first.created["service"] == 1
    # The examples put the same phone under a service, a contact, a location and an
    # organization: HSDS means one phone with all those links, as its tabular example shows.
    phone = session.get(Phone, "1554f2e2-a373-45db-a3fa-9fc48a61c15e")
    assert phone is not None
    assert phone.service_id == "ac148810-d857-441c-9679-408f346de14b"
    assert phone.contact_id == "1e7efce3-639b-4880-940c-b95cd30cdb50"
    before = _counts(session)

    second = import_directory(session, EXAMPLES)
    session.commit()
    assert second.ok
    assert second.created == {}
    assert second.updated["service"] == 1
    assert _counts(session) == before


def test_examples_re_export_as_valid_hsds_and_import_again(
    session: Session, tmp_path: Path
) -> None:
    assert import_directory(session, EXAMPLES).ok
    session.commit()
    files = export_json(session, tmp_path / "json")
    assert [f.name for f in files] == ["ac148810-d857-441c-9679-408f346de14b.json"]
    exported = json.loads(files[0].read_text())
    assert list(Draft202012Validator(SERVICE_SCHEMA).iter_errors(exported)) == []
    # Fields we keep no column for travel through `extra` and come back.
    assert exported["funding"][0]["id"] == "1f2df32c-bf08-4b8e-bd6f-e834014b19bc"
    assert exported["service_at_locations"][0]["location"]["addresses"][0]["city"] == "MyCity"
    before = _counts(session)

    again = import_directory(session, tmp_path / "json")
    assert again.ok, again.lines()
    assert again.created == {}
    assert _counts(session) == before


def test_csv_export_is_the_datapackage_layout_and_imports(session: Session, tmp_path: Path) -> None:
    assert import_directory(session, EXAMPLES).ok
    session.commit()
    export_csv(session, tmp_path / "csv")
    package = json.loads((tmp_path / "csv" / "datapackage.json").read_text())
    assert "services.csv" in [r["path"] for r in package["resources"]]
    header = (tmp_path / "csv" / "services.csv").read_text().splitlines()[0].split(",")
    assert header[:4] == ["id", "organization_id", "name", "alternate_name"]
    before = _counts(session)

    report = import_directory(session, tmp_path / "csv")
    assert report.ok, report.lines()
    assert report.created == {}
    assert _counts(session) == before


def test_an_invalid_record_rejects_the_whole_import_with_file_id_and_field(
    session: Session, tmp_path: Path
) -> None:
    good = service("good")
    bad = service("bad", status="open 24h")
    bad["service_at_locations"][0]["x_referral_endpoint"]["address"] = "0123 456"
    path = write(tmp_path / "providers.json", [good, bad])

    report = import_directory(session, path)

    assert not report.ok
    problems = {(p.file, p.record_id, p.field) for p in report.errors}
    assert (str(path), uid("service/bad"), "status") in problems
    assert (str(path), sal_id("bad"), "x_referral_endpoint.address") in problems
    session.rollback()
    assert _counts(session)["service"] == 0


def test_skip_invalid_imports_the_valid_records_and_reports_the_others(
    session: Session, tmp_path: Path
) -> None:
    path = write(tmp_path / "providers.json", [service("good"), service("bad", status="open")])

    report = import_directory(session, path, skip_invalid=True)
    session.commit()

    assert [p.field for p in report.errors] == ["status"]
    assert report.skipped_records == [f"service:{uid('service/bad')}"]
    assert session.get(Service, uid("service/good")) is not None
    assert session.get(Service, uid("service/bad")) is None


def test_a_csv_row_linking_to_a_missing_service_is_named(session: Session, tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "service_at_location.csv").write_text(
        f"id,service_id,location_id\n{uid('sal-1')},{uid('nowhere')},{uid('no-place')}\n"
        f"{uid('sal-2')},,\n"
    )

    report = import_directory(session, folder)

    assert sorted((p.record_id, p.field, p.message) for p in report.errors) == sorted(
        [
            (uid("sal-1"), "location_id", f"no location with id {uid('no-place')}"),
            (uid("sal-1"), "service_id", f"no service with id {uid('nowhere')}"),
            (uid("sal-2"), "location_id", "required field is missing"),
            (uid("sal-2"), "service_id", "required field is missing"),
        ]
    )


def test_unreadable_input_is_an_error_not_a_crash(session: Session, tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{not json")
    report = import_directory(session, tmp_path / "broken.json")
    assert not report.ok
    assert "not valid JSON" in report.errors[0].message
    missing = import_directory(session, tmp_path / "nowhere")
    assert missing.errors[0].message == "no such file or folder"


def test_a_confidential_address_is_stored_apart_and_never_exported(
    session: Session, tmp_path: Path
) -> None:
    secret = {"address_1": "14 Hidden Lane", "city": "Tashkent", "country": "UZ"}
    record = service("shelter", confidential_address=secret)
    assert import_directory(session, write(tmp_path / "s.json", record)).ok
    session.commit()
    location_id = uid("location/shelter")
    stored = session.get(XConfidentialAddress, location_id)
    assert stored is not None and stored.address == secret

    for fmt, writer in (("json", export_json), ("csv", export_csv)):
        writer(session, tmp_path / fmt)
        published = "".join(p.read_text() for p in (tmp_path / fmt).iterdir())
        assert "Hidden Lane" not in published
        assert "41.2995" not in published  # nor the coordinates that would find it
    location = session.get(Location, location_id)
    assert location is not None and location.latitude == pytest.approx(41.2995)


def test_the_endpoint_extension_round_trips(session: Session, tmp_path: Path) -> None:
    assert import_directory(session, write(tmp_path / "s.json", service("clinic"))).ok
    session.commit()
    endpoint = session.get(XReferralEndpoint, sal_id("clinic"))
    assert endpoint is not None and endpoint.channel == "sms"
    export_json(session, tmp_path / "out")
    exported = json.loads((tmp_path / "out" / f"{uid('service/clinic')}.json").read_text())
    assert exported["service_at_locations"][0]["x_referral_endpoint"] == {
        "channel": "sms",
        "address": "+15005550006",
        "languages": ["uz"],
        "accepting_referrals": True,
        "response_deadline_minutes": 60,
    }


def test_the_demo_directory_is_valid_and_covers_every_category(
    session: Session, tmp_path: Path
) -> None:
    from referral_directory.candidates import load_candidates
    from referral_directory.needs import CATEGORIES

    demo = Path(__file__).parents[2] / "referral_directory" / "demo"
    shutil.copytree(demo, tmp_path / "demo")
    report = import_directory(session, tmp_path / "demo")
    assert report.ok, report.lines()
    assert report.warnings == []
    session.commit()
    candidates = load_candidates(session)
    assert len({c.service_id for c in candidates}) >= 60
    assert set(CATEGORIES) <= {cat for c in candidates for cat in c.categories}
