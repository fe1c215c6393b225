"""Relation fields for the admin that a tampered value cannot break.

After a form error Django's autocomplete widgets look the submitted values up to
show them again, and a many-to-many field looks its values up to check them; a
value that cannot be an id ("abc", or a number beyond 64 bits, which SQLite cannot
even compare) then fails in the database instead of as the field's own error.
These leave such values out of the look-up, so the form shows its error as usual.
"""

from django.contrib.admin import widgets

from .forms import ChosenRowsField, possible_id


class _LooksUpOnlyPossibleIds:
    def optgroups(self, name, value, attr=None):
        target = self.field.target_field
        return super().optgroups(name, [v for v in value if possible_id(target, v)], attr)


class AutocompleteSelect(_LooksUpOnlyPossibleIds, widgets.AutocompleteSelect):
    pass


class AutocompleteSelectMultiple(_LooksUpOnlyPossibleIds, widgets.AutocompleteSelectMultiple):
    pass


class RelationFieldsMixin:
    """For every ModelAdmin or inline with relations to choose."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "widget" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["widget"] = AutocompleteSelectMultiple(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        kwargs.setdefault("form_class", ChosenRowsField)
        return super().formfield_for_manytomany(db_field, request, **kwargs)
