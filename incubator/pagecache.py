"""The busiest signed-in pages, kept rendered while the database reads the same.

A page a person opens again and again (*My programme*, the staff's application list,
a dashboard) costs tens of queries and a large template, yet between two writes it is
the same HTML. ``@kept_while_unchanged`` keeps that HTML in the ``pages`` cache of the
process under a key made of everything the page depends on:

- the view and its full address (query string included);
- the visitor: their user, their session and their CSRF secret (the forms in the page
  carry a token of it), so a page is only ever served back to the browser it was made
  for;
- the language, and the minute (pages say "today" and "in 3 days");
- how many writing transactions the database has committed (``incubator.changelog``,
  kept by a trigger on every table). Any committed write, by a service, the admin, a
  bulk update, raw SQL or another process, changes it, so a kept page is served only
  while the database reads exactly as it did when the page was made. No list of what
  to invalidate to keep up to date, nothing to forget.

A page is made afresh, and not kept, when any of that is not so: on another database
than PostgreSQL (there is no change log), inside a transaction (its own writes are
not counted until it commits), with messages waiting to be shown, for htmx requests, without
a CSRF cookie yet, or when the answer is not a plain 200 page without cookies.

The cache is per process (``PAGE_CACHE_ENTRIES`` pages each, the least recently read
culled first), so a new release never serves a page of the old one.
"""

import functools
import hashlib

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.translation import get_language

from . import changelog

CACHE_ALIAS = "pages"


def kept_while_unchanged(view):
    """Serve ``view``'s page from the ``pages`` cache while nothing it reads has changed.

    Put it nearest the view, below the permission checks, which then still run on
    every request."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        key = _key(request, view)
        if key is None:
            return view(request, *args, **kwargs)
        pages = caches[CACHE_ALIAS]
        kept = pages.get(key)
        if kept is not None:
            content, headers = kept
            get_token(request)  # renews the CSRF cookie, as rendering the forms would
            return HttpResponse(content, headers=headers)
        response = view(request, *args, **kwargs)
        if _keepable(request, response):
            pages.set(key, (response.content, dict(response.headers)))
        return response

    return wrapper


def _key(request, view):
    if not _applies(request):
        return None
    parts = (
        f"{view.__module__}.{view.__qualname__}",
        request.get_full_path(),
        str(request.user.pk),
        request.session.session_key,
        request.META["CSRF_COOKIE"],
        get_language() or "",
        timezone.now().strftime("%Y-%m-%dT%H:%M"),
        str(changelog.committed()),
    )
    return "page:" + hashlib.sha256("\n".join(parts).encode()).hexdigest()


def _applies(request):
    return (
        settings.PAGE_CACHE
        and changelog.available()
        and request.method == "GET"
        and not connection.in_atomic_block
        and request.user.is_authenticated
        and request.session.session_key is not None
        and "CSRF_COOKIE" in request.META
        and not request.htmx
        and len(get_messages(request)) == 0
    )


def _keepable(request, response):
    return (
        response.status_code == 200
        and type(response) is HttpResponse
        and not response.cookies
        and len(get_messages(request)) == 0
    )
