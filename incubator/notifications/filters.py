import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from . import kinds
from .models import Email


class OutboxFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("Address, subject…")}),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Email.Status.choices, empty_label=_("All statuses")
    )
    # The apps' kinds, read when the form is built (they register in ready()).
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=kinds.choices, method="filter_kind", empty_label=_("All kinds")
    )
    duplicated = django_filters.BooleanFilter(
        label=_("Only possibly duplicated"),
        method="filter_duplicated",
        widget=forms.CheckboxInput,
    )
    since = django_filters.DateFilter(
        label=_("Written from"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Email
        fields = ["q", "status", "kind", "since", "duplicated"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(to__icontains=value) | Q(subject__icontains=value) | Q(key__startswith=value)
        )

    def filter_duplicated(self, queryset, name, value):
        return queryset.filter(possibly_duplicated=True) if value else queryset

    def filter_kind(self, queryset, name, value):
        return queryset.filter(key__startswith=f"{value}:")
