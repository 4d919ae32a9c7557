"""Free text one person wrote for another who reads a different language (a provider's note to
the officer): machine translated where a model is installed, always labelled as such, with the
original beside it; without a model, the original with a note that an interpreter is needed.

Never used for consent texts or questions: those are curated in the catalogs.
"""

import logging
from pathlib import Path

from translations.catalog import Catalogs
from translations.detect import detect
from translations.machine import translate

_log = logging.getLogger(__name__)


def free_text_lines(
    catalogs: Catalogs, text: str, *, written_in: str, reader_language: str, models_dir: Path
) -> list[str]:
    """The lines to show `text` with, in the reader's language; the first carries the text.
    `models_dir` holds the installed machine translation models."""
    if not text.strip() or written_in == reader_language:
        return [text]
    # Providers often answer in the officer's language; then there is nothing to translate.
    detected = detect(text, languages=[written_in, reader_language])
    if detected is not None and detected.language == reader_language:
        return [text]
    name_id = f"language_name.{written_in}"
    known = name_id in catalogs.message_ids()
    source = catalogs.lookup(name_id, reader_language).text if known else written_in
    try:
        result = translate(text, written_in, reader_language, models_dir)
    except Exception as error:  # a broken model must not hide the note, nor the news around it
        _log.warning(
            "machine translation %s -> %s failed: %s",
            written_in,
            reader_language,
            type(error).__name__,
        )
        result = None
    if result is None or result.text is None:
        return [
            catalogs.render("free_text.no_translation", reader_language, source=source, text=text)
        ]
    return [
        catalogs.render(
            "free_text.machine_translated", reader_language, source=source, text=result.text
        ),
        catalogs.render("free_text.original", reader_language, source=source, text=text),
    ]
