"""The person's language proposed from a sentence they typed; the officer confirms with a button.

The sentence is only looked at, never stored: it is the person's own words.
"""

from casework.intake import Step
from translations.catalog import shipped_catalogs
from translations.choices import option_title
from translations.detect import detect

QUESTION_ID = "person_language"
OTHER = "other"


def language_proposal(step: Step, text: str, *, officer_language: str) -> str | None:
    """What to tell the officer about typed text at the person's-language question; None when
    the step is another question or the text is a payload, an option number or empty."""
    text = text.strip()
    if step.question.id != QUESTION_ID or not text or text.startswith("/") or text.isdigit():
        return None
    catalogs = shipped_catalogs()
    detection = detect(text, languages=[code for code in step.options if code != OTHER])
    if detection is None:
        return catalogs.lookup("intake.language_not_detected", officer_language).text
    title = option_title(catalogs, detection.language, officer_language)
    return catalogs.render("intake.language_detected", officer_language, name=title)
