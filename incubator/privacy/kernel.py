"""What the kernel holds about a person: the account, organisations, consents,
requests and the emails sent to them. Registered last, so the account is anonymised
after every app has done its part."""

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from incubator.models import Invitation, Membership
from incubator.notifications.models import Email

from . import registry
from .models import Consent, DataExport, ErasureRequest
from .registry import ANONYMISED, DELETED, KEPT, Outcome

PROFILE = ["id", "email", "first_name", "last_name", "phone", "language", "date_joined"]
ORGANISATION = [
    "name",
    "legal_form",
    "registration_number",
    "founded_on",
    "municipality",
    "address",
    "website",
    "email",
    "phone",
    "mission",
    "members_count",
    "volunteers_count",
    "annual_budget",
    "created_at",
]

EXPLAINS = [
    Outcome(_("Your name, email address and phone"), ANONYMISED, _("The account is closed.")),
    Outcome(_("Your place in organisations"), DELETED),
    Outcome(
        _("Emails sent to you"),
        ANONYMISED,
        _("The outbox keeps that an email was sent, without its text or your address."),
    ),
    Outcome(
        _("The privacy notices you accepted"),
        KEPT,
        _("The programme must be able to show the consent it relied on."),
    ),
]


def export(user, archive):
    profile = {field: getattr(user, field) for field in PROFILE}
    profile["optional_reminders"] = user.optional_reminders
    profile["email_addresses"] = list(
        EmailAddress.objects.filter(user=user).values("email", "verified", "primary")
    )
    profile["consents"] = list(
        Consent.objects.filter(user=user).values(
            "version", "context", "reference", "language", "accepted_at"
        )
    )
    profile["erasure_requests"] = list(
        ErasureRequest.objects.filter(user=user).values(
            "status", "note", "requested_at", "decided_at", "refusal_reason"
        )
    )
    archive.add_json("profile.json", profile)
    memberships = Membership.objects.filter(user=user).select_related("organisation")
    archive.add_json(
        "organisations.json",
        [
            {
                "role": membership.role,
                "since": membership.created_at,
                **{field: getattr(membership.organisation, field) for field in ORGANISATION},
                "priority_field": membership.organisation.priority_field_id
                and str(membership.organisation.priority_field),
            }
            for membership in memberships.select_related("organisation__priority_field")
        ],
    )
    emails = Email.objects.filter(Q(recipient=user) | Q(to__iexact=user.email)).order_by(
        "created_at", "pk"
    )
    archive.add_json(
        "emails.json",
        [
            {
                "to": email.to,
                "subject": email.subject,
                "status": email.status,
                "created_at": email.created_at,
                "sent_at": email.sent_at,
                # Sign-in links and the like are not kept readable, even for the person.
                "text": "" if email.sensitive else email.text_body,
            }
            for email in emails
        ],
    )


def erase(user):
    """Anonymises the account itself; its row stays, so that what must be kept
    (reviews, applications) stays attached to an anonymous person."""
    old_email = user.email
    memberships = Membership.objects.filter(user=user).delete()[0]
    Invitation.objects.filter(email__iexact=old_email).delete()
    EmailAddress.objects.filter(user=user).delete()
    Authenticator.objects.filter(user=user).delete()
    emails = Email.objects.filter(Q(recipient=user) | Q(to__iexact=old_email)).update(
        to=f"erased-{user.pk}@erased.invalid", text_body="", html_body="", calendar=""
    )
    exports = list(DataExport.objects.filter(user=user))
    for data_export in exports:
        if data_export.file:
            storage, path = data_export.file.storage, data_export.file.name
            transaction.on_commit(lambda s=storage, p=path: s.delete(p))
        data_export.delete()
    consents = Consent.objects.filter(user=user).count()
    user.email = f"erased-{user.pk}@erased.invalid"
    user.first_name = ""
    user.last_name = ""
    user.phone = ""
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.calendar_token = None
    user.set_unusable_password()
    user.save()
    return [
        Outcome(_("Name, email address and phone"), ANONYMISED, _("The account is closed."), 1),
        Outcome(_("Places in organisations"), DELETED, "", memberships),
        Outcome(
            _("Emails sent to the person"),
            ANONYMISED,
            _("The outbox keeps that an email was sent, without its text or the address."),
            emails,
        ),
        Outcome(_("Copies of personal data"), DELETED, "", len(exports)),
        Outcome(
            _("Accepted privacy notices"),
            KEPT,
            _("The programme must be able to show the consent it relied on."),
            consents,
        ),
    ]


def register():
    registry.register(
        registry.Holder(name="account", export=export, erase=erase, explains=EXPLAINS, order=1000)
    )
