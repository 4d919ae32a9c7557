"""What a reloaded chat page is given of its conversation."""

from api.chat_transcript import page_messages

CODE_SHOWN = "(enrolment code)"


def _bot(text: str, buttons: list[dict] | None = None, custom: dict | None = None) -> dict:
    data: dict = {"buttons": buttons or []}
    if custom:
        data["custom"] = custom
    return {"event": "bot", "text": text, "data": data}


def _user(text: str, metadata: dict | None = None) -> dict:
    return {"event": "user", "text": text, "metadata": metadata or {}}


def test_the_page_gets_what_it_showed_and_nothing_of_the_worker() -> None:
    yes = {"title": "Yes", "payload": '/choose{"choice":"yes","step":"urgent_medical"}'}
    events = [
        _user('/enrol{"enrolment_code": "KX7P-2M9Q-HT9W"}'),
        _bot("Enrolled."),
        {"event": "action", "name": "action_listen"},
        _user("hello"),
        _bot("Injured?", [yes], {"passage": {"step": "urgent_medical"}}),
        _user(yes["payload"]),
        _user("/choose", {"shown": "Chosen: private space"}),
        _user("EXTERNAL: referral_news"),
        _bot("Shelter accepted.", custom={"passage": {"notice": 7}}),
        _bot("First part\n\nSecond part"),
    ]

    shown = page_messages(events, code_placeholder=CODE_SHOWN)

    assert shown == [
        {"who": "user", "text": CODE_SHOWN},  # a code is never shown again
        {"who": "bot", "text": "Enrolled.", "buttons": []},
        {"who": "user", "text": "hello"},
        {
            "who": "bot",
            "text": "Injured?",
            "buttons": [yes],
            "custom": {"passage": {"step": "urgent_medical"}},
        },
        {"who": "user", "text": "Yes"},  # a tap reads as its button did
        {"who": "user", "text": "Chosen: private space"},
        {
            "who": "bot",
            "text": "Shelter accepted.",
            "buttons": [],
            "custom": {"passage": {"notice": 7}},
        },
        {"who": "bot", "text": "First part", "buttons": []},
        {"who": "bot", "text": "Second part", "buttons": []},
    ]
