"""Identifying fields are encrypted at rest, survive key rotation, and fail loudly when tampered."""

import base64
import stat

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

# Imported for the tables they register (and used below).
import casework.account_models
import casework.enrolment
import casework.models
import casework.referral_models
from casework.db import Base
from passage.config import Settings, get_settings, session_factory
from passage.core.field_crypto import (
    DecryptionError,
    FieldTooLong,
    KeyConfigError,
    current_keyring,
    new_key_line,
)
from passage.core.field_crypto.keyring import parse_keys
from passage.core.field_crypto.rotation import PLAINTEXT, census, encrypted_columns, reencrypt
from referral_directory.db import DirectoryBase
from tests.casework.encrypted_rows import (
    PLAINTEXTS,
    SECRET_WORDS,
    line,
    raw_values,
    read_back,
    use_keys,
    write_one_of_each,
)

KEY_A, KEY_B = line("a-2025"), line("b-2026")


def _engine() -> Engine:
    """The engine of the application's sessions (the raw-column tools work on engines)."""
    bind = session_factory().kw["bind"]
    assert isinstance(bind, Engine)
    return bind


def test_round_trip_and_the_stored_form() -> None:
    keyring = parse_keys(KEY_A, "test")
    stored = keyring.encrypt("referral.status_text", "full tonight")
    assert stored.startswith("enc:v1:a-2025:")
    assert "full tonight" not in stored
    assert keyring.decrypt("referral.status_text", stored) == "full tonight"
    # A fresh nonce per write: equal plaintexts do not show as equal ciphertexts.
    assert keyring.encrypt("referral.status_text", "full tonight") != stored


def test_a_value_copied_to_another_column_does_not_decrypt() -> None:
    keyring = parse_keys(KEY_A, "test")
    stored = keyring.encrypt("referral.status_text", "full tonight")
    with pytest.raises(DecryptionError) as failure:
        keyring.decrypt("intake_answer.value", stored)
    assert str(failure.value) == (
        "Cannot decrypt intake_answer.value (key id 'a-2025'): "
        "the value was altered or belongs to another column."
    )


@pytest.mark.parametrize("position", [0, 13, -1], ids=["nonce", "ciphertext", "tag"])
def test_tampered_ciphertext_fails(position: int) -> None:
    keyring = parse_keys(KEY_A, "test")
    stored = keyring.encrypt("case.area", "Almaty")
    prefix, payload = stored.rsplit(":", 1)
    raw = bytearray(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    raw[position] ^= 0x01
    tampered = f"{prefix}:{base64.urlsafe_b64encode(bytes(raw)).decode()}"
    with pytest.raises(DecryptionError, match=r"case\.area .*a-2025.*altered"):
        keyring.decrypt("case.area", tampered)


def test_malformed_and_unknown_keys_name_column_and_key_only() -> None:
    keyring = parse_keys(KEY_B, "test")
    under_a = parse_keys(KEY_A, "test").encrypt("case.area", "Almaty")
    with pytest.raises(DecryptionError, match=r"case\.area \(key id 'a-2025'\): no key with"):
        keyring.decrypt("case.area", under_a)
    with pytest.raises(DecryptionError, match="not well-formed"):
        keyring.decrypt("case.area", "enc:v1:b-2026:***")
    with pytest.raises(DecryptionError, match="not well-formed"):
        keyring.decrypt("case.area", "enc:v1:nokeyid")


def test_plaintext_written_before_encryption_reads_as_it_is() -> None:
    assert parse_keys(KEY_A, "test").decrypt("case.area", "Almaty") == "Almaty"


def test_bad_key_configuration_never_quotes_key_material() -> None:
    short = "k1:" + "x" * 20
    with pytest.raises(KeyConfigError) as failure:
        parse_keys(f"{KEY_A},{short}", "PASSAGE_DATA_KEYS")
    assert "entry 2" in str(failure.value)
    assert "x" * 20 not in str(failure.value) and KEY_A.split(":")[1] not in str(failure.value)
    with pytest.raises(KeyConfigError, match="twice"):
        parse_keys(f"{KEY_A},{KEY_A}", "PASSAGE_DATA_KEYS")
    assert "a-2025" in repr(parse_keys(KEY_A, "t"))
    assert KEY_A.split(":")[1] not in repr(parse_keys(KEY_A, "t"))


def test_new_keys_parse_and_differ() -> None:
    first, second = new_key_line(), new_key_line()
    assert first != second
    assert parse_keys(f"{first},{second}", "test").current_key_id == first.split(":")[0]


def test_without_configuration_a_private_key_file_is_made_once(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PASSAGE_DATA_KEYS", raising=False)
    get_settings.cache_clear()
    keyring = current_keyring()
    key_file = get_settings().var_dir / "data-keys"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert keyring.source == f"key file {key_file.absolute()}"
    get_settings.cache_clear()
    assert current_keyring().current_key_id == keyring.current_key_id


def test_a_changed_setting_is_seen(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    use_keys(monkeypatch, KEY_A)
    assert current_keyring().key_ids == ("a-2025",)
    use_keys(monkeypatch, KEY_B, KEY_A)
    assert current_keyring().key_ids == ("b-2026", "a-2025")


def test_every_encrypted_column_is_labelled_with_its_own_name() -> None:
    columns = encrypted_columns(DirectoryBase.metadata, Base.metadata)
    assert {c.label for c in columns} >= set(PLAINTEXTS)
    assert all(c.label == f"{c.table}.{c.column}" for c in columns)


def test_the_database_holds_no_plaintext(session: Session) -> None:
    write_one_of_each(session)
    session.commit()
    raw = raw_values(session)
    for label, stored in raw.items():
        assert stored.startswith("enc:v1:"), label
        assert not any(word in stored for word in SECRET_WORDS), label
    assert read_back(session) == PLAINTEXTS


def test_a_ciphertext_moved_to_another_column_in_sql_fails_to_read(session: Session) -> None:
    write_one_of_each(session)
    session.commit()
    session.execute(text('UPDATE "case" SET area = (SELECT value FROM intake_answer)'))
    session.commit()
    session.expunge_all()
    with pytest.raises(DecryptionError, match=r"case\.area"):
        session.query(casework.models.Case).one()


def test_a_value_over_the_old_column_limit_is_refused_without_quoting_it(
    session: Session,
) -> None:
    write_one_of_each(session)
    referral = session.query(casework.referral_models.Referral).one()
    referral.status_text = "secret words " * 50
    with pytest.raises(FieldTooLong) as failure:
        session.flush()
    assert str(failure.value) == "referral.status_text holds at most 500 characters."


def test_rotation_keeps_old_data_readable_and_reencrypt_retires_the_old_key(
    database: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_keys(monkeypatch, KEY_A)
    with session_factory()() as session:
        write_one_of_each(session)
        session.commit()
    engine = _engine()
    columns = encrypted_columns(DirectoryBase.metadata, Base.metadata)

    use_keys(monkeypatch, KEY_B, KEY_A)  # B in front: new writes under B, A still reads
    with session_factory()() as session:
        assert read_back(session) == PLAINTEXTS
        session.query(casework.models.Case).one().area = "Near the market"
        session.commit()
    counts = census(engine, columns)
    assert counts["case.area"] == {"b-2026": 1}
    assert counts["intake_answer.value"] == {"a-2025": 1}

    lines: list[str] = []
    moved = reencrypt(engine, columns, current_keyring(), batch_size=1, progress=lines.append)
    assert moved == len(PLAINTEXTS) - 1
    assert "intake_answer.value: 1 values checked, 1 re-encrypted" in lines
    assert all(set(tally) == {"b-2026"} for tally in census(engine, columns).values() if tally)
    assert reencrypt(engine, columns, current_keyring()) == 0  # idempotent

    use_keys(monkeypatch, KEY_B)  # A removed
    with session_factory()() as session:
        assert read_back(session) == {**PLAINTEXTS, "case.area": "Near the market"}


def test_legacy_plaintext_is_read_counted_and_then_encrypted(
    database: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_keys(monkeypatch, KEY_A)
    with session_factory()() as session:
        write_one_of_each(session)
        session.execute(text("UPDATE referral SET status_text = 'full tonight'"))
        session.execute(
            text('UPDATE x_confidential_address SET address = \'{"address_1": "1 Old St"}\'')
        )
        session.commit()
        session.expunge_all()
        assert session.query(casework.referral_models.Referral).one().status_text == (
            "full tonight"
        )
    engine = _engine()
    columns = encrypted_columns(DirectoryBase.metadata, Base.metadata)
    assert census(engine, columns)["referral.status_text"] == {PLAINTEXT: 1}
    assert reencrypt(engine, columns, current_keyring()) == 2
    with session_factory()() as session:
        assert raw_values(session)["referral.status_text"].startswith("enc:v1:a-2025:")
        assert read_back(session)["x_confidential_address.address"] == {"address_1": "1 Old St"}
