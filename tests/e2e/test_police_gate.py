"""The police gate end to end over REST: a case assessed without consent to sharing with the
police cannot be referred to a police-type provider, nor looked up by an account of a police
organization; and a reflection period withholds a referral's details from the police unit's
inbox and API key even though the person had consented."""

import re
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from casework.accounts import create_account
from casework.api_keys import create_api_key
from casework.referral_models import AuditEntry, Referral
from casework.roles import CASEWORKER, INTAKE
from tests.e2e.conftest import Stack
from tests.e2e.officer import Officer, en
from tests.e2e.shymkent import assessed_in_shymkent
from tests.referral_directory.hsds_builders import ALMATY, box, service, uid, write

pytestmark = pytest.mark.e2e

# A town of its own, so the police unit's shelter changes no other module's proposals.
AREA = "Taraz, Zhambyl district"
CENTRE = (ALMATY[0] - 0.4, ALMATY[1] - 5.0)
POLICE_ORG = uid("organization/taraz-police")
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def police_shelter(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> None:
    """The only shelter in Taraz, run by the police's anti-trafficking unit."""
    record = service(
        "taraz-police-shelter",
        at=CENTRE,
        languages=("ru",),
        areas=[box("Taraz", CENTRE)],
        organization="taraz-police",
        endpoint_address="+15005552101",
    )
    record["organization"]["x_organization_type"] = "police"
    path: Path = write(tmp_path_factory.mktemp("police") / "taraz.json", [record])
    stack.import_directory(path)


def _account(
    stack: Stack, username: str, role: str, organization_id: str, unit: str | None
) -> None:
    with Session(stack.engine) as session:
        create_account(
            session,
            role=role,
            organization_id=organization_id,
            username=username,
            password=PASSWORD,
            unit=unit,
            region="north" if unit else None,
            now=datetime.now(UTC),
            actor="e2e-admin",
            source="e2e",
        )
        session.commit()


def _logged_in(stack: Stack, username: str) -> httpx.Client:
    client = httpx.Client(base_url=stack.api, timeout=30)
    form = client.get("/intake/login")
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert csrf, form.text
    answer = client.post(
        "/intake/login",
        data={"username": username, "password": PASSWORD, "csrf": csrf.group(1), "next": ""},
    )
    assert answer.status_code == 303, answer.text
    return client


def _refer_first_proposal(officer: Officer, housing: dict) -> list[str]:
    asked = officer.stack.say(officer.sender, housing["buttons"][0]["payload"])
    return officer.say(asked[-1]["buttons"][0]["payload"])


def test_without_consent_the_police_shelter_is_refused_and_a_police_colleague_sees_no_case(
    stack: Stack, police_shelter: None
) -> None:
    officer, housing = assessed_in_shymkent(stack, decisions="1 2", area=AREA)

    replies = _refer_first_proposal(officer, housing)

    assert replies[0] == en("referral.no_police_consent"), replies
    with Session(stack.engine) as session:
        case = officer.case(session)
        assert session.scalars(select(Referral).where(Referral.case_id == case.id)).all() == []
        refused = session.scalars(
            select(AuditEntry).where(
                AuditEntry.case_id == case.id, AuditEntry.action == "referral.create"
            )
        ).one()
        assert (refused.outcome, refused.detail) == (
            "refused",
            "no valid consent for law_enforcement",
        )
        unit = case.unit

    # A caseworker of the police unit, in the officer's own unit, asks for the case: it looks
    # like no case at all. A caseworker of an NGO in the same unit sees it.
    _account(stack, "pete.police", CASEWORKER, POLICE_ORG, unit)
    _account(stack, "nina.ngo", CASEWORKER, "ngo-taraz", unit)
    police = _logged_in(stack, "pete.police")
    assert police.get(f"/cases/{officer.reference}/disclosures").status_code == 404
    ngo = _logged_in(stack, "nina.ngo")
    assert ngo.get(f"/cases/{officer.reference}/disclosures").status_code == 200


def test_a_reflection_period_withholds_the_details_from_the_police_inbox_and_api(
    stack: Stack, police_shelter: None
) -> None:
    officer, housing = assessed_in_shymkent(stack, decisions="1 2 3", area=AREA)
    sent = _refer_first_proposal(officer, housing)
    assert "queued" in sent[0], sent
    code = sent[0].split()[1]
    with Session(stack.engine) as session:
        referral = session.scalars(select(Referral).where(Referral.code == code)).one()
        assert referral.organization_id == POLICE_ORG
        referral_id = referral.id
        key = create_api_key(session, POLICE_ORG, now=datetime.now(UTC), actor="e2e", source="e2e")[
            0
        ]
        session.commit()
    _account(stack, f"intake.{code.lower()}", INTAKE, POLICE_ORG, None)
    inbox = _logged_in(stack, f"intake.{code.lower()}")
    partner = httpx.Client(
        base_url=stack.api, headers={"Authorization": f"Bearer {key}"}, timeout=30
    )
    page = inbox.get(f"/intake/referrals/{referral_id}")
    assert page.status_code == 200 and en("inbox.detail.person") in page.text
    assert partner.get(f"/api/v1/referrals/{referral_id}").status_code == 200

    (started,) = officer.say("/reflection_period")
    assert started.startswith(f"Reflection period recorded for case {officer.reference}"), started

    page = inbox.get(f"/intake/referrals/{referral_id}")
    assert page.status_code == 200
    assert en("inbox.detail.no_police_consent").split(":")[0] in page.text
    assert en("inbox.detail.person") not in page.text
    assert f"/intake/referrals/{referral_id}/accept" not in page.text  # nor can it take it on
    refused = partner.get(f"/api/v1/referrals/{referral_id}")
    assert refused.status_code == 403
    assert "reflection period" in refused.json()["detail"]
