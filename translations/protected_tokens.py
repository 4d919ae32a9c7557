"""Keep e-mails, URLs, phone numbers and reference codes out of reach of a translation model.

Models rewrite what they see: Argos's decoder turns `_` into a space, models transliterate
Latin letters, regroup digits, or translate the words inside a URL. So before translation each
such token is replaced by a numbered placeholder (`[1]`, `[2]`, ...) that models copy as it is,
and put back afterwards. Bracketed numbers already in the text are protected the same way, so a
placeholder can never be mistaken for the text's own `[1]`.
"""

import re
from dataclasses import dataclass

_EMAIL = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
_URL = r"(?:https?://|www\.)[^\s<>\"']*[^\s<>\"'.,;:!?)\]}»”\u2019]"
# 7 to 15 digits (counted below), may start with + or (, grouped by spaces, dots, dashes, ().
_PHONE = r"(?<![\w+])(?:\+|\(\+?)?\d[\d \u00a0().-]{5,}\d(?![\w])"
# Case references (KX7P-2M9Q) and referral codes (WWWWWW): 6 to 9 upper-case letters or digits,
# one hyphen allowed between two groups.
_CODE = r"(?<![\w-])[A-Z0-9]+(?:-[A-Z0-9]+)?(?![\w-])"
_MARKER = r"\[\s*\d+\s*\]"

_TOKEN = re.compile(
    rf"(?P<email>{_EMAIL})|(?P<url>{_URL})|(?P<phone>{_PHONE})|(?P<code>{_CODE})|{_MARKER}"
)
_PLACEHOLDER = re.compile(r"\[\s*(\d+)\s*\]")


def _kept(match: re.Match[str]) -> bool:
    token = match.group()
    if match.lastgroup == "phone":
        return 7 <= sum(char.isdigit() for char in token) <= 15
    if match.lastgroup == "code":
        return 6 <= len(token.replace("-", "")) <= 9
    return True


@dataclass(frozen=True)
class Protected:
    """A text with its tokens replaced by placeholders, and the tokens in placeholder order."""

    text: str
    tokens: tuple[str, ...]

    def restore(self, translated: str) -> str:
        """Put the tokens back into the model's output.

        A placeholder the model dropped does not lose its token: the token is appended at the
        end, so a phone number or reference is never missing from what the reader sees.
        """
        seen: set[int] = set()

        def _token(match: re.Match[str]) -> str:
            number = int(match.group(1))
            if not 1 <= number <= len(self.tokens):
                return match.group()
            seen.add(number)
            return self.tokens[number - 1]

        restored = _PLACEHOLDER.sub(_token, translated) if self.tokens else translated
        missing = [tok for i, tok in enumerate(self.tokens, start=1) if i not in seen]
        return " ".join([restored, *missing]) if missing else restored


def protect(text: str) -> Protected:
    tokens: list[str] = []

    def _placeholder(match: re.Match[str]) -> str:
        if not _kept(match):
            return match.group()
        token = match.group()
        if token not in tokens:
            tokens.append(token)
        return f"[{tokens.index(token) + 1}]"

    return Protected(_TOKEN.sub(_placeholder, text), tuple(tokens))
