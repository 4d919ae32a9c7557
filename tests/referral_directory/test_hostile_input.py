"""Hostile or careless directory data: a clear report, nothing written, nothing leaked."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from referral_directory.exporter import export_json
from referral_directory.geo import Point
from referral_directory.importer import import_directory
from referral_directory.match_values import CaseForMatching, MatchingRules
from referral_directory.matcher import directory_index
from referral_directory.models import Attribute, Location, Service, XReferralEndpoint
from tests.referral_directory.hsds_builders import TASHKENT, sal_id, service, uid, write

SECRET = {"address_1": "6 Hidden Street", "city": "Tashkent", "country": "UZ"}


def _services(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Service)) or 0


def _messages(report: Any) -> list[tuple[str, str]]:
    return [(p.field, p.message) for p in report.errors]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda r: r.update(x_verified_at="2099-01-01T00:00:00Z"), "x_verified_at"),
        (lambda r: r.update(minimum_age=10**400), "minimum_age"),
        (lambda r: r.update(x_verified_at="0001-01-01T00:00:00+05:00"), "x_verified_at"),
        (
            lambda r: r["service_at_locations"][0]["x_referral_endpoint"].update(
                response_deadline_minutes=10**20
            ),
            "x_referral_endpoint.response_deadline_minutes",
        ),
        (
            lambda r: r["service_at_locations"][0].update(x_referral_endpoint="+15005550006"),
            "x_referral_endpoint",
        ),
        (lambda r: r.update(x_priority=1), "x_priority"),
        (
            lambda r: r["service_at_locations"][0].update(
                schedules=[
                    {"id": uid("s"), "timezone": 30, "opens_at": "09:00", "closes_at": "17:00"}
                ]
            ),
            "timezone",
        ),
    ],
)
def test_bad_values_are_reported_by_field_and_nothing_is_written(
    session: Session, tmp_path: Path, change: Any, field: str
) -> None:
    record = service("shelter")
    change(record)
    report = import_directory(session, write(tmp_path / "d.json", [record, service("other")]))
    assert field in [p.field for p in report.errors], report.lines()
    session.rollback()
    assert _services(session) == 0


def test_unreadable_json_is_reported_not_raised(session: Session, tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text("[" * 100_000)
    (tmp_path / "long.json").write_text("[" + "9" * 5000 + "]")
    for name in ("deep.json", "long.json"):
        report = import_directory(session, tmp_path / name)
        assert report.errors[0].message.startswith("not valid JSON")


def test_two_records_with_one_service_at_location_id_are_refused(
    session: Session, tmp_path: Path
) -> None:
    first, second = service("women"), service("men")
    second["service_at_locations"][0]["id"] = first["service_at_locations"][0]["id"]
    report = import_directory(session, write(tmp_path / "d.json", [first, second]))
    assert (
        "service_id",
        f"one id for two records ({uid('service/women')} and {uid('service/men')})",
    ) in _messages(report)


def test_an_unknown_x_field_in_csv_is_refused_so_it_cannot_be_published(
    session: Session, tmp_path: Path
) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "locations.csv").write_text(
        f"id,location_type,x_confidential_address\n{uid('loc-1')},physical,6 Hidden Street\n"
    )
    report = import_directory(session, folder)
    assert _messages(report) == [("x_confidential_address", "unknown x_ extension")]


def test_schema_errors_do_not_repeat_a_confidential_address(
    session: Session, tmp_path: Path
) -> None:
    record = service("shelter", confidential_address=SECRET)
    record["service_at_locations"] = record["service_at_locations"][0]  # object, not a list
    report = import_directory(session, write(tmp_path / "d.json", record))
    assert not report.ok
    assert "Hidden" not in "\n".join(report.lines())


def test_a_hidden_address_makes_its_location_confidential(session: Session, tmp_path: Path) -> None:
    record = service("shelter", confidential_address=SECRET)
    del record["service_at_locations"][0]["location"]["x_confidential"]
    report = import_directory(session, write(tmp_path / "d.json", record))
    assert [p.field for p in report.warnings] == ["x_confidential"]
    session.commit()
    location = session.get(Location, uid("location/shelter"))
    assert location is not None and location.x_confidential
    export_json(session, tmp_path / "out")
    published = "".join(p.read_text() for p in (tmp_path / "out").iterdir())
    assert "Hidden" not in published and str(TASHKENT[0]) not in published


def test_re_import_removes_what_the_record_no_longer_lists(
    session: Session, tmp_path: Path
) -> None:
    record = service("family-shelter", eligibility=("children_accepted",))
    assert import_directory(session, write(tmp_path / "v1.json", record)).ok
    session.commit()
    child = CaseForMatching(needs=("basic.housing",), location=Point(*TASHKENT))
    now = datetime(2026, 11, 23, tzinfo=UTC)
    assert directory_index(session, MatchingRules()).match(child, now)[0].proposals

    record = service("family-shelter")  # no longer takes children
    del record["service_at_locations"][0]["x_referral_endpoint"]
    report = import_directory(session, write(tmp_path / "v2.json", record))
    session.commit()

    assert report.removed == {"attribute": 1, "x_referral_endpoint": 1}
    assert session.scalar(select(func.count()).select_from(Attribute)) == 1  # the category
    assert session.get(XReferralEndpoint, sal_id("family-shelter")) is None
    [result] = directory_index(session, MatchingRules()).match(child, now)
    assert result.proposals == ()


def test_a_far_future_capacity_date_is_refused(session: Session, tmp_path: Path) -> None:
    record = service("shelter", capacity=(0, "2099-01-01T00:00:00Z"))
    report = import_directory(session, write(tmp_path / "d.json", record))
    assert ("updated", "is in the future") in _messages(report)
    # The report is plain JSON, as `--json` prints it.
    assert json.loads(json.dumps(report.as_json()))["ok"] is False


def test_a_file_with_nothing_to_import_is_an_error(session: Session, tmp_path: Path) -> None:
    (tmp_path / "notes.csv").write_text("a,b\n1,2\n")
    report = import_directory(session, tmp_path / "notes.csv")
    assert _messages(report) == [("", "no HSDS directory records found")]
