"""The portal's one permission mechanism.

Role checks are plain predicates on the user, applied to views with ``require``.
Object access never relies on a check after the fact: views fetch objects through
user-scoped selectors (``organisations_for(user)``, ``applications_for(user)``, ...)
with ``get_object_or_404``, so another person's object is a 404, not a 403 that
confirms it exists. Each app keeps its own role predicates in its own
``permissions.py`` (``applications.permissions.is_reviewer``, ...) and applies them
with the same ``require``.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied

from .models import Membership


def is_staff(user):
    """Programme staff: they run cycles, see every application and decide."""
    return user.is_authenticated and user.is_active and user.is_staff


def led_by(user, organisation):
    """Whether ``user`` is a leader of ``organisation`` (who manages its people)."""
    return Membership.objects.filter(
        organisation=organisation, user=user, role=Membership.Role.LEADER
    ).exists()


def require(predicate):
    """Decorate a view so that only users satisfying ``predicate`` reach it (403)."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not predicate(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


staff_required = require(is_staff)
