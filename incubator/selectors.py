from allauth.account.models import EmailAddress
from django.db.models import Q
from django.utils import timezone

from .models import Cycle, Invitation, Organisation


def organisations_for(user):
    """The organisations ``user`` belongs to; the only way views reach one."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user).select_related("priority_field")


def current_call(now=None):
    """The cycle whose call is open or comes next; None when no call is ahead."""
    return Cycle.objects.accepting_applications(now or timezone.now()).first()


def people_of(organisation):
    memberships = organisation.memberships.select_related("user").order_by("-role", "created_at")
    invitations = Invitation.objects.filter(organisation=organisation).order_by("email")
    return memberships, invitations


def invitations_for(user):
    """The invitations addressed to ``user``: to their login or another address of
    theirs that they have verified."""
    if not user.is_authenticated:
        return Invitation.objects.none()
    verified = EmailAddress.objects.filter(user=user, verified=True).values("email")
    return (
        Invitation.objects.filter(Q(email__iexact=user.email) | Q(email__in=verified))
        .select_related("organisation", "invited_by")
        .order_by("-created_at", "pk")
    )
