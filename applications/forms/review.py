"""Forms of the evaluation. They check what a person typed; the rules of the
evaluation (locks, conflicts, scales) live in the services, whose errors the views
put back on these forms."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from incubator.forms import ChosenRowsField

from ..models import (
    Application,
    CommitteeMember,
    Criterion,
    EligibilityRequirement,
    LetterTemplate,
    ReviewSettings,
)
from ..services.letters import PLACEHOLDERS


class ReviewSettingsForm(forms.ModelForm):
    class Meta:
        model = ReviewSettings
        fields = [
            "reviewers_per_application",
            "reviews_due_on",
            "reviewers_see_other_reviews",
            "normalise_scores",
            "spread_threshold",
            "applicants_see_feedback",
            "offer_days",
        ]
        widgets = {
            "reviews_due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            # A decimal as the active language writes it ("1,5" in Latvian).
            "spread_threshold": forms.TextInput(attrs={"inputmode": "decimal"}),
        }
        localized_fields = ["spread_threshold"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Left empty, the offers keep the days they have (5 by default).
        self.fields["offer_days"].required = False

    def clean_offer_days(self):
        days = self.cleaned_data.get("offer_days")
        return days if days is not None else self.instance.offer_days


class QuotaForm(forms.Form):
    """The places of one priority field (the field is the form's ``field``)."""

    minimum = forms.IntegerField(label=_("At least"), min_value=0, initial=0)
    maximum = forms.IntegerField(
        label=_("At most"),
        min_value=0,
        required=False,
        help_text=_("Empty: no limit."),
    )

    def __init__(self, *args, field, **kwargs):
        self.field = field
        super().__init__(*args, **kwargs)

    def clean(self):
        data = super().clean()
        minimum, maximum = data.get("minimum"), data.get("maximum")
        if minimum is not None and maximum is not None and maximum < minimum:
            raise ValidationError(_("“At most” cannot be fewer than “at least”."))
        return data


def quota_forms(fields, quotas, data=None):
    return [
        QuotaForm(
            data,
            prefix=f"field-{field.pk}",
            field=field,
            initial={
                "minimum": quotas.get(field.pk, (0, None))[0],
                "maximum": quotas.get(field.pk, (0, None))[1],
            },
        )
        for field in fields
    ]


class CriterionForm(forms.ModelForm):
    class Meta:
        model = Criterion
        fields = [
            "name_lv",
            "name_en",
            "guidance_lv",
            "guidance_en",
            "weight",
            "scale_min",
            "scale_max",
            "order",
        ]
        widgets = {
            "guidance_lv": forms.Textarea(attrs={"rows": 2}),
            "guidance_en": forms.Textarea(attrs={"rows": 2}),
            # A decimal in the active language ("2,50" in Latvian), typed as such.
            "weight": forms.TextInput(attrs={"inputmode": "decimal"}),
        }
        localized_fields = ["weight"]

    def __init__(self, *args, scale_locked=False, finalised=False, **kwargs):
        super().__init__(*args, **kwargs)
        if finalised:
            # The ranking is finalised: every input is locked, and looks it.
            for field in self.fields.values():
                field.disabled = True
            self.fields["weight"].help_text = _("Locked: the ranking is finalised.")
        elif scale_locked:
            for name in ("scale_min", "scale_max"):
                self.fields[name].disabled = True
                self.fields[name].help_text = _("Locked: applications are being scored.")

    def clean(self):
        data = super().clean()
        low, high = data.get("scale_min"), data.get("scale_max")
        if low is not None and high is not None and high <= low:
            self.add_error("scale_max", _("The highest score must be above the lowest."))
        return data


class BaseCriterionFormSet(forms.BaseModelFormSet):
    def __init__(self, *args, scale_locked=False, finalised=False, **kwargs):
        self.scale_locked = scale_locked
        self.finalised = finalised
        super().__init__(*args, **kwargs)

    def get_form_kwargs(self, index):
        return {
            **super().get_form_kwargs(index),
            "scale_locked": self.scale_locked,
            "finalised": self.finalised,
        }

    def changes(self):
        """(criterion or None, values, delete?) for ``services.save_criteria``."""
        result = []
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue
            delete = self.can_delete and self._should_delete_form(form)
            values = (
                {
                    name: form.cleaned_data.get(name)
                    for name in form.Meta.fields
                    if not form.fields[name].disabled
                }
                if not delete
                else {}
            )
            result.append((form.instance if form.instance.pk else None, values, delete))
        return result


def criterion_formset(cycle, data=None, *, locked=False, finalised=False):
    FormSet = forms.modelformset_factory(
        Criterion,
        form=CriterionForm,
        formset=BaseCriterionFormSet,
        extra=0 if locked or finalised else 1,
        can_delete=not (locked or finalised),
    )
    return FormSet(
        data,
        queryset=Criterion.objects.filter(cycle=cycle).order_by("order", "pk"),
        prefix="criteria",
        scale_locked=locked,
        finalised=finalised,
    )


class RequirementForm(forms.ModelForm):
    class Meta:
        model = EligibilityRequirement
        fields = ["text_lv", "text_en", "order"]


class BaseRequirementFormSet(forms.BaseModelFormSet):
    def changes(self):
        result = []
        for form in self.forms:
            if not form.has_changed() and form.instance.pk is None:
                continue
            delete = self._should_delete_form(form)
            values = {} if delete else {n: form.cleaned_data.get(n) for n in form.Meta.fields}
            result.append((form.instance if form.instance.pk else None, values, delete))
        return result


def requirement_formset(cycle, data=None):
    FormSet = forms.modelformset_factory(
        EligibilityRequirement,
        form=RequirementForm,
        formset=BaseRequirementFormSet,
        extra=1,
        can_delete=True,
    )
    return FormSet(
        data,
        queryset=EligibilityRequirement.objects.filter(cycle=cycle).order_by("order", "pk"),
        prefix="requirements",
    )


MET_CHOICES = [("", _("Not checked")), ("yes", _("Met")), ("no", _("Not met"))]


class EligibilityForm(forms.Form):
    """Staff's finding on each of the cycle's requirements for one application."""

    def __init__(self, *args, requirements, checks, **kwargs):
        super().__init__(*args, **kwargs)
        self.requirements = list(requirements)
        self.checks = checks
        for requirement in self.requirements:
            check = checks.get(requirement.pk)
            self.fields[f"met_{requirement.pk}"] = forms.ChoiceField(
                label=requirement.text,
                choices=MET_CHOICES,
                required=False,
                initial="" if check is None else ("yes" if check.met else "no"),
                widget=forms.RadioSelect,
            )
            self.fields[f"note_{requirement.pk}"] = forms.CharField(
                label=_("Note"),
                required=False,
                initial=check.note if check else "",
                widget=forms.TextInput(attrs={"placeholder": _("Why (required when not met)")}),
            )

    def rows(self):
        return [
            (r, self[f"met_{r.pk}"], self[f"note_{r.pk}"], self.checks.get(r.pk))
            for r in self.requirements
        ]

    def findings(self):
        """{requirement: (met, note)} for the requirements given an answer, and
        {requirement: None} for a check set back to “not checked”."""
        findings = {}
        for r in self.requirements:
            answer = self.cleaned_data.get(f"met_{r.pk}")
            if answer:
                findings[r] = (answer == "yes", self.cleaned_data[f"note_{r.pk}"])
            elif r.pk in self.checks:
                findings[r] = None
        return findings


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    affiliation = forms.CharField(
        label=_("Organisation"),
        max_length=200,
        required=False,
        help_text=_("The partner organisation the member comes from, if any."),
    )
    language = forms.ChoiceField(
        label=_("Language of the emails"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
    )


class AssignForm(forms.Form):
    """The committee members who may still be given ``application``."""

    member = forms.ModelChoiceField(label=_("Reviewer"), queryset=CommitteeMember.objects.none())

    def __init__(self, *args, application, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = (
            CommitteeMember.objects.filter(pk__in=[m.pk for m in members])
            .select_related("user")
            .order_by("user__last_name", "user__first_name")
        )
        self.fields["member"].label_from_instance = lambda m: m.user.display_name


class AutoAssignForm(forms.Form):
    per_application = forms.IntegerField(
        label=_("Reviewers per application"), min_value=1, max_value=9
    )


class ConflictForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this organisation?"),
        choices=[
            ("no", _("No, I have no conflict of interest")),
            ("yes", _("Yes, I have a conflict of interest")),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        help_text=_(
            "For example: you are a member, board member, employee or volunteer of the "
            "organisation, a relative of its leaders, or you have a financial interest "
            "in its project."
        ),
    )
    reason = forms.CharField(
        label=_("The conflict of interest"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean(self):
        data = super().clean()
        if data.get("has_conflict") and not data.get("reason", "").strip():
            self.add_error("reason", _("Describe the conflict of interest."))
        return data


class ScoreForm(forms.Form):
    """One score and comment per criterion, and an overall comment. Nothing is
    required for a draft; the service checks completeness on submission."""

    overall_comment = forms.CharField(
        label=_("Overall comment"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, criteria, scores, overall_comment="", **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        self.fields["overall_comment"].initial = overall_comment
        for criterion in self.criteria:
            score = scores.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.name,
                choices=[(str(v), str(v)) for v in criterion.scale],
                coerce=int,
                empty_value=None,
                required=False,
                initial=str(score.value) if score and score.value is not None else None,
                widget=forms.RadioSelect(
                    attrs={
                        "data-weight": str(criterion.weight),
                        "data-low": criterion.scale_min,
                        "data-high": criterion.scale_max,
                    }
                ),
                error_messages={
                    "invalid_choice": _("The score must be from %(low)d to %(high)d.")
                    % {"low": criterion.scale_min, "high": criterion.scale_max}
                },
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment"),
                required=False,
                initial=score.comment if score else "",
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.order_fields(
            [
                *[n for c in self.criteria for n in (f"score_{c.pk}", f"comment_{c.pk}")],
                "overall_comment",
            ]
        )

    def rows(self):
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def scores(self):
        """{criterion pk: (value, comment)} of the fields that passed validation; a
        score that did not keeps its place as an error, never silently dropped."""
        data = self.cleaned_data
        return {
            c.pk: (data.get(f"score_{c.pk}"), data.get(f"comment_{c.pk}", ""))
            for c in self.criteria
            if f"score_{c.pk}" not in self.errors
        }


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(label=_("Decision"), choices=Application.DECISION_CHOICES)
    reason = forms.CharField(
        label=_("Reason for the organisation"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The organisation reads it: the letters quote it where they say {reason}."),
    )
    internal_note = forms.CharField(
        label=_("Internal note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Only staff see it: never in a letter or on the organisation's pages."),
    )
    over_places_reason = forms.CharField(
        label=_("Reason for admitting over the places"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_(
            "Only when every place of the cycle, or of the priority field, is taken: "
            "recorded with the decision."
        ),
    )
    without_review = forms.BooleanField(
        label=_("Decide without a submitted review"),
        required=False,
        help_text=_(
            "Only to admit or wait-list an application nobody has scored: the letter "
            "then leaves out the figures."
        ),
    )


class BulkDecisionForm(DecisionForm):
    applications = ChosenRowsField(
        label=_("Applications"),
        queryset=Application.objects.none(),
        error_messages={"required": _("Tick at least one application.")},
    )

    def __init__(self, *args, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = Application.objects.filter(cycle=cycle)
        self.fields["reason"].error_messages["required"] = _(
            "Give the reason for the decision: it is recorded with it."
        )


class LetterTemplateForm(forms.ModelForm):
    class Meta:
        model = LetterTemplate
        fields = ["subject_lv", "body_lv", "subject_en", "body_en"]
        widgets = {
            "body_lv": forms.Textarea(attrs={"rows": 10}),
            "body_en": forms.Textarea(attrs={"rows": 10}),
        }
        help_texts = {
            "body_lv": _(
                "Words in curly brackets, such as {organisation}, are placeholders: each "
                "letter gets the application's own value. What each one means is listed "
                "under “Placeholders”."
            ),
            "body_en": _("Leave empty to send the Latvian letter to English-speaking people too."),
        }


class LetterChoiceForm(forms.Form):
    """The ticked decisions whose letters staff want to read."""

    applications = ChosenRowsField(
        label=_("Applications"),
        queryset=Application.objects.none(),
        error_messages={"required": _("Tick at least one application.")},
    )

    def __init__(self, *args, cycle, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["applications"].queryset = Application.objects.filter(
            cycle=cycle, status__in=Application.DECISIONS
        )


class LetterSelectionForm(LetterChoiceForm):
    """The letters to send: those staff read, identified by the preview's
    fingerprint (without it nothing is sent)."""

    fingerprint = forms.CharField(widget=forms.HiddenInput)


def placeholder_help():
    return [(f"{{{name}}}", description) for name, description in PLACEHOLDERS.items()]
