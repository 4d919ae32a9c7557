"""Identifying fields encrypted at rest (AES-256-GCM) with keys handed in (`use_keys`).

Kept free of every domain's tables so the directory's and casework's models both use it.
"""

from passage.core.field_crypto.keyring import (
    KEY_FILE_NAME,
    PREFIX,
    DecryptionError,
    FieldCryptoError,
    KeyConfigError,
    Keyring,
    current_keyring,
    keyring_from,
    new_key_line,
    use_keys,
)
from passage.core.field_crypto.types import EncryptedJSON, EncryptedText, FieldTooLong

__all__ = [
    "KEY_FILE_NAME",
    "PREFIX",
    "DecryptionError",
    "EncryptedJSON",
    "EncryptedText",
    "FieldCryptoError",
    "FieldTooLong",
    "KeyConfigError",
    "Keyring",
    "current_keyring",
    "keyring_from",
    "new_key_line",
    "use_keys",
]
