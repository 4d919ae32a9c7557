"""Declarative base of the casework tables."""

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
