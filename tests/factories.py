import datetime
import time
from decimal import Decimal

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from applications.models import Application
from incubator.models import Cycle, Membership, Organisation, PriorityField, User
from incubator.validators import registration_number_with_check_digit

PASSWORD = "parole-testiem-123"


def _ranking_changed(cycle):
    """What the services do in the transaction of every change that moves the
    ranking (factories write past the services): the stored ranking is stale."""
    from applications.services.ranking import ranking_changed

    ranking_changed(cycle)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.lv")
    first_name = factory.Faker("first_name", locale="lv_LV")
    last_name = factory.Faker("last_name", locale="lv_LV")
    language = "lv"
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(user, create, extracted, **kwargs):
        """Users can sign in: allauth's mandatory verification is already done."""
        user.save()
        if create and extracted is not False:
            EmailAddress.objects.get_or_create(
                user=user, email=user.email, defaults={"verified": True, "primary": True}
            )


# The authenticator app of the staff and admins the factories make (incubator/mfa.py
# requires one of them); ``totp_code()`` is what the app shows now.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret=TOTP_SECRET):
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


class StaffFactory(UserFactory):
    """Staff, with their authenticator app set up (``mfa=False`` for one without)."""

    is_staff = True

    @factory.post_generation
    def mfa(user, create, extracted, **kwargs):
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP

        if create and extracted is not False:
            if not Authenticator.objects.filter(user=user, type="totp").exists():
                TOTP.activate(user, TOTP_SECRET)


class AdminFactory(StaffFactory):
    is_superuser = True


class PriorityFieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PriorityField
        django_get_or_create = ("code",)

    code = "culture"
    name_lv = "Kultūra"
    name_en = "Culture"
    order = 1


def _registration_number(n):
    for prefix in range(100):
        number = registration_number_with_check_digit(f"400{(n * 100 + prefix) % 10**7:07d}")
        if number:
            return number
    raise AssertionError("no registration number")


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Biedrība Nr. {n}")
    legal_form = Organisation.LegalForm.ASSOCIATION
    registration_number = factory.Sequence(_registration_number)
    founded_on = datetime.date(2015, 5, 4)
    municipality = "Liepāja"
    address = "Graudu iela 1, Liepāja"
    email = factory.Sequence(lambda n: f"info{n}@biedriba.lv")
    phone = "+371 20000000"
    mission = "Stiprināt kopienu."
    members_count = 12
    volunteers_count = 5
    annual_budget = Decimal("15000.00")
    priority_field = factory.SubFactory(PriorityFieldFactory)

    @factory.post_generation
    def leader(organisation, create, extracted, **kwargs):
        if create and extracted:
            Membership.objects.create(
                organisation=organisation, user=extracted, role=Membership.Role.LEADER
            )


class CycleFactory(factory.django.DjangoModelFactory):
    """By default the call is open now and closes in two weeks."""

    class Meta:
        model = Cycle

    name = factory.Sequence(lambda n: f"Inkubators {2026 + n}")
    call_opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=7))
    call_closes_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=14))
    incubation_starts_on = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=30)
    )
    incubation_ends_on = factory.LazyAttribute(
        lambda cycle: cycle.incubation_starts_on + datetime.timedelta(days=240)
    )
    places = 11


class ApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Application
        skip_postgeneration_save = True

    cycle = factory.SubFactory(CycleFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    priority_field = factory.SelfAttribute("organisation.priority_field")

    class Params:
        complete = factory.Trait(
            support_needs=["mentoring", "funding"],
            motivation="Vēlamies augt.",
            challenges="Maz brīvprātīgo.",
            project_idea="Kopienas dārzs.",
            expected_results="Projekta pieteikums.",
            participants="Anna (valdes priekšsēdētāja)",
            meeting_availability=Application.Availability.ALL,
            data_consent=True,
        )
        submitted = factory.Trait(
            complete=True,
            status=Application.Status.SUBMITTED,
            submitted_at=factory.LazyFunction(timezone.now),
        )

    @factory.post_generation
    def ranked(application, create, extracted, **kwargs):
        if create and application.status in Application.EVALUATED:
            _ranking_changed(application.cycle)


class RunningCycleFactory(CycleFactory):
    """A cycle whose call has closed and whose incubation runs for months ahead."""

    call_opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=90))
    call_closes_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=40))
    incubation_starts_on = factory.LazyFunction(
        lambda: timezone.localdate() - datetime.timedelta(days=30)
    )
    incubation_ends_on = factory.LazyFunction(
        lambda: timezone.localdate() + datetime.timedelta(days=200)
    )


def admit(organisation, cycle, by, priority_field=None):
    """Admits the organisation to ``cycle`` through the services staff use and gives it
    its place, as the admission receiver does. Returns the cohort membership."""
    from applications import services as application_services
    from cohorts import services as cohort_services

    application = ApplicationFactory(
        cycle=cycle,
        organisation=organisation,
        submitted=True,
        priority_field=priority_field or organisation.priority_field,
    )
    # Unscored, and beyond the cycle's places when a test needs many participants.
    application_services.decide(
        application,
        decision="admitted",
        by=by,
        without_review=True,
        over_places_reason="Papildu vieta",
    )
    application_services.publish_decision(application, by=by)
    return cohort_services.place_admitted(application)


class MentorProfileFactory(factory.django.DjangoModelFactory):
    """An active mentor with a completed profile (``kind="expert"`` for an expert)."""

    class Meta:
        model = "mentoring.MentorProfile"
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    kind = "mentor"
    capacity = 3
    languages = ["lv", "en"]
    bio_lv = "Projektu pieteikumi un finanšu plānošana."
    activated_at = factory.LazyFunction(timezone.now)

    @factory.post_generation
    def tags(profile, create, extracted, **kwargs):
        """``tags=["fundraising", ...]``: expertise tags by code."""
        if create and extracted:
            from mentoring.models import ExpertiseTag

            profile.expertise_tags.set(ExpertiseTag.objects.filter(code__in=extracted))

    @factory.post_generation
    def fields(profile, create, extracted, **kwargs):
        if create and extracted:
            profile.priority_fields.set(extracted)


# --- review and selection -------------------------------------------------------------

from applications.models import CommitteeMember, Criterion, ReviewAssignment  # noqa: E402


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion
        skip_postgeneration_save = True

    cycle = factory.SubFactory(CycleFactory)
    name_lv = factory.Sequence(lambda n: f"Kritērijs {n}")
    name_en = factory.Sequence(lambda n: f"Criterion {n}")
    weight = Decimal("1")
    scale_min = 0
    scale_max = 5
    order = factory.Sequence(lambda n: n)

    @factory.post_generation
    def ranked(criterion, create, extracted, **kwargs):
        if create:
            _ranking_changed(criterion.cycle)


class CommitteeMemberFactory(factory.django.DjangoModelFactory):
    """A reviewer of ``cycle`` (an account with the reviewer role for it)."""

    class Meta:
        model = CommitteeMember

    cycle = factory.SubFactory(CycleFactory)
    user = factory.SubFactory(UserFactory)


class ReviewAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewAssignment
        skip_postgeneration_save = True

    application = factory.SubFactory(ApplicationFactory, submitted=True)
    member = factory.SubFactory(
        CommitteeMemberFactory, cycle=factory.SelfAttribute("..application.cycle")
    )

    @factory.post_generation
    def ranked(assignment, create, extracted, **kwargs):
        if create:
            _ranking_changed(assignment.application.cycle)


# --- funding --------------------------------------------------------------------------

from funding.models import FundingCall, FundingSource  # noqa: E402


class FundingSourceFactory(factory.django.DjangoModelFactory):
    """A confirmed, national grant for associations; pass ``fields`` (codes) and
    ``legal_forms`` (codes) to set its relations."""

    class Meta:
        model = FundingSource
        skip_postgeneration_save = True

    name_lv = factory.Sequence(lambda n: f"Finansējuma programma Nr. {n}")
    name_en = factory.Sequence(lambda n: f"Funding programme No. {n}")
    funder = "Sabiedrības integrācijas fonds"
    description_lv = "Atbalsta nevalstisko organizāciju darbību."
    description_en = "Supports the work of non-governmental organisations."
    kind = FundingSource.Kind.GRANT
    scope = FundingSource.Scope.NATIONAL
    verification = FundingSource.Verification.CONFIRMED
    last_checked_on = factory.LazyFunction(timezone.localdate)

    @factory.post_generation
    def fields(source, create, extracted, **kwargs):
        if create and extracted:
            source.priority_fields.set(
                [
                    PriorityFieldFactory(code=code) if isinstance(code, str) else code
                    for code in extracted
                ]
            )

    @factory.post_generation
    def legal_forms(source, create, extracted, **kwargs):
        from funding.models import LegalForm

        if create and extracted:
            source.legal_forms.set(LegalForm.objects.filter(code__in=extracted))


class FundingCallFactory(factory.django.DjangoModelFactory):
    """An open call whose deadline is 20 days ahead."""

    class Meta:
        model = FundingCall

    source = factory.SubFactory(FundingSourceFactory)
    title = factory.Sequence(lambda n: f"Konkurss Nr. {n}")
    opens_at = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(days=10))
    deadline = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=20))
    status = FundingCall.Status.OPEN
