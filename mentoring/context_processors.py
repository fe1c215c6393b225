from django.utils.functional import SimpleLazyObject

from .selectors.access import profile_of


def mentoring(request):
    """``mentor_profile``: the signed-in person's mentor or expert profile (or None),
    for the menu. Worked out once per request, and only when a template uses it."""

    def lookup():
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return profile_of(user)

    return {"mentor_profile": SimpleLazyObject(lookup)}
