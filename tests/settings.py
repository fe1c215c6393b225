"""The test suite's environment: the portal's own settings module, with the few
switches a test run needs set before it reads the environment. DATABASE_URL and
CELERY_BROKER_URL pass through, so the same suite runs on SQLite and PostgreSQL."""

import os

# The switches a test run sets; bench/load.py leaves them out of the production server it starts.
TEST_ENVIRONMENT = {
    "SECRET_KEY": "tests-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "SECURE_SSL_REDIRECT": "0",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "SECURE_HSTS_SECONDS": "0",
    "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
    "CELERY_TASK_ALWAYS_EAGER": "1",
    "ACCOUNT_DEFAULT_HTTP_PROTOCOL": "http",
    # A connection per request, as the suite has always run (persistent connections
    # are measured under load by bench/load.py).
    "CONN_MAX_AGE": "0",
}
for name, value in TEST_ENVIRONMENT.items():
    os.environ.setdefault(name, value)

# The real-worker tests (tests/test_celery_worker.py) need a Redis broker: use the
# local one when it answers and none is configured. Tasks still run eagerly
# everywhere else (CELERY_TASK_ALWAYS_EAGER above).
if "CELERY_BROKER_URL" not in os.environ:
    from tests.redis_broker import LOCAL, reachable

    if reachable(LOCAL):
        os.environ["CELERY_BROKER_URL"] = LOCAL

from incubator.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
WHITENOISE_AUTOREFRESH = True  # serve static files from the apps; no collectstatic in tests
