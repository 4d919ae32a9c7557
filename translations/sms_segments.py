"""How many SMS segments a text costs, so each template can be budgeted per language.

Assumptions, chosen to err towards counting more segments rather than fewer:
- Twilio's Smart Encoding is off, so an en dash or a curly quote is sent as it is and makes the
  whole message UCS-2 (it is not replaced by a GSM look-alike).
- No national language shift tables: carriers do not reliably support them.
- GSM 03.38 position 0x09 is the capital Ç only; a small ç makes the message UCS-2.
- A concatenated part never ends halfway through an extension character (escape + character)
  or a surrogate pair, as phones do; a Khmer cluster may be split, since its combining marks
  are characters of their own.
- An empty text is 0 segments: Twilio refuses an empty body, so nothing is sent or billed.
"""

from typing import Literal

_GSM_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅå"
    "Δ_ΦΓΛΩΠΨΣΘΞÆæßÉ"  # 0x1B, between Ξ and Æ, is the escape to the extension table
    " !\"#¤%&'()*+,-./"
    "0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§"
    "¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# Each is sent as escape + character, so it costs two septets.
_GSM_EXTENSION = frozenset("\f^{}\\[~]|€")

_GSM_SINGLE = 160
_GSM_PART = 153  # 7 septets per part go to the concatenation header
_UCS2_SINGLE = 70
_UCS2_PART = 67  # 3 code units per part go to the concatenation header


def encoding(text: str) -> Literal["GSM-7", "UCS-2"]:
    if all(char in _GSM_BASIC or char in _GSM_EXTENSION for char in text):
        return "GSM-7"
    return "UCS-2"


def segments(text: str) -> int:
    if not text:
        return 0
    if encoding(text) == "GSM-7":
        costs = [2 if char in _GSM_EXTENSION else 1 for char in text]
        return _count_parts(costs, _GSM_SINGLE, _GSM_PART)
    # Astral characters (emoji, some scripts) are a surrogate pair: two UTF-16 code units.
    costs = [2 if ord(char) > 0xFFFF else 1 for char in text]
    return _count_parts(costs, _UCS2_SINGLE, _UCS2_PART)


def _count_parts(costs: list[int], single: int, part: int) -> int:
    if sum(costs) <= single:
        return 1
    parts = 1
    used = 0
    for cost in costs:
        if used + cost > part:
            parts += 1
            used = 0
        used += cost
    return parts
