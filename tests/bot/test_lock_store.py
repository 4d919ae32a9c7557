"""The lock store of the scaled profile (`bot/lock_store.py`): two Rasa replicas that receive
messages of one conversation at once never process them at the same time, a replica that dies
holding a conversation frees it when the lock expires, and Redis out of reach refuses the
message instead of processing it unlocked.

Each replica is its own process in Rasa's Python environment (`rasa_lock_race.py`), against
the Redis the machines run on 127.0.0.1:6379.
"""

import json
import socket
import subprocess
import time
import uuid
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

RASA_PYTHON = Path(".venv-rasa/bin/python")
SCRIPT = Path(__file__).with_name("rasa_lock_race.py")
REDIS = "redis://127.0.0.1:6379/0"


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except OSError:
        return False


pytestmark = [
    pytest.mark.skipif(not RASA_PYTHON.exists(), reason="needs .venv-rasa (`make venvs`)"),
    pytest.mark.skipif(not _redis_answers(), reason="needs Redis on 127.0.0.1:6379"),
]


def _replica(url: str, conversation: str, turns: int, prefix: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [str(RASA_PYTHON), "-m", "tests.bot.rasa_lock_race", url, conversation, str(turns), prefix],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _result(replica: subprocess.Popen[str]) -> Any:
    out, err = replica.communicate(timeout=120)
    assert replica.returncode == 0, err
    return json.loads(out)


def _send(command: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", 6379), timeout=2) as connection:
        connection.sendall(command)
        return connection.recv(64)


def test_two_replicas_never_serve_one_conversation_at_once() -> None:
    prefix = f"test-lock-{uuid.uuid4().hex[:8]}:"
    replicas = [_replica(REDIS, "conversation-1", 15, prefix) for _ in range(2)]

    held = [interval for replica in replicas for interval in _result(replica)]

    assert len(held) == 30  # every message was served
    ordered = sorted(held)
    for (_, end), (start, _) in pairwise(ordered):
        assert start >= end, "two turns of one conversation overlapped"


def test_a_replica_that_died_holding_a_conversation_frees_it_when_the_lock_expires() -> None:
    prefix = f"test-lock-{uuid.uuid4().hex[:8]}:"
    # What a replica killed mid-turn leaves: its key, expiring after the lock's lifetime.
    assert _send(f"SET {prefix}conversation-2 dead-replica PX 1500\r\n".encode()).startswith(b"+OK")
    started = time.monotonic()

    (served,) = _result(_replica(REDIS, "conversation-2", 1, prefix))

    assert served[0] > 0 and time.monotonic() - started >= 1.0


def test_redis_out_of_reach_refuses_the_message() -> None:
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        closed = f"redis://127.0.0.1:{probe.getsockname()[1]}/0"

    refused = _result(_replica(closed, "conversation-3", 1, "test-lock:"))

    assert refused == {"error": "the lock store (Redis) cannot be reached: ConnectionError"}
