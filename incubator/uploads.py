"""Uploaded files: checked by what they contain, not by what they are called;
stored under random names outside the static root; served only through views that
have checked who is asking."""

import os
import re
import uuid
import zipfile

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from .wording import file_size

# kind -> (extensions people use for it, content type we serve it with)
DOCUMENT_KINDS = {
    "pdf": ({"pdf"}, "application/pdf"),
    "docx": (
        {"docx"},
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": ({"xlsx"}, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "odt": ({"odt"}, "application/vnd.oasis.opendocument.text"),
    "ods": ({"ods"}, "application/vnd.oasis.opendocument.spreadsheet"),
    "jpeg": ({"jpg", "jpeg"}, "image/jpeg"),
    "png": ({"png"}, "image/png"),
}
ACCEPT_ATTRIBUTE = ",".join(
    sorted(f".{ext}" for extensions, _type in DOCUMENT_KINDS.values() for ext in extensions)
)

_OPENDOCUMENT = {
    b"application/vnd.oasis.opendocument.text": "odt",
    b"application/vnd.oasis.opendocument.spreadsheet": "ods",
}


def _zip_kind(fileobj):
    try:
        with zipfile.ZipFile(fileobj) as archive:
            names = set(archive.namelist())
            if "mimetype" in names:
                return _OPENDOCUMENT.get(archive.read("mimetype").strip())
            if "[Content_Types].xml" in names:
                if any(name.startswith("word/") for name in names):
                    return "docx"
                if any(name.startswith("xl/") for name in names):
                    return "xlsx"
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError):
        return None
    return None


def detect_kind(fileobj):
    """Returns the kind of document (a key of DOCUMENT_KINDS) or None."""
    fileobj.seek(0)
    head = fileobj.read(8)
    fileobj.seek(0)
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head.startswith(b"PK\x03\x04"):
        kind = _zip_kind(fileobj)
        fileobj.seek(0)
        return kind
    return None


def clean_filename(name, max_length=120):
    """A safe name to show and to offer on download; never used as a storage path."""
    stem, dot, ext = os.path.basename(name.replace("\\", "/")).rpartition(".")
    if not dot:
        stem, ext = ext, ""
    ext = re.sub(r"[^a-z0-9]", "", ext.lower())[:10]
    stem = re.sub(r"[^-\w.]", "", "_".join(stem.split())).strip("._-") or "document"
    suffix = f".{ext}" if ext else ""
    return stem[: max_length - len(suffix)] + suffix


def check_document(uploaded, max_bytes):
    """Validates an upload; returns (kind, content_type, clean name) or raises
    ValidationError with a message that names the file and the problem."""
    name = clean_filename(uploaded.name or "")
    if uploaded.size > max_bytes:
        raise ValidationError(
            _("“%(name)s” is %(size)s; the largest file accepted is %(max)s.")
            % {
                "name": name,
                "size": file_size(uploaded.size),
                "max": file_size(max_bytes),
            },
            code="too_large",
        )
    if uploaded.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    kind = detect_kind(uploaded)
    extension = os.path.splitext(name)[1].lstrip(".")
    if kind is None or extension not in DOCUMENT_KINDS[kind][0]:
        raise ValidationError(
            _(
                "“%(name)s” is not a PDF, DOCX, ODT, XLSX, ODS, JPG or PNG file "
                "(its contents were checked, not only its name)."
            )
            % {"name": name},
            code="file_type",
        )
    return kind, DOCUMENT_KINDS[kind][1], name


def random_file_name(folder, filename):
    """Where an upload is stored: under a random name, so the uploader's filename
    never reaches the disk (only its lower-case extension does)."""
    extension = os.path.splitext(filename)[1].lower()
    return f"{folder}/{uuid.uuid4().hex}{extension}"


def store_document(document, uploaded, max_bytes):
    """Checks ``uploaded`` and saves it as ``document`` (an unsaved ``StoredDocument``
    row with what it belongs to already set); if the row cannot be written, the file is
    deleted again. Raises ValidationError for a file that fails the checks."""
    _kind, content_type, name = check_document(uploaded, max_bytes)
    document.name, document.content_type, document.size = name, content_type, uploaded.size
    document.file.save(name, uploaded, save=False)
    try:
        document.save()
    except Exception:
        document.file.delete(save=False)
        raise
    return document


def delete_document(document):
    """Deletes the row now and its file once the transaction commits."""
    storage, path = document.file.storage, document.file.name
    document.delete()
    transaction.on_commit(lambda: storage.delete(path))


def serve_private_file(document):
    """The response that hands a stored document to someone the calling view has
    already allowed: a download under its clean name, never cached. A file missing from
    the disk is a 404."""
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle, as_attachment=True, filename=document.name, content_type=document.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response
