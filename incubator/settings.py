"""Settings for the NGO Incubator Portal, read from the environment.

With no environment at all the portal runs on the embedded default: SQLite under
``var/``, email written to files under ``var/mail/`` and Celery tasks run eagerly.
Setting ``DATABASE_URL``, ``CELERY_BROKER_URL`` and ``EMAIL_URL`` switches to
PostgreSQL, Redis with real workers, and SMTP. Every setting is listed in README.md.
"""

import secrets
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

VAR_DIR = Path(env.str("VAR_DIR", default=str(BASE_DIR / "var")))

DEBUG = env.bool("DEBUG", default=False)


def _secret_key():
    """The key from the environment, or one generated once and kept under VAR_DIR."""
    if key := env.str("SECRET_KEY", default=""):
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "simple_history",
    "csp",
    # The portal's own apps, in dependency order: each may import only those above it.
    "incubator",
    "incubator.notifications",
    "incubator.privacy",
    "applications",
    "cohorts",
    "mentoring",
    "funding",
    "analysis",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "incubator.headers.PrivacyHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "incubator.site.SiteAddressMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "incubator.mfa.StaffMFAMiddleware",
]

ROOT_URLCONF = "incubator.urls"
WSGI_APPLICATION = "incubator.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "incubator.context_processors.portal",
                "applications.context_processors.evaluation",
                "mentoring.context_processors.mentoring",
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------------

DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
_SQLITE = DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3"
# Persistent connections on PostgreSQL: a web or Celery worker keeps its connection for a
# minute instead of opening one per request (which costs more than a light page's
# queries), and checks that it still works before reusing it after a request.
DATABASES["default"].setdefault(
    "CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0 if _SQLITE else 60)
)
DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", env.bool("CONN_HEALTH_CHECKS", default=True))
if _SQLITE:
    # Waiting for the write lock instead of failing at once lets the embedded
    # default serve a few people at the same time.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {
    "default": env.cache("CACHE_URL", default="locmemcache://"),
    # Rendered pages kept while the database reads the same (incubator/pagecache.py), in
    # each process's own memory, so that a new release starts without them.
    "pages": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "pages",
        "TIMEOUT": 600,
        "OPTIONS": {"MAX_ENTRIES": env.int("PAGE_CACHE_ENTRIES", default=300)},
    },
}
# The busiest signed-in pages are kept rendered between writes (PostgreSQL only).
PAGE_CACHE = env.bool("PAGE_CACHE", default=True)
# With a shared cache (Redis in production), a signed-in request reads its session from
# the cache instead of the database; sessions are still written to the database, so a
# cache restart signs no one out. Not with the per-process default: a session ended in
# one worker would live on in another's memory.
_SHARED_CACHE = "locmem" not in CACHES["default"]["BACKEND"]
SESSION_ENGINE = (
    "django.contrib.sessions.backends.cached_db"
    if _SHARED_CACHE
    else "django.contrib.sessions.backends.db"
)

MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Uploaded files are never served by URL: every download goes through a view
# that checks permission, so MEDIA_URL is deliberately left unused.

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE",
            default="django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}

# --- Accounts ---------------------------------------------------------------------

AUTH_USER_MODEL = "incubator.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "dashboard"

ACCOUNT_ADAPTER = "incubator.adapters.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "incubator.forms.SignupForm"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_REDIRECT_URL = "home"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env.str(
    "ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http" if DEBUG else "https"
)
# allauth's rate limits (signup, login, password reset, ...) stay on with their
# defaults; they count in CACHES, so production needs a shared cache (Redis).
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# A code of the previous or next 30 seconds is accepted too: a code typed as it
# changes, or a phone's clock a little off, is not refused. Each is accepted once.
MFA_TOTP_TOLERANCE = 1
# Staff and administrators must have an authenticator app (incubator/mfa.py).
MFA_ADAPTER = "incubator.mfa.MFAAdapter"
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="NVO inkubators")
# Invitations (to an organisation, the evaluation committee, the mentors) one person
# may send in 24 hours, all kinds together (incubator/quota.py).
INVITATIONS_PER_DAY = env.int("INVITATIONS_PER_DAY", default=60)
# Days an admitted organisation has to answer its baseline self-assessment, counted
# from its admission or from the start of the incubation, whichever is later.
ANALYSIS_BASELINE_DAYS = env.int("ANALYSIS_BASELINE_DAYS", default=21)

# --- Internationalisation ---------------------------------------------------------

LANGUAGE_CODE = "lv"
LANGUAGES = [("lv", _("Latvian")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Riga"
USE_TZ = True

# --- Email ------------------------------------------------------------------------

EMAIL_FILE_PATH = Path(env.str("EMAIL_FILE_PATH", default=str(VAR_DIR / "mail")))
if env.str("EMAIL_URL", default=""):
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="NVO inkubators <noreply@localhost>")
SERVER_EMAIL = env.str("SERVER_EMAIL", default=DEFAULT_FROM_EMAIL)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# A failed send is retried after EMAIL_RETRY_SECONDS, then twice as long each time,
# EMAIL_MAX_ATTEMPTS attempts in all; then the email is marked failed for staff to retry.
EMAIL_RETRY_SECONDS = env.int("EMAIL_RETRY_SECONDS", default=30)
EMAIL_MAX_ATTEMPTS = env.int("EMAIL_MAX_ATTEMPTS", default=6)
# Each attempt is recorded ("sending") before the mail server is spoken to. A row still
# "sending" this many seconds later was left by a process that died in the middle of an
# attempt: it is sent again (same Message-ID) and marked as possibly duplicated. Keep it
# well above the longest a living worker can spend on one message (EMAIL_TIMEOUT).
EMAIL_SENDING_GRACE = env.int("EMAIL_SENDING_GRACE", default=600)

# --- Celery -----------------------------------------------------------------------

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="memory://localhost/")
CELERY_TASK_ALWAYS_EAGER = env.bool(
    "CELERY_TASK_ALWAYS_EAGER", default=CELERY_BROKER_URL.startswith("memory://")
)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # The count of committed writes that kept pages are keyed by (incubator/changelog.py).
    "compact-change-log": {
        "task": "incubator.tasks.compact_change_log",
        "schedule": timedelta(minutes=10),
        "options": {"expires": 9 * 60},
    },
    "dispatch-notifications": {
        "task": "incubator.notifications.tasks.dispatch",
        "schedule": timedelta(minutes=1),
        # A sweep that waited this long is superseded by the next one.
        "options": {"expires": 50},
    },
    # Saved funding searches: each one's weekly email of what is new or changed.
    "funding-saved-search-digests": {
        "task": "funding.tasks.send_saved_search_digests",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon"),
        "options": {"expires": 6 * 3600},
    },
    # Retention: deletes what has expired (incubator/privacy/retention.py), warns ahead.
    "privacy-retention": {
        "task": "incubator.privacy.tasks.apply_retention",
        "schedule": crontab(hour=3, minute=15),
        "options": {"expires": 12 * 3600},
    },
}

# --- Security (production is the default; DEBUG=1 relaxes it for local work) ------

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.bool("SECURE_PROXY_SSL_HEADER", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True

# A strict Content-Security-Policy (django-csp): everything from the portal itself, no
# inline script or style, no framing; the browser reports violations to csp_report,
# which logs them (incubator/headers.py). CSP_REPORT_ONLY=1 only reports.
_CSP = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "report-uri": "/csp-report/",
    }
}
if env.bool("CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _CSP
else:
    CONTENT_SECURITY_POLICY = _CSP
# Browser features the portal never uses, switched off for it and anything it embeds.
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=()"
)

# --- Front end --------------------------------------------------------------------

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- The portal -------------------------------------------------------------------

PORTAL_NAME = env.str("PORTAL_NAME", default="")
# The portal's public address, for links in emails and calendar feeds written outside
# a request (reminders, tasks); inside a request links use the request's own address
# (incubator/site.py). `make run` sets it from PORT unless it is set.
SITE_URL = env.str("SITE_URL", default="http://localhost:8000").rstrip("/")
ATTACHMENT_MAX_BYTES = env.int("ATTACHMENT_MAX_BYTES", default=10 * 1024 * 1024)
ATTACHMENTS_PER_APPLICATION = env.int("ATTACHMENTS_PER_APPLICATION", default=10)
# When reminders go out, for a new cycle (each cycle can change its own): "7d, 1d"
# means 7 days and 1 day before; h = hours, m = minutes.
MEETING_REMINDERS = env.str("MEETING_REMINDERS", default="7d, 1d")
DEADLINE_REMINDERS = env.str("DEADLINE_REMINDERS", default="7d, 1d")
CALL_CLOSING_REMINDERS = env.str("CALL_CLOSING_REMINDERS", default="3d")
# Consultations, for a new cycle (each cycle can change its own): reminders before
# each one, and how many hours before it organisations and mentors may still cancel
# or move it (later only staff can).
CONSULTATION_REMINDERS = env.str("CONSULTATION_REMINDERS", default="1d, 1h")
CONSULTATION_CUTOFF_HOURS = env.int("CONSULTATION_CUTOFF_HOURS", default=24)
# Before the deadline of a funding call, to the people who follow it or its source.
FUNDING_DEADLINE_REMINDERS = env.str("FUNDING_DEADLINE_REMINDERS", default="14d, 3d")

# Personal data: how long the emailed link to a copy of one's data works; how long
# a cycle keeps the files and answers of applications that were not admitted after
# its decisions (each cycle can change its own), warned this many days ahead; after
# how long the outbox drops the text of the emails it sent.
DATA_EXPORT_LINK_HOURS = env.int("DATA_EXPORT_LINK_HOURS", default=72)
RETENTION_MONTHS = env.int("RETENTION_MONTHS", default=12)
RETENTION_WARNING_DAYS = env.int("RETENTION_WARNING_DAYS", default=7)
OUTBOX_BODY_RETENTION_MONTHS = env.int("OUTBOX_BODY_RETENTION_MONTHS", default=24)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # Run eagerly, every task would log a "succeeded" line into the web server's log.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
    },
}
