"""Response headers that keep what the portal shows to itself: signed-in pages and
downloads are never stored by a browser or a proxy (``Cache-Control: no-store``),
browser features it does not use are switched off (``Permissions-Policy``), and the
browser's reports of Content-Security-Policy violations are logged (``csp_report``;
the policy itself is django-csp's, in settings)."""

import json
import logging

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse, HttpResponseBadRequest
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

logger = logging.getLogger("incubator.csp")

# A report is a few hundred bytes; anything much larger is not one.
REPORT_MAX_BYTES = 16 * 1024


class PrivacyHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
        return response


@csrf_exempt
@login_not_required
@require_POST
def csp_report(request):
    """Where browsers send Content-Security-Policy violations (``report-uri``): each
    is logged as a warning with the page, the directive and what was blocked."""
    if int(request.META.get("CONTENT_LENGTH") or 0) > REPORT_MAX_BYTES:
        return HttpResponseBadRequest()
    try:
        report = json.loads(request.body).get("csp-report")
    except (ValueError, AttributeError):
        report = None
    if not isinstance(report, dict):
        return HttpResponseBadRequest()
    logger.warning(
        "Content-Security-Policy violation on %s: %s blocked %s",
        str(report.get("document-uri", ""))[:300],
        str(report.get("violated-directive") or report.get("effective-directive", ""))[:100],
        str(report.get("blocked-uri", ""))[:300],
    )
    return HttpResponse(status=204)
