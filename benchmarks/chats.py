"""The two ways a benchmark talks to the assistant: Rasa's REST channel with a sender id, and
the web chat as a page does (the chat cookie from the page, a tab id, the API's endpoint)."""

import uuid
from typing import Any

import httpx

from benchmarks.bench_stack import enrolment_code
from passage.config import Settings


class RestChat:
    def __init__(self, settings: Settings) -> None:
        self.url = f"{settings.resolved_rasa_url}/webhooks/rest/webhook"
        self.sender = f"bench-{uuid.uuid4().hex[:12]}"
        self.client = httpx.Client(timeout=60, trust_env=False)

    def say(self, message: str, **_: Any) -> list[dict[str, Any]]:
        response = self.client.post(self.url, json={"sender": self.sender, "message": message})
        response.raise_for_status()
        return list(response.json())


class WebChat:
    def __init__(self, settings: Settings) -> None:
        api = f"http://{settings.host}:{settings.api_port}"
        self.client = httpx.Client(base_url=api, timeout=60, trust_env=False)
        self.client.get("/").raise_for_status()  # the chat cookie
        self.tab = f"tab-{uuid.uuid4().hex[:16]}"

    def say(self, message: str, **fields: Any) -> list[dict[str, Any]]:
        body = {"tab": self.tab, "message": message, **fields}
        response = self.client.post("/chat/messages", json=body)
        response.raise_for_status()
        return list(response.json())


def enrolled(chat: RestChat | WebChat, settings: Settings) -> RestChat | WebChat:
    """The chat, enrolled to a fresh officer the way an officer does it: the code typed in."""
    chat.say(enrolment_code(settings, f"bench.{uuid.uuid4().hex[:10]}"))
    return chat
