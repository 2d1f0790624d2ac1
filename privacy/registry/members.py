"""What privacy may know of a member's profile, as the app that holds profiles declares it."""

from collections.abc import Callable
from typing import Any


def describe_members(facts: Callable[[Any], dict[str, str]]) -> None:
    """Called once by the app that holds member profiles: `facts(user)` says what a member's
    profile holds that privacy features may show or pre-fill, as ``{"name", "email"}`` and,
    where the profile has them, ``"company"`` and ``"job_title"``. Privacy reads a member only
    through this and ``get_user_model()``, never by the user model's field names."""
    global _member_facts
    _member_facts = facts


def member_facts(user) -> dict[str, str]:
    """The member's name and email, and what else their profile says (see describe_members)."""
    return _member_facts(user)


def _account_facts(user) -> dict[str, str]:
    return {"name": user.get_full_name() or user.get_username(), "email": user.email}


_member_facts = _account_facts
