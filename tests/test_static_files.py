"""Production's static files: collectstatic with WhiteNoise's compressed manifest
storage (what DEBUG=0 uses) must succeed, or a deployment stops at its first step."""

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import override_settings

PRODUCTION_STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}


def test_collectstatic_with_the_production_storage_hashes_every_file(tmp_path):
    with override_settings(STORAGES=PRODUCTION_STORAGES, STATIC_ROOT=tmp_path):
        call_command("collectstatic", interactive=False, verbosity=0)
        chart = staticfiles_storage.url("vendor/chartjs/chart.umd.min.js")
        styles = staticfiles_storage.url("vendor/bootstrap/bootstrap.min.css")

    assert (tmp_path / "staticfiles.json").exists()
    for url in (chart, styles):
        hashed = url.removeprefix(settings.STATIC_URL)
        assert hashed.count(".") >= 2, url  # name.<hash>.ext
        assert (tmp_path / hashed).exists()
        assert (tmp_path / f"{hashed}.gz").exists()
