import importlib

import pytest
from django.apps import apps
from django.core.cache import cache, caches
from django.utils import translation

from incubator.notifications.models import Email

from . import factories, helpers, needs


def pytest_runtest_setup(item):
    """A test marked postgresql, redis or browser is skipped without its service, or
    fails with REQUIRE_SERVICES=1 (see tests/needs.py)."""
    needs.check(item)


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Uploaded files land in a fresh folder; allauth's rate limits start from zero;
    every test starts in Latvian (a request in English leaves it active); no page is
    kept from another test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    caches["pages"].clear()
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def priority_fields(db):
    """The programme's five fields (a transactional test may have flushed the
    rows that the data migration made)."""
    return helpers.make_priority_fields()


@pytest.fixture
def applicant(db):
    return factories.UserFactory(email="vaditaja@biedriba.lv")


@pytest.fixture
def organisation(applicant):
    return factories.OrganisationFactory(leader=applicant, name="Biedrība “Zaļā Liepāja”")


@pytest.fixture
def cycle(db):
    return factories.CycleFactory(name="NVO izaugsmes inkubators 2027")


@pytest.fixture
def application(cycle, organisation, applicant):
    return factories.ApplicationFactory(
        cycle=cycle, organisation=organisation, created_by=applicant
    )


@pytest.fixture
def staff(db):
    return factories.StaffFactory(email="darbiniece@inkubators.lv")


@pytest.fixture
def admin_user(db):
    """pytest-django's ``admin_client`` signs in this administrator, who has an
    authenticator app as staff must (incubator/mfa.py)."""
    return factories.AdminFactory(email="admin@example.com")


@pytest.fixture
def outbox_emails(db):
    def emails(**filters):
        return list(Email.objects.filter(**filters).order_by("pk"))

    return emails


# --- the incubation cycle (cohorts, meetings, deadlines) -------------------------------


@pytest.fixture
def running_cycle(db):
    return factories.RunningCycleFactory(name="NVO izaugsmes inkubators — pilotcikls")


@pytest.fixture
def place(running_cycle, organisation, staff):
    """The applicant's organisation, admitted to the running cycle: its cohort place."""
    return factories.admit(organisation, running_cycle, staff)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, request):
    """tests/test_celery_worker.py runs a real Celery worker in another process, which
    must open the test database: with SQLite and a Redis broker, the test database is
    a file under VAR_DIR (one per xdist worker) instead of memory."""
    from pathlib import Path

    from django.conf import settings

    from .redis_broker import broker_url

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3") and broker_url():
        worker = getattr(request.config, "workerinput", {}).get("workerid", "main")
        Path(settings.VAR_DIR).mkdir(parents=True, exist_ok=True)
        database.setdefault("TEST", {})["NAME"] = str(
            Path(settings.VAR_DIR) / f"test-{worker}.sqlite3"
        )
        # A throwaway file: no need to wait for the disk at every commit.
        database.setdefault("OPTIONS", {})["init_command"] = (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF;"
        )


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


@pytest.fixture
def count_queries(db):
    """count_queries(callable) -> how many database queries the call ran. Query-count
    tests compare a small and a large case: the number must not grow with the rows."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(call):
        with CaptureQueriesContext(connection) as queries:
            call()
        return len(queries)

    return count


# --- mentoring --------------------------------------------------------------------------

EXPERTISE_TAGS = importlib.import_module("mentoring.migrations.0003_expertise_tags")


@pytest.fixture
def expertise_tags(db):
    """The seeded expertise taxonomy, by code (a transactional test may have flushed
    the rows the data migration made)."""
    EXPERTISE_TAGS.create(apps, None)
    from mentoring.models import ExpertiseTag

    return {tag.code: tag for tag in ExpertiseTag.objects.all()}


@pytest.fixture
def mentor(expertise_tags):
    """An active mentor (fundraising, project applications), not yet assigned."""
    return factories.MentorProfileFactory(
        user=factories.UserFactory(
            email="mentore@partneri.lv", first_name="Ilze", last_name="Krūmiņa"
        ),
        tags=["fundraising", "project-applications"],
    )


@pytest.fixture
def expert(expertise_tags):
    return factories.MentorProfileFactory(
        user=factories.UserFactory(
            email="juriste@partneri.lv", first_name="Dace", last_name="Ozola"
        ),
        kind="expert",
        tags=["law"],
    )


@pytest.fixture
def assigned(place, mentor, staff):
    """The mentor assigned to the applicant's organisation, and accepted."""
    from mentoring import services

    assignment = services.assign_mentor(place.cycle, place.organisation, mentor, by=staff)
    return services.accept_assignment(assignment, by=mentor.user)


@pytest.fixture
def moment():
    """moment(days, hour=10, minute=0): the helpers' moment, at 10 o'clock unless
    told (the mentoring tests' default)."""
    return lambda days, hour=10, minute=0: helpers.moment(days, hour, minute)


# --- funding --------------------------------------------------------------------------

FUNDING_REFERENCE = importlib.import_module("funding.migrations.0002_reference_data")


@pytest.fixture
def funding_reference(priority_fields):
    """The legal forms, regions and municipalities the migration makes (a
    transactional test may have flushed them); the priority fields by code."""
    FUNDING_REFERENCE.create(apps, None)
    return {field.code: field for field in priority_fields}


@pytest.fixture
def seeded(funding_reference):
    """The 25 researched funding sources, as a fresh installation has them."""
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("import_funding_sources", stdout=out)
    return out.getvalue()
