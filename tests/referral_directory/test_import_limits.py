"""Issue 20: what an import reads is bounded, web addresses are http(s) only, text fits its
column, and CSV values are typed as HSDS types them, so a CSV import exports valid HSDS."""

import csv
import json
import os
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from referral_directory import hsds_rows
from referral_directory.exporter import ExportInvalid, export_json
from referral_directory.hsds_checks import compiled_schema
from referral_directory.importer import import_directory, validate_directory
from referral_directory.models import Address, Language, Organization, Service
from tests.referral_directory.hsds_builders import service, uid, write


def _services(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Service)) or 0


def _errors(report: Any) -> list[tuple[str, str, str]]:
    return [(p.record_id, p.field, p.message) for p in report.errors]


# --- web addresses -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "record_id", "field"),
    [
        (
            lambda r: r["organization"].update(website="javascript:alert(document.cookie)"),
            uid("organization/shelter"),
            "website",
        ),
        (lambda r: r.update(url="JavaScript:alert(1)"), uid("service/shelter"), "url"),
        (lambda r: r.update(url=" javascript:alert(1)"), uid("service/shelter"), "url"),
        (lambda r: r.update(url="data:text/html,<script>alert(1)</script>"), None, "url"),
        (lambda r: r.update(url="www.example.org"), uid("service/shelter"), "url"),
        (lambda r: r.update(url="https://"), uid("service/shelter"), "url"),
        (
            lambda r: r.update(additional_urls=[{"id": uid("u"), "url": "javascript:alert(1)"}]),
            uid("service/shelter"),
            "additional_urls.0.url",
        ),
        (
            lambda r: r["service_at_locations"][0]["location"].update(url="vbscript:msgbox"),
            uid("location/shelter"),
            "url",
        ),
    ],
)
def test_a_web_address_that_is_not_http_is_refused_by_record_and_field(
    session: Session, tmp_path: Path, change: Any, record_id: str | None, field: str
) -> None:
    record = service("shelter")
    change(record)

    report = import_directory(session, write(tmp_path / "d.json", [record, service("other")]))

    named = [(p.record_id, p.field) for p in report.errors]
    assert (record_id or uid("service/shelter"), field) in named, report.lines()
    assert not any("alert" in line or "<script" in line for line in report.lines())
    session.rollback()
    assert _services(session) == 0


def test_http_and_https_addresses_are_kept(session: Session, tmp_path: Path) -> None:
    record = service("clinic")
    record["url"] = "http://clinic.example.org/intake?lang=uz"
    record["organization"]["website"] = "HTTPS://Clinic.Example.org"
    report = import_directory(session, write(tmp_path / "d.json", record))
    assert report.ok, report.lines()
    organization = session.get(Organization, uid("organization/clinic"))
    assert organization is not None and organization.website == "HTTPS://Clinic.Example.org"


# --- bounded reading -----------------------------------------------------------------------


def test_a_device_is_refused_without_reading_it(session: Session) -> None:
    report = import_directory(session, Path("/dev/zero"))
    assert _errors(report) == [("", "", "not a regular file (a device, a fifo or a socket)")]


def test_a_fifo_is_refused_without_waiting_for_a_writer(session: Session, tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "providers.json")
    report = import_directory(session, tmp_path / "providers.json")
    assert report.errors[0].message.startswith("not a regular file")
    folder = tmp_path / "csv"
    folder.mkdir()
    os.mkfifo(folder / "services.csv")
    report = import_directory(session, folder)
    assert report.errors[0].message.startswith("not a regular file")


def test_a_file_larger_than_the_cap_is_refused_before_it_is_parsed(
    session: Session, tmp_path: Path
) -> None:
    big = write(tmp_path / "big.json", [service(f"s{n}") for n in range(30)])
    size = big.stat().st_size

    refused = import_directory(session, big, max_bytes=size - 1)
    assert _errors(refused) == [
        ("", "", f"the file is larger than {size - 1} bytes; nothing of it was read")
    ]
    assert _services(session) == 0

    assert import_directory(session, big, max_bytes=size).ok


def test_the_cap_is_in_megabytes_by_default_and_says_so(session: Session, tmp_path: Path) -> None:
    huge = tmp_path / "huge.json"
    with huge.open("wb") as handle:  # sparse: no disk and no time spent
        handle.truncate(hsds_rows.MAX_IMPORT_BYTES + 1)
    report, _rows = validate_directory(session, huge)
    mega = hsds_rows.MAX_IMPORT_BYTES // (1024 * 1024)
    assert report.errors[0].message.startswith(f"the file is larger than {mega} MB")


def test_the_files_of_a_folder_share_one_cap(session: Session, tmp_path: Path) -> None:
    one = write(tmp_path / "a.json", [service("a")])
    write(tmp_path / "b.json", [service("b")])
    report = import_directory(session, tmp_path, max_bytes=one.stat().st_size + 10)
    assert [p.message for p in report.errors] == [
        f"the files given are larger than {one.stat().st_size + 10} bytes together; "
        "nothing of it was read"
    ]


def test_a_csv_field_beyond_the_limit_is_refused(
    session: Session, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(hsds_rows, "MAX_CSV_FIELD_CHARS", 1000)
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "services.csv").write_text(
        f"id,name,status,description\n{uid('s')},S,active,short\n{uid('t')},T,active,{'x' * 1001}\n"
    )
    report = import_directory(session, folder)
    assert _errors(report) == [("line 3", "", "a field is longer than 1000 characters")]


# --- text that fits the columns ------------------------------------------------------------


def _limit(model: Any, column: str) -> int:
    length = model.__table__.columns[column].type.length
    assert isinstance(length, int)
    return length


def test_text_longer_than_its_column_is_named_with_the_limit(
    session: Session, tmp_path: Path
) -> None:
    record = service("shelter")
    address = record["service_at_locations"][0]["location"]["addresses"][0]
    address["country"] = "X" * (_limit(Address, "country") + 1)
    record["languages"][0]["code"] = "u" * (_limit(Language, "code") + 1)

    report = import_directory(session, write(tmp_path / "d.json", record))

    errors = _errors(report)
    country = _limit(Address, "country")
    assert (
        uid("address/shelter"),
        "country",
        f"longer than {country} characters ({country + 1}), the most it may have",
    ) in errors
    assert any(
        e[1] == "code" and f"longer than {_limit(Language, 'code')} " in e[2] for e in errors
    )
    session.rollback()
    assert _services(session) == 0


def test_an_overlong_id_in_csv_is_reported_shortened(session: Session, tmp_path: Path) -> None:
    folder = tmp_path / "csv"
    folder.mkdir()
    long_id = "a" * 5000
    (folder / "languages.csv").write_text(f"id,name\n{long_id},Uzbek\n")
    report = import_directory(session, folder)
    assert not report.ok
    assert ("id", "longer than 64 characters (5000), the most it may have") in [
        (p.field, p.message) for p in report.errors
    ]
    assert all(len(line) < 400 for line in report.lines())


# --- CSV typed as HSDS types it ------------------------------------------------------------


def write_csv(folder: Path, name: str, rows: list[dict[str, str]]) -> None:
    folder.mkdir(exist_ok=True)
    with (folder / name).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def small_datapackage(folder: Path, **changes: str) -> None:
    org, svc, loc, sal = uid("o"), uid("s"), uid("l"), uid("sal")
    write_csv(
        folder,
        "organizations.csv",
        [
            {
                "id": org,
                "name": "Hope",
                "description": "An NGO",
                "website": changes.get("website", "https://hope.example.org"),
                "year_incorporated": changes.get("year_incorporated", "2004"),
                "x_organization_type": "ngo",
            }
        ],
    )
    write_csv(
        folder,
        "services.csv",
        [
            {
                "id": svc,
                "organization_id": org,
                "name": "Shelter",
                "status": "active",
                "minimum_age": "18",
                "maximum_age": "",
            }
        ],
    )
    write_csv(
        folder,
        "locations.csv",
        [
            {
                "id": loc,
                "location_type": "physical",
                "latitude": "41.2995",
                "longitude": "69.2401",
                "x_tz": "Asia/Tashkent",
            }
        ],
    )
    write_csv(
        folder, "service_at_location.csv", [{"id": sal, "service_id": svc, "location_id": loc}]
    )
    write_csv(
        folder,
        "schedules.csv",
        [
            {
                "id": uid("sch"),
                "service_at_location_id": sal,
                "freq": "WEEKLY",
                "byday": "MO,TU",
                "opens_at": "09:00",
                "closes_at": "17:00",
                "count": changes.get("count", "10"),
                "interval": "1",
                "timezone": "5",
            }
        ],
    )
    write_csv(
        folder,
        "phones.csv",
        [{"id": uid("p"), "service_id": svc, "number": "+998 71 123 45 67", "extension": "12"}],
    )
    write_csv(
        folder,
        "x_referral_endpoints.csv",
        [
            {
                "service_at_location_id": sal,
                "channel": "sms",
                "address": "+15005550006",
                "languages": "uz",
                "accepting_referrals": "true",
                "response_deadline_minutes": "60",
            }
        ],
    )


def test_a_csv_import_exports_json_valid_against_the_official_schema(
    session: Session, tmp_path: Path
) -> None:
    small_datapackage(tmp_path / "csv")
    report = import_directory(session, tmp_path / "csv")
    assert report.ok, report.lines()
    session.commit()

    (exported_file,) = export_json(session, tmp_path / "json")

    exported = json.loads(exported_file.read_text())
    checker = Draft202012Validator(compiled_schema("service"), format_checker=FormatChecker())
    assert [e.message for e in checker.iter_errors(exported)] == []
    assert exported["organization"]["year_incorporated"] == 2004
    schedule = exported["service_at_locations"][0]["schedules"][0]
    assert (schedule["count"], schedule["interval"], schedule["timezone"]) == (10, 1, 5)
    assert exported["phones"][0]["extension"] == 12
    assert exported["service_at_locations"][0]["x_referral_endpoint"]["accepting_referrals"] is True


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"year_incorporated": "two thousand"}, "year_incorporated", "is not a number"),
        ({"year_incorporated": "1_000"}, "year_incorporated", "is not a number"),
        ({"count": "nan"}, "count", "is not a number"),
        ({"website": "javascript:alert(1)"}, "website", "not javascript:"),
    ],
)
def test_a_csv_value_hsds_does_not_accept_is_named(
    session: Session, tmp_path: Path, change: dict[str, str], field: str, message: str
) -> None:
    small_datapackage(tmp_path / "csv", **change)
    report = import_directory(session, tmp_path / "csv")
    assert any(p.field == field and message in p.message for p in report.errors), report.lines()


def test_csv_ids_must_be_uuids_as_in_json(session: Session, tmp_path: Path) -> None:
    write_csv(tmp_path / "csv", "languages.csv", [{"id": "lang-1", "name": "Uzbek"}])
    report = import_directory(session, tmp_path / "csv")
    assert ("lang-1", "id", "'lang-1' is not a 'uuid'") in _errors(report)


# --- exports that would not validate --------------------------------------------------------


def test_an_export_that_would_not_validate_names_record_and_field_and_writes_nothing(
    session: Session, tmp_path: Path
) -> None:
    assert import_directory(session, write(tmp_path / "d.json", service("shelter"))).ok
    session.commit()
    organization = session.get(Organization, uid("organization/shelter"))
    assert organization is not None
    organization.website = "javascript:alert(1)"  # written before imports checked it
    stored = session.get(Service, uid("service/shelter"))
    assert stored is not None
    stored.status = "open 24h"
    session.commit()

    with pytest.raises(ExportInvalid) as invalid:
        export_json(session, tmp_path / "out")

    problems = invalid.value.problems
    assert any(
        line.startswith(f"organization {uid('organization/shelter')} website: ")
        for line in problems
    ), problems
    assert any(line.startswith(f"service {uid('service/shelter')} status: ") for line in problems)
    assert not (tmp_path / "out").exists()


# --- the spreadsheet template ---------------------------------------------------------------


def test_the_template_imports_as_it_is_with_our_taxonomies(
    session: Session, tmp_path: Path
) -> None:
    from referral_directory.models import Attribute, TaxonomyTerm, XConfidentialAddress
    from referral_directory.needs import CATEGORIES
    from referral_directory.taxonomy import ELIGIBILITY_TERMS
    from referral_directory.template import example_id, write_template

    write_template(tmp_path / "sheet")
    for name in ("services.csv", "taxonomy_terms.csv", "attributes.csv", "datapackage.json"):
        assert (tmp_path / "sheet" / name).exists()

    report = import_directory(session, tmp_path / "sheet")

    assert report.ok and report.warnings == [], report.lines()
    session.commit()
    codes = set(session.scalars(select(TaxonomyTerm.code)))
    assert codes == set(CATEGORIES) | set(ELIGIBILITY_TERMS)
    assert _services(session) == 1
    assert len(session.scalars(select(Attribute)).all()) == 2
    hidden = session.get(XConfidentialAddress, example_id("location"))
    assert hidden is not None and hidden.address["city"] == "Tashkent"
    (exported,) = export_json(session, tmp_path / "json")
    checker = Draft202012Validator(compiled_schema("service"), format_checker=FormatChecker())
    assert list(checker.iter_errors(json.loads(exported.read_text()))) == []


def test_a_filled_copy_of_the_template_imports(session: Session, tmp_path: Path) -> None:
    from referral_directory.taxonomy import CATEGORY_TAXONOMY, term_id
    from referral_directory.template import write_template

    write_template(tmp_path / "sheet")
    services = tmp_path / "sheet" / "services.csv"
    with services.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    example = rows[0]
    mine = {**example, "id": uid("my service"), "name": "Legal aid", "minimum_age": ""}
    write_csv(tmp_path / "sheet", "services.csv", [example, mine])
    attributes = tmp_path / "sheet" / "attributes.csv"
    header = attributes.read_text(encoding="utf-8").splitlines()[0].split(",")
    with attributes.open("a", newline="", encoding="utf-8") as out:
        csv.DictWriter(out, fieldnames=header).writerow(
            {
                "id": uid("my attribute"),
                "link_id": uid("my service"),
                "taxonomy_term_id": term_id(CATEGORY_TAXONOMY, "legal"),
                "link_entity": "service",
            }
        )

    report = import_directory(session, tmp_path / "sheet")

    assert report.ok, report.lines()
    assert _services(session) == 2


def test_the_docs_print_every_taxonomy_id() -> None:
    from referral_directory.needs import CATEGORIES
    from referral_directory.taxonomy import (
        CATEGORY_TAXONOMY,
        ELIGIBILITY_TAXONOMY,
        ELIGIBILITY_TERMS,
        taxonomy_id,
        term_id,
    )

    docs = (Path(__file__).parents[2] / "docs" / "directory.md").read_text(encoding="utf-8")
    for taxonomy, codes in (
        (CATEGORY_TAXONOMY, CATEGORIES),
        (ELIGIBILITY_TAXONOMY, ELIGIBILITY_TERMS),
    ):
        assert taxonomy_id(taxonomy) in docs
        for code in codes:
            assert f"| `{taxonomy}` | `{code}` | {term_id(taxonomy, code)} |" in docs
