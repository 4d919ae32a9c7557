"""Declarative base of the directory tables."""

from sqlalchemy.orm import DeclarativeBase


class DirectoryBase(DeclarativeBase):
    """The directory's tables; the casework tables have their own base (casework.db)."""
