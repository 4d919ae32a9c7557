"""A woman with two children: her shelter must take the family, her children's care is matched
for children, and the shelter's SMS says who comes ("1 adult, 2 children") in its language."""

from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import Stack
from tests.e2e.officer import ADULT_TO_CONSENT, CATALOGS, Officer, choose, en, walk
from tests.e2e.shymkent import send_referral, sms_to
from tests.referral_directory.hsds_builders import ALMATY, box, service, write
from translations.bidi import isolate

pytestmark = pytest.mark.e2e

AREA = "Taldykorgan"
CENTRE = (ALMATY[0] + 1.8, ALMATY[1] + 1.4)
FAMILY_SHELTER_NUMBER = "+15005558002"


@pytest.fixture(scope="module")
def taldykorgan(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Two women's shelters (the nearer one takes no families) and two clinics (one for adult
    women only), all speaking Russian."""
    area = [box(AREA, CENTRE)]

    def provider(key: str, rank: int, **fields: Any) -> dict[str, Any]:
        return service(
            key,
            at=(CENTRE[0] + 0.01 * rank, CENTRE[1]),
            languages=("ru",),
            areas=area,
            organization=f"{key}-ngo",
            **fields,
        )

    records = [
        provider(
            "tk-women-shelter", 0, eligibility=("women_only",), endpoint_address="+15005558001"
        ),
        provider(
            "tk-family-shelter",
            1,
            eligibility=("women_only", "families_accepted"),
            endpoint_address=FAMILY_SHELTER_NUMBER,
        ),
        provider(
            "tk-women-clinic",
            0,
            categories=("medical",),
            eligibility=("women_only",),
            minimum_age=18,
        ),
        provider(
            "tk-children-clinic", 1, categories=("medical",), eligibility=("children_accepted",)
        ),
    ]
    path: Path = write(tmp_path_factory.mktemp("directory") / "taldykorgan.json", records)
    stack.import_directory(path)


def _mother_of_two_assessed(stack: Stack) -> tuple[Officer, dict, dict]:
    officer = Officer(stack)
    officer.start()
    walk(
        officer,
        [
            (
                choose("two")
                if expect == "area"  # the answer to "has children", which asks the area next
                else f"{AREA}, town centre"
                if expect == "exploitation_form"
                else answer,
                expect,
            )
            for answer, expect in ADULT_TO_CONSENT
        ],
    )
    officer.answer("1 2", "level_1")  # consent to the assessment and to referrals
    officer.answer("1 7", "level_2")  # housing, and the children's needs
    officer.answer(choose("done"), "level_3")
    officer.answer(choose("done"), "urgency")
    replies = stack.say(officer.sender, choose("done"))
    housing = next(r for r in replies if r.get("text", "").startswith(en("need.basic.housing")))
    children = next(r for r in replies if r.get("text", "").startswith(en("need.basic.children")))
    return officer, housing, children


def test_a_woman_with_two_children_gets_a_family_shelter_and_care_for_children(
    stack: Stack, taldykorgan: None
) -> None:
    officer, housing, children = _mother_of_two_assessed(stack)

    assert isolate("tk-family-shelter-ngo (test)") in housing["text"]
    assert "tk-women-shelter-ngo" not in housing["text"]
    assert en("match.reason.for_families") in housing["text"]
    assert [b["title"] for b in housing["buttons"]] == [
        f"1. {isolate('tk-family-shelter-ngo (test)')}"
    ]
    # The children's medical care is matched for children: not the clinic for adult women.
    assert isolate("tk-children-clinic-ngo (test)") in children["text"]
    assert "tk-women-clinic-ngo" not in children["text"]

    code = send_referral(stack, officer, housing, "send")
    (sms,) = sms_to(stack, FAMILY_SHELTER_NUMBER)
    assert code in sms.body
    assert CATALOGS.render("sms.people.adult.two", "ru") in sms.body  # "1 взрослый, 2 ребёнка"
