"""Column types that encrypt on the way into the database and decrypt on the way out.

The ciphertext is random (a fresh nonce per write), so these columns cannot be searched,
compared or indexed in SQL: `WHERE column = 'x'` never matches. IS NULL still works.
"""

import json
from typing import Any

from sqlalchemy import Text
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from passage.core.field_crypto.keyring import FieldCryptoError, current_keyring


class FieldTooLong(FieldCryptoError):
    """The limit a String(N) column used to enforce, now that the column holds ciphertext."""

    def __init__(self, label: str, max_chars: int) -> None:
        super().__init__(f"{label} holds at most {max_chars} characters.")


class EncryptedText(TypeDecorator[str]):
    """Text encrypted under the current data key; `label` is "<table>.<column>" and is bound
    into the ciphertext, so a value copied to another column does not decrypt."""

    impl = Text
    cache_ok = True

    def __init__(self, label: str, *, max_chars: int | None = None) -> None:
        super().__init__()
        self.label = label
        self.max_chars = max_chars

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if self.max_chars is not None and len(value) > self.max_chars:
            raise FieldTooLong(self.label, self.max_chars)
        return current_keyring().encrypt(self.label, value)

    def process_result_value(self, value: str | None, dialect: Dialect) -> str | None:
        if value is None:
            return None
        return current_keyring().decrypt(self.label, value)


class EncryptedJSON(TypeDecorator[Any]):
    """A JSON document, encrypted as its text. Rows written before encryption hold the plain
    JSON text, which reads back as it did from the JSON column this replaced."""

    impl = Text
    cache_ok = True

    def __init__(self, label: str) -> None:
        super().__init__()
        self.label = label

    def process_bind_param(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        return current_keyring().encrypt(self.label, text)

    def process_result_value(self, value: str | None, dialect: Dialect) -> Any:
        if value is None:
            return None
        return json.loads(current_keyring().decrypt(self.label, value))
