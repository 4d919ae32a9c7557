"""What the officer reads, in English, for tests that look for it: catalog texts and the titles
of the options a question offers."""

from translations.catalog import shipped_catalogs

CATALOGS = shipped_catalogs()


def en(message_id: str, **values: object) -> str:
    return (
        CATALOGS.render(message_id, "en", **values)
        if values
        else CATALOGS.lookup(message_id, "en").text
    )


def title(code: str) -> str:
    """A button's title: Done, a need, a language or an option."""
    if code == "done":
        return en("button.done")
    if "." in code:
        return en(f"need.{code}")
    if code in CATALOGS.person_languages:
        return en(f"language.{code}")
    return en(f"option.{code}")


# The typical case of the README and the benchmarks, question by question: a woman who needs a
# shelter urgently, through an interpreter. A question with several answers lists what to tick
# (maybe nothing); `None` is the area, which is typed.
TYPICAL_CASE: list[tuple[str, list[str] | None]] = [
    ("urgent_medical", ["no"]),
    ("present", ["private_space", "interpreter_here"]),
    ("person_language", ["ru"]),
    ("appears_under_18", ["no"]),
    ("gender", ["female"]),
    ("has_children", ["no"]),
    ("area", None),
    ("exploitation_form", ["labour"]),
    ("consent_delivery", ["interpreter"]),
    ("consent_decisions", ["assessment", "referrals"]),
    ("level_1", ["basic.housing"]),
    ("level_2", []),
    ("level_3", []),
    ("urgency", ["basic.housing"]),
]
SEVERAL_ANSWERS = frozenset(
    {"present", "consent_decisions", "level_1", "level_2", "level_3", "urgency"}
)
