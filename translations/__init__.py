"""Every user-visible text of Passage, per language and channel."""

from translations.catalog import Catalogs, Text, load_catalogs

__all__ = ["Catalogs", "Text", "load_catalogs"]
