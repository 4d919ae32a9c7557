"""A presumed child over REST: the SOP's rules said where they apply, child protection proposed
first, and no other referral before it has gone."""

from pathlib import Path

import pytest

from tests.e2e.conftest import Stack
from tests.e2e.officer import Officer, choose, en, walk
from tests.e2e.shymkent import referral_by_code, sms_to
from tests.referral_directory.hsds_builders import ALMATY, box, service, write

pytestmark = pytest.mark.e2e

CENTRE = (ALMATY[0] - 2.0, ALMATY[1] + 1.0)  # a town of its own for this module
NUMBERS = {"cp-agency": "+15005557001", "children-shelter": "+15005557002"}


@pytest.fixture(scope="module")
def child_services(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> None:
    records = [
        service(
            "cp-agency",
            categories=("child_protection",),
            languages=("ru",),
            areas=[box("Turkistan", CENTRE)],
            endpoint_address=NUMBERS["cp-agency"],
        ),
        service(
            "children-shelter",
            eligibility=("children_only",),
            languages=("ru",),
            areas=[box("Turkistan town", CENTRE)],
            endpoint_address=NUMBERS["children-shelter"],
        ),
    ]
    path: Path = write(tmp_path_factory.mktemp("children") / "children.json", records)
    stack.import_directory(path)


def _send(officer: Officer, proposals: dict) -> list[str]:
    asked = officer.stack.say(officer.sender, proposals["buttons"][0]["payload"])
    return officer.say(asked[-1]["buttons"][0]["payload"])


def test_a_presumed_child_is_referred_to_child_protection_first(
    stack: Stack, child_services: None
) -> None:
    officer = Officer(stack)
    officer.start()
    walk(
        officer,
        [
            (choose("no"), "present"),
            (choose("private_space"), "present"),
            (choose("interpreter_here"), "present"),
            (choose("done"), "person_language"),
            (choose("ru"), "appears_under_18"),
        ],
    )
    told = officer.answer(choose("yes"), "guardian_may_be_involved")
    assert en("intake.child_rules") in told  # said as soon as the person is taken for a child
    walk(
        officer,
        [
            (choose("yes"), "gender"),
            (choose("female"), "has_children"),
            (choose("no"), "area"),
            ("Turkistan", "exploitation_form"),
            (choose("sexual"), "representative"),
            (choose("social_worker"), "consent_delivery"),
            (choose("interpreter"), "child_assent"),
            (choose("yes"), "consent_decisions"),
            ("1 2", "level_1"),
            ("1", "level_2"),  # housing
            (choose("done"), "level_3"),
            (choose("done"), "urgency"),
        ],
    )
    replies = stack.say(officer.sender, choose("done"))
    needs = [r for r in replies if r.get("buttons")]
    # Child protection first, urgent (sexual exploitation), with the reasons to leave it out.
    assert needs[0]["text"].startswith(en("need.child.protection"))
    assert en("intake.urgent_mark") in needs[0]["text"].splitlines()[0]
    titles = [b["title"] for b in needs[0]["buttons"]]
    assert en("match.skip_child_protection.already_involved") in titles
    housing = next(r for r in needs if r["text"].startswith(en("need.basic.housing")))

    refused = _send(officer, housing)

    assert refused == [en("referral.child_protection_first")]
    sent = _send(officer, needs[0])
    assert "queued" in sent[0], sent
    assert sms_to(stack, NUMBERS["cp-agency"])
    then = _send(officer, housing)
    assert "queued" in then[0], then
    code = then[0].split()[1]
    assert referral_by_code(stack, code).status == "requested"
