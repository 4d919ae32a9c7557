"""Interpreters proposed when consent cannot be informed without one."""

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from casework.cases import open_case
from casework.interpreters import interpreters_for
from referral_directory.importer import import_directory
from referral_directory.match_values import MatchingRules
from tests.casework.account_builders import account
from tests.referral_directory.hsds_builders import ALMATY, box, service, write

NOW = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)


def test_interpreters_for_the_language_in_the_officers_region(
    session: Session, tmp_path: Path
) -> None:
    records = [
        service(
            "burmese-interpreters",
            categories=("interpretation",),
            languages=("my", "en"),
            areas=[box("Almaty", ALMATY)],
        ),
        service(
            "uzbek-interpreters",
            categories=("interpretation",),
            languages=("uz",),
            areas=[box("Almaty region", ALMATY)],  # one area id per name in the builder
        ),
        service("far-burmese", categories=("interpretation",), languages=("my",)),
        service("burmese-shelter", languages=("my",), areas=[box("Almaty", ALMATY)]),
    ]
    assert import_directory(session, write(tmp_path / "d.json", records)).ok
    case = open_case(session, channel="rest", now=NOW, officer=account(session, region="Almaty"))
    session.flush()

    burmese = interpreters_for(session, case, "my", MatchingRules(), now=NOW)
    anyone = interpreters_for(session, case, "other", MatchingRules(), now=NOW)

    assert [p.candidate.service_name for p in burmese] == ["burmese-interpreters service"]
    assert {p.candidate.service_name for p in anyone} == {
        "burmese-interpreters service",
        "uzbek-interpreters service",
    }
