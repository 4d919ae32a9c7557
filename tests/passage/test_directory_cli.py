"""`passage directory ...` and `passage match` as an operator runs them."""

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from passage.cli.main import main
from passage.config import Settings, session_factory
from referral_directory.models import Service, ServiceCapacity
from tests.referral_directory.hsds_builders import sal_id, service, write


def _services() -> int:
    with session_factory()() as session:
        return session.scalar(select(func.count()).select_from(Service)) or 0


def test_import_refuses_invalid_data_whole_and_says_where(
    database: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "p.json", [service("ok"), service("broken", status="busy")])

    assert main(["directory", "import", str(path)]) == 1

    err = capsys.readouterr().err
    assert f"error: {path}:" in err and " status: " in err
    assert "Nothing imported" in err
    assert _services() == 0


def test_validate_checks_without_importing(
    database: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "p.json", [service("ok")])
    assert main(["directory", "validate", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True
    assert _services() == 0


def test_import_export_and_capacity(
    database: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "p.json", [service("shelter", capacity=(1, "2026-11-01T00:00:00Z"))])
    assert main(["directory", "import", str(path)]) == 0
    assert "service 1 new" in capsys.readouterr().err

    assert main(["directory", "capacity", sal_id("shelter"), "--available", "4"]) == 0
    assert "4 free (Bed)" in capsys.readouterr().out
    with session_factory()() as session:
        capacity = session.scalars(select(ServiceCapacity)).one()
        assert capacity.available == 4

    assert main(["directory", "capacity", "no-such-id", "--available", "1"]) == 1
    assert "No service_at_location" in capsys.readouterr().err

    assert main(["directory", "export", "--format", "json", str(tmp_path / "out")]) == 0
    assert len(list((tmp_path / "out").glob("*.json"))) == 1


def test_capacity_refuses_a_negative_figure(
    database: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["directory", "capacity", "x", "--available", "-2"])
    assert exit_info.value.code == 2
    assert "cannot be negative" in capsys.readouterr().err


def test_match_prints_proposals_with_reasons_in_the_chosen_language(
    database: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    write(tmp_path / "p.json", [service("shelter", languages=("uz",))])
    assert main(["directory", "import", str(tmp_path / "p.json")]) == 0
    case = tmp_path / "case.json"
    case.write_text(
        json.dumps(
            {
                "needs": ["basic.housing", "rights.compensation_claim"],
                "urgent": ["basic.housing"],
                "age": 24,
                "gender": "female",
                "languages": ["uz"],
                "location": {"latitude": 41.3, "longitude": 69.25},
            }
        )
    )
    capsys.readouterr()

    assert main(["match", str(case), "--json", "--at", "2026-11-23T15:00+05:00"]) == 0

    result = json.loads(capsys.readouterr().out)
    housing, compensation = result["needs"]
    assert housing["proposals"][0]["service_at_location_id"] == sal_id("shelter")
    texts = [r["text"] for r in housing["proposals"][0]["reasons"]]
    assert "speaks Uzbek" in texts
    assert compensation["proposals"] == []
    assert compensation["gap"]["text"] == "No provider of this kind in the directory."

    assert main(["match", str(case), "--language", "ru", "--at", "2026-11-23T15:00+05:00"]) == 0
    assert "узбекский" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("case", "message"),
    [
        ({"needs": []}, "needs: at least one need id"),
        ({"needs": ["basic.unicorns"]}, "'basic.unicorns' is not in the needs catalog"),
        ({"needs": ["basic.food"], "urgent": ["basic.housing"]}, "urgent: every urgent need"),
        ({"needs": ["basic.food"], "age": 15, "presumed_minor": False}, "under 18 is a minor"),
        ({"needs": ["basic.food"], "location": {"latitude": 200, "longitude": 0}}, "latitude"),
        ({"needs": ["basic.food"], "name": "A. Person"}, "unknown field(s): name"),
    ],
)
def test_match_explains_a_bad_case_file(
    database: Settings,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    case: dict[str, object],
    message: str,
) -> None:
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case))
    assert main(["match", str(path)]) == 2
    assert message in capsys.readouterr().err


def test_match_explains_an_unreadable_case_file(
    database: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["match", str(tmp_path)]) == 2
    assert "Cannot read" in capsys.readouterr().err
    (tmp_path / "deep.json").write_text("[" * 100_000)
    assert main(["match", str(tmp_path / "deep.json")]) == 2
    assert "not valid JSON" in capsys.readouterr().err


def test_the_demo_directory_loads_into_an_empty_directory_only(
    database: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from passage.cli.directory import load_demo_if_empty

    load_demo_if_empty()
    assert "Demo directory loaded" in capsys.readouterr().out
    assert _services() == 70
    assert main(["directory", "capacity", sal_id("x"), "--available", "1"]) == 1  # unknown id
    with session_factory()() as session:
        first = session.scalars(select(Service).order_by(Service.id)).first()
        assert first is not None
        first.name = "Renamed by a coordinator"
        session.commit()
        renamed = first.id

    load_demo_if_empty()  # a second `make run`: the directory has data, so it is left alone

    assert "Demo directory" not in capsys.readouterr().out
    with session_factory()() as session:
        service_row = session.get(Service, renamed)
        assert service_row is not None and service_row.name == "Renamed by a coordinator"


def test_import_of_a_device_is_a_clear_error(
    database: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["directory", "import", "/dev/zero"]) == 1
    err = capsys.readouterr().err
    assert "error: /dev/zero: (no id): not a regular file" in err
    assert "Traceback" not in err


def test_an_export_that_would_be_invalid_is_refused_by_record_and_field(
    database: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(tmp_path / "p.json", [service("shelter")])
    assert main(["directory", "import", str(path)]) == 0
    with session_factory()() as session:
        stored = session.scalars(select(Service)).one()
        stored.url = "javascript:alert(1)"  # stored before imports checked addresses
        stored_id = stored.id
        session.commit()
    capsys.readouterr()

    assert main(["directory", "export", str(tmp_path / "out")]) == 1

    err = capsys.readouterr().err
    assert f"error: service {stored_id} url: must be an http:// or https:// address" in err
    assert "Nothing exported" in err
    assert not (tmp_path / "out").exists()


def test_template_writes_a_datapackage_that_imports_and_never_overwrites(
    database: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["directory", "template", "--help"])
    assert exit_info.value.code == 0
    assert "taxonomy_terms.csv" in capsys.readouterr().out

    assert main(["directory", "template", str(tmp_path / "sheet")]) == 0
    assert "passage directory import" in capsys.readouterr().err
    assert main(["directory", "import", str(tmp_path / "sheet")]) == 0
    assert _services() == 1

    (tmp_path / "sheet" / "services.csv").write_text("filled in by a coordinator")
    assert main(["directory", "template", str(tmp_path / "sheet")]) == 1
    assert "never overwritten" in capsys.readouterr().err
    assert (tmp_path / "sheet" / "services.csv").read_text() == "filled in by a coordinator"
