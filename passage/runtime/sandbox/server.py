"""The phone sandbox process: the fake Twilio on a fixed loopback port, for `make run` without a
Twilio account. SMS the worker sends land here and show on the API's /dev/phone page; a reply
typed there comes back to Passage signed as Twilio signs it.
"""

import logging
import signal
import threading
from types import FrameType

from passage.config import Settings, SmsMode
from passage.runtime.sandbox.fake_twilio import FakeTwilio

log = logging.getLogger(__name__)


def run_sandbox(settings: Settings) -> None:
    account = settings.sms_account
    if settings.sms_mode is not SmsMode.SANDBOX or account is None:
        raise SystemExit("the phone sandbox runs only when `passage run` starts it")
    gateway = FakeTwilio(
        account.account_sid,
        account.auth_token,
        account.from_number,
        port=settings.sms_sandbox_port,
        inbound_url=f"{settings.resolved_public_base_url}/webhooks/twilio/sms",
        report_delivery=True,
    )
    stop = threading.Event()

    def _stop(_signum: int, _frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    gateway.start()
    log.warning("phone sandbox on %s: SMS go nowhere but /dev/phone", account.api_base)
    stop.wait()
    gateway.stop()
