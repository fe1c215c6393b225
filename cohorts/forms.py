from django import forms
from django.utils.translation import gettext_lazy as _

from incubator.forms import ChosenRowsField
from incubator.models import User
from incubator.notifications.reminders import OFFSET_HELP
from incubator.uploads import ACCEPT_ATTRIBUTE

from . import audiences
from .models import Attendance, Cohort, CohortMembership, Deadline, JointMeeting, MeetingResponse
from .services import COHORT_FIELDS

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class CohortForm(forms.ModelForm):
    class Meta:
        model = Cohort
        fields = COHORT_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["coordinator"].queryset = User.objects.filter(is_staff=True, is_active=True)
        self.fields["coordinator"].empty_label = _("No coordinator")


class MoveForm(forms.Form):
    cohort = forms.ModelChoiceField(label=_("Move to the cohort"), queryset=Cohort.objects.none())

    def __init__(self, *args, membership, cohorts=None, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["cohort"]
        field.queryset = (
            Cohort.objects.filter(cycle_id=membership.cycle_id)
            .exclude(pk=membership.cohort_id)
            .select_related("priority_field")
        )
        field.label_from_instance = lambda cohort: cohort.name
        if cohorts is not None:
            # The cycle's cohorts, already loaded: the page renders without a query.
            field.choices = [("", field.empty_label)] + [
                (c.pk, c.name) for c in cohorts if c.pk != membership.cohort_id
            ]


class MembershipStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=CohortMembership.Status.choices)
    reason = forms.CharField(
        label=_("Reason (when the organisation leaves)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class MeetingForm(forms.ModelForm):
    online_url = forms.URLField(
        label=_("Online link"),
        max_length=500,
        required=False,
        assume_scheme="https",
        help_text=_("Zoom, Teams or Meet link, if people can join online."),
    )

    class Meta:
        model = JointMeeting
        fields = ["title", "cohort", "starts_at", "ends_at", "place", "online_url", "agenda"]
        widgets = {
            "starts_at": DATETIME_WIDGET,
            "ends_at": DATETIME_WIDGET,
            "agenda": forms.Textarea(attrs={"rows": 6}),
        }
        help_texts = {
            "place": _("An address, a room, or leave empty for an online meeting."),
        }

    def __init__(self, *args, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cohort"].queryset = cycle.cohorts.select_related("priority_field")
        self.fields["cohort"].label_from_instance = lambda cohort: cohort.name
        self.fields["cohort"].empty_label = _("All the cycle's organisations")
        for name in ("starts_at", "ends_at"):
            self.fields[name].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def _post_clean(self):
        # The service checks the meeting (end after start, a place or a link, within
        # the cycle); the view shows its errors on these fields (put_errors_on).
        pass


class CancelMeetingForm(forms.Form):
    reason = forms.CharField(
        label=_("Why is it cancelled?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Everyone invited receives this in the cancellation notice."),
    )


class MaterialForm(forms.Form):
    file = forms.FileField(
        label=_("Add a file"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
        help_text=_("PDF, DOCX, ODT, XLSX, ODS, JPG or PNG."),
    )


class ResponseForm(forms.Form):
    answer = forms.ChoiceField(
        label=_("Will you come?"),
        choices=MeetingResponse.Answer.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether you will come.")},
    )
    attendees = ChosenRowsField(
        label=_("Who comes"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Others coming, or a comment"), max_length=300, required=False)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        # ``people`` is the organisation's people, already loaded: no query here.
        self.fields["attendees"].queryset = User.objects.filter(pk__in=[p.pk for p in people])
        self.fields["attendees"].choices = [(p.pk, p.display_name) for p in people]

    def answer_choices(self):
        """[(value, label, ticked)] of the answer, as the form stands (posted or
        initial): the template writes the choices out without a widget's templates."""
        chosen = str(self["answer"].value() or "")
        return [(value, label, value == chosen) for value, label in self.fields["answer"].choices]

    def attendee_choices(self):
        """[(pk, name, ticked)] of the organisation's people, as the form stands."""
        chosen = {str(pk) for pk in self["attendees"].value() or []}
        return [(pk, name, str(pk) in chosen) for pk, name in self.fields["attendees"].choices]

    @classmethod
    def for_response(cls, response, people, **kwargs):
        initial = {}
        if response is not None:
            initial = {
                "answer": response.answer,
                "attendees": [person.pk for person in response.attendees.all()],
                "note": response.note,
            }
        return cls(initial=initial, people=people, **kwargs)


class AttendanceRowForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Attendance"),
        choices=[("", "—"), *Attendance.Status.choices],
        required=False,
    )
    people = forms.IntegerField(
        label=_("People present"), min_value=0, max_value=99, required=False
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == Attendance.Status.PRESENT and not cleaned.get("people"):
            self.add_error("people", _("How many people came?"))
        return cleaned


class AttendanceFormSet:
    """The attendance page's forms: one ``AttendanceRowForm`` per organisation of the
    meeting's roster (from ``selectors.attendance_rows``), named after it
    (``org<id>-status``). The rows come from the meeting, never from what was posted."""

    def __init__(self, rows, data=None):
        self.rows = list(rows)
        self.forms = [
            AttendanceRowForm(
                data, initial=self.initial_for(row), prefix=f"org{row.place.organisation_id}"
            )
            for row in self.rows
        ]

    @staticmethod
    def initial_for(row):
        """What a row shows first: what was recorded, else, for an organisation that
        said it would come, as many people as it named."""
        if row.record is not None:
            return {
                "status": row.record.status,
                "people": row.record.people or None,
                "note": row.record.note,
            }
        if row.response is not None and row.response.answer == MeetingResponse.Answer.YES:
            return {"people": len(row.response.attendees.all()) or None}
        return {}

    def __iter__(self):
        return iter(zip(self.rows, self.forms, strict=True))

    def __len__(self):
        return len(self.rows)

    def is_valid(self):
        valid = [form.is_valid() for form in self.forms]  # every row, to mark each one
        return all(valid)

    def entries(self):
        """(organisation, status, people, note) of each row given a status, for
        ``services.record_attendance``."""
        return [
            (
                row.place.organisation,
                form.cleaned_data["status"],
                form.cleaned_data["people"] or 0,
                form.cleaned_data["note"],
            )
            for row, form in self
            if form.cleaned_data["status"]
        ]


class DeadlineForm(forms.ModelForm):
    audience = forms.ChoiceField(label=_("For whom"))

    class Meta:
        model = Deadline
        fields = ["title", "cohort", "due_at", "audience", "description"]
        widgets = {"due_at": DATETIME_WIDGET, "description": forms.Textarea(attrs={"rows": 4})}
        help_texts = {"description": _("What is due and how to hand it in.")}

    def __init__(self, *args, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].required = True
        self.fields["audience"].choices = audiences.choices()
        self.fields["cohort"].queryset = cycle.cohorts.select_related("priority_field")
        self.fields["cohort"].label_from_instance = lambda cohort: cohort.name
        self.fields["cohort"].empty_label = _("The whole cycle")
        self.fields["due_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]

    def _post_clean(self):
        pass


class ReminderSettingsForm(forms.Form):
    meetings = forms.CharField(
        label=_("Before joint meetings"), max_length=60, help_text=OFFSET_HELP
    )
    deadlines = forms.CharField(label=_("Before deadlines"), max_length=60, help_text=OFFSET_HELP)
    call_closing = forms.CharField(
        label=_("Before the call closes (to organisations with a draft)"),
        max_length=60,
        help_text=OFFSET_HELP,
    )
