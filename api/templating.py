"""Jinja2 pages: autoescaped always, one base layout, texts from the catalogs.

A template gets `t(message_id, **values)` for its texts in the page's language; it never holds
a user-visible literal itself. Values are escaped by Jinja2 wherever they are put.
"""

from collections.abc import Callable
from pathlib import Path

from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, StrictUndefined

from translations.catalog import shipped_catalogs

TEMPLATE_DIR = Path(__file__).parent / "templates"

templates = Jinja2Templates(
    env=Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
)


def texts_in(language: str) -> Callable[..., str]:
    catalogs = shipped_catalogs()

    def t(message_id: str, **values: object) -> str:
        return catalogs.render(message_id, language, **values)

    return t


def page_language(asked: str | None, default: str) -> str:
    languages = shipped_catalogs().languages
    if asked in languages:
        return str(asked)
    return default if default in languages else "en"
