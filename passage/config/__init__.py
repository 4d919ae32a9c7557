"""Configuration: the settings class and the database engine. No rule lives here, and no
domain package is imported: the runtime turns settings into the domains' policies."""

from passage.config.database import make_engine, session_factory, unit_of_work
from passage.config.keys import configured_keyring
from passage.config.settings import (
    SANDBOX_FROM_NUMBER,
    Settings,
    SmsAccount,
    SmsMode,
    get_settings,
)

__all__ = [
    "SANDBOX_FROM_NUMBER",
    "Settings",
    "SmsAccount",
    "SmsMode",
    "configured_keyring",
    "get_settings",
    "make_engine",
    "session_factory",
    "unit_of_work",
]
