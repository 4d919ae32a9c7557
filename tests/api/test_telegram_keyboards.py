"""Inline keyboards from the bot's messages, and what a tap on them means."""

import json

from api.telegram_keyboards import (
    MAX_CALLBACK_BYTES,
    TICK,
    callback_data,
    digest,
    keyboard,
    tap,
    toggled,
)


def _choose(code: str, step: str) -> str:
    return "/choose" + json.dumps({"choice": code, "step": step}, separators=(",", ":"))


PRESENT = {
    "text": "Who is with you?",
    "buttons": [
        {"title": "Private space", "payload": _choose("private_space", "present")},
        {"title": "✓ An interpreter", "payload": _choose("interpreter_here", "present")},
        {"title": "Done", "payload": _choose("done", "present")},
    ],
    "custom": {
        "passage": {
            "step": "present",
            "multiple": True,
            "options": ["private_space", "interpreter_here"],
            "chosen": ["interpreter_here"],
        }
    },
}


def test_a_multiple_choice_is_one_keyboard_of_ticks_and_one_done() -> None:
    markup = keyboard(PRESENT)
    assert markup == {
        "inline_keyboard": [
            [{"text": "Private space", "callback_data": "t:private_space"}],
            [{"text": f"{TICK}An interpreter", "callback_data": "t:interpreter_here"}],
            [{"text": "Done", "callback_data": "d:present"}],
        ]
    }
    ticked_both = toggled(markup, "t:private_space")
    untick = toggled(ticked_both, "t:interpreter_here")

    done = tap("d:present", ticked_both, [])
    assert done is not None and done.step == "present"
    assert json.loads((done.message or "").removeprefix("/choose")) == {
        "choice": "done",
        "selected": "private_space interpreter_here",
        "step": "present",
    }
    assert done.shown == "Private space; An interpreter"
    nothing = tap("d:present", toggled(untick, "t:private_space"), [])
    assert nothing is not None and '"selected":""' in (nothing.message or "")
    assert tap("t:private_space", markup, []) == type(done)(toggle="t:private_space")


def test_callback_data_fit_in_64_bytes_and_long_payloads_are_looked_up() -> None:
    provider = '/choose_provider{"provider_choice": "services.legal_advocacy ' + "a" * 36 + '"}'
    short = _choose("no", "urgent_medical")
    markup = keyboard({"text": "x", "buttons": [{"title": "1. Lawyers", "payload": provider}]})
    assert markup is not None
    (row,) = markup["inline_keyboard"]
    assert row[0]["callback_data"] == digest(provider)
    assert len(row[0]["callback_data"].encode()) <= MAX_CALLBACK_BYTES
    assert callback_data(short) == short

    found = tap(digest(provider), markup, [("Other", "/x"), ("1. Lawyers", provider)])
    assert found is not None and (found.message, found.shown) == (provider, "1. Lawyers")
    assert tap(digest(provider), markup, [("Other", "/x")]) is None  # an old or forged tap
    assert tap("garbage", markup, []) is None
    plain = tap(short, {"inline_keyboard": [[{"text": "No", "callback_data": short}]]}, [])
    assert plain is not None and (plain.message, plain.shown) == (short, "No")
