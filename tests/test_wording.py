"""Latvian in sentences: dates in the case the sentence needs, file sizes with their
plural forms, the words the portal corrects in the libraries it uses, the names of
the admin's models, and the outbox's internal key kept out of the way."""

import datetime
import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation

from applications import services
from incubator import wording
from incubator.notifications import services as notifications
from incubator.notifications.models import Email

from . import factories

AUGUST_31 = datetime.date(2027, 8, 31)
JUNE_30 = datetime.date(2028, 6, 30)


def render(source, **context):
    return Template("{% load portal %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        (wording.GENITIVE, "2027. gada 31. augusta"),
        (wording.DATIVE, "2027. gada 31. augustam"),
        (wording.LOCATIVE, "2027. gada 31. augustā"),
    ],
)
def test_a_latvian_date_in_each_case(case, expected):
    with translation.override("lv"):
        assert wording.date_in_case(AUGUST_31, case) == expected


def test_every_month_in_the_genitive_and_dative():
    with translation.override("lv"):
        genitive = [
            wording.date_in_case(datetime.date(2028, m, 1), "genitive") for m in range(1, 13)
        ]
        dative = [wording.date_in_case(datetime.date(2028, m, 2), "dative") for m in range(1, 13)]
    assert genitive[0] == "2028. gada 1. janvāra" and genitive[3] == "2028. gada 1. aprīļa"
    assert dative[5] == "2028. gada 2. jūnijam" and dative[11] == "2028. gada 2. decembrim"
    assert len(set(genitive)) == len(set(dative)) == 12


def test_the_filters_read_no_from_until_in_both_languages():
    sentence = "no {{ a|date_genitive }} līdz {{ b|date_dative }}"
    with translation.override("lv"):
        assert render(sentence, a=AUGUST_31, b=JUNE_30) == (
            "no 2027. gada 31. augusta līdz 2028. gada 30. jūnijam"
        )
        assert render("{{ a|date_locative }}", a=AUGUST_31) == "2027. gada 31. augustā"
    with translation.override("en"):
        # English needs no case: the language's own date format.
        assert render("{{ a|date_genitive }}", a=AUGUST_31) == "Aug. 31, 2027"
    # A moment is dated in Riga: 22:30 UTC on 31 August is already 1 September there.
    late = datetime.datetime(2027, 8, 31, 22, 30, tzinfo=datetime.UTC)
    with translation.override("lv"):
        assert render("{{ a|date_genitive }}", a=late) == "2027. gada 1. septembra"
    assert render("{{ a|date_genitive }}", a=None) == ""


@pytest.mark.parametrize(
    ("size", "latvian", "english"),
    [
        (1, "1 baits", "1 byte"),
        (2, "2 baiti", "2 bytes"),
        (21, "21 baits", "21 bytes"),
        (593, "593 baiti", "593 bytes"),
        (0, "0 baitu", "0 bytes"),
        (1024, "1,0 kB", "1.0 kB"),
        (2458, "2,4 kB", "2.4 kB"),
        (512 * 1024, "512 kB", "512 kB"),
        (3 * 1024 * 1024 + 100_000, "3,1 MB", "3.1 MB"),
        (10 * 1024 * 1024, "10 MB", "10 MB"),
    ],
)
def test_file_sizes_with_their_plural_forms(size, latvian, english):
    with translation.override("lv"):
        assert render("{{ n|file_size }}", n=size) == latvian
    with translation.override("en"):
        assert render("{{ n|file_size }}", n=size) == english


def test_the_attachment_list_writes_the_size_in_latvian(client, application, applicant):
    from django.core.files.uploadedfile import SimpleUploadedFile

    for name, size in [("a.pdf", 593), ("b.pdf", 2458), ("c.pdf", 21)]:
        body = b"%PDF-1.4 " + b"x" * (size - 9)
        services.add_attachment(application, SimpleUploadedFile(name, body), by=applicant)
    client.force_login(applicant)
    page = client.get(reverse("applications:edit", args=[application.pk])).content.decode()
    assert "(593 baiti)" in page and "(2,4 kB)" in page and "(21 baits)" in page


def test_the_admission_letter_says_from_and_until_in_the_right_case(
    cycle, review, application, staff
):
    cycle.incubation_starts_on, cycle.incubation_ends_on = AUGUST_31, JUNE_30
    cycle.save()
    criterion = factories.CriterionFactory(cycle=cycle, weight=1, scale_max=5)
    application.status = "submitted"
    application.save()
    review(factories.UserFactory(), application, {criterion: 4})
    services.decide(application, decision="admitted", by=staff)
    (letter,) = services.prepare_letters(cycle, [application])
    _subject, latvian = letter.text("lv")
    _subject, english = letter.text("en")
    assert "no 2027. gada 31. augusta līdz 2028. gada 30. jūnijam" in latvian
    assert "augusts" not in latvian and "jūnijs" not in latvian
    assert "from Aug. 31, 2027 to June 30, 2028" in english


def test_the_letter_template_form_explains_each_placeholder_in_latvian(client, cycle, staff):
    client.force_login(staff)
    page = client.get(reverse("applications:review_letter_templates", args=[cycle.pk]))
    page = page.content.decode()
    assert "{organisation}" in page and "organizācijas nosaukums" in page
    assert "ģenitīvā" in page and "datīvā" in page
    assert "Vārdi figūriekavās" in page  # on the form itself, next to the text


def test_the_sign_up_page_says_spiediet(client, db):
    page = client.get(reverse("account_signup")).content.decode()
    assert "spiediet" in page and "spiedied" not in page


def test_the_admin_speaks_latvian_and_names_each_model_once(admin_client):
    page = admin_client.get(reverse("admin:index")).content.decode()
    assert "Authenticators" not in page and "Autentifikatori" in page
    names = [
        factories_model._meta.verbose_name_plural
        for factories_model in _admin_models()
        if factories_model._meta.app_label == "applications"
    ]
    with translation.override("lv"):
        latvian = [str(name) for name in names]
    assert len(latvian) == len(set(latvian)), latvian
    assert "kritēriju vērtējumi" in latvian and "vērtējumi" in latvian


def _admin_models():
    from django.contrib import admin

    return list(admin.site._registry)


def test_the_outbox_email_page_explains_its_internal_key(client, staff, db):
    notifications.queue_rendered(
        key="application:17:decision:51:letter:user:24",
        to="anna@biedriba.lv",
        subject="Lēmums",
        text="Labdien!",
    )
    email = Email.objects.get()
    client.force_login(staff)
    page = client.get(reverse("notifications:email_detail", args=[email.pk])).content.decode()
    assert "Pieteikumi un lēmumi" in page  # the kind, in words
    details = page[page.index("<details") : page.index("</details>")]
    assert "application:17:decision:51:letter:user:24" in details  # only in the details
    assert page.count("application:17:decision:51:letter:user:24") == 1
    assert "nekad netiek" in details  # and said what it is for


def test_a_meeting_outside_the_cycle_says_from_and_until_in_the_right_case(client, staff, db):
    cycle = factories.CycleFactory(
        incubation_starts_on=datetime.date(2027, 4, 1), incubation_ends_on=JUNE_30
    )
    client.force_login(staff)
    response = client.post(
        reverse("cohorts:meeting_create", args=[cycle.pk]),
        {"title": "Noslēgums", "starts_at": "2028-07-15T16:00", "ends_at": "2028-07-15T18:00"},
    )
    page = response.content.decode()
    assert re.search(r"no \d{4}\. gada \d+\. \w+a līdz 2028\. gada 30\. jūnijam", page), page


@pytest.mark.parametrize("language", ["lv", "en"])
def test_decimals_write_a_figure_as_floatformat_does(language):
    figures = [0, 1, 2.675, 2.345, 1 / 3, 2 / 3, 72.0, 68.125, 99.995, -0.001, 1e-7, 4.5, 1234.5]
    figures += [Decimal("2.675"), Decimal("3"), 10]
    with translation.override(language):
        for places in (1, 2):
            write = wording.decimals(places)
            template = f"{{{{ value|floatformat:{places} }}}}"
            assert [write(v) for v in figures] == [render(template, value=v) for v in figures]
        assert wording.decimals(2)(None) == "—" and wording.decimals(1, empty="")(None) == ""
    with translation.override("lv"):
        assert wording.decimals(2)(2.675) == "2,68"
