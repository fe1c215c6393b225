"""The portal's address, for the links it writes (emails, letters, calendar feeds).

Inside a request the links point where that request came: its scheme and host (the
host already checked against ALLOWED_HOSTS), so a portal run on another port or
reached by another name links to itself. Outside a request (a Celery task, the
reminder loop, a management command) they use ``SITE_URL``, which ``make run``
derives from ``PORT`` unless it is set. ``SiteAddressMiddleware`` records the
request's address for the code it calls."""

from contextvars import ContextVar

from django.conf import settings

_address = ContextVar("site_address", default=None)


def site_url():
    """The portal's address without a trailing slash, e.g. ``http://localhost:8801``."""
    return _address.get() or settings.SITE_URL


def absolute(path):
    """``path`` (from ``reverse``) as a full link."""
    return site_url() + path


class SiteAddressMiddleware:
    """Records the address of the request being served (after CommonMiddleware,
    which has validated its host)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _address.set(f"{request.scheme}://{request.get_host()}")
        try:
            return self.get_response(request)
        finally:
            _address.reset(token)
