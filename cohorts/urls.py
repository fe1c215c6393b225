from django.urls import path

from . import views

app_name = "cohorts"

urlpatterns = [
    path("programme/", views.my_programme, name="my_programme"),
    path("cohorts/<int:pk>/", views.cohort_detail, name="cohort_detail"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting_detail"),
    path("meetings/<int:pk>/answer/<int:organisation_pk>/", views.rsvp, name="rsvp"),
    path(
        "meetings/<int:pk>/files/<int:material_pk>/",
        views.material_download,
        name="material_download",
    ),
    # Staff
    path("staff/cohorts/", views.cohort_list, name="cohort_list"),
    path("staff/cohorts/<int:pk>/edit/", views.cohort_edit, name="cohort_edit"),
    path("staff/cohort-places/<int:pk>/move/", views.membership_move, name="membership_move"),
    path("staff/cohort-places/<int:pk>/status/", views.membership_status, name="membership_status"),
    path("staff/cycles/<int:cycle_pk>/meetings/new/", views.meeting_create, name="meeting_create"),
    path("staff/meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("staff/meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("staff/meetings/<int:pk>/files/", views.material_upload, name="material_upload"),
    path(
        "staff/meetings/<int:pk>/files/<int:material_pk>/delete/",
        views.material_delete,
        name="material_delete",
    ),
    path("staff/meetings/<int:pk>/attendance/", views.attendance, name="attendance"),
    path(
        "staff/cycles/<int:cycle_pk>/attendance/",
        views.attendance_report,
        name="attendance_report",
    ),
    path("staff/cycles/<int:cycle_pk>/attendance.csv", views.attendance_csv, name="attendance_csv"),
    path(
        "staff/cycles/<int:cycle_pk>/deadlines/new/",
        views.deadline_create,
        name="deadline_create",
    ),
    path("staff/deadlines/<int:pk>/edit/", views.deadline_edit, name="deadline_edit"),
    path("staff/deadlines/<int:pk>/delete/", views.deadline_delete, name="deadline_delete"),
    path(
        "staff/cycles/<int:cycle_pk>/reminders/",
        views.reminder_settings,
        name="reminder_settings",
    ),
]
