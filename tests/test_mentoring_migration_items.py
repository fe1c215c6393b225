"""The migration that lets action items stand without a consultation fills every
existing item's cycle, organisation and mentor from its consultation."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from mentoring.models import ActionItem

from . import factories

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("mentoring", "0003_expertise_tags")]
AFTER = [("mentoring", "0005_action_items_belong_to_a_place")]


def test_existing_action_items_take_their_consultations_place():
    mentor = factories.MentorProfileFactory()
    cycle = factories.RunningCycleFactory()
    organisation = factories.OrganisationFactory()
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    apps = executor.loader.project_state(BEFORE).apps
    Consultation = apps.get_model("mentoring", "Consultation")
    OldItem = apps.get_model("mentoring", "ActionItem")
    starts = timezone.now() - datetime.timedelta(days=2)
    consultation = Consultation.objects.create(
        cycle_id=cycle.pk,
        organisation_id=organisation.pk,
        mentor_id=mentor.pk,
        starts_at=starts,
        ends_at=starts + datetime.timedelta(hours=1),
        mode="online",
        status="held",
    )
    old = OldItem.objects.create(
        consultation_id=consultation.pk, description="Statūti", owner="mentor"
    )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)
    item = ActionItem.objects.get(pk=old.pk)
    assert (item.cycle_id, item.organisation_id, item.mentor_id, item.consultation_id) == (
        cycle.pk,
        organisation.pk,
        mentor.pk,
        consultation.pk,
    )
