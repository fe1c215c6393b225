"""Attachments: checked by content and size, stored under random names, served only
to the organisation's people and to staff."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from applications import services
from applications.models import Application, Attachment
from incubator.uploads import clean_filename, detect_kind

from . import factories

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64


def _zip(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return buffer.getvalue()


DOCX = _zip({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})
XLSX = _zip({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})
ODT = _zip({"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<x/>"})
ODS = _zip({"mimetype": "application/vnd.oasis.opendocument.spreadsheet", "content.xml": "<x/>"})
PLAIN_ZIP = _zip({"readme.txt": "hello"})


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


@pytest.mark.parametrize(
    "name, content, kind",
    [
        ("plāns.pdf", PDF, "pdf"),
        ("foto.PNG", PNG, "png"),
        ("foto.jpg", JPEG, "jpeg"),
        ("foto.jpeg", JPEG, "jpeg"),
        ("statūti.docx", DOCX, "docx"),
        ("budžets.xlsx", XLSX, "xlsx"),
        ("apraksts.odt", ODT, "odt"),
        ("tāme.ods", ODS, "ods"),
    ],
)
def test_each_accepted_type_is_recognised_by_content(application, applicant, name, content, kind):
    assert detect_kind(io.BytesIO(content)) == kind
    attachment = services.add_attachment(application, upload(name, content), by=applicant)
    assert attachment.size == len(content)
    assert attachment.name == clean_filename(name)
    assert attachment.file.name.startswith(f"attachments/{application.cycle_id}/")
    assert name.split(".")[0] not in attachment.file.name  # stored under a random name


@pytest.mark.parametrize(
    "name, content",
    [
        ("ļaunprātīgs.pdf", EXE),  # an .exe renamed .pdf
        ("statūti.pdf", DOCX),  # a real document with the wrong name
        ("arhīvs.docx", PLAIN_ZIP),  # a zip that is not a document
        ("skripts.pdf", b"<script>alert(1)</script>"),
        ("teksts.txt", b"hello"),
    ],
)
def test_disguised_or_unknown_files_are_refused(application, applicant, name, content):
    with pytest.raises(ValidationError) as refused:
        services.add_attachment(application, upload(name, content), by=applicant)
    assert refused.value.code == "file_type"
    assert not Attachment.objects.exists()


def test_a_file_over_the_size_limit_is_refused(application, applicant, settings):
    settings.ATTACHMENT_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as refused:
        services.add_attachment(application, upload("liels.pdf", PDF + b"0" * 1000), by=applicant)
    assert refused.value.code == "too_large"


def test_the_default_limit_is_ten_megabytes(application, applicant):
    too_big = PDF + b"0" * (10 * 1024 * 1024)
    with pytest.raises(ValidationError) as refused:
        services.add_attachment(application, upload("liels.pdf", too_big), by=applicant)
    assert refused.value.code == "too_large"
    exactly = PDF + b"0" * (10 * 1024 * 1024 - len(PDF))
    assert services.add_attachment(application, upload("tieši.pdf", exactly), by=applicant)


def test_at_most_ten_attachments(application, applicant):
    for n in range(10):
        services.add_attachment(application, upload(f"{n}.pdf", PDF), by=applicant)
    with pytest.raises(ValidationError) as refused:
        services.add_attachment(application, upload("11.pdf", PDF), by=applicant)
    assert refused.value.code == "too_many"
    assert application.attachments.count() == 10


def test_attachments_are_frozen_after_submission(application, applicant):
    attachment = services.add_attachment(application, upload("a.pdf", PDF), by=applicant)
    Application.objects.filter(pk=application.pk).update(status=Application.Status.SUBMITTED)
    with pytest.raises(ValidationError):
        services.add_attachment(application, upload("b.pdf", PDF), by=applicant)
    with pytest.raises(ValidationError):
        services.delete_attachment(attachment, by=applicant)
    assert application.attachments.count() == 1


def test_deleting_a_draft_attachment_removes_the_file(
    application, applicant, django_capture_on_commit_callbacks
):
    attachment = services.add_attachment(application, upload("a.pdf", PDF), by=applicant)
    storage, path = attachment.file.storage, attachment.file.name
    assert storage.exists(path)
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_attachment(attachment, by=applicant)
    assert not storage.exists(path)
    assert not Attachment.objects.exists()


@pytest.mark.parametrize(
    "given, expected",
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\Anna\\Pieteikums 2027.PDF", "Pieteikums_2027.pdf"),
        ("<script>.pdf", "script.pdf"),
        ("....pdf", "document.pdf"),
        ("ļoti garš nosaukums " * 20 + ".docx", None),
    ],
)
def test_filenames_are_sanitised(given, expected):
    cleaned = clean_filename(given)
    if expected:
        assert cleaned == expected
    assert "/" not in cleaned and "\\" not in cleaned and len(cleaned) <= 120


def test_upload_view_keeps_the_answers_and_shows_the_error(client, application, applicant):
    client.force_login(applicant)
    application.motivation = "Jau uzrakstīts"
    application.save()
    response = client.post(
        reverse("applications:attachment_upload", args=[application.pk]),
        {"file": upload("vīruss.pdf", EXE)},
    )
    assert response.status_code == 400
    assert "vīruss.pdf" in response.content.decode()
    assert "Jau uzrakstīts" in response.content.decode()
    assert not Attachment.objects.exists()


def test_upload_and_download_through_the_views(client, application, applicant, staff):
    client.force_login(applicant)
    response = client.post(
        reverse("applications:attachment_upload", args=[application.pk]),
        {"file": upload("Budžets 2027.pdf", PDF)},
    )
    assert response.status_code == 302
    attachment = Attachment.objects.get()
    url = reverse("applications:attachment_download", args=[application.pk, attachment.pk])
    for user in (applicant, staff):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert "attachment" in response["Content-Disposition"]
        assert response["X-Content-Type-Options"] == "nosniff"
    client.force_login(factories.UserFactory())
    assert client.get(url).status_code == 404


def test_an_attachment_cannot_be_reached_through_another_application(
    client, application, applicant
):
    other = factories.ApplicationFactory(cycle=application.cycle)
    attachment = services.add_attachment(other, upload("svešs.pdf", PDF), by=applicant)
    client.force_login(applicant)
    url = reverse("applications:attachment_download", args=[application.pk, attachment.pk])
    assert client.get(url).status_code == 404


def test_the_attachment_field_is_not_marked_required_yet_asks_for_a_file(
    client, application, applicant
):
    """Attachments are optional: the field carries no required mark, and an upload
    sent without a file says what to do."""
    client.force_login(applicant)
    page = client.get(reverse("applications:edit", args=[application.pk])).content.decode()
    field = page[page.index('name="file"') - 300 : page.index('name="file"') + 300]
    assert "asteriskField" not in field and " required" not in field
    assert "Pievienot dokumentu" in field
    response = client.post(reverse("applications:attachment_upload", args=[application.pk]), {})
    assert response.status_code == 400
    assert "Izvēlieties failu" in response.content.decode()
    assert not Attachment.objects.exists()
