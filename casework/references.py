"""Case reference codes: short, readable aloud, hard to guess, and free of look-alike characters."""

import re
import secrets

# No 0/O, 1/I/L, or U/V pairs: references are read over the phone and copied by hand at night.
ALPHABET = "ABCDEFGHJKMNPQRSTWXYZ23456789"
_GROUP = 4
_PATTERN = re.compile(rf"^[{ALPHABET}]{{{_GROUP}}}-[{ALPHABET}]{{{_GROUP}}}$")


class InvalidReference(ValueError):
    """The text cannot be a case reference (it says nothing of whether such a case exists)."""


def new_reference() -> str:
    chars = "".join(secrets.choice(ALPHABET) for _ in range(2 * _GROUP))
    return f"{chars[:_GROUP]}-{chars[_GROUP:]}"


def normalize_reference(text: str) -> str:
    """Accept what people type (lower case, spaces, missing dash) and return the canonical form."""
    compact = re.sub(r"[\s\-_.]", "", text).upper()
    candidate = f"{compact[:_GROUP]}-{compact[_GROUP:]}"
    if not _PATTERN.match(candidate):
        raise InvalidReference("not a case reference")
    return candidate
