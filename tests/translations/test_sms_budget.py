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


def _worst_case(message_id: str, language: str) -> str:
    asked = CATALOGS.render(
        "sms.asked_urgent",
        language,
        category=_longest(language, "sms.category."),
        people=_longest(language, "sms.people."),
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
