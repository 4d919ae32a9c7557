"""Who comes to a provider: the person and the children with them, as counts only.

A provider and matching learn how many children are with the person, never their ages or names:
enough to keep a family together in one place, nothing that would identify anyone.
"""

from casework.models import Case

# Answers of `has_children` that say how many children are with the person now.
CHILDREN_WITH_THEM = ("one", "two", "three_or_more")
# Children who depend on the person but are not with them: their needs count, no place for them.
CHILDREN_ELSEWHERE = "elsewhere"


def children_with_person(case: Case) -> str | None:
    """How many children are with the person (an answer of CHILDREN_WITH_THEM), or None.

    Cases recorded before the number was asked say only "yes" (with them or depending on them):
    that is not known to be a child coming along, so it counts as none here.
    """
    answer = case.has_children
    return answer if answer in CHILDREN_WITH_THEM else None


def people_message_id(case: Case) -> str:
    """The catalog entry that tells a provider who comes: "1 adult, 2 children"."""
    person = "sms.people.child" if case.presumed_child else "sms.people.adult"
    children = children_with_person(case)
    return f"{person}.{children}" if children else person
