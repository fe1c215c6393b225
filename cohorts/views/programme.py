from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from incubator import sections
from incubator.pagecache import kept_while_unchanged

from .. import selectors
from ..forms import ResponseForm


@require_GET
@kept_while_unchanged
def my_programme(request):
    """Where a participant's organisation stands in its cycle: progress, the next
    joint meeting (with the answer form), deadlines ahead, the cohort."""
    now = timezone.now()
    programmes = selectors.programme_for(request.user, now)
    # What apps downstream add (mentors and consultations, ...): incubator.sections.
    sections.attach(sections.PROGRAMME, request.user, [p["place"] for p in programmes], now)
    for programme in programmes:
        people = programme["people"]
        for meeting in programme["meetings_ahead"]:
            meeting.response_form = ResponseForm.for_response(
                meeting.response, people, prefix=f"m{meeting.pk}"
            )
    return render(request, "cohorts/my_programme.html", {"programmes": programmes, "now": now})
