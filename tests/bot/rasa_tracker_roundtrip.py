"""Run by tests/bot/test_encrypted_tracker_store.py with `.venv-rasa/bin/python` (Rasa is not
importable in the app's environment): saves one conversation through the tracker store that
`bot/endpoints.yml` names, the way the Rasa server does, then loads it back with a new store
and prints its events as JSON.

argv: the SQLite file, the conversation id, then a JSON list of events (Rasa's dicts) to save
(none: only load what is there). Keys come from the environment, as in the server.
"""

import asyncio
import json
import sys

from rasa.core.tracker_store import create_tracker_store
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

DOMAIN = Domain.from_dict(
    {
        "intents": ["open_case"],
        "slots": {
            "case_reference": {
                "type": "text",
                "influence_conversation": False,
                "mappings": [{"type": "custom"}],
            }
        },
    }
)


async def main(db: str, sender: str, events: list[dict]) -> None:
    endpoint = read_endpoint_config("bot/endpoints.yml", "tracker_store")
    assert endpoint is not None
    endpoint.kwargs["db"] = db
    store = create_tracker_store(endpoint, DOMAIN)
    kind = type(store).__name__
    if events:
        tracker = DialogueStateTracker.from_events(
            sender, [Event.from_parameters(event) for event in events], DOMAIN.slots
        )
        await store.save(tracker)
    again = create_tracker_store(endpoint, DOMAIN)
    loaded = await again.retrieve(sender)
    assert loaded is not None
    print(json.dumps({"store": kind, "events": [e.as_dict() for e in loaded.events]}))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], json.loads(sys.argv[3])))
