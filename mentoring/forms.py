from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from applications.models import Application
from cohorts.forms import DATETIME_WIDGET
from incubator.forms import ChosenRowsField
from incubator.models import PriorityField
from incubator.notifications.reminders import OFFSET_HELP
from incubator.uploads import ACCEPT_ATTRIBUTE

from .models import (
    LANGUAGES,
    WEEKDAYS,
    ActionItem,
    Consultation,
    ExpertiseTag,
    MentorProfile,
    Mode,
    PartnerOrganisation,
)

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME_WIDGET = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
LOCATION_HELP = _("The address for an in-person consultation, the link for an online one.")


def _moment(value):
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def active_tags():
    return ExpertiseTag.objects.filter(is_active=True)


class TagChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class TagsField(ChosenRowsField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.name


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    kind = forms.ChoiceField(
        label=_("Invite as"),
        choices=MentorProfile.Kind.choices,
        widget=forms.RadioSelect,
        help_text=_(
            "A mentor works with a few organisations through the cycle; an expert gives "
            "one-off consultations to any participating organisation."
        ),
    )
    partner = forms.ModelChoiceField(
        label=_("Comes from"),
        queryset=PartnerOrganisation.objects.all(),
        required=False,
        empty_label=_("No partner organisation"),
    )
    language = forms.ChoiceField(
        label=_("Language of the invitation"), choices=settings.LANGUAGES, initial="lv"
    )


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    job_title = forms.CharField(
        label=_("Position"), max_length=150, required=False, help_text=_("e.g. Lawyer")
    )
    partner = forms.ModelChoiceField(
        label=_("Comes from"),
        queryset=PartnerOrganisation.objects.all(),
        required=False,
        empty_label=_("No partner organisation"),
        help_text=_("The partner organisation you come from, shown on your profile."),
    )
    expertise_tags = TagsField(label=_("Expertise"), queryset=ExpertiseTag.objects.none())
    priority_fields = ChosenRowsField(
        label=_("Priority fields"),
        queryset=PriorityField.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("I consult in"), choices=LANGUAGES, widget=forms.CheckboxSelectMultiple
    )
    capacity = forms.IntegerField(
        label=_("Organisations per cycle"),
        min_value=0,
        max_value=50,
        help_text=_("How many organisations you can take on as their mentor in a cycle."),
    )
    capacity_hours = forms.DecimalField(
        label=_("Hours per cycle"),
        min_value=0,
        max_value=2000,
        max_digits=5,
        decimal_places=1,
        help_text=_("How many hours of consultations you can give in a cycle."),
    )
    bio_lv = forms.CharField(
        label=_("About you (Latvian)"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    bio_en = forms.CharField(
        label=_("About you (English)"),
        required=False,
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        help_text=_("A JPG or PNG picture, at most 3 MB. Optional."),
        widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png"}),
    )
    remove_photo = forms.BooleanField(label=_("Remove my photo"), required=False)

    def __init__(self, *args, profile, **kwargs):
        if not args and not kwargs.get("data"):
            kwargs.setdefault(
                "initial",
                {
                    "first_name": profile.user.first_name,
                    "last_name": profile.user.last_name,
                    "job_title": profile.job_title,
                    "partner": profile.partner_id,
                    "expertise_tags": [t.pk for t in profile.expertise_tags.all()],
                    "priority_fields": [f.pk for f in profile.priority_fields.all()],
                    "languages": profile.languages,
                    "capacity": profile.capacity,
                    "capacity_hours": profile.capacity_hours,
                    "bio_lv": profile.bio_lv,
                    "bio_en": profile.bio_en,
                },
            )
        super().__init__(*args, **kwargs)
        # Tags in use, and any the mentor had before staff retired them.
        self.fields["expertise_tags"].queryset = ExpertiseTag.objects.filter(
            Q(is_active=True) | Q(pk__in=profile.expertise_tags.values("pk"))
        )
        self.fields["priority_fields"].label_from_instance = lambda field: field.name


class SlotForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DATETIME_WIDGET)
    minutes = forms.IntegerField(label=_("Minutes"), min_value=10, max_value=480, initial=60)
    mode = forms.ChoiceField(label=_("How"), choices=Mode.choices, initial=Mode.IN_PERSON)
    location = forms.CharField(label=_("Place or link"), max_length=300, help_text=LOCATION_HELP)


class PatternForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("Day of the week"), choices=WEEKDAYS, coerce=int)
    start_time = forms.TimeField(label=_("From"), widget=TIME_WIDGET)
    end_time = forms.TimeField(label=_("Until"), widget=TIME_WIDGET)
    slot_minutes = forms.IntegerField(
        label=_("Minutes per consultation"), min_value=10, max_value=480, initial=45
    )
    valid_from = forms.DateField(label=_("First day"), widget=DATE_WIDGET)
    valid_until = forms.DateField(label=_("Last day"), widget=DATE_WIDGET)
    mode = forms.ChoiceField(label=_("How"), choices=Mode.choices, initial=Mode.IN_PERSON)
    location = forms.CharField(label=_("Place or link"), max_length=300, help_text=LOCATION_HELP)


class BlockForm(forms.Form):
    starts_on = forms.DateField(label=_("From"), widget=DATE_WIDGET)
    ends_on = forms.DateField(label=_("Until"), widget=DATE_WIDGET)
    reason = forms.CharField(
        label=_("Reason"), max_length=200, required=False, help_text=_("e.g. Holiday")
    )


class BookingForm(forms.Form):
    topic = TagChoiceField(label=_("Topic"), queryset=ExpertiseTag.objects.none())
    note = forms.CharField(
        label=_("What would you like to discuss?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = active_tags()


MINUTES = [(30, "30"), (45, "45"), (60, "60"), (90, "90"), (120, "120")]


class RequestForm(forms.Form):
    option_1 = forms.DateTimeField(label=_("First proposed time"), widget=DATETIME_WIDGET)
    option_2 = forms.DateTimeField(label=_("Second proposed time"), widget=DATETIME_WIDGET)
    option_3 = forms.DateTimeField(
        label=_("Third proposed time (optional)"), widget=DATETIME_WIDGET, required=False
    )
    minutes = forms.TypedChoiceField(
        label=_("Length in minutes"), choices=MINUTES, coerce=int, initial=60
    )
    mode = forms.ChoiceField(label=_("How"), choices=Mode.choices, initial=Mode.IN_PERSON)
    topic = TagChoiceField(label=_("Topic"), queryset=ExpertiseTag.objects.none())
    note = forms.CharField(
        label=_("What would you like to discuss?"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topic"].queryset = active_tags()


class AcceptRequestForm(forms.Form):
    starts_at = forms.ChoiceField(label=_("The time"), widget=forms.RadioSelect)
    location = forms.CharField(label=_("Place or link"), max_length=300, help_text=LOCATION_HELP)

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.options = {option.isoformat(): option for option in request.options}
        self.fields["starts_at"].choices = [
            (key, _moment(option)) for key, option in self.options.items()
        ]

    def clean_starts_at(self):
        return self.options[self.cleaned_data["starts_at"]]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you decline"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class RescheduleForm(forms.Form):
    slot = forms.ChoiceField(label=_("New time"), widget=forms.RadioSelect)

    def __init__(self, *args, slots, **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = {str(slot.pk): slot for slot in slots}
        self.fields["slot"].choices = [
            (key, f"{_moment(slot.starts_at)} ({slot.minutes} min)")
            for key, slot in self.slots.items()
        ]

    def clean_slot(self):
        return self.slots[self.cleaned_data["slot"]]


class LogForm(forms.Form):
    outcome = forms.ChoiceField(
        label=pgettext_lazy("the outcome of a consultation", "What happened"),
        choices=Consultation.OUTCOMES,
        widget=forms.RadioSelect,
    )
    minutes = forms.IntegerField(label=_("Actual length in minutes"), min_value=0, max_value=600)
    topics = TagsField(label=_("Topics"), queryset=ExpertiseTag.objects.none(), required=False)
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What was discussed. The organisation sees it."),
    )
    recommendations = forms.CharField(
        label=_("Recommendations"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The organisation sees them."),
    )
    private_note = forms.CharField(
        label=_("Private note"),
        required=False,
        max_length=10000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Seen only by you and the programme staff, never by the organisation."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["topics"].queryset = ExpertiseTag.objects.all()


class ActionItemForm(forms.Form):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    description = forms.CharField(label=_("What to do"), max_length=300, required=False)
    owner = forms.ChoiceField(
        label=_("Who does it"),
        choices=ActionItem.Owner.choices,
        initial=ActionItem.Owner.ORGANISATION,
    )
    due_on = forms.DateField(label=_("Due"), widget=DATE_WIDGET, required=False)


ActionItemFormSet = forms.formset_factory(
    ActionItemForm, extra=3, can_delete=True, max_num=20, validate_max=True, absolute_max=40
)


def item_rows(formset):
    return [
        {
            "id": form.cleaned_data.get("id"),
            "description": form.cleaned_data.get("description", ""),
            "owner": form.cleaned_data.get("owner"),
            "due_on": form.cleaned_data.get("due_on"),
            "delete": form.cleaned_data.get("DELETE", False),
        }
        for form in formset.forms
        if form.cleaned_data
    ]


class AdHocForm(LogForm):
    place = forms.ChoiceField(label=_("Organisation"))
    starts_at = forms.DateTimeField(label=_("When"), widget=DATETIME_WIDGET)
    mode = forms.ChoiceField(label=_("How"), choices=Mode.choices, initial=Mode.ONLINE)

    field_order = ["place", "starts_at", "mode", "outcome", "minutes"]

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.places = {str(place.pk): place for place in places}
        self.fields["place"].choices = [("", "—")] + [
            (key, f"{place.organisation.name} ({place.cycle.name})")
            for key, place in self.places.items()
        ]

    def clean_place(self):
        return self.places[self.cleaned_data["place"]]


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Your rating"),
        choices=[(n, str(n)) for n in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class FileForm(forms.Form):
    file = forms.FileField(
        label=_("Add a file"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        help_text=_("PDF, DOCX, ODT, XLSX, ODS, JPG or PNG."),
    )


class AssignForm(forms.Form):
    mentor = forms.ChoiceField(label=_("Mentor"))
    override = forms.BooleanField(label=_("Assign beyond the mentor's capacity"), required=False)
    override_reason = forms.CharField(
        label=_("Why beyond the capacity"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, mentors, **kwargs):
        super().__init__(*args, **kwargs)
        self.mentors = {str(m.pk): m for m in mentors}
        self.fields["mentor"].choices = [("", "—")] + [
            (key, mentor.name) for key, mentor in self.mentors.items()
        ]

    def clean_mentor(self):
        return self.mentors[self.cleaned_data["mentor"]]


class SettingsForm(forms.Form):
    cutoff_hours = forms.IntegerField(
        label=_("Cancel or move up to (hours before)"),
        min_value=0,
        max_value=336,
        help_text=_("Later only staff can cancel or move a consultation."),
    )
    reminders = forms.CharField(
        label=_("Reminders before consultations"), max_length=60, help_text=OFFSET_HELP
    )


class TagForm(forms.Form):
    code = forms.SlugField(label=_("Code"), max_length=40)
    name_lv = forms.CharField(label=_("Name (Latvian)"), max_length=120)
    name_en = forms.CharField(label=_("Name (English)"), max_length=120)
    support_need = forms.ChoiceField(
        label=_("Matches the support asked for"),
        choices=[("", "—")] + list(Application.Support.choices),
        required=False,
    )
    is_active = forms.BooleanField(label=_("In use"), required=False, initial=True)


class PartnerForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
