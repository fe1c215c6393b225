"""The demo programme `make run` loads: the Liepāja-like pilot the README promises,
built twice without a change; and, on top of it, a sweep through every page each
demo role can reach and every form on them with bad input, which must never end
in a server error."""

import datetime
import re
from html.parser import HTMLParser
from io import StringIO
from urllib.parse import parse_qsl, urlencode, urljoin, urlparse

import pytest
from django.apps import apps
from django.contrib import admin
from django.core.management import call_command
from django.db.models import Count
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from incubator.demo import DEMO_TOTP_KEY, PASSWORD, PEOPLE

from .helpers import kept_for_the_module, make_reference_data

OUR_APPS = (
    "incubator",
    "notifications",
    "applications",
    "cohorts",
    "mentoring",
    "funding",
    "analysis",
)


def _row_counts():
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models()
        if model._meta.app_label in OUR_APPS
    }


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, loaded once for the module (each test changes it only in its own
    savepoint); what ``load_demo`` printed."""
    with kept_for_the_module(django_db_blocker):
        make_reference_data()
        out = StringIO()
        call_command("load_demo", stdout=out)
        yield out.getvalue()


def test_demo_staff_sign_in_with_the_code_make_demo_code_prints(db, demo, client):
    """Staff sign in with a second factor (incubator/mfa.py); the demo's share a
    published key, whose current code ``manage.py demo_code`` prints."""
    assert DEMO_TOTP_KEY in demo
    for email in ["staff@demo.lv", "admin@demo.lv"]:
        response = client.post(reverse("account_login"), {"login": email, "password": PASSWORD})
        assert response.url == reverse("mfa_authenticate")
        code = StringIO()
        call_command("demo_code", stdout=code)
        response = client.post(reverse("mfa_authenticate"), {"code": code.getvalue().strip()})
        assert response.status_code == 302
        assert client.get(reverse("applications:staff_list")).status_code == 200
        client.logout()


def test_the_summary_of_the_demo_agrees_with_itself(demo):
    """The pilot's admitted organisations are the ones in its cohorts, said once."""
    admitted = re.search(r"(\d+) admitted, letters sent", demo)
    in_cohorts = re.search(r"(\d+) cohorts with (\d+) organisations", demo)
    assert admitted and in_cohorts, demo
    assert admitted.group(1) == in_cohorts.group(2) == "11"
    assert "admitted now" not in demo and "(0 " not in demo


def test_the_demo_is_the_pilot_and_loading_it_again_changes_nothing(db, demo):
    from applications.models import Application, ReviewAssignment
    from cohorts.models import Attendance, Cohort, CohortMembership, JointMeeting
    from incubator.models import Cycle

    for email, *_rest in PEOPLE:
        assert email in demo
        assert Client().login(email=email, password=PASSWORD), email

    pilot = Cycle.objects.get(name__contains="pilot")
    assert (pilot.incubation_ends_on.month, pilot.incubation_ends_on.day) == (6, 30)
    statuses = dict(pilot.applications.values_list("status").annotate(n=Count("id")).order_by())
    assert sum(statuses.values()) == 17
    assert statuses[Application.Status.ADMITTED] == 11
    assert pilot.applications.values("priority_field").distinct().count() == 5
    # Three reviewers, and every application scored by all of them.
    assert pilot.committee.count() == 3
    assert (
        ReviewAssignment.objects.filter(application__cycle=pilot)
        .exclude(status=ReviewAssignment.Status.SUBMITTED)
        .count()
        == 0
    )
    assert ReviewAssignment.objects.filter(application__cycle=pilot).count() == 17 * 3
    # Five cohorts with the eleven admitted; three meetings, the one held has attendance.
    assert Cohort.objects.filter(cycle=pilot).count() == 5
    assert CohortMembership.objects.filter(cohort__cycle=pilot, status="active").count() == 11
    meetings = list(JointMeeting.objects.filter(cycle=pilot).order_by("starts_at"))
    assert len(meetings) == 3
    now = timezone.now()
    assert meetings[0].ends_at < now < meetings[1].starts_at
    assert Attendance.objects.filter(meeting=meetings[0]).count() == 11
    assert pilot.deadlines.filter(due_at__date__lte=pilot.incubation_ends_on).exists()

    # The next cycle's call is open: organisations the pilot turned down try again.
    open_call = Cycle.objects.get(name__contains="nākamais")
    assert open_call.call_opens_at < now < open_call.call_closes_at
    open_statuses = open_call.applications.values_list("status").annotate(n=Count("id"))
    assert dict(open_statuses.order_by()) == {
        Application.Status.SUBMITTED: 2,
        Application.Status.DRAFT: 1,
    }
    assert set(open_call.applications.values_list("organisation", flat=True)) == set(
        pilot.applications.filter(status=Application.Status.REJECTED).values_list(
            "organisation", flat=True
        )
    )

    before = _row_counts()
    call_command("load_demo", stdout=StringIO())
    assert _row_counts() == before


def test_the_demo_has_bids_in_every_status_and_figures_on_the_board(db, demo, client):
    from funding.bids import selectors
    from funding.models import Bid
    from incubator.models import Cycle

    pilot = Cycle.objects.get(name__contains="pilot")
    bids = Bid.objects.filter(place__cycle=pilot)
    assert set(bids.values_list("status", flat=True)) == set(Bid.Status.values)
    # The demo applicant's organisation's bid waits for its mentor's review.
    waiting = bids.get(
        place__organisation__memberships__user__email="applicant@demo.lv", status="review"
    )
    request = waiting.review_requests.get()
    assert request.reviewer.mentor_profile is not None
    totals, per_cohort = selectors.figures(selectors.board_bids(pilot))
    assert totals["awarded"] >= 2 and totals["awarded_eur"] > 0 and totals["expected_eur"] > 0
    assert len(per_cohort) >= 3
    assert client.login(email="staff@demo.lv", password=PASSWORD)
    assert client.get(reverse("funding:bid_board")).status_code == 200


def test_the_demo_catalogue_has_its_sources_calls_around_today_and_recommendations(db, demo):
    from funding.models import FundingCall, FundingSource, Recommendation

    assert FundingSource.objects.count() == 25
    now = timezone.now()
    ahead = FundingCall.objects.ahead(now).of_opportunities()
    # Deadlines placed relative to today: some open now, one closing within a month.
    assert ahead.open_at(now).count() >= 3
    assert ahead.filter(deadline__lte=now + datetime.timedelta(days=30)).exists()
    assert FundingCall.objects.filter(deadline__lt=now).exists()
    recommended = Recommendation.objects.values_list("place__organisation__name", flat=True)
    assert len(set(recommended)) >= 3
    assert "Biedrība “Zaļā Liepāja”" in set(recommended)


def test_the_demo_pilot_has_its_analysis(db, demo):
    from analysis.models import AgreedScore, Assessment, Feedback, Recommendation
    from incubator.models import Cycle

    pilot = Cycle.objects.get(name__contains="pilot")
    baselines = Assessment.objects.filter(cycle=pilot, kind="baseline")
    assert baselines.count() == 11
    assert all(b.agreed_at is not None for b in baselines)
    assert baselines.filter(responses__submitted_at__isnull=False).distinct().count() == 11
    ends = Assessment.objects.filter(cycle=pilot, kind="end", agreed_at__isnull=False)
    assert 6 <= ends.count() < 11
    assert AgreedScore.objects.filter(assessment__cycle=pilot).exclude(comment="").exists()
    statuses = set(Recommendation.objects.filter(cycle=pilot).values_list("status", flat=True))
    assert {"new", "accepted", "in_progress", "done", "not_relevant"} <= statuses
    # The demo applicant's organisation has its complete record.
    own = Assessment.objects.filter(
        cycle=pilot, organisation__memberships__user__email="applicant@demo.lv"
    )
    assert {a.kind for a in own if a.agreed_at} == {"baseline", "end"}
    assert Feedback.objects.filter(cycle=pilot).count() == 9
    # Its recommendations lead somewhere: action items, funding and experts; so its
    # report prints a complete record.
    mine = Recommendation.objects.filter(
        cycle=pilot, organisation__memberships__user__email="applicant@demo.lv"
    )
    assert mine.filter(action_items__isnull=False).exists()
    assert mine.filter(funding_sources__isnull=False).exists()
    assert mine.filter(expertise__isnull=False).exists()


def test_the_demo_pilot_has_believable_programme_results(db, demo, client):
    from analysis import public
    from analysis.figures import Figures
    from applications.models import Application
    from incubator.models import Cycle

    pilot = Cycle.objects.get(name__contains="pilot")
    consenting = Application.objects.filter(cycle=pilot, cohort_membership__isnull=False)
    assert 6 <= consenting.filter(listing_consent=True).count() < consenting.count()
    tables = Figures(pilot).tables()
    assert tables["funnel"].total[3] == 11
    assert tables["attendance_meetings"].rows and tables["hours_mentors"].rows
    assert tables["bids"].total[3] >= 1 and tables["satisfaction"].extra["count"] == 9
    figures = public.figures(pilot)
    assert figures["satisfaction"] and figures["hours"]
    assert len(figures["listed"]) == consenting.filter(listing_consent=True).count()
    page = client.get(f"/results/{pilot.pk}/").content.decode()
    assert all(p.organisation.name in page for p in figures["listed"])


class _Forms(HTMLParser):
    """The POST forms of a page: their action and their fields (hidden ones with
    the value the page gave them); and the choices of its filter (GET) forms, as
    the query strings they lead to."""

    def __init__(self):
        super().__init__()
        self.forms, self.filters, self._current, self._select = [], [], None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            post = (attrs.get("method") or "").lower() == "post"
            self._current = {"action": attrs.get("action") or "", "fields": {}, "post": post}
            if post:
                self.forms.append(self._current)
        elif self._current is not None and tag in ("input", "select", "textarea"):
            name = attrs.get("name")
            if name and attrs.get("type") not in ("file", "submit"):
                self._current["fields"].setdefault(name, attrs)
            self._select = name if tag == "select" else None
        elif tag == "option" and self._current and not self._current["post"] and self._select:
            query = urlencode({self._select: attrs.get("value", "")})
            self.filters.append(f"{self._current['action']}?{query}")

    def handle_endtag(self, tag):
        if tag == "form":
            self._current = None
        elif tag == "select":
            self._select = None


BAD_VALUES = ["", "abc", "9" * 20, "-1", "x" * 3000, "2026-13-45"]
# Pages and forms a sweep must not follow: leaving, removing, and the account
# pages whose rate limits would only slow the sweep down.
NOT_FOLLOWED = re.compile(
    r"logout|/admin/|/static/|/accounts/|calendar|\.ics|/delete/|/remove|mailto:|javascript:"
)
LINK = re.compile(r'(?:href|hx-get)="([^"#]+)"')


def _shape(url):
    """Pages that differ only by ids, language or the values of their query are
    one page to the sweep."""
    parts = urlparse(url)
    path = re.sub(r"\d+", "N", re.sub(r"^/en/", "/", parts.path))
    return path, tuple(sorted({name for name, _value in parse_qsl(parts.query)}))


def _sweep(client, start="/"):
    seen_shapes, pages, todo = set(), [], [start]
    while todo:
        url = todo.pop()
        if _shape(url) in seen_shapes or NOT_FOLLOWED.search(url):
            continue
        seen_shapes.add(_shape(url))
        response = client.get(url)
        assert response.status_code < 500, url
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages.append((url, html))
        filters = _Forms()
        filters.feed(html)
        for link in LINK.findall(html) + filters.filters:
            target = urlparse(urljoin(url, link.replace("&amp;", "&")))
            if target.netloc in ("", "testserver"):
                todo.append(target.path + (f"?{target.query}" if target.query else ""))
    return pages


def _post_bad_values(client, pages):
    posted = set()
    for url, html in pages:
        parser = _Forms()
        parser.feed(html)
        for form in parser.forms:
            action = urljoin(url, form["action"].replace("&amp;", "&") or url)
            shape = (_shape(action), tuple(sorted(form["fields"])))
            if shape in posted or NOT_FOLLOWED.search(urlparse(action).path):
                continue
            posted.add(shape)
            for value in BAD_VALUES:
                data = {
                    name: attrs.get("value", "") if attrs.get("type") == "hidden" else value
                    for name, attrs in form["fields"].items()
                    if name != "csrfmiddlewaretoken"
                }
                response = client.post(action, data)
                assert response.status_code < 500, (action, value[:20])
    return posted


@pytest.mark.parametrize(
    "email, least_pages, least_forms",
    [
        ("staff@demo.lv", 30, 25),
        ("applicant@demo.lv", 8, 3),
        ("reviewer1@demo.lv", 4, 2),
        ("mentor1@demo.lv", 4, 2),
        (None, 1, 1),
    ],
)
def test_no_page_or_form_of_the_demo_gives_a_server_error(
    db, demo, email, least_pages, least_forms
):
    client = Client(HTTP_ACCEPT_LANGUAGE="lv")
    if email:
        assert client.login(email=email, password=PASSWORD)
    pages = _sweep(client)
    assert len(pages) >= least_pages
    assert len(_post_bad_values(client, pages)) >= least_forms


def test_no_admin_form_gives_a_server_error_on_bad_input(db, demo):
    client = Client(HTTP_ACCEPT_LANGUAGE="lv")
    client.login(email="admin@demo.lv", password=PASSWORD)
    for model in admin.site._registry:
        info = model._meta.app_label, model._meta.model_name
        urls = [reverse("admin:{}_{}_add".format(*info))]
        row = model._default_manager.order_by("pk").first()
        if row is not None:
            urls.append(reverse("admin:{}_{}_change".format(*info), args=[row.pk]))
        for url in urls:
            page = client.get(url)
            assert page.status_code in (200, 403), url
            if page.status_code != 200:
                continue
            parser = _Forms()
            parser.feed(page.content.decode())
            # The page's own form: the admin's logout form has no fields.
            fields = max((form["fields"] for form in parser.forms), key=len, default={})
            for value in BAD_VALUES:
                data = {
                    name: attrs.get("value", "") if attrs.get("type") == "hidden" else value
                    for name, attrs in fields.items()
                    if name != "csrfmiddlewaretoken"
                }
                response = client.post(url, data)
                assert response.status_code < 500, (url, value[:20])
