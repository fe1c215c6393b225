"""The mentoring pages pass axe's automated accessibility rules (no serious or
critical violation), for a mentor, a participant and staff."""

import pytest
from django.urls import reverse

from tests.test_permissions_mentoring import build

from .test_accessibility import serious_violations


@pytest.mark.parametrize(
    "role, pages",
    [
        (
            "mentor",
            lambda w: [
                reverse("mentoring:dashboard"),
                reverse("mentoring:profile"),
                reverse("mentoring:availability"),
                reverse("mentoring:consultation_detail", args=[w.held.pk]),
                reverse("mentoring:consultation_log", args=[w.held.pk]),
                reverse("mentoring:request_detail", args=[w.request.pk]),
                reverse("mentoring:ad_hoc"),
                reverse("mentoring:organisation_detail", args=[w.place.organisation_id]),
            ],
        ),
        (
            "participant",
            lambda w: [
                reverse("cohorts:my_programme"),
                reverse("mentoring:week", args=[w.place.pk]),
                reverse("mentoring:book_slot", args=[w.place.pk, w.slot.pk]),
                reverse("mentoring:request_create", args=[w.place.pk, w.profile.pk]),
                reverse("mentoring:consultation_detail", args=[w.held.pk]),
                reverse("mentoring:mentor_detail", args=[w.profile.pk]),
            ],
        ),
        (
            "staff",
            lambda w: [
                reverse("mentoring:overview"),
                reverse("mentoring:matching", args=[w.cycle.pk]),
                reverse("mentoring:mentors"),
                reverse("mentoring:tags"),
                reverse("mentoring:partners"),
                reverse("mentoring:cycle_settings", args=[w.cycle.pk]),
                reverse("applications:staff_detail", args=[w.place.application_id]),
            ],
        ),
    ],
)
def test_mentoring_pages(page, force_login, transactional_db, role, pages):
    world = build()  # the world of the mentoring permission tests
    force_login(world.users[role])
    for path in pages(world):
        page.goto(path)
        assert serious_violations(page) == [], path
