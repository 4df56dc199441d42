"""Secrets of this installation that are not settings: made at the first start, kept in the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from storage.models import Base, UTCDateTime


class InstallationSecret(Base):
    """A random secret by name (e.g. the key of the log pseudonyms when RELIER_DATA_KEY is not set)."""

    __tablename__ = "installation_secrets"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[str] = mapped_column(String(128))  # hex
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
