# Letters of 14 languages and their look-alikes are the subject here, not typos:
# ruff: noqa: RUF001, RUF002, RUF003
"""Propose the language of a short sentence a person typed; the officer then confirms it.

Only the person languages Passage supports are ever proposed (`SUPPORTED`, or the narrower
`languages` a caller passes, e.g. `shipped_catalogs().person_languages`). Three steps:

1. Script. Khmer, Lao, Myanmar and Thai are each written by one supported language only, so a
   text whose letters are mostly in one of those scripts is that language, confidence 1.0. Han
   characters are Chinese, unless the text also has kana or hangul (Japanese or Korean, which
   are not supported: no proposal). A text mostly in a script no allowed language uses (Arabic,
   Greek, ...) gets no proposal. Latin or Cyrillic text narrows the candidates to the languages
   written in that script: Latin en fr vi uz tk, Cyrillic ru kk ky tg uz.
2. py3langid (naive Bayes over byte n-grams, model inside the wheel) ranks the candidates; its
   probabilities are normalised over the supported languages, then over the candidates.
3. Letters one sibling language has and another lacks remove that sibling (`_LETTER_RULES`):
   e.g. ҷ ӣ ӯ are Tajik only, so a text with them is not Kazakh, Kyrgyz or Uzbek. They never
   remove Russian, English or French: people write those with their own names and home towns
   in them ("Меня зовут Айгүл"). No letter is ever enough for a language on its own: Kazakh
   "Мен үйге барамын" has ү and none of Kazakh's own letters, so "ң ө ү without ә і ұ means
   Kyrgyz" would be wrong; the letters only decide among the candidates py3langid ranks.

py3langid 0.4.0 knows all 14 supported languages (uz has two columns in the model, folded into one
label). A supported language the model did not know would still be found by its script (km,
lo, my, th, zh) but never proposed for Latin or Cyrillic text.

Only the first `MAX_CHARS` characters are looked at. The text is personal data: it is never
logged, and nothing here keeps it.
"""

import threading
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# The person languages the brief promises (issue 6); the catalog may list fewer while
# translators are working.
SUPPORTED: tuple[str, ...] = (
    "en", "ru", "fr", "km", "th", "vi", "uz", "kk", "ky", "tg", "tk", "lo", "my", "zh",
)  # fmt: skip
MAX_CHARS = 500
MIN_LETTERS = 2
# Chosen by measurement (benchmarks/language_detection.py: the 226 sentences of tests/
# translations/detect_sentences.tsv and 66 short replies such as "Да", "Rahmat", "Иә"). Of
# py3langid's answers, those at 0.6 or more were right 178 times in 181; between 0.3 and 0.6 only
# 16 in 29, a coin toss: texts with hardly an n-gram the model knows ("No", "Merci"; with none at
# all each label gets 1/15, the doubled uz label 2/15, which is 1/3 among the five Latin-script
# languages) and the hardest pairs, Tajik and Cyrillic Uzbek, Kazakh and Kyrgyz. A proposal that
# is as often wrong as right saves the officer nothing and may be confirmed without a look, so
# below 0.6 there is none. On the sentences this drops 2 right answers and 2 wrong ones.
MIN_CONFIDENCE = 0.6

LATIN = "Latn"
CYRILLIC = "Cyrl"
HAN = "Hani"
KANA = "Kana"
HANGUL = "Hang"
OTHER = "Zyyy"
# A script only one supported language is written in.
SCRIPT_LANGUAGE = {"Khmr": "km", "Laoo": "lo", "Mymr": "my", "Thai": "th", HAN: "zh"}
SCRIPT_LANGUAGES = {
    LATIN: frozenset({"en", "fr", "vi", "uz", "tk"}),
    CYRILLIC: frozenset({"ru", "kk", "ky", "tg", "uz"}),
}
_RANGES: tuple[tuple[int, int, str], ...] = (
    (0x0041, 0x024F, LATIN),  # Basic Latin to Latin Extended-B (× and ÷ are not letters)
    (0x02B0, 0x02FF, LATIN),  # modifier letters: ʻ in Uzbek oʻ gʻ
    (0x1E00, 0x1EFF, LATIN),  # Latin Extended Additional: Vietnamese ạ ả ế ...
    (0x0400, 0x052F, CYRILLIC),
    (0x0E00, 0x0E7F, "Thai"),
    (0x0E80, 0x0EFF, "Laoo"),
    (0x1000, 0x109F, "Mymr"),
    (0xA9E0, 0xA9FF, "Mymr"),
    (0xAA60, 0xAA7F, "Mymr"),
    (0x1780, 0x17FF, "Khmr"),
    (0x19E0, 0x19FF, "Khmr"),
    (0x3400, 0x4DBF, HAN),
    (0x4E00, 0x9FFF, HAN),
    (0xF900, 0xFAFF, HAN),
    (0x20000, 0x3134F, HAN),
    (0x3040, 0x30FF, KANA),
    (0x31F0, 0x31FF, KANA),
    (0xFF66, 0xFF9F, KANA),
    (0x1100, 0x11FF, HANGUL),
    (0x3130, 0x318F, HANGUL),
    (0xA960, 0xA97F, HANGUL),
    (0xAC00, 0xD7FF, HANGUL),
)
# Marks that belong to whatever letter they follow (after NFC, only stray ones are left).
_GENERIC_MARKS = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF))

# (letters, languages a text with any of them is not in). Each line is a letter of one
# supported language's alphabet that the listed sibling languages' alphabets do not have.
_LETTER_RULES: tuple[tuple[frozenset[str], frozenset[str]], ...] = (
    (frozenset("әұіһ"), frozenset({"ky", "tg", "uz"})),  # Kazakh only
    (frozenset("ңөү"), frozenset({"tg", "uz"})),  # Kazakh and Kyrgyz
    (frozenset("қғ"), frozenset({"ky"})),  # Kazakh, Tajik, Uzbek
    (frozenset("ҳ"), frozenset({"kk", "ky"})),  # Tajik, Uzbek
    (frozenset("ҷӣӯ"), frozenset({"kk", "ky", "uz"})),  # Tajik only
    (frozenset("ў"), frozenset({"kk", "ky", "tg"})),  # Uzbek only
    (frozenset("äňşž"), frozenset({"uz", "vi"})),  # Turkmen only
    (frozenset("çöüý"), frozenset({"uz"})),  # Turkmen; ç ü are French too, ý Vietnamese
    (frozenset("ʻ‘"), frozenset({"tk", "vi"})),  # Uzbek oʻ gʻ
)


@dataclass(frozen=True)
class Detection:
    language: str
    confidence: float  # 0..1; 1.0 when decided by the script alone
    by_script: bool


_identifier: Any = None  # py3langid's LanguageIdentifier, restricted to SUPPORTED
_identifier_lock = threading.Lock()


def _get_identifier() -> Any:
    """The py3langid identifier, built on first use (reading the model takes about a second)."""
    global _identifier
    if _identifier is None:
        with _identifier_lock:
            if _identifier is None:
                from py3langid.langid import MODEL_FILE, LanguageIdentifier

                identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
                identifier.set_languages([c for c in SUPPORTED if c in identifier.nb_classes])
                _identifier = identifier
    return _identifier


def model_languages() -> frozenset[str]:
    """The supported languages py3langid can propose (loads the model)."""
    return frozenset(str(code) for code in _get_identifier().nb_classes)


def script_of(char: str) -> str | None:
    """The script of a letter or a script's own mark, OTHER for other scripts, None for a
    non-letter (digit, punctuation, emoji, space) or a mark that belongs to any script."""
    if unicodedata.category(char)[0] not in "LM":
        return None
    point = ord(char)
    if any(low <= point <= high for low, high in _GENERIC_MARKS):
        return None
    for low, high, script in _RANGES:
        if low <= point <= high:
            return script
    return OTHER


def scripts(text: str) -> Counter[str]:
    return Counter(s for s in map(script_of, text) if s is not None)


def detect(text: str, languages: Iterable[str] | None = None) -> Detection | None:
    """The likely language of `text` among `languages` (default `SUPPORTED`; codes outside it
    are ignored), or None: no letters, fewer than `MIN_LETTERS`, a script none of them is
    written in, or no language as likely as `MIN_CONFIDENCE`."""
    allowed = frozenset(SUPPORTED) if languages is None else frozenset(languages)
    allowed &= frozenset(SUPPORTED)
    clipped = unicodedata.normalize("NFC", text[:MAX_CHARS])
    counts = scripts(clipped)
    letters = sum(counts.values())
    if letters < MIN_LETTERS or not allowed:
        return None
    if counts[KANA] or counts[HANGUL]:
        return None  # Japanese or Korean, whatever else is mixed in: neither is supported
    script, count = counts.most_common(1)[0]
    majority = count * 2 > letters
    if script in SCRIPT_LANGUAGE and majority:
        language = SCRIPT_LANGUAGE[script]
        return Detection(language, 1.0, by_script=True) if language in allowed else None
    if script in SCRIPT_LANGUAGES:
        candidates = allowed & SCRIPT_LANGUAGES[script]
    elif script in SCRIPT_LANGUAGE:  # a mix of scripts, none of them most of the letters
        candidates = allowed
    else:
        return None  # Arabic, Greek, Devanagari, kana, hangul, ...
    candidates &= model_languages()
    if not candidates:
        return None
    return _rank(clipped, candidates)


def _rank(text: str, candidates: frozenset[str]) -> Detection | None:
    ranked = [(str(code), float(p)) for code, p in _get_identifier().rank(text)]
    scores = {code: p for code, p in ranked if code in candidates}
    lowered = text.lower()
    excluded: set[str] = set()
    for letters, languages in _LETTER_RULES:
        if not letters.isdisjoint(lowered):
            excluded |= languages
    if scores.keys() - excluded:  # letters that no candidate has (mixed text): ignore them
        scores = {code: p for code, p in scores.items() if code not in excluded}
    total = sum(scores.values())
    if total <= 0.0:  # every candidate far below a language outside them
        return None
    language, score = max(scores.items(), key=lambda item: item[1])
    confidence = score / total
    if confidence < MIN_CONFIDENCE:
        return None
    return Detection(language, confidence, by_script=False)
