"""The servers' logs carry no personal data: a whole case, from enrolment to a provider's
declining note, with recognisable values, then every log line of every process is searched.

The stack is shared by the e2e session, so the logs also hold every conversation the earlier
e2e modules had.
"""

from pathlib import Path

import pytest

from tests.e2e.conftest import Stack
from tests.e2e.test_referrals import (
    HIDDEN,
    NUMBERS,
    _assessed_in_shymkent,
    _messages_to,
    _referral,
    _reply,
    _send,
    _told,
    eventually,
    shelters,  # noqa: F401  (a fixture: pytest finds it by name in this module)
)

pytestmark = pytest.mark.e2e

AREA = "Shymkent, Zhibek Zholy 48"
NOTE_NAME = "Gulnara Seitkali"
NOTE_PHONE = "+77015550199"


def _logs(stack: Stack) -> dict[Path, str]:
    folder = stack.settings.var_dir / "log"
    return {
        path: path.read_text(encoding="utf-8", errors="replace")
        for path in sorted(folder.glob("*.log"))
    }


@pytest.mark.usefixtures("shelters")
def test_a_full_case_leaves_no_personal_data_in_any_log(stack: Stack) -> None:
    officer, housing = _assessed_in_shymkent(stack, area=AREA)
    referral_code = _send(stack, officer, housing, "send")
    _messages_to(stack, NUMBERS["ref-a"])
    _reply(stack, NUMBERS["ref-a"], f"DECLINE {referral_code} other {NOTE_NAME} {NOTE_PHONE}")
    eventually(lambda: _referral(stack, referral_code).status != "sent", "the decline")
    _told(stack, officer, referral_code)

    logs = _logs(stack)
    assert {path.name for path in logs} >= {"actions.log", "rasa.log", "api.log", "worker.log"}
    personal = [
        AREA,
        "Zhibek Zholy",
        NOTE_NAME,
        NOTE_PHONE,
        officer.enrolment_code,
        officer.sender,
        HIDDEN["address_1"],
        *NUMBERS.values(),
    ]
    found = {
        (path.name, value)
        for path, text in logs.items()
        for value in personal
        if value.lower() in text.lower()
    }
    assert found == set()
    assert any(text.strip() for text in logs.values())  # the logs were written, and searched
