"""Headless Chromium for the browser tests (Playwright driving Debian's chromium).

The tests run when Chromium is found (CHROMIUM=path, or chromium on PATH); otherwise
they are skipped with the reason, or fail with REQUIRE_SERVICES=1 (tests/needs.py)."""

import email
import email.policy
import os
from pathlib import Path

import pytest

from tests.needs import find_chromium

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    executable = find_chromium()  # found: tests/needs.py skipped the test otherwise
    # Playwright's sync API runs an event loop in this thread; the ORM calls that the
    # tests make between page actions are still plain synchronous calls.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture
def page(browser, live_server, settings, tmp_path, request):
    """A Latvian-speaking visitor in Riga; emails are written to files as in `make run`."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    settings.SITE_URL = live_server.url
    context = browser.new_context(
        base_url=live_server.url, locale="lv-LV", timezone_id="Europe/Riga"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    # A file still on its way when the test ends (a font) is not fetched any more.
    page.unroute_all(behavior="ignoreErrors")
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        # Keep what the browser showed, to see why it failed.
        folder = Path("test-results")
        folder.mkdir(exist_ok=True)
        page.screenshot(path=folder / f"{request.node.name}.png", full_page=True)
        (folder / f"{request.node.name}.html").write_text(page.content())
    context.close()


STRICT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


@pytest.fixture
def csp_violations(page):
    """Every response of the portal served under a strict Content-Security-Policy (no
    inline scripts, event handlers or styles, no eval); the violations the browser reports."""
    from playwright.sync_api import Error as PlaywrightError

    reported = []

    def under_policy(route):
        try:
            response = route.fetch()
            route.fulfill(
                response=response,
                headers={**response.headers, "content-security-policy": STRICT_POLICY},
            )
        except PlaywrightError:
            # The page moved on or closed while this response was on its way: nothing
            # is shown from it, so there is nothing to put under the policy.
            pass

    page.route("**/*", under_policy)
    page.on(
        "console",
        lambda message: (
            reported.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return reported


@pytest.fixture
def mailbox(settings):
    """Reads the emails written to files, as a person would open them: newest last."""

    def read():
        folder = Path(settings.EMAIL_FILE_PATH)
        messages = []
        for path in sorted(folder.glob("*.log"), key=lambda p: p.stat().st_mtime_ns):
            for chunk in path.read_bytes().split(b"-" * 79 + b"\n"):
                if chunk.strip():
                    messages.append(email.message_from_bytes(chunk, policy=email.policy.default))
        return messages

    return read


def text_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def sign_in(page, email, password=None):
    """Signs in through the sign-in form, as a person does."""
    from tests.factories import PASSWORD

    page.goto("/accounts/login/")
    page.get_by_label("E-pasts").fill(email)
    page.get_by_label("Parole").fill(password or PASSWORD)
    page.get_by_role("button", name="Ieiet").click()
    from playwright.sync_api import expect

    # Signed in, or asked for the second factor (the password field has gone).
    expect(page.get_by_label("Parole", exact=True)).to_have_count(0)
    if page.get_by_label("Kods").count():
        enter_code(page, email)


def enter_code(page, email):
    """Staff type the code their authenticator app shows (the factories' app)."""
    from django.core.cache import cache
    from playwright.sync_api import expect

    from incubator.models import User
    from tests.factories import totp_code

    code = totp_code()
    # A code is accepted once; a second sign-in within its 30 seconds is a new code.
    user = User.objects.get(email__iexact=email)
    cache.delete(f"allauth.mfa.totp.used?user={user.pk}&code={code}")
    page.get_by_label("Kods").fill(code)
    page.get_by_role("button", name="Ieiet").click()
    expect(page.get_by_label("Kods")).to_have_count(0)


def sign_out(page, name):
    """Opens the menu under the person's name and signs out."""
    page.get_by_role("button", name=name).click()
    page.get_by_role("button", name="Iziet").click()


@pytest.fixture
def force_login(page, live_server, client):
    """``force_login(user)``: the browser is signed in as ``user`` without the sign-in
    form, for tests about other pages."""

    def as_user(user):
        from django.conf import settings

        client.force_login(user)
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )

    return as_user
