"""Options as numbered lines, for chats that show text only (SMS, WhatsApp)."""


def numbered(text: str, titles: list[str], first: int = 1) -> str:
    """`text`, then one line per option: "1. title"; the officer answers with the numbers."""
    return "\n".join([text, *(f"{i}. {title}" for i, title in enumerate(titles, start=first))])
