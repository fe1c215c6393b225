import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from incubator.models import PriorityField

from . import selectors
from .models import Application


class StaffApplicationFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("Organisation, reg. no., municipality…")}),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Application.Status.choices, empty_label=_("All statuses")
    )
    priority_field = django_filters.ModelChoiceFilter(
        label=_("Priority field"),
        queryset=PriorityField.objects.all(),
        empty_label=_("All fields"),
    )

    class Meta:
        model = Application
        fields = ["q", "status", "priority_field"]

    def filter_search(self, queryset, name, value):
        return selectors.search(queryset, value)
