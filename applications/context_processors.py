from django.utils.functional import SimpleLazyObject

from .permissions import is_reviewer


def evaluation(request):
    """``sits_on_a_committee``: whether the signed-in person is a member of an
    evaluation committee, for the menu. Worked out once per request, and only when
    a template uses it (htmx fragments and downloads do not)."""

    def sits_on_a_committee():
        if not hasattr(request, "_sits_on_a_committee"):
            request._sits_on_a_committee = is_reviewer(request.user)
        return request._sits_on_a_committee

    return {"sits_on_a_committee": SimpleLazyObject(sits_on_a_committee)}
