"""Who may do what with funding. The catalogue is public; following and saved
searches need an account; an organisation's matches are its people's and staff's."""

from incubator.permissions import is_staff, require


def signed_in(user):
    return user.is_authenticated and user.is_active


def can_recommend(user, organisation):
    """Staff recommend funding to any organisation taking part. A mentor will to the
    organisations assigned to them, once mentoring assigns them: this is the one
    place to add that."""
    return is_staff(user)


signed_in_required = require(signed_in)

__all__ = ["can_recommend", "is_staff", "signed_in", "signed_in_required"]
