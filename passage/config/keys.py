"""Hands the configured data keys to the encrypted column types."""

from passage.config.settings import get_settings
from passage.core.field_crypto import KEY_FILE_NAME, Keyring, keyring_from, use_keys


def configured_keyring() -> Keyring:
    """The keys of the current settings: PASSAGE_DATA_KEYS, else the key file under var/."""
    settings = get_settings()
    return keyring_from(settings.data_keys, (settings.var_dir / KEY_FILE_NAME).absolute())


# Every process that opens the app database imports this package first, so the keys are
# in place before the first encrypted value is read or written.
use_keys(configured_keyring)
