"""The web chat as a page uses it, without a browser: the chat cookie from the page, a tab id,
and the API's endpoint (tests/browser drive the page itself)."""

import uuid
from typing import Any

import httpx

from api.chat_identity import COOKIE_NAME


class WebChat:
    def __init__(self, api: str) -> None:
        self.client = httpx.Client(base_url=api, timeout=60, trust_env=False)
        assert self.client.get("/").status_code == 200
        assert self.client.cookies.get(COOKIE_NAME)
        self.tab = f"tab-{uuid.uuid4().hex[:16]}"

    def post(self, message: str, **fields: Any) -> httpx.Response:
        return self.client.post(
            "/chat/messages", json={"tab": self.tab, "message": message, **fields}
        )

    def say(self, message: str, **fields: Any) -> list[dict[str, Any]]:
        response = self.post(message, **fields)
        assert response.status_code == 200, response.text
        return list(response.json())

    def close(self) -> None:
        self.client.close()
