"""Writes for personal data rights: copies of one's data, erasure, consent."""

import datetime
import tempfile

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from incubator.models import User
from incubator.notifications import services as notifications

from . import notice, registry
from .archive import ExportArchive
from .models import Consent, DataExport, ErasureRequest

LINK_SALT = "incubator.privacy.export"
STALE_AFTER = datetime.timedelta(hours=1)


# --- a copy of one's data ------------------------------------------------------------


def link_lifetime():
    return datetime.timedelta(hours=settings.DATA_EXPORT_LINK_HOURS)


@transaction.atomic
def request_export(user, now=None):
    """Asks for a copy of everything the portal holds about ``user``; it is built in
    the background and the link is emailed. A copy still being prepared is not
    asked for twice. Returns the DataExport."""
    from . import tasks

    now = now or timezone.now()
    User.objects.select_for_update().filter(pk=user.pk).first()
    # A copy still pending long after it was asked for was lost (its task failed or
    # never ran): the person may ask again.
    pending = DataExport.objects.filter(
        user=user, status=DataExport.Status.PENDING, requested_at__gte=now - STALE_AFTER
    ).first()
    if pending is not None:
        return pending
    export = DataExport.objects.create(user=user, requested_at=now)
    tasks.build_export.delay_on_commit(export.pk)
    return export


def build_export(export_id, now=None):
    """Builds the ZIP of one requested copy and emails its link. Idempotent: a copy
    already built is left alone."""
    export = DataExport.objects.select_related("user").filter(pk=export_id).first()
    if export is None or export.status != DataExport.Status.PENDING:
        return export
    user = export.user
    now = now or timezone.now()
    with tempfile.TemporaryFile() as handle:
        archive = ExportArchive(handle)
        with translation.override(user.language):
            archive.add_text("README.txt", _readme(user, now))
            for holder in registry.holders():
                holder.export(user, archive)
        archive.close()
        handle.seek(0)
        with transaction.atomic():
            export = DataExport.objects.select_for_update().get(pk=export_id)
            if export.status != DataExport.Status.PENDING:
                return export
            export.file.save(f"data-{now:%Y%m%d}.zip", File(handle), save=False)
            export.size = export.file.size
            export.status = DataExport.Status.READY
            export.ready_at = now
            export.expires_at = now + link_lifetime()
            export.save()
            _email_link(export)
    return export


def _readme(user, now):
    return _(
        "Everything the incubator portal holds about %(person)s, as of %(moment)s.\n"
        "Each .json file holds one kind of record; the files folder holds the original "
        "documents they name.\n"
    ) % {"person": user.email, "moment": timezone.localtime(now).strftime("%Y-%m-%d %H:%M")}


def export_token(export):
    return signing.dumps({"export": export.pk, "user": export.user_id}, salt=LINK_SALT)


def export_url(export):
    from django.urls import reverse

    with translation.override(export.user.language):
        return reverse("privacy:download", args=[export_token(export)])


def _email_link(export):
    user = export.user
    subject, text, html = notifications.render(
        "privacy/emails/export_ready",
        {
            "recipient": user,
            "link": settings.SITE_URL + export_url(export),
            "expires_at": export.expires_at,
        },
        user.language,
    )
    # Sensitive: the link is the person's data; staff never see it in the outbox.
    notifications.queue_rendered(
        key=f"privacy:export:{export.pk}:ready",
        recipient=user,
        to=user.email,
        language=user.language,
        subject=subject,
        text=text,
        html=html,
        sensitive=True,
    )


class LinkExpired(Exception):
    pass


def open_export(token, user, now=None):
    """The ready copy that ``token`` names, for ``user`` only. Raises
    DataExport.DoesNotExist for a forged token, another person's copy or one gone,
    and LinkExpired for a link past its time."""
    now = now or timezone.now()
    try:
        payload = signing.loads(token, salt=LINK_SALT, max_age=link_lifetime())
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        raise DataExport.DoesNotExist from None
    if not isinstance(payload, dict) or payload.get("user") != user.pk:
        raise DataExport.DoesNotExist
    export = DataExport.objects.get(pk=payload.get("export"), user=user)
    if export.status == DataExport.Status.EXPIRED or (
        export.expires_at is not None and export.expires_at <= now
    ):
        raise LinkExpired
    if export.status != DataExport.Status.READY:
        raise DataExport.DoesNotExist
    return export


def expire_exports(now=None):
    """Deletes the files of copies whose link has expired; returns how many."""
    now = now or timezone.now()
    expired = list(DataExport.objects.filter(status=DataExport.Status.READY, expires_at__lte=now))
    for export in expired:
        storage, path = export.file.storage, export.file.name
        export.status = DataExport.Status.EXPIRED
        export.file = ""
        export.save(update_fields=["status", "file"])
        if path:
            transaction.on_commit(lambda s=storage, p=path: s.delete(p))
    return len(expired)


# --- erasure -------------------------------------------------------------------------


@transaction.atomic
def request_erasure(user, note=""):
    """The person asks to have their account erased; staff carry it out or refuse."""
    User.objects.select_for_update().filter(pk=user.pk).first()
    if ErasureRequest.objects.filter(user=user, status=ErasureRequest.Status.PENDING).exists():
        raise ValidationError(_("You have already asked for your account to be erased."))
    request = ErasureRequest.objects.create(user=user, note=note.strip())
    # Staff are told: the request waits for them on their list.
    for person in User.objects.filter(is_staff=True, is_active=True).exclude(pk=user.pk):
        notifications.queue(
            key=f"privacy:erasure:{request.pk}:requested:user:{person.pk}",
            recipient=person,
            template="privacy/emails/erasure_requested",
            context={"request": request, "person": user},
        )
    return request


@transaction.atomic
def withdraw_erasure(user):
    """The person changes their mind while staff have not decided yet."""
    updated = ErasureRequest.objects.filter(user=user, status=ErasureRequest.Status.PENDING).update(
        status=ErasureRequest.Status.WITHDRAWN, decided_at=timezone.now()
    )
    if not updated:
        raise ValidationError(_("There is no request to withdraw."))


def _pending(request):
    request = ErasureRequest.objects.select_for_update().select_related("user").get(pk=request.pk)
    if request.status != ErasureRequest.Status.PENDING:
        raise ValidationError(_("This request has already been decided."))
    return request


@transaction.atomic
def carry_out_erasure(request, *, by, now=None):
    """Erases the person: every app deletes or anonymises what it holds (the kernel's
    account last), and the request records what was done and what was kept, and why."""
    request = _pending(request)
    if request.user_id == by.pk:
        raise ValidationError(_("Another member of staff must erase your own account."))
    outcomes = []
    for holder in registry.holders():
        outcomes.extend(holder.erase(request.user))
    request.status = ErasureRequest.Status.DONE
    request.decided_at = now or timezone.now()
    request.decided_by = by
    request.note = ""
    request.outcome = [outcome.as_dict() for outcome in outcomes]
    request.save()
    return request


@transaction.atomic
def refuse_erasure(request, *, by, reason, now=None):
    """Refuses a request when the programme must keep the records; the reason is
    recorded and emailed to the person."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"refusal_reason": _("Say why: the person is told the reason.")}, code="required"
        )
    request = _pending(request)
    request.status = ErasureRequest.Status.REFUSED
    request.decided_at = now or timezone.now()
    request.decided_by = by
    request.refusal_reason = reason
    request.save()
    notifications.queue(
        key=f"privacy:erasure:{request.pk}:refused",
        recipient=request.user,
        template="privacy/emails/erasure_refused",
        context={"request": request},
    )
    return request


# --- consent -------------------------------------------------------------------------


def record_consent(user, context, reference="", version=None, now=None):
    """Records that ``user`` accepted the privacy notice (the current version unless
    ``version``) at sign-up or with an application; once per version and place."""
    consent, _created = Consent.objects.get_or_create(
        user=user,
        version=version or notice.VERSION,
        context=context,
        reference=reference,
        defaults={
            "language": (translation.get_language() or user.language)[:2],
            "accepted_at": now or timezone.now(),
        },
    )
    return consent


# --- retention -----------------------------------------------------------------------


@transaction.atomic
def set_retention(cycle, *, months, by):
    """Staff set how many months after its decisions a cycle keeps the files and
    answers of applications that were not admitted."""
    from .models import RetentionPolicy

    if not isinstance(months, int) or not 1 <= months <= 120:
        raise ValidationError(
            {"months": _("Enter a number of months from 1 to 120.")}, code="invalid"
        )
    policy, _created = RetentionPolicy.objects.update_or_create(
        cycle=cycle, defaults={"months": months, "updated_by": by}
    )
    return policy
