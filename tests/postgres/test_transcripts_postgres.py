"""The app reads and prunes Rasa's tracker store on PostgreSQL (the scaled profile), from the URL
written for Rasa (`postgresql://`, its psycopg2), through the app's psycopg 3."""

import json

from sqlalchemy import create_engine, insert
from sqlalchemy.engine import make_url

from casework.transcripts import CASE_SLOT, EVENT_DATA_LABEL, EVENTS, TranscriptStore
from passage.config import Settings
from passage.core.field_crypto import current_keyring


def _rasa_url(postgres_url: str) -> str:
    return make_url(postgres_url).set(drivername="postgresql").render_as_string(False)


def test_a_database_where_rasa_made_no_table_yet_holds_no_transcripts(
    postgres_url: str,
) -> None:
    store = TranscriptStore(_rasa_url(postgres_url))
    try:
        assert store.naming({"ABCD-2345"}) == set()
        assert store.delete({"someone"}) == 0
    finally:
        store.close()


def test_conversations_are_found_by_case_and_deleted(postgres_url: str, settings: Settings) -> None:
    engine = create_engine(postgres_url)
    EVENTS.metadata.create_all(engine)
    keyring = current_keyring()
    slot = json.dumps({"event": "slot", "name": CASE_SLOT, "value": "KZ7Q-M2PX"})
    with engine.begin() as connection:
        connection.execute(
            insert(EVENTS),
            [
                {
                    "sender_id": "chat-1",
                    "type_name": "slot",
                    "timestamp": 1.0,
                    "action_name": CASE_SLOT,
                    "data": keyring.encrypt(EVENT_DATA_LABEL, slot),
                },
                {
                    "sender_id": "chat-2",
                    "type_name": "user",
                    "timestamp": 2.0,
                    "action_name": None,
                    "data": "{}",
                },
            ],
        )
    engine.dispose()
    store = TranscriptStore(_rasa_url(postgres_url))
    try:
        assert store.naming({"KZ7Q-M2PX"}) == {"chat-1"}
        assert store.delete({"chat-1", "chat-3"}) == 1
        assert store.naming({"KZ7Q-M2PX"}) == set()
    finally:
        store.close()
