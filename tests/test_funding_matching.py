"""Each participating organisation's ranked matches with their reasons, its
"not for us", and recommendations from staff."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from funding import selectors, services
from funding.models import Dismissal, FundingNeed, Municipality, Recommendation, Region
from incubator.notifications.models import Email
from tests import factories

from .funding_support import at, participant, source


@pytest.fixture
def liepaja(funding_reference):
    """An environment association in Liepāja taking part in a cycle, seeking EUR 2,000."""
    user, organisation, place = participant("liene@zala-liepaja.lv")
    FundingNeed.objects.create(organisation=organisation, amount_sought=Decimal("2000"))
    return user, organisation, place


@pytest.fixture
def sources(funding_reference):
    kurzeme = Region.objects.get(code="kurzeme")
    city = source(
        name_lv="Liepājas NVO konkurss",
        fields=["environment", "culture"],
        legal_forms=["association", "foundation"],
        scope="municipal",
        amount_min=Decimal("300"),
        amount_max=Decimal("2500"),
    )
    city.municipalities.set(Municipality.objects.filter(name="Liepāja"))
    factories.FundingCallFactory(source=city, deadline=at(12), opens_at=at(-5))
    region = source(name_lv="Kurzemes vides programma", fields=["environment"], scope="regional")
    region.regions.set([kurzeme])
    national = source(
        name_lv="Valsts vides fonds",
        fields=["environment"],
        legal_forms=["any_legal_person"],
        amount_max=Decimal("1000"),
    )
    factories.FundingCallFactory(source=national, deadline=at(90), opens_at=at(-5))
    civic = source(name_lv="Pilsoniskās sabiedrības fonds", fields=[], cross_cutting=True)
    eu = source(
        name_lv="ES partnerības", fields=["environment"], scope="eu", amount_min=Decimal("30000")
    )
    # Never among the matches:
    latgale = source(name_lv="Latgales vides programma", fields=["environment"], scope="regional")
    latgale.regions.set(Region.objects.filter(code="latgale"))
    riga = source(name_lv="Rīgas apkaimju konkurss", fields=["environment"], scope="municipal")
    riga.municipalities.set(Municipality.objects.filter(name="Rīga"))
    source(name_lv="Kultūras fonds", fields=["culture"])
    source(name_lv="Fondiem vien", fields=["environment"], legal_forms=["foundation"])
    historic = source(
        name_lv="Aktīvo iedzīvotāju fonds", fields=["environment"], verification="historic"
    )
    factories.FundingCallFactory(source=historic, deadline=at(3))
    return locals()


def _profile(place):
    from cohorts.models import CohortMembership

    place = CohortMembership.objects.select_related(
        "organisation__funding_need", "cohort__priority_field"
    ).get(pk=place.pk)
    (profile,) = selectors.profiles([place])
    return profile


def test_a_ranked_list_with_its_reasons(liepaja, sources):
    _user, organisation, place = liepaja
    matches = selectors.matches(_profile(place))
    assert [m.source.name_lv for m in matches] == [
        "Liepājas NVO konkurss",
        "Kurzemes vides programma",
        "Valsts vides fonds",
        "ES partnerības",
        "Pilsoniskās sabiedrības fonds",
    ]
    reasons = {m.source.name_lv: [(r.text, r.positive) for r in m.reasons] for m in matches}
    assert reasons["Liepājas NVO konkurss"] == [
        ("Atbalsta jūsu jomu: Vide, pilsētvide un kopienu attīstība", True),
        ("Organizācijām: Liepāja", True),
        ("Piemērots jūsu juridiskajai formai: Biedrība", True),
        ("Jums vajadzīgie 2\u00a0000 EUR iekļaujas tā robežās", True),
        ("Termiņš pēc 12 dienām", True),
    ]
    assert ("Organizācijām: Kurzeme", True) in reasons["Kurzemes vides programma"]
    assert ("Jums vajag vairāk par tā maksimumu 1\u00a0000 EUR", False) in reasons[
        "Valsts vides fonds"
    ]
    assert ("Jums vajag mazāk par tā minimumu 30\u00a0000 EUR", False) in reasons["ES partnerības"]
    assert reasons["Pilsoniskās sabiedrības fonds"][0] == (
        "Pilsoniskajai sabiedrībai kopumā",
        True,
    )


def test_the_organisations_municipality_as_people_write_it(liepaja, sources):
    _user, organisation, place = liepaja
    organisation.municipality = "Liepājas valstspilsēta"
    organisation.save()
    assert "Liepājas NVO konkurss" in [m.source.name_lv for m in selectors.matches(_profile(place))]
    organisation.municipality = "Dienvidkurzemes nov."
    organisation.save()
    names = [m.source.name_lv for m in selectors.matches(_profile(place))]
    assert "Liepājas NVO konkurss" not in names and "Kurzemes vides programma" in names
    organisation.municipality = "Nekurienes ciems"
    organisation.save()
    names = [m.source.name_lv for m in selectors.matches(_profile(place))]
    assert "Kurzemes vides programma" not in names and "Valsts vides fonds" in names


def test_without_an_amount_sought_the_range_is_not_held_against_a_source(liepaja, sources):
    _user, organisation, place = liepaja
    FundingNeed.objects.filter(organisation=organisation).update(amount_sought=None)
    matches = {m.source.name_lv: m for m in selectors.matches(_profile(place))}
    assert all(r.positive for r in matches["ES partnerības"].reasons)


def test_dismissing_a_match_hides_it_and_staff_read_why(client, staff, liepaja, sources):
    user, organisation, place = liepaja
    client.force_login(user)
    national = sources["national"]
    url = reverse("funding:dismiss", args=[organisation.pk, national.pk])
    # "Other" needs a few words; the form keeps what was chosen.
    response = client.post(url, {f"d{national.pk}-reason": "other", f"d{national.pk}-comment": ""})
    assert response.status_code == 400
    (item,) = response.context["organisations"]
    form = next(m.dismiss_form for m in item["matches"] if m.source == national)
    assert form.errors["comment"] == ["Dažos vārdos pastāstiet, kāpēc šis avots jums neder."]
    assert form["reason"].value() == "other"
    assert not Dismissal.objects.exists()

    response = client.post(
        url, {f"d{national.pk}-reason": "amount", f"d{national.pk}-comment": "Par maz naudas."}
    )
    assert response.status_code == 302
    page = client.get(reverse("funding:mine"))
    (item,) = page.context["organisations"]
    assert national not in [m.source for m in item["matches"]]
    assert [d.source for d in item["dismissals"]] == [national]

    client.force_login(staff)
    response = client.get(reverse("funding:dismissals"))
    (row,) = response.context["dismissals"]
    assert (row.organisation, row.reason, row.comment) == (
        organisation,
        "amount",
        "Par maz naudas.",
    )
    assert ("Summa mums neder", 1) in response.context["by_reason"]
    staff_page = client.get(reverse("funding:organisation", args=[organisation.pk]))
    assert [d.source for d in staff_page.context["dismissals"]] == [national]

    # Shown again on request.
    client.force_login(user)
    client.post(reverse("funding:restore", args=[organisation.pk, national.pk]))
    assert national in [m.source for m in selectors.matches(_profile(place))]


def test_another_organisations_page_actions_are_404(client, liepaja, sources):
    _user, organisation, _place = liepaja
    other, _org, _place2 = participant("cits@biedriba.lv", field="culture")
    client.force_login(other)
    url = reverse("funding:dismiss", args=[organisation.pk, sources["national"].pk])
    assert client.post(url, {"d1-reason": "field"}).status_code == 404
    assert client.post(reverse("funding:need", args=[organisation.pk]), {}).status_code == 404


def test_the_amount_sought_is_saved_or_refused_with_the_input_kept(client, liepaja, sources):
    user, organisation, _place = liepaja
    client.force_login(user)
    response = client.post(reverse("funding:need", args=[organisation.pk]), {"amount_sought": "-5"})
    assert response.status_code == 400
    (item,) = response.context["organisations"]
    assert item["need_form"]["amount_sought"].value() == "-5"
    assert item["need_form"].errors["amount_sought"] == [
        "Vajadzīgajai summai jābūt lielākai par nulli."
    ]
    response = client.post(
        reverse("funding:need", args=[organisation.pk]), {"amount_sought": "4500"}
    )
    assert response.status_code == 302
    assert FundingNeed.objects.get(organisation=organisation).amount_sought == Decimal("4500")


def test_staff_recommend_a_call_and_the_organisations_people_are_emailed(
    client, staff, liepaja, sources
):
    user, organisation, place = liepaja
    colleague = factories.UserFactory(email="kolegis@zala-liepaja.lv", language="en")
    organisation.memberships.create(user=colleague)
    city = sources["city"]
    call = city.calls.get()
    client.force_login(staff)
    url = reverse("funding:recommend", args=[organisation.pk])
    # The call of another source, and no note: refused, nothing sent.
    other_call = sources["national"].calls.get()
    response = client.post(url, {"source": city.pk, "call": other_call.pk, "note": ""})
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors["call"] == ["Izvēlieties ieteiktā avota konkursu."]
    assert "note" in form.errors
    assert not Recommendation.objects.exists() and not Email.objects.exists()

    response = client.post(
        url, {"source": city.pk, "call": call.pk, "note": "Der jūsu talkām.\nSāciet ar budžetu."}
    )
    assert response.status_code == 302
    recommendation = Recommendation.objects.get()
    assert (recommendation.place, recommendation.author, recommendation.call) == (
        place,
        staff,
        call,
    )
    emails = {email.to: email for email in Email.objects.all()}
    assert set(emails) == {user.email, colleague.email}
    assert emails[user.email].subject == "Jums ieteikts finansējums: Liepājas NVO konkurss"
    assert "Der jūsu talkām." in emails[user.email].text_body
    assert emails[colleague.email].subject.startswith("Funding recommended to you")

    client.force_login(user)
    (item,) = client.get(reverse("funding:mine")).context["organisations"]
    assert item["recommendations"] == [recommendation]


def test_only_those_who_may_recommend_can(liepaja, sources):
    user, _organisation, place = liepaja
    with pytest.raises(ValidationError):
        services.recommend(place, source=sources["city"], note="x", by=user)
    with pytest.raises(ValidationError) as raised:
        services.recommend(place, source=sources["historic"], note="x", by=factories.StaffFactory())
    assert "source" in raised.value.message_dict


def test_a_person_without_a_participating_organisation_is_pointed_to_the_catalogue(client, db):
    client.force_login(factories.UserFactory(email="viens@example.lv"))
    response = client.get(reverse("funding:mine"))
    assert response.status_code == 200 and response.context["organisations"] == []
    assert "Apskatīt finansējuma avotus" in response.content.decode()


def test_matching_a_thousand_sources_takes_as_many_queries_as_ten(
    liepaja, funding_reference, count_queries
):
    _user, _organisation, place = liepaja
    profile = _profile(place)

    def grow(count):
        from funding.models import FundingSource

        rows = FundingSource.objects.bulk_create(
            FundingSource(name_lv=f"Avots {count}-{i}", funder="F", scope="national")
            for i in range(count)
        )
        through = FundingSource.priority_fields.through
        through.objects.bulk_create(
            through(fundingsource_id=row.pk, priorityfield_id=funding_reference["environment"].pk)
            for row in rows
        )

    grow(10)
    small = count_queries(lambda: selectors.matches(profile, limit=None))
    assert len(selectors.matches(profile, limit=None)) == 10
    grow(990)
    large = count_queries(lambda: selectors.matches(profile, limit=None))
    assert len(selectors.matches(profile, limit=None)) == 1000
    assert small == large == 1


def test_the_deadline_soon_is_counted_on_the_riga_calendar(liepaja, sources):
    _user, _organisation, place = liepaja
    call = sources["city"].calls.get()
    call.deadline = at(1, 0, 30)  # tomorrow just after midnight
    call.save()
    (first, *_rest) = selectors.matches(_profile(place), now=at(0, 23, 0))
    assert "Termiņš pēc 1 dienas" in [reason.text for reason in first.reasons]
