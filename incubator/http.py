"""Small pieces every app's views share."""

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def redirect_back(request, name, *args, **kwargs):
    """Back to the page the form was on (``next``, when it is one of ours), else to
    ``name``."""
    target = request.POST.get("next", "") or request.GET.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, {request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(name, *args, **kwargs)
