"""The demo's part in personal data: every demo person accepted the privacy notice
when they signed up, so *My data* shows it. Idempotent."""

from .models import Consent
from .services import record_consent


def seed(demo):
    created = 0
    for user in demo.users.values():
        before = Consent.objects.filter(user=user).count()
        record_consent(user, Consent.Context.SIGNUP, now=user.date_joined)
        created += Consent.objects.filter(user=user).count() - before
    if created:
        demo.log.append(f"privacy: {created} accepted privacy notices")
