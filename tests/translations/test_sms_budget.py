"""Every SMS template fits in two segments in every shipped language, with the longest values.

Cyrillic, Khmer or Thai text is UCS-2 (67 characters per part), so the budget bites there first.
"""

import pytest

from casework.provider_messages import LINK_PATH
from casework.sms_replies import MAX_PLACES
from translations.catalog import shipped_catalogs
from translations.sms_segments import segments

CATALOGS = shipped_catalogs()
BUDGET = 2
# A referral of a person with children says how many ("1 adult, 2 children"): in a UCS-2
# language that cannot fit beside the rest, so those referrals may cost one segment more.
BUDGET_WITH_CHILDREN = 3
PERSON_ALONE = ("sms.people.adult", "sms.people.child")
# The public base URL the budget is computed for (27 characters); the token is 22 characters.
LINK = "https://passage.example.org" + LINK_PATH + "x" * 22
CODE = "WWWWWW"
# Whole messages; `sms.asked*` are fragments of sms.referral, measured inside it.
SMS_IDS = [
    m
    for m in CATALOGS.message_ids()
    if m.startswith("sms.") and m.count(".") == 1 and not m.startswith("sms.asked")
]


def _longest(language: str, prefix: str) -> str:
    ids = [m for m in CATALOGS.message_ids() if m.startswith(prefix)]
    return max((CATALOGS.render(m, language) for m in ids), key=len)


def _worst_case(message_id: str, language: str, with_children: bool = False) -> str:
    people = (
        _longest(language, "sms.people.")
        if with_children
        else max((CATALOGS.render(m, language) for m in PERSON_ALONE), key=len)
    )
    asked = CATALOGS.render(
        "sms.asked_urgent",
        language,
        category=_longest(language, "sms.category."),
        people=people,
    )
    status = _longest(language, "referral.status.")
    return CATALOGS.render(
        message_id,
        language,
        code=CODE,
        asked=asked,
        link=LINK,
        status=status,
        available=str(MAX_PLACES),
    )


def test_the_templates_under_test_are_the_sms_ones() -> None:
    assert {"sms.referral", "sms.cancelled", "sms.help", "sms.accepted"} <= set(SMS_IDS)


@pytest.mark.parametrize("language", CATALOGS.languages)
@pytest.mark.parametrize("message_id", SMS_IDS)
def test_sms_fits_its_budget(message_id: str, language: str) -> None:
    text = _worst_case(message_id, language)
    assert segments(text) <= BUDGET, f"{language} {message_id}: {segments(text)} segments: {text}"


@pytest.mark.parametrize("language", CATALOGS.languages)
def test_a_referral_with_children_fits_one_more_segment(language: str) -> None:
    text = _worst_case("sms.referral", language, with_children=True)
    assert segments(text) <= BUDGET_WITH_CHILDREN, f"{language}: {segments(text)}: {text}"
