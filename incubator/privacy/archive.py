"""The ZIP of a person's data: one JSON file per kind of record and the original files."""

import json
import posixpath
import zipfile

from django.core.serializers.json import DjangoJSONEncoder

from incubator.uploads import clean_filename


class ExportArchive:
    def __init__(self, fileobj):
        self.zip = zipfile.ZipFile(fileobj, "w", compression=zipfile.ZIP_DEFLATED)
        self.names = set()

    def add_json(self, name, data):
        """Writes ``data`` as ``name`` (e.g. ``applications.json``)."""
        text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
        self.zip.writestr(self._unique(name), text)

    def add_text(self, name, text):
        self.zip.writestr(self._unique(name), text)

    def add_file(self, folder, field_file, name):
        """Copies a stored file into ``files/<folder>/<name>``; returns its path in the
        ZIP, or None when the file is no longer on the disk."""
        path = self._unique(posixpath.join("files", folder, clean_filename(name)))
        try:
            with field_file.open("rb") as handle, self.zip.open(path, "w") as target:
                for chunk in iter(lambda: handle.read(64 * 1024), b""):
                    target.write(chunk)
        except (FileNotFoundError, ValueError):
            return None
        return path

    def close(self):
        self.zip.close()

    def _unique(self, path):
        stem, dot, ext = path.rpartition(".")
        if not dot:
            stem, ext = path, ""
        candidate, n = path, 1
        while candidate in self.names:
            n += 1
            candidate = f"{stem}-{n}.{ext}" if ext else f"{stem}-{n}"
        self.names.add(candidate)
        return candidate
