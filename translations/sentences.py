"""Sentence splitting for machine translation, the same for every language we support.

Argos Translate's own splitters (Stanza, MiniSBD) download models on first use and have none for
several of our languages (uz, tg, tk, km, lo, my), so Passage splits sentences itself:

- after `. ! ? …` followed by a space or the end of the text;
- after `។ ៕` (Khmer), `။` (Burmese) and `。` with the full-width `! ?` (Chinese) even without
  a space, since those scripts do not put one between sentences;
- Thai and Lao have no sentence punctuation and mark sentence (and clause) ends with a space:
  for them every run of spaces ends a piece;
- line breaks always end a piece; a piece longer than `MAX_CHARS` is cut at its last space or
  comma before the limit (translation models truncate overly long input).

Closing quotes and brackets right after the end mark stay with their sentence.
"""

import re

MAX_CHARS = 300

# Languages written without sentence punctuation, with a space between sentences.
SPACE_SEPARATED = frozenset({"th", "lo"})

# Closing quotes and brackets (\u2019 right single quote, \uff09 full-width parenthesis).
_CLOSERS = "\"'”\u2019»)]}」』\uff09"
# Marks that end a sentence only before a space (or the end): 3.5, e.g. and URLs stay whole.
_SPACED_END = re.compile(rf"[.!?…]+[{re.escape(_CLOSERS)}]*(?=\s|$)")
# Marks that end a sentence wherever they stand.
_TIGHT_END = re.compile(rf"[។៕။。\uff01\uff1f]+[{re.escape(_CLOSERS)}]*")  # with full-width ! and ?
_SPACES = re.compile(r"\s+")
_SOFT_BREAK = re.compile("[\\s,،\uff0c、;\uff1b]")  # also full-width comma and semicolon


def split_sentences(text: str, language: str) -> list[str]:
    """The sentences of text, stripped, in order, none empty; language is an ISO 639-1 code."""
    sentences: list[str] = []
    for line in text.splitlines():
        if language.split("-")[0].lower() in SPACE_SEPARATED:
            pieces = _SPACES.split(line)
        else:
            pieces = _split_on_marks(line)
        for piece in pieces:
            sentences.extend(_limit_length(piece.strip()))
    return [sentence for sentence in sentences if sentence]


def _split_on_marks(line: str) -> list[str]:
    ends = sorted(
        {match.end() for pattern in (_SPACED_END, _TIGHT_END) for match in pattern.finditer(line)}
    )
    pieces, start = [], 0
    for end in ends:
        pieces.append(line[start:end])
        start = end
    pieces.append(line[start:])
    return pieces


def _limit_length(sentence: str) -> list[str]:
    pieces = []
    while len(sentence) > MAX_CHARS:
        breaks = [m.start() for m in _SOFT_BREAK.finditer(sentence, 1, MAX_CHARS)]
        cut = breaks[-1] + 1 if breaks else MAX_CHARS
        pieces.append(sentence[:cut].strip())
        sentence = sentence[cut:].strip()
    pieces.append(sentence)
    return pieces
