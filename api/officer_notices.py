"""Telling the officer now: after a provider's answer the API sends the officer's notice itself,
right after its own response, instead of leaving it for the worker's next tick (up to
PASSAGE_WORKER_INTERVAL_SECONDS later). The notice is an outbox row written with the status
change either way; whichever of the API and the worker claims it first sends it, and a failed
send stays for the worker to retry (`casework.dispatch`)."""

from datetime import UTC, datetime, timedelta

import httpx

from casework.dispatch import OfficerNoticeChannel, dispatch_due
from casework.outbox import Kind
from passage.config import Settings, session_factory
from passage.config.service_tokens import rasa_api_token

_TIMEOUT = httpx.Timeout(15.0, connect=3.0)


def tell_officers_now(settings: Settings) -> None:
    """Send the officer notices that are due (run as a background task of the response)."""
    with httpx.Client(timeout=_TIMEOUT, trust_env=False) as http:
        dispatch_due(
            session_factory(),
            {
                Kind.OFFICER_NOTICE: OfficerNoticeChannel(
                    http, settings.resolved_rasa_url, rasa_api_token(settings)
                )
            },
            now=lambda: datetime.now(UTC),
            max_attempts=settings.outbox_max_attempts,
            stale_after=timedelta(seconds=settings.outbox_stale_after_seconds),
        )
