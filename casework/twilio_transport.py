"""The Twilio REST client Passage sends SMS with, and its loopback variant for tests and demos.

twilio 9 has no base-URL setting: every resource is hard-wired to ``https://*.twilio.com``. The
seam the library does support is ``Client(..., http_client=...)``, so tests and demos swap in an
HTTP client that rewrites those URLs to a fake Twilio on this machine. It refuses any other host,
so a test or demo can never reach the real service by mistake.
"""

import logging
from typing import Any
from urllib.parse import urlsplit

from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

# The twilio loggers write request URLs and parameters at INFO/DEBUG, and those carry the phone
# numbers of providers. Keep them quiet whatever the root logging level is.
logging.getLogger("twilio").setLevel(logging.WARNING)
logging.getLogger("twilio.http_client").setLevel(logging.WARNING)

_LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def _is_twilio_host(host: str) -> bool:
    return host == "twilio.com" or host.endswith(".twilio.com")


class LoopbackTwilioHttpClient(TwilioHttpClient):  # type: ignore[misc]
    """Sends what the twilio Client addresses to ``*.twilio.com`` to a server on loopback."""

    def __init__(self, base_url: str, timeout: float) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or parts.hostname not in _LOOPBACK_HOSTS:
            raise ValueError("the Twilio API base must be a loopback http(s) URL")
        super().__init__(pool_connections=True, timeout=timeout)
        self.base_url = base_url.rstrip("/")
        # A proxy from HTTP(S)_PROXY would take loopback traffic off the machine, and .netrc
        # credentials would replace the account's Basic auth.
        self.session.trust_env = False

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Any:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if _is_twilio_host(host):
            query = f"?{parts.query}" if parts.query else ""
            url = f"{self.base_url}{parts.path}{query}"
        elif host not in _LOOPBACK_HOSTS:
            # Only twilio.com URLs are expected here; anything else must not leave the machine.
            raise ValueError("refusing a non-loopback URL in the loopback Twilio client")
        return super().request(method, url, *args, **kwargs)


def twilio_client(
    account_sid: str, auth_token: str, api_base: str, timeout: float = 15.0
) -> Client:
    """A twilio Client; ``api_base`` is "" in production, else a loopback URL of a fake Twilio."""
    if not account_sid or not auth_token:
        # With empty credentials the Client silently falls back to TWILIO_* environment variables.
        raise ValueError("Twilio account SID and auth token are required")
    if api_base:
        http_client = LoopbackTwilioHttpClient(api_base, timeout=timeout)
    else:
        # Without an explicit timeout TwilioHttpClient waits forever on a stalled connection.
        http_client = TwilioHttpClient(timeout=timeout)
    return Client(account_sid, auth_token, http_client=http_client)
