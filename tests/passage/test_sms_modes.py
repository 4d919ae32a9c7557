"""Which way SMS go, and what `passage run` starts for it: Twilio when an account is configured,
else the phone sandbox (unless switched off), else nothing, and the officer is told which."""

from pathlib import Path

from passage.config import Settings, SmsMode
from passage.runtime.stack import build_processes, with_sandbox_if_needed

TWILIO = {
    "twilio_account_sid": "AC" + "1" * 32,
    "twilio_auth_token": "t" * 32,
    "twilio_from_number": "+15005550006",
}


def _names(settings: Settings) -> list[str]:
    return [p.name for p in build_processes(settings, Path("model.tar.gz"))]


def test_a_twilio_account_never_gets_the_sandbox(tmp_path: Path) -> None:
    settings = with_sandbox_if_needed(Settings(var_dir=tmp_path, **TWILIO), demo=True)
    assert settings.sms_mode is SmsMode.TWILIO
    assert "phone sandbox" not in _names(settings)
    assert settings.sms_webhook_token == TWILIO["twilio_auth_token"]


def test_a_demo_database_without_an_account_starts_the_sandbox_first(tmp_path: Path) -> None:
    plain = Settings(var_dir=tmp_path)
    assert plain.sms_mode is SmsMode.OFF and plain.sms_account is None

    settings = with_sandbox_if_needed(plain, demo=True)

    assert settings.sms_mode is SmsMode.SANDBOX
    account = settings.sms_account
    assert (
        account is not None and account.api_base == f"http://127.0.0.1:{settings.sms_sandbox_port}"
    )
    assert settings.sms_webhook_token == account.auth_token == settings.sms_sandbox_token
    assert _names(settings)[0] == "phone sandbox"
    # Every child process is given the token, so each knows the sandbox is there.
    assert settings.as_environment()["PASSAGE_SMS_SANDBOX_TOKEN"] == settings.sms_sandbox_token
    # A new run, a new token: nobody can sign a reply with last run's.
    assert with_sandbox_if_needed(plain, demo=True).sms_sandbox_token != settings.sms_sandbox_token


def test_a_real_deployment_without_an_account_keeps_sms_waiting(tmp_path: Path) -> None:
    """Not the demo: real providers' SMS must never end up in a sandbox page."""
    settings = with_sandbox_if_needed(Settings(var_dir=tmp_path), demo=False)
    assert settings.sms_mode is SmsMode.OFF
    assert "phone sandbox" not in _names(settings)
    switched_on = with_sandbox_if_needed(Settings(var_dir=tmp_path, sms_sandbox=True), demo=False)
    assert switched_on.sms_mode is SmsMode.SANDBOX
    switched_off = with_sandbox_if_needed(Settings(var_dir=tmp_path, sms_sandbox=False), demo=True)
    assert switched_off.sms_mode is SmsMode.OFF
