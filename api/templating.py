"""Jinja2 pages: autoescaped always, one base layout, texts from the catalogs.

A template gets `t(message_id, **values)` for its texts in the page's language; it never holds
a user-visible literal itself. Values are escaped by Jinja2 wherever they are put.
"""

from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from translations.catalog import UnknownMessage, shipped_catalogs

TEMPLATE_DIR = Path(__file__).parent / "templates"


def utc_minute(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC"


def utc_second(moment: datetime) -> str:
    return f"{moment:%Y-%m-%d %H:%M:%S} UTC"


def _environment() -> Environment:
    environment = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters["utc_minute"] = utc_minute
    environment.filters["utc_second"] = utc_second
    return environment


templates = Jinja2Templates(env=_environment())


def texts_in(language: str) -> Callable[..., str]:
    """`t(message_id, **values)`; with `fallback=`, that instead of a text the catalogs lack
    (a category or need code that has no name yet)."""
    catalogs = shipped_catalogs()

    def t(message_id: str, fallback: str | None = None, **values: object) -> str:
        try:
            return catalogs.render(message_id, language, **values)
        except UnknownMessage:
            if fallback is None:
                raise
            return fallback

    return t


def page_language(asked: str | None, default: str) -> str:
    languages = shipped_catalogs().languages
    if asked in languages:
        return str(asked)
    return default if default in languages else "en"
