"""Identity and travel documents: offered with the rights, routed to legal help on documents."""

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.orm import Session

from casework.assessment import applicable_needs
from casework.cases import open_case
from referral_directory.importer import import_directory
from referral_directory.match_values import CaseForMatching, MatchingRules
from referral_directory.matcher import directory_index
from referral_directory.needs import Level
from tests.casework.account_builders import account
from tests.referral_directory.hsds_builders import ALMATY, box, service, write

NOW = datetime(2026, 12, 5, 2, 0, tzinfo=UTC)
DOCUMENTS = ["documents.held_by_others", "documents.lost", "documents.never_had"]


def test_document_situations_are_offered_after_the_sop_rights(session: Session) -> None:
    case = open_case(session, channel="rest", now=NOW, officer=account(session))

    offered = applicable_needs(case, Level.RIGHTS)

    assert offered[-3:] == DOCUMENTS
    assert all(
        item not in applicable_needs(case, level)
        for level in Level
        if level != Level.RIGHTS
        for item in DOCUMENTS
    )


def test_documents_held_by_someone_else_go_first_to_immigration_legal_help(
    session: Session, tmp_path: Path
) -> None:
    records = [
        service("shelter", areas=[box("Almaty city", ALMATY)]),
        service("legal-aid", categories=("legal",), areas=[box("Almaty centre", ALMATY)]),
        service(
            "immigration-law", categories=("legal.immigration",), areas=[box("Almaty", ALMATY)]
        ),
    ]
    assert import_directory(session, write(tmp_path / "d.json", records)).ok
    wanted = CaseForMatching(
        needs=("documents.held_by_others",), presumed_minor=False, area="Almaty"
    )

    (match,) = directory_index(session, MatchingRules()).match(wanted, NOW, {})

    assert [p.candidate.service_name for p in match.proposals] == [
        "immigration-law service",
        "legal-aid service",  # a general legal office after the one doing that work
    ]
