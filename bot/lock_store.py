"""A conversation lock for several Rasa replicas that Redis grants atomically.

Rasa's own RedisLockStore issues tickets by reading the lock, changing it and saving it back:
two replicas that receive messages of one conversation at the same moment can both be served
(see ../shared/notes/channels.md). Here a replica holds a conversation only while it owns one
Redis key, taken with SET NX and an expiry (a replica that dies frees it when it expires) and
given back by a script that deletes the key only if the replica still owns it.

Messages of one conversation that arrive at the same moment on two replicas are served one
after the other, in no promised order (they had none). Redis out of reach fails closed: the
message is refused with a LockError, never processed without the lock.

Loaded by module path from endpoints.yml (`passage run` puts bot/ on Rasa's path, as for the
tracker store):

    lock_store:
      type: lock_store.AtomicRedisLockStore
      url: redis://127.0.0.1:6379/0
"""

import asyncio
import secrets
import time
from collections.abc import AsyncGenerator
from contextlib import asynccontextmanager, suppress
from typing import Any

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

# Deletes the key only if it still holds this replica's token: a lock that expired and was
# taken by another replica is not released by the slow one.
_RELEASE = """
if redis.call("get", KEYS[1]) == ARGV[1] then
    return redis.call("del", KEYS[1])
end
return 0
"""
DEFAULT_PREFIX = "passage:lock:"
# How often a waiting message tries again, at most; short, since a turn takes well under 1 s.
POLL_SECONDS = 0.02


class AtomicRedisLockStore(LockStore):
    def __init__(
        self,
        endpoint_config: EndpointConfig | None = None,
        *,
        url: str | None = None,
        key_prefix: str = DEFAULT_PREFIX,
    ) -> None:
        settings: dict[str, Any] = dict(endpoint_config.kwargs) if endpoint_config else {}
        address = url or (endpoint_config.url if endpoint_config else None)
        if not address:
            raise ValueError("the lock store needs a Redis url (redis://host:port/db)")
        self.prefix = str(settings.get("key_prefix") or key_prefix)
        timeout = float(settings.get("socket_timeout", 2.0))
        self.red = redis.Redis.from_url(
            address, socket_timeout=timeout, socket_connect_timeout=timeout
        )
        self.release_script = self.red.register_script(_RELEASE)

    def _key(self, conversation_id: str) -> str:
        return self.prefix + conversation_id

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncGenerator[TicketLock, None]:
        """Holds the conversation for at most `lock_lifetime` seconds; waits at most that long
        for another holder to finish (then LockError, as Rasa's stores do)."""
        key, token = self._key(conversation_id), secrets.token_hex(16)
        deadline = time.monotonic() + lock_lifetime
        pause = min(POLL_SECONDS, wait_time_in_seconds)
        while not self._take(key, token, lock_lifetime):
            if time.monotonic() >= deadline:
                raise LockError("the conversation stayed locked by another replica")
            await asyncio.sleep(pause)
        try:
            yield TicketLock(conversation_id)
        finally:
            self._give_back(key, token)

    def _take(self, key: str, token: str, lifetime: float) -> bool:
        try:
            return bool(self.red.set(key, token, nx=True, px=max(1, int(lifetime * 1000))))
        except redis.RedisError as error:
            # Without Redis nothing says whether another replica holds the conversation.
            message = f"the lock store (Redis) cannot be reached: {type(error).__name__}"
            raise LockError(message) from error

    def _give_back(self, key: str, token: str) -> None:
        # Redis lost now: the key expires by itself, and the turn itself was done.
        with suppress(redis.RedisError):
            self.release_script(keys=[key], args=[token])

    # Rasa calls only lock(); the ticket methods of the base class have nothing to store here.
    def get_lock(self, conversation_id: str) -> TicketLock | None:
        return None

    def delete_lock(self, conversation_id: str) -> None:
        self.red.delete(self._key(conversation_id))

    def save_lock(self, lock: TicketLock) -> None:
        return None
