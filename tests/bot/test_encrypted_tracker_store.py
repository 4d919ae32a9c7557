"""Rasa's tracker store as `bot/endpoints.yml` configures it encrypts each event's data with the
app's keys: what the officer typed and what the bot said are not in the database file, Rasa
reads the conversation back intact, the app's transcript code (purge, erasure, quick exit) still
finds, ages and deletes it, and rows from before (plain JSON, or under an older key) still load.

Rasa runs in its own Python 3.10 environment, so the store is driven there by
`rasa_tracker_roundtrip.py` in a subprocess, with the environment `passage run` gives Rasa.
"""

import json
import sqlite3
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from casework.transcripts import EVENT_DATA_LABEL, TranscriptStore
from passage.config import Settings, get_settings
from passage.core.field_crypto import current_keyring
from passage.runtime.rasa_project import rasa_environment
from passage.runtime.stack import tracker_key_environment
from tests.casework.encrypted_rows import line, use_keys
from tests.casework.retention_builders import add_conversation, tracker_db

RASA_PYTHON = Path(".venv-rasa/bin/python")
SCRIPT = Path(__file__).with_name("rasa_tracker_roundtrip.py")
OUTAGE_SCRIPT = Path(__file__).with_name("rasa_tracker_outage.py")
pytestmark = pytest.mark.skipif(
    not RASA_PYTHON.exists(), reason="needs .venv-rasa (`make venvs` creates it)"
)

SENDER = "officer-chat-1"
REFERENCE = "KX7P-2M9Q"
TYPED = "She sleeps at 14 Hidden Lane, Almaty; her sister is on +7 701 555 0199"
SAID = "Confidential shelter address: 9 Apricot Court, Tashkent (gate code 4417)"
SECRETS = ("Hidden Lane", "555 0199", "Apricot Court", "4417", REFERENCE)
KEY_A, KEY_B = line("a-2025"), line("b-2026")


def _events(at: datetime) -> list[dict[str, Any]]:
    t = at.timestamp()
    return [
        {"event": "action", "name": "action_session_start", "timestamp": t},
        {"event": "session_started", "timestamp": t},
        {"event": "action", "name": "action_listen", "timestamp": t},
        {
            "event": "user",
            "text": TYPED,
            "timestamp": t + 1,
            "parse_data": {
                "intent": {"name": "open_case", "confidence": 1.0},
                "entities": [{"entity": "area", "value": "14 Hidden Lane"}],
            },
        },
        {"event": "slot", "name": "case_reference", "value": REFERENCE, "timestamp": t + 2},
        {"event": "bot", "text": SAID, "timestamp": t + 3},
    ]


def _script(
    env: dict[str, str], db: Path, events: list[dict[str, Any]], script: Path = SCRIPT
) -> Any:
    env = env | {
        "PASSAGE_TRACKER_DB": str(db.resolve()),
        "ACTION_SERVER_URL": "http://127.0.0.1:9/webhook",
        "PASSAGE_ACTION_SERVER_TOKEN": "unused-here",
    }
    command = [str(RASA_PYTHON), "-W", "ignore", str(script), str(db.resolve()), SENDER]
    return subprocess.run(
        [*command, json.dumps(events)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _rasa(settings: Settings, db: Path, events: list[dict[str, Any]]) -> dict[str, Any]:
    """Saves `events` (if any) and loads the conversation back, in Rasa's environment as
    `passage run` makes it."""
    done = _script(rasa_environment() | tracker_key_environment(settings), db, events)
    assert done.returncode == 0, done.stderr[-3000:]
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _raw_rows(db: Path) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT sender_id, type_name, timestamp, intent_name, action_name, data FROM events"
            " ORDER BY id"
        ).fetchall()


def test_events_are_encrypted_at_rest_and_read_back_intact(settings: Settings) -> None:
    db = settings.var_dir / "tracker.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    at = datetime.now(UTC) - timedelta(hours=80)

    loaded = _rasa(settings, db, _events(at))

    # Rasa loaded our store, not its in-memory fallback (which it picks, with a warning only,
    # when the module path cannot be imported).
    assert loaded["store"] == "EncryptedSQLTrackerStore"
    by_type = {event["event"]: event for event in loaded["events"]}
    assert by_type["user"]["text"] == TYPED
    assert by_type["user"]["parse_data"]["entities"][0]["value"] == "14 Hidden Lane"
    assert by_type["bot"]["text"] == SAID
    assert by_type["slot"]["value"] == REFERENCE

    rows = _raw_rows(db)
    assert len(rows) == len(_events(at))
    raw = repr(rows) + db.read_bytes().decode("latin-1")
    for secret in SECRETS:
        assert secret not in raw
    keyring = current_keyring()  # the app's keys, from the key file the runtime made
    for _sender, _type, _at, _intent, _action, data in rows:
        assert keyring.key_id_of(data) == keyring.current_key_id
    # What retention and Rasa select by stays plain.
    user_row = next(row for row in rows if row[1] == "user")
    assert user_row[:4] == (SENDER, "user", at.timestamp() + 1, "open_case")
    assert json.loads(keyring.decrypt(EVENT_DATA_LABEL, user_row[5]))["text"] == TYPED

    # The app finds the case's conversation, ages it, and deletes it.
    store = TranscriptStore(db)
    try:
        assert store.naming({REFERENCE}) == {SENDER}
        assert store.idle_since(datetime.now(UTC) - timedelta(hours=72)) == {SENDER}
        assert store.delete({SENDER}) == 1
        assert _raw_rows(db) == []
    finally:
        store.close()


def test_plain_rows_from_before_and_rows_under_an_older_key_still_load(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The upgrade needs no fresh tracker: plain JSON rows are read as they are, and a rotated
    key keeps older rows readable while it is still listed."""
    use_keys(monkeypatch, KEY_A)
    db = tracker_db(settings.var_dir / "tracker.db")
    at = datetime.now(UTC) - timedelta(hours=1)
    add_conversation(db, SENDER, at, REFERENCE, encrypted=False)
    with sqlite3.connect(db) as connection:  # one more event, written under key a
        connection.execute(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'bot', ?, ?)",
            (
                SENDER,
                at.timestamp() + 1,
                current_keyring().encrypt(
                    EVENT_DATA_LABEL,
                    json.dumps({"event": "bot", "timestamp": at.timestamp() + 1, "text": SAID}),
                ),
            ),
        )
    use_keys(monkeypatch, KEY_B, KEY_A)  # rotated: b encrypts, a still decrypts

    loaded = _rasa(get_settings(), db, [])

    texts = [event.get("text") for event in loaded["events"] if event["event"] in {"user", "bot"}]
    assert texts == ["I met a person who needs shelter", "Case opened.", SAID]
    store = TranscriptStore(db)
    try:
        assert store.naming({REFERENCE}) == {SENDER}
    finally:
        store.close()


def test_the_runtime_hands_rasa_the_apps_keys(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    from passage.runtime.stack import build_processes

    (rasa,) = build_processes(settings, Path("unused-model"), ("rasa",))
    key_file = (settings.var_dir / "data-keys").absolute()
    assert rasa.env["PASSAGE_DATA_KEY_FILE"] == str(key_file)
    assert key_file.exists()  # made before Rasa starts, so Rasa never makes one
    assert rasa.env["PASSAGE_DATA_KEYS"] == ""

    use_keys(monkeypatch, KEY_A)
    (rasa,) = build_processes(get_settings(), Path("unused-model"), ("rasa",))
    assert rasa.env["PASSAGE_DATA_KEYS"] == KEY_A


def test_without_keys_the_store_refuses_to_start(settings: Settings) -> None:
    env = rasa_environment()
    for name in ("PASSAGE_DATA_KEYS", "PASSAGE_DATA_KEY_FILE"):
        env.pop(name, None)
    db = settings.var_dir / "tracker.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    done = _script(env, db, [])
    assert done.returncode != 0
    assert "TrackerCryptoError" in done.stderr and "PASSAGE_DATA_KEY_FILE" in done.stderr


def test_a_database_gone_for_a_moment_is_waited_for_not_replaced_by_an_empty_conversation(
    settings: Settings,
) -> None:
    db = settings.var_dir / "tracker-outage" / "tracker.db"
    db.parent.mkdir(parents=True, exist_ok=True)
    events = _events(datetime.now(UTC))
    env = rasa_environment() | tracker_key_environment(settings)

    done = _script(env, db, events, OUTAGE_SCRIPT)

    assert done.returncode == 0, done.stderr[-3000:]
    loaded = json.loads(done.stdout.strip().splitlines()[-1])
    # The turn saved while the database was away is there, and the conversation read while it
    # was away again is the whole one (Rasa's fallback would have started an empty one).
    assert [event["event"] for event in loaded["events"]] == [e["event"] for e in events]
    assert loaded["events"][-1]["text"] == SAID
    assert len(_raw_rows(db)) == len(events)
    assert "lost the database (OperationalError)" in done.stderr
    for secret in SECRETS:
        assert secret not in done.stderr
