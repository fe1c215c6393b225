import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Email

# The first part of an email's key names what caused it.
KINDS = [
    ("meeting", _("Joint meetings")),
    ("deadline", _("Deadlines")),
    ("application", _("Applications")),
    ("organisation", _("Organisations and people")),
    ("account", _("Account (sign-in links)")),
]


class OutboxFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Search"),
        method="filter_search",
        widget=forms.TextInput(attrs={"placeholder": _("Address, subject…")}),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Email.Status.choices, empty_label=_("All statuses")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=KINDS, method="filter_kind", empty_label=_("All kinds")
    )
    since = django_filters.DateFilter(
        label=_("Written from"),
        field_name="created_at",
        lookup_expr="date__gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    class Meta:
        model = Email
        fields = ["q", "status", "kind", "since"]

    def filter_search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(to__icontains=value) | Q(subject__icontains=value))

    def filter_kind(self, queryset, name, value):
        return queryset.filter(key__startswith=f"{value}:")
