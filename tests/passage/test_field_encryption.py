"""Migration 0010 encrypts existing rows (and its downgrade decrypts them); every process that
`passage run` starts encrypts and decrypts with the same keys."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text
from sqlalchemy.orm import Session

from passage.config import Settings, get_settings, make_engine
from passage.core.field_crypto import current_keyring
from passage.runtime.migrate import alembic_config
from passage.runtime.stack import build_processes
from tests.casework.encrypted_rows import ADDRESS, line, raw_values, use_keys

KEY_A = line("a-2025")


_AT = "2026-11-24 09:00:00.000000"
_ROWS_AT_0009 = [
    f"""INSERT INTO "case" (id, reference, status, channel, opened_at, resume_count, area)
    VALUES (1, 'ABCD-1234', 'open', 'rest', '{_AT}', 0, 'Behind the old bus depot')""",
    f"""INSERT INTO intake_answer (id, case_id, question_id, value, final, answered_at)
    VALUES (1, 1, 'area', 'Behind the old bus depot', 1, '{_AT}')""",
    f"""INSERT INTO referral (id, case_id, code, service_at_location_id, organization_id,
    channel, recipient, provider_language, category, urgent, status, status_reason, status_text,
    created_at, updated_at, deadline_at, officer_conversation, officer_language, "cascade")
    VALUES (1, 1, 'R1234567', 'sal-1', 'org-1', 'sms', '+15005551001', 'en', 'shelter', 0,
    'rejected', 'no_capacity', 'We are full tonight, call Aigerim on +7 700 000 0000',
    '{_AT}', '{_AT}', '{_AT}', 'officer-1', 'en', 0)""",
    "INSERT INTO referral_need (referral_id, need_id) VALUES (1, 'shelter')",
    f"""INSERT INTO partner_push_secret (organization_id, secret, created_at)
    VALUES ('org-1', 'push-secret-0123456789abcdef', '{_AT}')""",
    f"""INSERT INTO staff_account (id, organization_id, username, password_hash, role,
    disabled, failed_logins, created_at, totp_secret)
    VALUES (1, 'org-1', 'intake.one', '!', 'intake', 0, 0, '{_AT}', 'JBSWY3DPEHPK3PXP')""",
    """INSERT INTO location (id, location_type, x_confidential, extra)
    VALUES ('loc-1', 'physical', 1, '{}')""",
    """INSERT INTO x_confidential_address (location_id, address) VALUES ('loc-1',
    '{"address_1": "7 Hidden Lane", "city": "Almaty", "country": "KZ"}')""",
]


def test_existing_rows_are_encrypted_by_the_upgrade_and_decrypted_by_the_downgrade(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_keys(monkeypatch, KEY_A)
    url = settings.resolved_database_url
    command.upgrade(alembic_config(url), "0009")
    engine = make_engine(url)
    with engine.begin() as connection:
        for statement in _ROWS_AT_0009:
            connection.execute(text(statement))
    with Session(engine) as session:
        before = raw_values(session)

    command.upgrade(alembic_config(url), "0010")
    keyring = current_keyring()
    with Session(engine) as session:
        encrypted = raw_values(session)
    assert all(value.startswith("enc:v1:a-2025:") for value in encrypted.values())
    decrypted = {label: keyring.decrypt(label, value) for label, value in encrypted.items()}
    assert decrypted == before
    assert json.loads(decrypted["x_confidential_address.address"]) == ADDRESS

    command.downgrade(alembic_config(url), "0009")
    with Session(engine) as session:
        assert raw_values(session) == before
    engine.dispose()


_CHILD = """
import passage.config  # hands the configured keys in, as in every process of ours
from passage.core.field_crypto import current_keyring
print(current_keyring().encrypt("case.area", "Almaty"))
"""


def _in_children(settings: Settings) -> list[str]:
    """A value encrypted by a child process of each kind, all started at the same moment."""
    processes = build_processes(settings, Path("unused-model"), ("actions", "api", "worker"))
    running = [
        subprocess.Popen(
            [sys.executable, "-c", _CHILD], env=process.env, stdout=subprocess.PIPE, text=True
        )
        for process in processes
    ]
    return [child.communicate(timeout=60)[0].strip() for child in running]


def test_children_share_the_key_file_even_when_they_make_it_together(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PASSAGE_DATA_KEYS", raising=False)
    get_settings.cache_clear()
    encrypted = _in_children(get_settings())
    keyring = current_keyring()  # the key file one of the children made
    assert [keyring.decrypt("case.area", value) for value in encrypted] == ["Almaty"] * 3


def test_children_get_the_configured_keys(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_keys(monkeypatch, KEY_A)
    for value in _in_children(get_settings()):
        assert value.startswith("enc:v1:a-2025:")
        assert current_keyring().decrypt("case.area", value) == "Almaty"
    assert not (get_settings().var_dir / "data-keys").exists()
