from django.urls import path

from .views import availability, booking, consultations, mentor, staff

app_name = "mentoring"

urlpatterns = [
    # The mentor's or expert's pages.
    path("mentoring/", mentor.dashboard, name="dashboard"),
    path("mentoring/profile/", mentor.profile, name="profile"),
    path("mentoring/mentors/<int:pk>/", mentor.mentor_detail, name="mentor_detail"),
    path("mentoring/mentors/<int:pk>/photo/", mentor.mentor_photo, name="mentor_photo"),
    path(
        "mentoring/organisations/<int:pk>/",
        mentor.organisation_detail,
        name="organisation_detail",
    ),
    path(
        "mentoring/assignments/<int:pk>/accept/",
        mentor.assignment_accept,
        name="assignment_accept",
    ),
    path(
        "mentoring/assignments/<int:pk>/decline/",
        mentor.assignment_decline,
        name="assignment_decline",
    ),
    path("mentoring/availability/", availability.availability, name="availability"),
    path("mentoring/availability/times/", availability.slot_add, name="slot_add"),
    path(
        "mentoring/availability/times/<int:pk>/delete/",
        availability.slot_delete,
        name="slot_delete",
    ),
    path("mentoring/availability/weekly/", availability.pattern_add, name="pattern_add"),
    path(
        "mentoring/availability/weekly/<int:pk>/delete/",
        availability.pattern_delete,
        name="pattern_delete",
    ),
    path("mentoring/availability/blocked/", availability.block_add, name="block_add"),
    path(
        "mentoring/availability/blocked/<int:pk>/delete/",
        availability.block_delete,
        name="block_delete",
    ),
    # Booking, for an organisation's people (and staff on its behalf).
    path("mentoring/book/", booking.book, name="book"),
    path("mentoring/places/<int:pk>/book/", booking.week, name="week"),
    path("mentoring/places/<int:pk>/book/<int:slot_pk>/", booking.book_slot, name="book_slot"),
    path(
        "mentoring/places/<int:pk>/request/<int:mentor_pk>/",
        booking.request_create,
        name="request_create",
    ),
    path("mentoring/requests/<int:pk>/", booking.request_detail, name="request_detail"),
    path("mentoring/requests/<int:pk>/accept/", booking.request_accept, name="request_accept"),
    path("mentoring/requests/<int:pk>/decline/", booking.request_decline, name="request_decline"),
    path(
        "mentoring/requests/<int:pk>/withdraw/",
        booking.request_withdraw,
        name="request_withdraw",
    ),
    # One consultation.
    path("mentoring/consultations/new/", consultations.ad_hoc, name="ad_hoc"),
    path(
        "mentoring/consultations/<int:pk>/",
        consultations.detail,
        name="consultation_detail",
    ),
    path("mentoring/consultations/<int:pk>/log/", consultations.log, name="consultation_log"),
    path(
        "mentoring/consultations/<int:pk>/cancel/",
        consultations.cancel,
        name="consultation_cancel",
    ),
    path(
        "mentoring/consultations/<int:pk>/move/",
        consultations.reschedule,
        name="consultation_reschedule",
    ),
    path(
        "mentoring/consultations/<int:pk>/confirm/",
        consultations.confirm,
        name="consultation_confirm",
    ),
    path("mentoring/consultations/<int:pk>/rate/", consultations.rate, name="consultation_rate"),
    path(
        "mentoring/consultations/<int:pk>/files/",
        consultations.file_upload,
        name="file_upload",
    ),
    path(
        "mentoring/consultations/<int:pk>/files/<int:file_pk>/",
        consultations.file_download,
        name="file_download",
    ),
    path(
        "mentoring/consultations/<int:pk>/files/<int:file_pk>/delete/",
        consultations.file_delete,
        name="file_delete",
    ),
    path(
        "mentoring/action-items/<int:pk>/done/",
        consultations.item_done,
        name="item_done",
    ),
    # Staff.
    path("mentoring/staff/", staff.overview, name="overview"),
    path(
        "mentoring/staff/cycles/<int:cycle_pk>/consultations.csv",
        staff.export_csv,
        name="export_csv",
    ),
    path(
        "mentoring/staff/cycles/<int:cycle_pk>/consultations.xlsx",
        staff.export_xlsx,
        name="export_xlsx",
    ),
    path("mentoring/staff/cycles/<int:cycle_pk>/matching/", staff.matching, name="matching"),
    path(
        "mentoring/staff/cycles/<int:cycle_pk>/places/<int:place_pk>/assign/",
        staff.assign,
        name="assign",
    ),
    path(
        "mentoring/staff/assignments/<int:pk>/end/",
        staff.assignment_end,
        name="assignment_end",
    ),
    path(
        "mentoring/staff/cycles/<int:cycle_pk>/settings/",
        staff.cycle_settings,
        name="cycle_settings",
    ),
    path("mentoring/staff/mentors/", staff.mentors, name="mentors"),
    path(
        "mentoring/staff/mentors/<int:pk>/resend/",
        staff.invitation_resend,
        name="invitation_resend",
    ),
    path("mentoring/staff/expertise/", staff.tags, name="tags"),
    path("mentoring/staff/expertise/<int:pk>/", staff.tag_edit, name="tag_edit"),
    path("mentoring/staff/partners/", staff.partners, name="partners"),
    path("mentoring/staff/partners/<int:pk>/", staff.partner_edit, name="partner_edit"),
]
