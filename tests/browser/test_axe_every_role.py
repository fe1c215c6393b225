"""axe over the demo programme: every demo role signs in, and every page it reaches
from its menu and from the pages its menu opens is checked in headless
Chromium, under the portal's own Content-Security-Policy; any serious or critical
violation fails, named with the role and page, and so does any breach of the policy
the browser reports.

The pages are found with Django's test client (links and filter choices, as the
demo sweep in tests/test_demo.py finds them), one page per shape (pages that
differ only by ids or query values are one), and then opened in the browser. Also
on a 390 px wide screen: the menu button beside the site's name, and the ranking's
table of places shown whole."""

import re
from io import StringIO
from urllib.parse import urljoin, urlparse

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from incubator.demo import PEOPLE
from incubator.models import Cycle, User
from tests.helpers import make_reference_data
from tests.test_demo import NOT_FOLLOWED, _shape

from .test_accessibility import serious_violations

LINK = re.compile(r'href="([^"#]+)"')
# Downloads and pages that are not the portal's own HTML.
NOT_CHECKED = re.compile(r"\.(csv|xlsx|ics|pdf)$|/download|/export|/xlsx|/csv|/feed|/set-language")
# One person of each demo role, those with the fewest pages first.
ROLES = sorted(
    {role: email for email, _first, _last, role in reversed(PEOPLE)}.items(),
    key=lambda item: ["reviewer", "applicant", "mentor", "expert", "staff", "admin"].index(item[0]),
)


def _links(url, html):
    for link in LINK.findall(html):
        target = urlparse(urljoin(url, link.replace("&amp;", "&")))
        if target.netloc in ("", "testserver"):
            yield target.path + (f"?{target.query}" if target.query else "")


def pages_reached(user, depth=2):
    """The first address of each page ``user`` reaches within ``depth`` clicks of
    where they land (the menu, and what the menu's pages link to), redirects
    followed; pages that differ only by ids or their query are one."""
    client = Client()
    client.force_login(user)
    found, seen, asked, level = [], set(), set(), ["/"]
    for _step in range(depth + 1):
        following = []
        for url in level:
            if NOT_FOLLOWED.search(url) or NOT_CHECKED.search(url) or _shape(url)[0] in asked:
                continue
            asked.add(_shape(url)[0])
            response = client.get(url, follow=True)
            url = response.request["PATH_INFO"]
            shape = _shape(url)[0]
            if shape in seen or NOT_FOLLOWED.search(url):
                continue
            seen.add(shape)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            found.append(url)
            following += _links(url, response.content.decode())
        level = following
    return found


@pytest.fixture
def demo(transactional_db):
    make_reference_data()
    call_command("load_demo", stdout=StringIO())


def test_every_page_of_every_demo_role_passes_axe(page, force_login, demo):
    """Every role's pages, each as that role sees it (its menu and its rights make
    the same address differ): axe on each, and the policy's reports. (The demo is
    loaded once for this and the phone-sized check: loading it takes a while.)"""
    problems, reached = [], {}
    # The portal's own Content-Security-Policy is on: the browser reports no violation.
    violations = []
    page.on(
        "console",
        lambda message: (
            violations.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    for role, email in ROLES:
        user = User.objects.get(email=email)
        reached[role] = pages_reached(user)
        page.context.clear_cookies()
        force_login(user)
        for url in reached[role]:
            page.goto(url)
            problems += [f"{role} {url}: {found}" for found in serious_violations(page)]
    assert problems == []
    assert violations == []
    # Every role's menu was followed, not only its landing page.
    assert all(len(urls) >= 5 for urls in reached.values()), reached
    assert any("/ranking/" in url for url in reached["staff"]), reached["staff"]
    on_a_phone(page, force_login)


def on_a_phone(page, force_login):
    """Staff's ranking on a 390 px wide screen: the menu button beside the site's
    name, the table of places whole, its chart drawn (under the page's policy)."""
    page.set_viewport_size({"width": 390, "height": 844})
    page.context.clear_cookies()
    force_login(User.objects.get(email="staff@demo.lv"))
    pilot = Cycle.objects.get(name__contains="pilot")
    page.goto(reverse("applications:review_ranking", args=[pilot.pk]))
    brand = page.locator(".navbar-brand").bounding_box()
    button = page.get_by_role("button", name="Izvēlne").bounding_box()
    # On one row: the button's middle lies within the name's height.
    assert brand["y"] <= button["y"] + button["height"] / 2 <= brand["y"] + brand["height"]
    table = page.locator(".quota-table")
    widths = table.locator("xpath=..").evaluate("node => [node.scrollWidth, node.clientWidth]")
    assert widths[0] <= widths[1], widths
    header = table.get_by_role("columnheader", name="Ne vairāk kā").bounding_box()
    assert header["x"] + header["width"] <= 390
    assert page.locator('canvas[data-chart="places-chart-data"][data-drawn="1"]').count() == 1
