"""An NGO leader applies, in Latvian, from signing up to the confirmation email."""

import re

import pytest
from playwright.sync_api import expect

from applications.models import Application

from .conftest import text_of

PASSWORD = "Liepāja-inkubators-2027"


@pytest.fixture
def open_call(transactional_db, priority_fields):
    from tests import factories

    return factories.CycleFactory(name="NVO izaugsmes inkubators 2027")


def test_sign_up_apply_over_two_visits_attach_and_submit(page, mailbox, open_call, tmp_path):
    # The home page, in Latvian, shows the open call.
    page.goto("/")
    expect(page.get_by_role("heading", name="NVO izaugsmes inkubators 2027")).to_be_visible()
    expect(page.get_by_text("Pieteikšanās ir atvērta")).to_be_visible()
    page.get_by_role("link", name="Reģistrēties un pieteikties").click()

    # Sign up.
    page.get_by_label("Vārds*", exact=True).fill("Ilze")
    page.get_by_label("Uzvārds*", exact=True).fill("Kalniņa")
    page.get_by_label("E-pasts*", exact=True).fill("ilze@kopienas-darzs.lv")
    page.get_by_label("Parole*", exact=True).fill(PASSWORD)
    page.get_by_label("Parole (vēlreiz)*", exact=True).fill(PASSWORD)
    page.get_by_label("Izlasīju privātuma paziņojumu").check()
    page.get_by_role("button", name="Reģistrēties").click()
    expect(page.get_by_role("heading", name="Apstipriniet savu e-pasta adresi")).to_be_visible()

    # Open the verification link from the email file.
    verification = mailbox()[-1]
    assert verification["To"] == "ilze@kopienas-darzs.lv"
    link = re.search(r"https?://\S+/accounts/confirm-email/\S+/", text_of(verification)).group(0)
    page.goto(link)
    page.get_by_role("button", name="Apstiprināt").click()

    # Create the organisation's profile.
    page.get_by_role("link", name="Izveidot organizācijas profilu").click()
    page.get_by_label("Nosaukums").fill("Biedrība “Kopienas dārzs”")
    page.get_by_label("Juridiskā forma").select_option(label="Biedrība")
    page.get_by_label("Reģistrācijas numurs").fill("4000 3521 600")
    page.get_by_label("Dibināšanas datums").fill("2018-05-04")
    page.get_by_label("Prioritārā joma").select_option(
        label="Vide, pilsētvide un kopienu attīstība"
    )
    page.get_by_label("Pašvaldība").fill("Liepāja")
    page.get_by_label("Adrese").fill("Dārza iela 7, Liepāja")
    page.get_by_label("Kontakta e-pasts").fill("info@kopienas-darzs.lv")
    page.get_by_label("Kontakta tālrunis").fill("+371 26123456")
    page.get_by_label("Misija").fill("Veidojam kopienas dārzus pilsētā.")
    page.get_by_label("Biedru skaits").fill("14")
    page.get_by_label("Brīvprātīgo skaits").fill("25")
    page.get_by_label("Gada budžets (EUR)").fill("8400.50")
    page.get_by_role("button", name="Izveidot profilu").click()

    # Start the application and write a first answer: it saves itself.
    page.get_by_role("button", name=re.compile("Sākt pieteikumu")).click()
    motivation = page.get_by_label("Kāpēc jūsu organizācija vēlas piedalīties inkubatorā?")
    motivation.fill("Vēlamies izaugt no brīvprātīgo grupas par stabilu organizāciju.")
    motivation.blur()
    expect(page.locator("#autosave-status")).to_contain_text("Saglabāts")

    # Leave: sign out, come back another day and sign in again.
    page.get_by_role("button", name="Ilze Kalniņa").click()
    page.get_by_role("button", name="Iziet").click()
    page.goto("/")
    page.get_by_role("link", name="Ieiet").first.click()
    page.get_by_label("E-pasts").fill("ilze@kopienas-darzs.lv")
    page.get_by_label("Parole").fill(PASSWORD)
    page.get_by_role("button", name="Ieiet").click()
    page.get_by_role("link", name="Turpināt pieteikumu").click()
    expect(
        page.get_by_label("Kāpēc jūsu organizācija vēlas piedalīties inkubatorā?")
    ).to_have_value("Vēlamies izaugt no brīvprātīgo grupas par stabilu organizāciju.")

    # Attach a PDF.
    pdf = tmp_path / "Biedrības statūti.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.get_by_label("Pievienot dokumentu").set_input_files(pdf)
    page.get_by_role("button", name="Augšupielādēt").click()
    expect(page.get_by_role("link", name="Biedrības_statūti.pdf")).to_be_visible()

    # Submitting too early lists everything that is missing, at once.
    page.get_by_role("button", name="Iesniegt pieteikumu").click()
    expect(page.locator("#submit-errors")).to_contain_text("Trūkst: Projekta ideja")

    # Fill in the rest and submit.
    page.get_by_label("Mentoru un ekspertu konsultācijas").check()
    page.get_by_label("Finansējuma avotu meklēšana").check()
    page.get_by_label("Kādi ir jūsu organizācijas galvenie izaicinājumi šobrīd?").fill(
        "Trūkst stabila finansējuma."
    )
    page.get_by_label("Kādu projekta ideju vēlaties attīstīt?").fill(
        "Kopienas dārzs Karostā ar nodarbībām bērniem."
    )
    page.get_by_label("Ko sagaidāt sasniegt līdz cikla beigām?").fill(
        "Iesniegts projekta pieteikums fondam."
    )
    page.get_by_label("Kas no organizācijas piedalīsies?").fill(
        "Ilze Kalniņa, valdes priekšsēdētāja"
    )
    page.get_by_label("Varam piedalīties visās trijās kopīgajās tikšanās").check()
    page.get_by_label(re.compile("Piekrītu, ka šajā pieteikumā")).check()
    page.get_by_role("button", name="Iesniegt pieteikumu").click()

    # The status shows it, and the confirmation email arrived.
    expect(page.get_by_text("Jūsu pieteikums ir iesniegts")).to_be_visible()
    expect(
        page.get_by_role("heading", name=re.compile("Biedrība “Kopienas dārzs”"))
    ).to_contain_text("Iesniegts")
    page.get_by_role("link", name="Mani pieteikumi").click()
    expect(page.locator(".timeline")).to_contain_text("Iesniegts")
    confirmation = mailbox()[-1]
    assert confirmation["To"] == "ilze@kopienas-darzs.lv"
    assert confirmation["Subject"].startswith("Pieteikums saņemts")
    assert "Biedrība “Kopienas dārzs”" in text_of(confirmation)
    application = Application.objects.get()
    assert application.status == Application.Status.SUBMITTED
    assert application.attachments.count() == 1
