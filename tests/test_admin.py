"""The Django admin shows every model: its list (with search and filters) and its
form open for an administrator."""

import pytest
from django.contrib import admin
from django.urls import reverse

from . import factories


@pytest.fixture
def populated(db, staff):
    application = factories.ApplicationFactory(submitted=True)
    application.status_changes.create(status="submitted", changed_by=staff)
    application.attachments.create(name="a.pdf", content_type="application/pdf", size=3,
                                   file="a.pdf")
    from incubator.notifications import services

    services.queue(
        key="test:1", recipient=staff, template="applications/emails/withdrawn",
        context={"application": application, "withdrawn_by": staff, "reason": ""},
    )
    return application


OUR_APPS = ("incubator", "notifications", "applications", "cohorts", "mentoring", "funding")


def our_models():
    return [m for m in admin.site._registry if m._meta.app_label in OUR_APPS]


def test_every_model_of_ours_is_registered():
    from django.apps import apps

    ours = {m for m in apps.get_models() if m._meta.app_label in OUR_APPS}
    ours = {m for m in ours if not m._meta.auto_created and not m.__name__.startswith("Historical")}
    assert ours <= set(admin.site._registry), ours - set(admin.site._registry)


@pytest.mark.parametrize("model", our_models(), ids=lambda m: m._meta.label)
def test_changelist_search_and_change_form_open(client, populated, model):
    client.force_login(factories.AdminFactory())
    model_admin = admin.site._registry[model]
    info = model._meta.app_label, model._meta.model_name
    changelist = reverse("admin:%s_%s_changelist" % info)
    assert client.get(changelist).status_code == 200
    if model_admin.search_fields:
        assert client.get(changelist, {"q": "a"}).status_code == 200
    assert model_admin.list_display != ("__str__",), "list columns are chosen"
    instance = model.objects.first()
    if instance is not None:
        assert client.get(reverse("admin:%s_%s_change" % info, args=[instance.pk])).status_code == 200
