"""The background worker: one loop, one tick every few seconds.

Today a tick only records a heartbeat; outbox dispatch, referral deadlines and retention purges
join this loop as they are built.
"""

import logging
import os
import signal
import socket
import threading
from datetime import UTC, datetime
from types import FrameType

from casework.heartbeat import record_heartbeat
from passage.database import unit_of_work
from passage.settings import get_settings

log = logging.getLogger(__name__)


def tick(worker_id: str) -> None:
    with unit_of_work() as session:
        record_heartbeat(session, worker_id=worker_id, now=datetime.now(UTC))


def run_forever() -> None:
    settings = get_settings()
    worker_id = f"{socket.gethostname()}:{os.getpid()}"
    stop = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    log.info("worker %s started, tick every %.1f s", worker_id, settings.worker_interval_seconds)
    while not stop.is_set():
        try:
            tick(worker_id)
        except Exception:  # a bad tick must not end the loop; the next one may succeed
            log.exception("worker tick failed")
        stop.wait(settings.worker_interval_seconds)
    log.info("worker %s stopped", worker_id)
