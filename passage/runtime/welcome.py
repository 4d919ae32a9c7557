"""What `passage run` prints once everything is up: where things are, and for a newcomer on a
fresh demo database, how to start at once."""

from datetime import UTC, datetime

from passage.config import Settings, SmsMode


def demo_welcome(settings: Settings, *, fresh_demo: bool) -> list[str]:
    """Lines about the demo accounts: made now (only when the demo directory was just loaded
    into an empty database), or a reminder of how to get a new code for them later."""
    from casework.demo_accounts import create_demo_accounts, demo_officer_exists
    from passage.config import unit_of_work

    base = f"http://{settings.host}:{settings.api_port}"
    with unit_of_work() as session:
        access = create_demo_accounts(session, now=datetime.now(UTC)) if fresh_demo else None
        exists = access is not None or demo_officer_exists(session)
    if access is not None:
        return [
            "Demo accounts (made once, for this demo database only):",
            f"  officer   open {base}/ and type the enrolment code {access.enrolment_code}",
            "            (valid 24 h, once; a new one: .venv/bin/passage users enrol-code "
            f"{access.officer})",
            f"  shelter   {access.shelter}: log in at {base}/intake/login",
            f"            as {access.intake} with the password {access.intake_password}",
        ]
    if exists:
        return [
            "Demo officer: a new enrolment code with "
            ".venv/bin/passage users enrol-code demo.officer",
        ]
    return []


def demo_directory_present() -> bool:
    """Whether the directory holds the demo data (then a missing Twilio account means the
    phone sandbox, not SMS waiting in the outbox)."""
    from casework.demo_accounts import demo_directory_loaded
    from passage.config import unit_of_work

    with unit_of_work() as session:
        return demo_directory_loaded(session)


def running_banner(settings: Settings, welcome: list[str]) -> list[str]:
    base = f"http://{settings.host}:{settings.api_port}"
    lines = [
        "",
        "Passage is running.",
        f"  web chat        {base}/",
        f"  intake inbox    {base}/intake",
    ]
    if settings.sms_mode is SmsMode.SANDBOX:
        lines.append(f"  phone sandbox   {base}/dev/phone  (no Twilio account: SMS stop here)")
    elif settings.sms_mode is SmsMode.OFF:
        lines.append("  SMS             not configured: SMS referrals wait in the outbox")
    if settings.telegram_configured:
        lines.append(
            f"  Telegram        updates at {settings.resolved_public_base_url}/webhooks/telegram"
        )
    lines += [
        f"  API health      {base}/health",
        f"  Rasa server     {settings.resolved_rasa_url}",
        f"  action server   http://{settings.host}:{settings.actions_port}/health",
        f"  logs            {settings.var_dir / 'log'}/",
    ]
    if welcome:
        lines += ["", *welcome]
    lines += ["", "Press Ctrl-C to stop."]
    return lines
