"""The background worker: one loop, one tick every few seconds (at once while the outbox has
a backlog).

A tick records a heartbeat, cancels referrals whose provider did not answer in time (which
offers or sends the next provider), reminds officers of reflection periods that ended, runs
retention when a period has passed, and sends what the outbox holds.
"""

import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from types import FrameType

import httpx
from sqlalchemy.orm import Session

from casework.audit_chain import seal as seal_audit_trail
from casework.capacity_requests import release_after_window
from casework.dispatch import (
    Channel,
    OfficerNoticeChannel,
    PartnerPushChannel,
    SmsChannel,
    dispatch_due,
)
from casework.exclusive_jobs import run_alone
from casework.heartbeat import record_heartbeat, worker_id_of
from casework.outbox import Kind
from casework.referral_models import PartnerPushSecret, Referral
from casework.referrals import expire_overdue
from casework.reflection import queue_reflection_reminders
from casework.twilio_transport import twilio_client
from passage.config import Settings, SmsMode, get_settings, session_factory, unit_of_work
from passage.config.service_tokens import rasa_api_token
from passage.runtime.policies import policies_from
from passage.runtime.retention_job import run_retention_if_due

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


def _push_secret(referral_id: int | None) -> str | None:
    with session_factory()() as session:
        referral = session.get(Referral, referral_id) if referral_id is not None else None
        if referral is None:
            return None
        stored = session.get(PartnerPushSecret, referral.organization_id)
        return stored.secret if stored is not None else None


def _organization_push_secret(organization_id: str) -> str | None:
    """For pushes of no referral (capacity requests): the Task owner's secret."""
    with session_factory()() as session:
        stored = session.get(PartnerPushSecret, organization_id)
        return stored.secret if stored is not None else None


def build_channels(settings: Settings, http: httpx.Client) -> dict[Kind, Channel]:
    channels: dict[Kind, Channel] = {
        Kind.PARTNER_PUSH: PartnerPushChannel(http, _push_secret, _organization_push_secret),
        Kind.OFFICER_NOTICE: OfficerNoticeChannel(
            http, settings.resolved_rasa_url, rasa_api_token(settings)
        ),
    }
    account = settings.sms_account
    if account is not None:
        client = twilio_client(account.account_sid, account.auth_token, account.api_base)
        channels[Kind.SMS] = SmsChannel(
            client, account.from_number, settings.resolved_public_base_url
        )
    return channels


# Rows one dispatch_due call sends at most; a full batch means more may be due.
OUTBOX_BATCH = 50


def tick(worker_id: str, settings: Settings, channels: Mapping[Kind, Channel]) -> bool:
    """One round of the worker's jobs; True when the outbox still had due rows at the end."""
    with unit_of_work() as session:
        record_heartbeat(session, worker_id=worker_id, now=_now())
    policies = policies_from(settings)
    jobs: dict[str, Callable[[Session], object]] = {
        "expire_overdue": lambda s: expire_overdue(s, policies.referrals, now=_now()),
        "reflection_reminders": lambda s: queue_reflection_reminders(s, now=_now()),
        "release_held_places": lambda s: release_after_window(
            s, now=_now(), base_url=policies.referrals.public_base_url
        ),
        "seal_audit_trail": lambda s: seal_audit_trail(s, now=_now()),
    }
    for name, job in jobs.items():
        with unit_of_work() as session:
            if run_alone(session, name):
                job(session)
    try:
        run_retention_if_due(settings, _now)
    except Exception:  # retention must not keep the outbox from being sent
        log.exception("retention run failed")
    # Batch after batch while they come full: one batch a tick would cap the worker at 50
    # messages per interval (10/s at 5 s). The time limit lets the tick's other jobs, the
    # heartbeat first, run between batches however large the backlog.
    until = time.monotonic() + settings.worker_interval_seconds
    while True:
        report = dispatch_due(
            _new_session,
            channels,
            now=_now,
            max_attempts=settings.outbox_max_attempts,
            stale_after=timedelta(seconds=settings.outbox_stale_after_seconds),
            limit=OUTBOX_BATCH,
        )
        full = report.sent + report.retried + report.ambiguous + report.dead >= OUTBOX_BATCH
        if not full or time.monotonic() >= until:
            return full


def _new_session() -> Session:
    return session_factory()()


def run_forever() -> None:
    settings = get_settings()
    worker_id = worker_id_of(os.getpid())
    stop = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    if settings.sms_account is None:
        log.warning("Twilio is not configured: SMS referrals stay in the outbox, unsent")
    elif settings.sms_mode is SmsMode.SANDBOX:
        log.warning("SMS go to the local phone sandbox, not to real phones")
    log.info("worker %s started, tick every %.1f s", worker_id, settings.worker_interval_seconds)
    with httpx.Client(timeout=httpx.Timeout(15.0, connect=5.0), trust_env=False) as http:
        channels = build_channels(settings, http)
        while not stop.is_set():
            backlog = False
            try:
                backlog = tick(worker_id, settings, channels)
            except Exception:  # a bad tick must not end the loop; the next one may succeed
                log.exception("worker tick failed")
            stop.wait(0 if backlog else settings.worker_interval_seconds)
    log.info("worker %s stopped", worker_id)
