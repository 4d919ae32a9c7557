"""The real stack for end-to-end tests (tests/e2e/stack.py), with the worker sending SMS with
the real twilio client to our fake Twilio server on 127.0.0.1."""

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from passage.config import get_settings
from passage.core.field_crypto.keyring import new_key_line
from passage.runtime.sandbox.fake_twilio import FakeTwilio
from tests.e2e.stack import Stack, start_stack
from tests.fakes.fake_telegram import FakeTelegram

__all__ = ["Stack"]


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    var_dir: Path = tmp_path_factory.mktemp("e2e") / "var"
    # The test process reads and writes encrypted columns too (directory import, checks of
    # stored cases): it must hold the servers' key. Tests using the `settings` fixture drop it.
    data_keys = new_key_line()
    saved_keys = os.environ.get("PASSAGE_DATA_KEYS")
    os.environ["PASSAGE_DATA_KEYS"] = data_keys
    get_settings.cache_clear()
    twilio = FakeTwilio().start()
    telegram = FakeTelegram().start()
    stack = start_stack(
        var_dir,
        twilio,
        data_keys=data_keys,
        telegram_bot_token=telegram.token,
        telegram_api_base=telegram.base_url,
        twilio_whatsapp_from=f"whatsapp:{twilio.valid_from}",
        whatsapp_news_template_sid="HX" + "0" * 32,
    )
    stack.telegram = telegram
    try:
        yield stack
    finally:
        stack.stop()
        twilio.stop()
        telegram.stop()
        if saved_keys is None:
            os.environ.pop("PASSAGE_DATA_KEYS", None)
        else:
            os.environ["PASSAGE_DATA_KEYS"] = saved_keys
        get_settings.cache_clear()
