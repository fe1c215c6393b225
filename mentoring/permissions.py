"""The mentoring roles, as predicates applied to views with the kernel's ``require``
(``incubator.permissions``). Which objects a mentor reaches is decided by the scoped
selectors (``selectors.access``): another party's object is a 404."""

from incubator.permissions import is_staff

from .selectors.access import profile_of


def is_mentor(user):
    """A mentor or expert, invited or active (an invited one reaches their profile)."""
    return user.is_authenticated and user.is_active and profile_of(user) is not None


def is_ready_mentor(user):
    """A mentor or expert who has filled in their profile."""
    profile = profile_of(user) if user.is_authenticated and user.is_active else None
    return profile is not None and profile.activated_at is not None


def is_mentor_or_staff(user):
    return is_staff(user) or is_mentor(user)
