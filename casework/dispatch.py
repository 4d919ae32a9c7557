"""Sending claimed outbox rows: SMS through Twilio, FHIR pushes to partners, chat notices.

Each channel turns one row into an Outcome; `dispatch_due` records it. What may be retried
follows from what the receiver may have done: Twilio documents that a 429 was not processed,
and a connection that never opened sent nothing. A 5xx or a lost response from Twilio may have
sent the SMS, so it is ambiguous, never retried blindly.
"""

import json
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Protocol

import httpx
from requests.exceptions import ConnectionError as RequestsConnectionError
from requests.exceptions import ConnectTimeout, ReadTimeout
from sqlalchemy.orm import Session
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client
from urllib3.exceptions import NewConnectionError

from casework.fhir_capacity import owner_organization
from casework.outbox import (
    Kind,
    claim_due,
    mark_ambiguous,
    mark_dead,
    mark_retry,
    mark_sent,
    recover_stalled,
)
from casework.referral_models import OutboxMessage
from casework.request_signing import sign

log = logging.getLogger(__name__)


class Result(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    AMBIGUOUS = "ambiguous"
    DEAD = "dead"


@dataclass(frozen=True)
class Outcome:
    result: Result
    carrier_id: str | None = None
    error: str = ""


class Channel(Protocol):
    def send(self, row: OutboxMessage, now: datetime) -> Outcome: ...


class SmsChannel:
    """Sends through the twilio client; the status callback URL names the outbox row."""

    def __init__(self, client: Client, from_number: str, callback_base: str) -> None:
        self._client = client
        self._from = from_number
        self._callback_base = callback_base

    def send(self, row: OutboxMessage, now: datetime) -> Outcome:
        try:
            message = self._client.messages.create(
                to=row.recipient,
                from_=self._from,
                body=row.body,
                status_callback=f"{self._callback_base}/webhooks/twilio/status?outbox={row.id}",
            )
        except TwilioRestException as error:
            code = f"twilio {error.status}/{error.code}"
            if error.status == 429:
                return Outcome(Result.RETRY, error=code)
            if 400 <= error.status < 500:
                return Outcome(Result.DEAD, error=code)
            return Outcome(Result.AMBIGUOUS, error=code)
        except ConnectTimeout:
            return Outcome(Result.RETRY, error="connect timeout")
        except ReadTimeout:
            return Outcome(Result.AMBIGUOUS, error="read timeout")
        except RequestsConnectionError as error:
            if _never_connected(error):
                return Outcome(Result.RETRY, error="connection refused")
            return Outcome(Result.AMBIGUOUS, error="connection lost")
        return Outcome(Result.SENT, carrier_id=message.sid)


def _never_connected(error: RequestsConnectionError) -> bool:
    """True when the TCP connection was never made, so Twilio cannot have seen the request."""
    cause = error.args[0] if error.args else None
    return isinstance(cause, NewConnectionError) or isinstance(
        getattr(cause, "reason", None), NewConnectionError
    )


class PartnerPushChannel:
    """POSTs the FHIR Bundle, signed with the provider organization's shared secret: the
    referral's organization, or for a push of no referral (a capacity request) the owner of
    its Task (casework.fhir_capacity)."""

    def __init__(
        self,
        client: httpx.Client,
        secret_of: Callable[[int | None], str | None],
        secret_of_organization: Callable[[str], str | None] | None = None,
    ) -> None:
        self._client = client
        self._secret_of = secret_of
        self._secret_of_organization = secret_of_organization

    def _secret(self, row: OutboxMessage) -> str | None:
        if row.referral_id is not None or self._secret_of_organization is None:
            return self._secret_of(row.referral_id)
        organization = owner_organization(row.body)
        return self._secret_of_organization(organization) if organization else None

    def send(self, row: OutboxMessage, now: datetime) -> Outcome:
        secret = self._secret(row)
        if not secret:
            return Outcome(Result.DEAD, error="no shared secret for this provider")
        body = row.body.encode("utf-8")
        headers = {"Content-Type": "application/fhir+json", **sign(secret, body, now)}
        try:
            response = self._client.post(row.recipient, content=body, headers=headers)
        except httpx.TransportError as error:
            # A push is idempotent (same Task identifier), so any transport failure retries.
            return Outcome(Result.RETRY, error=type(error).__name__)
        if response.is_success:
            return Outcome(Result.SENT)
        if response.status_code == 429 or response.status_code >= 500:
            return Outcome(Result.RETRY, error=f"http {response.status_code}")
        return Outcome(Result.DEAD, error=f"http {response.status_code}")


class OfficerNoticeChannel:
    """Asks the Rasa server to run the notice action in the officer's conversation, through
    Rasa's HTTP API, which refuses a call without its token (`?token=`)."""

    def __init__(self, client: httpx.Client, rasa_url: str, token: str) -> None:
        self._client = client
        self._rasa_url = rasa_url
        self._token = token

    def send(self, row: OutboxMessage, now: datetime) -> Outcome:
        url = f"{self._rasa_url}/conversations/{row.recipient}/trigger_intent"
        params = {"output_channel": "latest", "token": self._token}
        # The action tells every change not yet told, so the row's own event id is not needed.
        payload = {"name": "referral_news"}
        try:
            response = self._client.post(url, params=params, content=json.dumps(payload))
        except httpx.TransportError as error:
            return Outcome(Result.RETRY, error=type(error).__name__)
        if response.is_success:
            return Outcome(Result.SENT)
        return Outcome(Result.RETRY, error=f"http {response.status_code}")


@dataclass(frozen=True)
class DispatchReport:
    sent: int = 0
    retried: int = 0
    ambiguous: int = 0
    dead: int = 0


def dispatch_due(
    open_session: Callable[[], Session],
    channels: Mapping[Kind, Channel],
    *,
    now: Callable[[], datetime],
    max_attempts: int,
    stale_after: timedelta,
    limit: int = 50,
) -> DispatchReport:
    """Send up to `limit` due rows, one at a time: claim (committed), send, record (committed).

    A row is claimed only just before its send starts, so a worker killed mid-send leaves one
    row `sending` (ambiguous for an SMS) and every other due row pending, to be sent once by
    the next worker. Kinds without a channel (SMS when nothing can send) stay pending, untouched.
    """
    with open_session() as session, session.begin():
        recover_stalled(session, now=now(), stale_after=stale_after)
    counts = {result: 0 for result in Result}
    for _ in range(limit):
        with open_session() as session, session.begin():
            claimed = claim_due(session, kinds=tuple(channels), now=now(), limit=1)
            if not claimed:
                break
            (row,) = claimed
            session.flush()
            session.expunge(row)
        kind = Kind(row.kind)
        outcome = channels[kind].send(row, now())
        counts[outcome.result] += 1
        with open_session() as session, session.begin():
            stored = session.get(OutboxMessage, row.id)
            if stored is not None:
                _record(stored, outcome, max_attempts, now())
        if outcome.result is not Result.SENT:
            log.warning("outbox %s (%s): %s %s", row.id, kind.value, outcome.result, outcome.error)
    return DispatchReport(
        counts[Result.SENT], counts[Result.RETRY], counts[Result.AMBIGUOUS], counts[Result.DEAD]
    )


def _record(row: OutboxMessage, outcome: Outcome, max_attempts: int, now: datetime) -> None:
    if outcome.result is Result.SENT:
        # A status callback may have settled the row while we waited for Twilio's answer.
        mark_sent(row, outcome.carrier_id, now=now)
    elif outcome.result is Result.RETRY:
        mark_retry(row, outcome.error, max_attempts=max_attempts, now=now)
    elif outcome.result is Result.AMBIGUOUS:
        if row.state == "sending":
            mark_ambiguous(row, outcome.error)
    else:
        mark_dead(row, outcome.error)
