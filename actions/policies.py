"""The domain policies the action server was started with (handed in by the runtime)."""

from casework.policies import Policies

_policies: Policies | None = None


def use_policies(policies: Policies) -> None:
    global _policies
    _policies = policies


def policies() -> Policies:
    if _policies is None:
        # A programming error, not a chat state: the runtime hands them in before serving.
        raise RuntimeError("the action server was started without the domain policies")
    return _policies
