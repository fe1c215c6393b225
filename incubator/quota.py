"""How many invitations one person may send in a day: organisation colleagues,
evaluation committee members and mentors alike count against the same limit
(``settings.INVITATIONS_PER_DAY``), so that an account cannot be used to flood
addresses with the portal's emails. Every service that emails an invitation spends
one with ``spend(by, kind)`` in its transaction."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import SentInvitation, User

WINDOW = datetime.timedelta(days=1)


def sent_today(sender, now=None):
    now = now or timezone.now()
    return SentInvitation.objects.filter(sender=sender, sent_at__gt=now - WINDOW).count()


def spend(sender, kind, now=None):
    """Records one invitation sent by ``sender``; ValidationError (code
    ``rate_limited``) when they have reached the day's limit."""
    now = now or timezone.now()
    # One sender's invitations are counted one request at a time.
    User.objects.select_for_update().filter(pk=sender.pk).first()
    limit = settings.INVITATIONS_PER_DAY
    if sent_today(sender, now) >= limit:
        raise ValidationError(
            _(
                "You have sent %(limit)d invitations in the last 24 hours, the most the "
                "portal allows. Please try again tomorrow."
            )
            % {"limit": limit},
            code="rate_limited",
        )
    return SentInvitation.objects.create(sender=sender, kind=kind, sent_at=now)
