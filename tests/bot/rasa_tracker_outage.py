"""Run by tests/bot/test_encrypted_tracker_store.py with `.venv-rasa/bin/python`: the database
goes away for a moment (its directory moved aside, so SQLite cannot open the file) while the
tracker store that `bot/endpoints.yml` names saves a turn, and again while it reads the
conversation back. Prints the events read back as JSON.

argv: the SQLite file, the conversation id, then a JSON list of events (Rasa's dicts): all but
the last are saved first, the last during the first absence.
"""

import asyncio
import json
import sys
from pathlib import Path

from rasa.core.tracker_store import create_tracker_store
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config
from rasa_tracker_roundtrip import DOMAIN  # beside this script, on its path

ABSENCE = 0.6  # seconds: within the store's patience, longer than its first waits


def go_away(directory: Path) -> None:
    aside = directory.with_name(directory.name + ".away")
    directory.rename(aside)
    asyncio.get_running_loop().call_later(ABSENCE, aside.rename, directory)


async def main(db: str, sender: str, events: list[dict]) -> None:
    endpoint = read_endpoint_config("bot/endpoints.yml", "tracker_store")
    assert endpoint is not None
    endpoint.kwargs["db"] = db
    store = create_tracker_store(endpoint, DOMAIN)
    *first, last = [Event.from_parameters(event) for event in events]
    tracker = DialogueStateTracker.from_events(sender, first, DOMAIN.slots)
    await store.save(tracker)

    go_away(Path(db).parent)
    tracker.update(last)
    await store.save(tracker)
    go_away(Path(db).parent)
    loaded = await store.retrieve(sender)
    assert loaded is not None
    print(json.dumps({"events": [e.as_dict() for e in loaded.events]}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3])))
