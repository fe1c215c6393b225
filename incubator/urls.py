from allauth.account.decorators import secure_admin_login
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.i18n import set_language

from . import headers, views

admin.site.site_header = _("NGO Incubator Portal administration")
admin.site.site_title = _("NGO Incubator Portal")
# The admin signs in through allauth: its rate limits and the staff's second factor.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    # Browsers ask for /favicon.ico whatever a page links: sent on to the portal's icon.
    path("favicon.ico", views.favicon, name="favicon"),
    # Calendar apps fetch the feed without a language prefix; it speaks the owner's language.
    path("calendar/<slug:token>.ics", views.calendar_feed, name="calendar_feed"),
    # Browsers post Content-Security-Policy violations here (settings: report-uri).
    path("csp-report/", headers.csp_report, name="csp_report"),
]

urlpatterns += i18n_patterns(
    path("", views.home, name="home"),
    path("start/", views.dashboard, name="dashboard"),
    path("profile/", views.profile, name="profile"),
    path("profile/calendar/new/", views.calendar_link_reset, name="calendar_link_reset"),
    path("profile/calendar/off/", views.calendar_link_revoke, name="calendar_link_revoke"),
    path("organisations/new/", views.organisation_create, name="organisation_create"),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation_detail"),
    path("organisations/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("organisations/<int:pk>/people/", views.colleague_add, name="colleague_add"),
    path(
        "organisations/<int:pk>/people/<int:membership_pk>/remove/",
        views.person_remove,
        name="person_remove",
    ),
    path("organisations/<int:pk>/leave/", views.organisation_leave, name="organisation_leave"),
    path("invitations/", views.invitations, name="invitations"),
    path(
        "invitations/<int:invitation_pk>/accept/",
        views.invitation_accept,
        name="invitation_accept",
    ),
    path(
        "invitations/<int:invitation_pk>/decline/",
        views.invitation_decline,
        name="invitation_decline",
    ),
    path(
        "organisations/<int:pk>/invitations/<int:invitation_pk>/withdraw/",
        views.invitation_withdraw,
        name="invitation_withdraw",
    ),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("", include("incubator.notifications.urls")),
    path("", include("incubator.privacy.urls")),
    path("", include("applications.urls")),
    path("", include("cohorts.urls")),
    path("", include("mentoring.urls")),
    path("", include("funding.urls")),
    path("", include("analysis.urls")),
    prefix_default_language=False,
)
