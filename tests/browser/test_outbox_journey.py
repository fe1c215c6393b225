"""Staff find the emails that may have reached their recipient twice (a worker died
after the mail server accepted one, and it was sent again) on the outbox page, and
read why on the email's page. In Latvian, in headless Chromium."""

from django.utils import timezone
from playwright.sync_api import expect

from incubator.notifications.models import Email
from tests import factories

from .test_meeting_journey import sign_in


def _email(key, to, subject, **fields):
    return Email.objects.create(
        key=key, to=to, language="lv", subject=subject, text_body="Teksts", **fields
    )


def test_staff_find_the_possibly_duplicated_emails(page, transactional_db):
    staff = factories.StaffFactory(email="santa@inkubators.lv", first_name="Santa")
    now = timezone.now()
    _email(
        "test:1", "anna@biedriba.lv", "Atgādinājums: kopīgā tikšanās", status="sent", sent_at=now
    )
    _email(
        "test:2",
        "juris@biedriba.lv",
        "Atgādinājums: termiņš",
        status="sent",
        sent_at=now,
        attempts=2,
        possibly_duplicated=True,
    )
    _email("test:3", "liene@biedriba.lv", "Lēmums par pieteikumu")

    sign_in(page, staff.email)
    page.get_by_role("link", name="Izsūtne").click()
    expect(page.get_by_role("heading", name="Izsūtne")).to_be_visible()
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.filter(has_text="juris@biedriba.lv")).to_contain_text("Iespējams, dublēts")
    expect(rows.filter(has_text="anna@biedriba.lv")).not_to_contain_text("Iespējams, dublēts")

    page.get_by_label("Tikai iespējamie dublikāti").check()
    page.get_by_role("button", name="Atlasīt").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("juris@biedriba.lv")
    expect(page.get_by_label("Tikai iespējamie dublikāti")).to_be_checked()

    page.get_by_role("link", name="Atgādinājums: termiņš").click()
    expect(page.get_by_role("heading", name="Atgādinājums: termiņš")).to_be_visible()
    expect(page.get_by_text("abām kopijām ir tas pats Message-ID")).to_be_visible()
