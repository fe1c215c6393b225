"""Mentors and experts join: staff invite them by email (the committee's flow: an
account made when they have none, with a link to choose a password), they fill in
their profile, and it becomes active. Staff keep the expertise taxonomy and the
partner organisations."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incubator import quota
from incubator.accounts import invited_account, set_password_url
from incubator.notifications import services as outbox
from incubator.uploads import check_document, delete_document, store_document

from ..models import LANGUAGES, ExpertiseTag, MentorPhoto, MentorProfile, PartnerOrganisation

PHOTO_MAX_BYTES = 3 * 1024 * 1024
PHOTO_KINDS = {"jpeg", "png"}


def _send_invitation(profile, by):
    quota.spend(by, "mentoring")
    user = profile.user
    needs_password = not user.has_usable_password()
    context = {
        "profile": profile,
        "invited_by": by,
        "recipient": user,
        "set_password_url": set_password_url(user, user.language) if needs_password else "",
        "password_link_days": settings.PASSWORD_RESET_TIMEOUT // 86400,
    }
    subject, text, html = outbox.render("mentoring/emails/invitation", context, user.language)
    profile.invitations_sent += 1
    profile.save(update_fields=["invitations_sent"])
    return outbox.queue_rendered(
        key=f"mentor-invitation:{profile.pk}:{profile.invitations_sent}",
        recipient=user,
        to=user.email,
        language=user.language,
        subject=subject,
        text=text,
        html=html,
        sensitive=needs_password,
    )


@transaction.atomic
def invite_mentor(
    *, email, kind, by, first_name="", last_name="", partner=None, language=None, now=None
):
    """Invites a mentor or an expert: the account is made if there is none, the
    profile waits for them to fill it in. Returns the profile."""
    if kind not in MentorProfile.Kind.values:
        raise ValidationError({"kind": _("Choose mentor or expert.")})
    user, _created = invited_account(
        email, first_name=first_name, last_name=last_name, language=language
    )
    existing = MentorProfile.objects.filter(user=user).first()
    if existing is not None and existing.is_active:
        raise ValidationError(
            {"email": _("%(person)s is already a mentor or expert.") % {"person": user}},
            code="already",
        )
    profile = existing or MentorProfile(user=user)
    profile.kind = kind
    profile.partner = partner
    profile.is_active = True
    profile.invited_by = by
    profile.invited_at = now or timezone.now()
    profile.save()
    _send_invitation(profile, by)
    return profile


@transaction.atomic
def resend_invitation(profile, *, by):
    profile = MentorProfile.objects.select_for_update().select_related("user").get(pk=profile.pk)
    return _send_invitation(profile, by)


def check_photo(uploaded):
    """A JPG or PNG, by its contents, of at most PHOTO_MAX_BYTES."""
    kind, _type, name = check_document(uploaded, PHOTO_MAX_BYTES)
    if kind not in PHOTO_KINDS:
        raise ValidationError(
            _("“%(name)s” is not a JPG or PNG picture.") % {"name": name}, code="file_type"
        )


def _check_profile(languages, tags, bio_lv, bio_en, capacity, capacity_hours):
    errors = {}
    if not languages or set(languages) - {code for code, _label in LANGUAGES}:
        errors["languages"] = _("Choose the languages you consult in.")
    if not tags:
        errors["expertise_tags"] = _("Choose at least one area of expertise.")
    if not bio_lv.strip() and not bio_en.strip():
        errors["bio_lv"] = _("Write a few lines about yourself, in Latvian or English.")
    if capacity is None or capacity > 50:
        errors["capacity"] = _("Give a number of organisations from 0 to 50.")
    if capacity_hours is None or not 0 <= capacity_hours <= 2000:
        errors["capacity_hours"] = _("Give a number of hours from 0 to 2000.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_profile(
    profile,
    *,
    by,
    first_name,
    last_name,
    job_title="",
    partner=None,
    expertise_tags=(),
    priority_fields=(),
    languages=(),
    capacity,
    capacity_hours,
    bio_lv="",
    bio_en="",
    photo=None,
    remove_photo=False,
    now=None,
):
    """The mentor's own profile; the first complete save makes it active."""
    now = now or timezone.now()
    languages = [code for code, _label in LANGUAGES if code in set(languages)]
    _check_profile(languages, list(expertise_tags), bio_lv, bio_en, capacity, capacity_hours)
    if not first_name.strip() or not last_name.strip():
        raise ValidationError({"first_name": _("Give your first and last name.")})
    if photo is not None:
        check_photo(photo)
    user = profile.user
    user.first_name, user.last_name = first_name.strip(), last_name.strip()
    user.save(update_fields=["first_name", "last_name"])
    profile.job_title = job_title.strip()
    profile.partner = partner
    profile.languages = languages
    profile.capacity = capacity
    profile.capacity_hours = capacity_hours
    profile.bio_lv, profile.bio_en = bio_lv.strip(), bio_en.strip()
    if profile.activated_at is None:
        profile.activated_at = now
    profile.save()
    profile.expertise_tags.set(expertise_tags)
    profile.priority_fields.set(priority_fields)
    old = MentorPhoto.objects.filter(profile=profile).first()
    if old is not None and (remove_photo or photo is not None):
        delete_document(old)
    if photo is not None:
        store_document(MentorPhoto(profile=profile, uploaded_by=by), photo, PHOTO_MAX_BYTES)
    return profile


def _unique(save, field, message):
    try:
        with transaction.atomic():
            save()
    except IntegrityError:
        raise ValidationError({field: message}) from None


@transaction.atomic
def save_tag(tag=None, *, code, name_lv, name_en, support_need="", is_active=True):
    tag = tag or ExpertiseTag(order=ExpertiseTag.objects.count() + 1)
    tag.code, tag.name_lv, tag.name_en = code.strip(), name_lv.strip(), name_en.strip()
    tag.support_need, tag.is_active = support_need, is_active
    tag.full_clean(validate_unique=False)
    _unique(tag.save, "code", _("A tag with this code already exists."))
    return tag


@transaction.atomic
def save_partner(partner=None, *, name, website=""):
    partner = partner or PartnerOrganisation()
    partner.name, partner.website = name.strip(), website.strip()
    partner.full_clean(validate_unique=False)
    _unique(partner.save, "name", _("A partner organisation with this name already exists."))
    return partner
