"""One Rasa replica's side of the lock race (run in .venv-rasa by test_lock_store.py).

Usage: rasa_lock_race.py <redis url> <conversation id> <turns> <key prefix>
Prints one JSON list: for each turn, when this replica held the conversation (epoch seconds,
start and end); or {"error": "..."} when the lock was refused.
"""

import asyncio
import json
import sys
import time

from rasa.core.lock_store import LockError

from bot.lock_store import AtomicRedisLockStore


async def main(url: str, conversation: str, turns: int, prefix: str) -> None:
    store = AtomicRedisLockStore(url=url, key_prefix=prefix)

    async def turn() -> list[float]:
        async with store.lock(conversation, lock_lifetime=20):
            start = time.time()
            await asyncio.sleep(0.01)  # a turn's work, yielding as Rasa's do
            return [start, time.time()]

    try:
        held = await asyncio.gather(*(turn() for _ in range(turns)))
    except LockError as error:
        print(json.dumps({"error": str(error)}))
        return
    print(json.dumps(held))


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]))
