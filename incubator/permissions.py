"""The portal's one permission mechanism.

Role checks are plain predicates on the user, applied to views with ``require``.
Object access never relies on a check after the fact: views fetch objects through
user-scoped selectors (``organisations_for(user)``, ``applications_for(user)``, ...)
with ``get_object_or_404``, so another person's object is a 404, not a 403 that
confirms it exists. Apps add their own predicates next to their selectors and
apply them with the same ``require``.
"""

from functools import wraps

from django.core.exceptions import PermissionDenied


def is_staff(user):
    """Programme staff: they run cycles, see every application and decide."""
    return user.is_authenticated and user.is_active and user.is_staff


def is_admin(user):
    return user.is_authenticated and user.is_active and user.is_superuser


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
