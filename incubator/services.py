"""Writes to the kernel: organisations and their people, a person's profile and
calendar feed."""

import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from . import quota, selectors, signals
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
    membership = Membership(organisation=organisation, user=leader, role=Membership.Role.LEADER)
    membership._history_user = leader
    membership.save()
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
def invite_colleague(*, organisation, email, by):
    """The leader invites the person with ``email`` to join the organisation. It is
    always an invitation, whether or not the address has an account: the person
    joins only by accepting it (``accept_invitation``), and the leader learns nothing
    about the address from the answer. Raises ValidationError when the address is
    already invited or belongs to a member (both already on the organisation's page)."""
    email = User.objects.normalize_email(email.strip()).lower()
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ValidationError(
            _("This person already belongs to the organisation."), code="already_member"
        )
    if Invitation.objects.filter(organisation=organisation, email__iexact=email).exists():
        raise ValidationError(_("This address has already been invited."), code="already_invited")
    quota.spend(by, "organisation")
    invitation = Invitation(organisation=organisation, email=email, invited_by=by)
    invitation._history_user = by
    invitation.save()
    notifications.queue(
        key=f"organisation:{organisation.pk}:invitation:{invitation.pk}",
        to=email,
        language=by.language,
        template="incubator/emails/colleague_invited",
        context={"organisation": organisation, "invited_by": by},
    )
    return invitation


def _locked_invitation(invitation, user):
    """The invitation, locked, if it is addressed to ``user``; else ValueError (the
    views reach invitations only through ``selectors.invitations_for``)."""
    invitation = (
        Invitation.objects.select_for_update().select_related("organisation").get(pk=invitation.pk)
    )
    if not selectors.invitations_for(user).filter(pk=invitation.pk).exists():
        raise ValueError("An invitation addressed to someone else")
    return invitation


@transaction.atomic
def accept_invitation(invitation, *, user):
    """The invited person accepts: they become a member of the organisation. The apps
    downstream hear of it (``signals.member_joined``), e.g. to recuse a reviewer
    from the organisation's applications."""
    invitation = _locked_invitation(invitation, user)
    organisation = invitation.organisation
    membership = Membership.objects.filter(organisation=organisation, user=user).first()
    if membership is None:
        membership = Membership(organisation=organisation, user=user, role=Membership.Role.MEMBER)
        membership._history_user = user
        membership.save()
        transaction.on_commit(
            lambda: signals.member_joined.send(
                sender=Membership, organisation=organisation, user=user
            )
        )
    invitation._history_user = user
    invitation.delete()
    return membership


@transaction.atomic
def decline_invitation(invitation, *, user):
    invitation = _locked_invitation(invitation, user)
    invitation._history_user = user
    invitation.delete()


def _keep_a_leader(membership, message):
    if membership.role != Membership.Role.LEADER:
        return
    other_leaders = Membership.objects.filter(
        organisation_id=membership.organisation_id, role=Membership.Role.LEADER
    ).exclude(pk=membership.pk)
    if not other_leaders.exists():
        raise ValidationError(message, code="last_leader")


@transaction.atomic
def remove_person(*, membership, by):
    """A leader removes a colleague; an organisation always keeps one leader."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    _keep_a_leader(membership, _("An organisation must keep at least one leader."))
    membership._history_user = by
    membership.delete()


@transaction.atomic
def leave_organisation(membership, *, user):
    """A person leaves an organisation; its only leader cannot."""
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if membership.user_id != user.pk:
        raise ValueError("Only the person themselves leaves an organisation")
    _keep_a_leader(
        membership,
        _("You are the organisation's only leader. Make a colleague a leader before you leave."),
    )
    membership._history_user = user
    membership.delete()


@transaction.atomic
def withdraw_invitation(invitation, *, by):
    invitation._history_user = by
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
