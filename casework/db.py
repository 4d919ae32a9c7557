"""Declarative base of the casework tables."""

from sqlalchemy.orm import DeclarativeBase

from referral_directory.db import UTCDateTime

__all__ = ["Base", "UTCDateTime"]


class Base(DeclarativeBase):
    pass
