"""The web chat's tabs of one browser: a quick exit in any of them forgets them all.

Quick exit is the officer's panic button: someone is looking over their shoulder. Every tab of
the browser (one chat cookie) is its own conversation, so each is recorded here by a keyed
digest of the cookie, never the cookie itself.
"""

from datetime import datetime

from sqlalchemy import String, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from casework.db import Base
from passage.core.timestamps import UTCDateTime


class WebChatTab(Base):
    __tablename__ = "web_chat_tab"

    conversation: Mapped[str] = mapped_column(String(64), primary_key=True)
    browser_sha256: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


def remember_tab(session: Session, browser: str, conversation: str, *, now: datetime) -> None:
    if session.get(WebChatTab, conversation) is None:
        session.add(WebChatTab(conversation=conversation, browser_sha256=browser, created_at=now))
        session.flush()


def tabs_of(session: Session, browser: str) -> list[str]:
    return list(
        session.scalars(select(WebChatTab.conversation).where(WebChatTab.browser_sha256 == browser))
    )


def forget_tabs(session: Session, conversations: list[str]) -> None:
    if conversations:
        session.execute(delete(WebChatTab).where(WebChatTab.conversation.in_(conversations)))
