from django.shortcuts import get_object_or_404

from incubator.permissions import is_staff

from ..selectors import profile_of


def own_profile(request):
    """The signed-in mentor's or expert's profile (the view's ``require`` made sure
    there is one)."""
    return profile_of(request.user)


def staff_or_own(queryset, request, field="mentor"):
    """``queryset`` as staff see it, or limited to the signed-in mentor's own."""
    if is_staff(request.user):
        return queryset
    profile = profile_of(request.user)
    if profile is None:
        return queryset.none()
    return queryset.filter(**{field: profile})


def get_own(queryset, request, pk, field="mentor"):
    return get_object_or_404(staff_or_own(queryset, request, field), pk=pk)
