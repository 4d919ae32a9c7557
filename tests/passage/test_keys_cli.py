"""`passage keys new|status|reencrypt` as an operator rotates the data keys."""

import os
import subprocess
import sys

import pytest

from passage.cli.main import main
from passage.config import Settings, session_factory
from passage.core.field_crypto.keyring import parse_keys
from tests.casework.encrypted_rows import (
    PLAINTEXTS,
    SECRET_WORDS,
    line,
    read_back,
    use_keys,
    write_one_of_each,
)

KEY_A, KEY_B = line("a-2025"), line("b-2026")


def _with_data(monkeypatch: pytest.MonkeyPatch) -> None:
    use_keys(monkeypatch, KEY_A)
    with session_factory()() as session:
        write_one_of_each(session)
        session.commit()


def test_new_prints_a_usable_key_and_stores_nothing(
    settings: Settings, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["keys", "new"]) == 0
    out, err = capsys.readouterr()
    assert parse_keys(out.strip(), "test").key_ids == (out.split(":")[0],)
    assert "PASSAGE_DATA_KEYS" in err
    assert not (settings.var_dir / "data-keys").exists()


def test_help_explains_rotation(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main(["keys", "--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    assert "passage keys reencrypt" in out and "new key first" in out


def test_status_counts_values_per_key_and_prints_none(
    database: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _with_data(monkeypatch)
    use_keys(monkeypatch, KEY_B, KEY_A)
    assert main(["keys", "status"]) == 0
    out = capsys.readouterr().out
    assert "b-2026  (current: encrypts new values)" in out
    assert "  a-2025\n" in out
    assert "referral.status_text" in out and "a-2025: 1" in out
    assert not any(word in out for word in SECRET_WORDS)
    assert "enc:v1" not in out and KEY_A.split(":")[1] not in out


def test_reencrypt_moves_everything_to_the_current_key_and_repeats_harmlessly(
    database: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _with_data(monkeypatch)
    use_keys(monkeypatch, KEY_B, KEY_A)
    assert main(["keys", "reencrypt", "--batch-size", "2"]) == 0
    out = capsys.readouterr().out
    assert "x_confidential_address.address: 1 values checked, 1 re-encrypted" in out
    assert f"Re-encrypted {len(PLAINTEXTS)} values under key b-2026" in out
    assert main(["keys", "reencrypt"]) == 0
    assert "Re-encrypted 0 values" in capsys.readouterr().out

    use_keys(monkeypatch, KEY_B)  # the old key removed
    assert main(["keys", "status"]) == 0
    assert "a-2025" not in capsys.readouterr().out
    with session_factory()() as session:
        assert read_back(session) == PLAINTEXTS


def test_a_missing_key_is_reported_not_raised(
    database: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _with_data(monkeypatch)
    use_keys(monkeypatch, KEY_B)  # A removed too early
    assert main(["keys", "status"]) == 1
    assert "a-2025 (NOT CONFIGURED): 1" in capsys.readouterr().out
    assert main(["keys", "reencrypt"]) == 1
    err = capsys.readouterr().err
    assert "key id 'a-2025'" in err and "no key with this id is configured" in err


def test_bad_configuration_is_one_line_without_key_material(
    settings: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    use_keys(monkeypatch, "k1:tooshort-secret")
    assert main(["keys", "status"]) == 1
    err = capsys.readouterr().err
    assert "PASSAGE_DATA_KEYS: entry 1 is not key_id:base64url-32-bytes" in err
    assert "tooshort-secret" not in err


def test_batch_size_must_be_positive(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["keys", "reencrypt", "--batch-size", "0"])
    assert "must be at least 1" in capsys.readouterr().err


def test_rotation_sees_every_encrypted_column_whatever_was_imported_before(
    database: Settings,
) -> None:
    """In a fresh interpreter that imported nothing else (the chat addresses were once left out,
    found only because some other command happened to import their table)."""
    from sqlalchemy import MetaData

    import referral_directory.models  # noqa: F401
    from casework.tables import casework_metadata
    from passage.core.field_crypto import EncryptedJSON, EncryptedText
    from referral_directory.db import DirectoryBase

    metadatas: list[MetaData] = [DirectoryBase.metadata, casework_metadata()]
    expected = {
        f"{column.table.name}.{column.name}"
        for metadata in metadatas
        for table in metadata.tables.values()
        for column in table.columns
        if isinstance(column.type, EncryptedText | EncryptedJSON)
    }
    assert "chat_address.address" in expected
    script = (
        "from passage.cli.keys import rotated_columns\n"
        "print('\\n'.join(f'{c.table}.{c.column}' for c in rotated_columns()))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={**os.environ, **database.as_environment()},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert set(done.stdout.split()) == expected


def test_rasa_tracker_events_are_counted_and_moved_to_the_current_key(
    database: Settings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Tracker rows (bot/encrypted_tracker_store.py) rotate with the app's columns, plain rows
    from before that store included, so an older key can be removed."""
    from datetime import UTC, datetime

    from tests.casework.retention_builders import add_conversation, tracker_db

    use_keys(monkeypatch, KEY_A)
    tracker = tracker_db(database.resolved_tracker_db)
    add_conversation(tracker, "chat-1", datetime.now(UTC), "KX7P-2M9Q")  # 3 events under a
    add_conversation(tracker, "chat-2", datetime.now(UTC), encrypted=False)  # 2 plain
    use_keys(monkeypatch, KEY_B, KEY_A)
    assert main(["keys", "status"]) == 0
    out = capsys.readouterr().out
    assert "events.data (Rasa tracker)" in out and "a-2025: 3, plaintext: 2" in out

    assert main(["keys", "reencrypt"]) == 0
    assert "Rasa tracker events: 5 re-encrypted" in capsys.readouterr().out
    use_keys(monkeypatch, KEY_B)  # a removed
    assert main(["keys", "status"]) == 0
    assert "events.data (Rasa tracker)         b-2026: 5" in capsys.readouterr().out
