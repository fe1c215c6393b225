"""Writes to the kernel: organisations and their people, a person's profile and
calendar feed."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Invitation, Membership, Organisation, User
from .notifications import services as notifications

# What an organisation's people edit on its profile.
ORGANISATION_FIELDS = [
    "name",
    "legal_form",
    "registration_number",
    "founded_on",
    "priority_field",
    "municipality",
    "address",
    "website",
    "email",
    "phone",
    "mission",
    "members_count",
    "volunteers_count",
    "annual_budget",
]
# What a person edits on their own profile.
PROFILE_FIELDS = ["first_name", "last_name", "phone", "language", "optional_reminders"]


def _only(fields, allowed, what):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"Not {what} field: {', '.join(sorted(unknown))}")


@transaction.atomic
def create_organisation(*, leader, **fields):
    """Creates an organisation with ``leader`` as its first person."""
    _only(fields, ORGANISATION_FIELDS, "an organisation")
    organisation = Organisation(**fields)
    organisation.full_clean()
    organisation._history_user = leader
    organisation.save()
    Membership.objects.create(organisation=organisation, user=leader, role=Membership.Role.LEADER)
    return organisation


@transaction.atomic
def update_organisation(organisation, *, by, **fields):
    """Saves changes to an organisation's profile, checked as on creation (a unique
    registration number, as in the register); its history records who made them."""
    _only(fields, ORGANISATION_FIELDS, "an organisation")
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    changed = [name for name, value in fields.items() if getattr(organisation, name) != value]
    if not changed:
        return organisation
    for name in changed:
        setattr(organisation, name, fields[name])
    organisation.full_clean()
    organisation._history_user = by
    organisation.save()
    return organisation


@transaction.atomic
def add_colleague(*, organisation, email, by):
    """Adds a colleague by email: at once if they have an account, otherwise as an
    invitation that turns into a membership when they verify that address.
    Returns "added", "invited" or raises ValidationError when already there."""
    email = email.strip().lower()
    user = User.objects.filter(email__iexact=email).first()
    context = {"organisation": organisation, "invited_by": by}
    if user is not None:
        membership, created = Membership.objects.get_or_create(organisation=organisation, user=user)
        if not created:
            raise ValidationError(_("This person already belongs to the organisation."))
        notifications.queue(
            key=f"organisation:{organisation.pk}:member:{user.pk}:added:{membership.pk}",
            recipient=user,
            template="incubator/emails/colleague_added",
            context=context,
        )
        return "added"
    invitation, created = Invitation.objects.get_or_create(
        organisation=organisation, email=email, defaults={"invited_by": by}
    )
    if not created:
        raise ValidationError(_("This address has already been invited."))
    notifications.queue(
        key=f"organisation:{organisation.pk}:invitation:{invitation.pk}",
        to=email,
        language=by.language,
        template="incubator/emails/colleague_invited",
        context=context,
    )
    return "invited"


@transaction.atomic
def claim_invitations(user, email):
    """Turns the invitations sent to a verified ``email`` into memberships."""
    invitations = Invitation.objects.filter(email__iexact=email).select_for_update()
    for invitation in invitations:
        Membership.objects.get_or_create(organisation_id=invitation.organisation_id, user=user)
    return invitations.delete()[0]


@transaction.atomic
def remove_person(*, membership, by):
    """A leader removes a colleague; an organisation always keeps one leader."""
    if membership.role == Membership.Role.LEADER:
        other_leaders = Membership.objects.filter(
            organisation_id=membership.organisation_id, role=Membership.Role.LEADER
        ).exclude(pk=membership.pk)
        if not other_leaders.exists():
            raise ValidationError(_("An organisation must keep at least one leader."))
    membership.delete()


def withdraw_invitation(invitation):
    invitation.delete()


@transaction.atomic
def update_profile(user, **fields):
    """A person changes their own name, phone, the language of their emails and
    whether they want optional reminders. Only those columns are written."""
    _only(fields, PROFILE_FIELDS, "a profile")
    for name, value in fields.items():
        setattr(user, name, value)
    user.clean_fields(exclude=[f.name for f in user._meta.fields if f.name not in fields])
    user.save(update_fields=list(fields))
    return user


def reset_calendar_token(user):
    """Gives the person a new private calendar feed address; the old one stops working."""
    user.calendar_token = secrets.token_urlsafe(32)
    user.save(update_fields=["calendar_token"])
    return user.calendar_token


def revoke_calendar_token(user):
    """Turns the person's calendar feed off: its address answers 404 from now on."""
    user.calendar_token = None
    user.save(update_fields=["calendar_token"])
