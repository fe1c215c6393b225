import importlib

import pytest
from django.apps import apps
from django.core.cache import cache

from incubator.notifications.models import Email

from . import factories

PRIORITY_FIELDS = importlib.import_module("incubator.migrations.0002_priority_fields")


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Uploaded files land in a fresh folder; allauth's rate limits start from zero."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()


@pytest.fixture
def priority_fields(db):
    """The programme's five fields (a transactional test may have flushed the
    rows that the data migration made)."""
    PRIORITY_FIELDS.create(apps, None)
    from incubator.models import PriorityField

    return list(PriorityField.objects.all())


@pytest.fixture
def applicant(db):
    return factories.UserFactory(email="vadītāja@biedriba.lv")


@pytest.fixture
def organisation(applicant):
    return factories.OrganisationFactory(leader=applicant, name="Biedrība “Zaļā Liepāja”")


@pytest.fixture
def cycle(db):
    return factories.CycleFactory(name="NVO izaugsmes inkubators 2027")


@pytest.fixture
def application(cycle, organisation, applicant):
    return factories.ApplicationFactory(cycle=cycle, organisation=organisation, created_by=applicant)


@pytest.fixture
def staff(db):
    return factories.StaffFactory(email="darbiniece@inkubators.lv")


@pytest.fixture
def outbox_emails(db):
    def emails(**filters):
        return list(Email.objects.filter(**filters).order_by("pk"))

    return emails


# --- review and selection -------------------------------------------------------------


@pytest.fixture
def review():
    """Scores an application the way a reviewer does, through the services: assign
    (if needed), declare no conflict, save the scores, submit unless told not to.
    ``values`` maps a criterion to a score."""
    from applications import services
    from applications.models import CommitteeMember, ReviewAssignment

    def score(member, application, values, *, submit=True, comment=""):
        if not isinstance(member, CommitteeMember):
            member, _created = CommitteeMember.objects.get_or_create(
                cycle=application.cycle, user=member
            )
        assignment = ReviewAssignment.objects.filter(
            application=application, member=member
        ).first() or services.assign(application, member, by=None)
        services.declare_conflict(assignment, by=member.user, has_conflict=False)
        return services.save_review(
            assignment,
            by=member.user,
            scores={c.pk: (v, comment) for c, v in values.items()},
            submit=submit,
        )

    return score
