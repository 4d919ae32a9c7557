"""A web chat client as the page is one: the cookie from the chat page, and a tab id."""

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.chat_identity import COOKIE_NAME, sender_for

TAB = "tab-0123456789abcdef"
OTHER_TAB = "tab-fedcba9876543210"


def chat_client(app: FastAPI) -> TestClient:
    client = TestClient(app)
    assert client.get("/").status_code == 200  # sets the chat cookie
    assert client.cookies.get(COOKIE_NAME)
    return client


def conversation_of(client: TestClient, app: FastAPI, tab: str = TAB) -> str:
    sender = sender_for(app.state.chat_key, client.cookies.get(COOKIE_NAME), tab)
    assert sender is not None
    return sender
