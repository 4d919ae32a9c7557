"""Identifying fields encrypted at rest (AES-256-GCM) with keys from settings.

Kept free of casework's tables so the directory's models can use the column types too.
"""

from casework.field_crypto.keyring import (
    PREFIX,
    DecryptionError,
    FieldCryptoError,
    KeyConfigError,
    Keyring,
    current_keyring,
    new_key_line,
)
from casework.field_crypto.types import EncryptedJSON, EncryptedText, FieldTooLong

__all__ = [
    "PREFIX",
    "DecryptionError",
    "EncryptedJSON",
    "EncryptedText",
    "FieldCryptoError",
    "FieldTooLong",
    "KeyConfigError",
    "Keyring",
    "current_keyring",
    "new_key_line",
]
