from pathlib import Path

import pytest
from pydantic import ValidationError

from passage.config import Settings


def test_defaults_derive_paths_from_var_dir() -> None:
    settings = Settings(var_dir=Path("/srv/passage"))
    assert settings.resolved_database_url == "sqlite:////srv/passage/passage.db"
    assert settings.resolved_tracker_db == Path("/srv/passage/tracker.db")
    assert settings.resolved_rasa_url == "http://127.0.0.1:5005"


def test_environment_overrides(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PASSAGE_API_PORT", "9000")
    monkeypatch.setenv("PASSAGE_RASA_URL", "http://rasa:5005/")
    monkeypatch.setenv("PASSAGE_LOG_LEVEL", "debug")
    settings = Settings()
    assert settings.api_port == 9000
    assert settings.resolved_rasa_url == "http://rasa:5005"
    assert settings.log_level == "DEBUG"


@pytest.mark.parametrize(
    ("variable", "value"),
    [("PASSAGE_API_PORT", "0"), ("PASSAGE_API_PORT", "http"), ("PASSAGE_LOG_LEVEL", "LOUD")],
)
def test_bad_values_are_refused(monkeypatch: pytest.MonkeyPatch, variable: str, value: str) -> None:
    monkeypatch.setenv(variable, value)
    with pytest.raises(ValidationError):
        Settings()


def test_as_environment_round_trips() -> None:
    original = Settings(var_dir=Path("/tmp/x"), api_port=8123, chat_message_max_chars=50)
    again = Settings(
        **{k.removeprefix("PASSAGE_").lower(): v for k, v in original.as_environment().items()}
    )
    assert again == original
