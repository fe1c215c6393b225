"""The evaluation's models in the Django admin: lists, search, filters, change
pages and their history open with real data; edits with rules go through the
services."""

import pytest
from django.contrib import admin
from django.urls import reverse

from applications import models, services

from . import factories

REVIEW_MODELS = [
    models.ReviewSettings, models.FieldQuota, models.EligibilityRequirement,
    models.EligibilityCheck, models.Criterion, models.CommitteeMember,
    models.ReviewAssignment, models.Score, models.LetterTemplate, models.DecisionLetter,
    models.ReviewerLine,
]


@pytest.fixture
def evaluated(cycle, staff, priority_fields, review):
    criterion = factories.CriterionFactory(cycle=cycle)
    requirement = cycle.eligibility_requirements.create(text_lv="Latvijā")
    application = factories.ApplicationFactory(cycle=cycle, submitted=True)
    services.record_eligibility(application, by=staff, findings={requirement: (True, "")})
    review(factories.UserFactory(), application, {criterion: 4}, comment="Labi")
    services.update_review_settings(cycle, by=staff, quotas={priority_fields[0]: (1, 2)})
    services.save_letter_template(cycle, decision="admitted", by=staff, subject_lv="{cycle}",
                                  body_lv="Apsveicam", subject_en="", body_en="")
    services.decide(application, decision="admitted", by=staff, reason="Labi")
    services.send_decision_letters(cycle, [application], by=staff)
    return criterion


@pytest.mark.parametrize("model", REVIEW_MODELS, ids=lambda m: m.__name__)
def test_lists_search_change_pages_and_history_open(client, evaluated, model):
    client.force_login(factories.AdminFactory())
    info = model._meta.app_label, model._meta.model_name
    changelist = reverse("admin:%s_%s_changelist" % info)
    assert model in admin.site._registry
    assert client.get(changelist).status_code == 200
    assert client.get(changelist, {"q": "a"}).status_code == 200
    instance = model.objects.first()
    assert instance is not None
    assert client.get(reverse("admin:%s_%s_change" % info, args=[instance.pk])).status_code == 200
    if hasattr(model, "history"):
        history = reverse("admin:%s_%s_history" % info, args=[instance.pk])
        assert client.get(history).status_code == 200


def test_a_criterion_edited_in_the_admin_keeps_its_locked_scale(client, evaluated, cycle):
    client.force_login(factories.AdminFactory())
    url = reverse("admin:applications_criterion_change", args=[evaluated.pk])
    response = client.post(url, {
        "name_lv": "Atbilstība", "name_en": "Fit", "guidance_lv": "", "guidance_en": "",
        "weight": "4", "order": "1", "scale_min": "0", "scale_max": "99",
    })
    assert response.status_code == 302
    evaluated.refresh_from_db()
    assert (evaluated.name_lv, evaluated.weight, evaluated.scale_max) == ("Atbilstība", 4, 5)
    assert evaluated.history.latest().history_user.is_superuser
