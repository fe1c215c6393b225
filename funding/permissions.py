"""Who may do what with funding. The catalogue is public; following and saved
searches need an account; an organisation's matches are its people's and staff's."""

from incubator.permissions import is_staff


def can_recommend(user, organisation):
    """Staff recommend funding to any organisation taking part. A mentor will to the
    organisations assigned to them, once mentoring assigns them: this is the one
    place to add that."""
    return is_staff(user)


__all__ = ["can_recommend", "is_staff"]
