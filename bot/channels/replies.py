"""Bot messages as the chat clients receive them: text, buttons and our custom data together.

Rasa's collecting channel stores a message's custom data (`json_message` of an action) as a
message of its own after the text. A client then cannot tell which question a `step` or which
notice an id belongs to, so here they travel in one message. Text without buttons is still
split at blank lines, as Rasa's REST channel does.
"""

from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel


def reply_parts(recipient_id: str, message: dict[str, Any]) -> list[dict[str, Any]]:
    text = message.get("text")
    buttons = message.get("buttons") or message.get("quick_replies")
    custom = message.get("custom")
    if buttons or not text:
        part: dict[str, Any] = {"recipient_id": recipient_id}
        if text:
            part["text"] = text
        if buttons:
            part["buttons"] = buttons
        if custom:
            part["custom"] = custom
        return [part] if len(part) > 1 else []
    parts = [
        {"recipient_id": recipient_id, "text": piece} for piece in str(text).strip().split("\n\n")
    ]
    if custom:
        parts[-1]["custom"] = custom
    return parts


class RepliesCollector(CollectingOutputChannel):
    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        for part in reply_parts(recipient_id, message):
            await self._persist_message(part)
