from django.urls import path

from . import views

app_name = "applications"

urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path(
        "cycles/<int:cycle_pk>/apply/<int:organisation_pk>/", views.start, name="start"
    ),
    path("applications/<int:pk>/", views.edit, name="edit"),
    path("applications/<int:pk>/autosave/", views.autosave, name="autosave"),
    path("applications/<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path(
        "applications/<int:pk>/attachments/", views.attachment_upload, name="attachment_upload"
    ),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment_download",
    ),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/delete/",
        views.attachment_delete,
        name="attachment_delete",
    ),
    path("staff/applications/", views.staff_list, name="staff_list"),
    path("staff/applications/<int:pk>/", views.staff_detail, name="staff_detail"),
]
