from django.urls import path

from .views import applicant, letters, offers, ranking, reviewer, setup, staff

app_name = "applications"

review = "staff/cycles/<int:cycle_pk>/review"

urlpatterns = [
    # The organisation's pages.
    path("dashboard/", applicant.dashboard, name="dashboard"),
    path("cycles/<int:cycle_pk>/apply/<int:organisation_pk>/", applicant.start, name="start"),
    path("applications/<int:pk>/", applicant.edit, name="edit"),
    path("applications/<int:pk>/autosave/", applicant.autosave, name="autosave"),
    path("applications/<int:pk>/withdraw/", applicant.withdraw, name="withdraw"),
    path("offers/<int:pk>/", offers.offer, name="offer"),
    path("offers/<int:pk>/accept/", offers.offer_accept, name="offer_accept"),
    path("offers/<int:pk>/decline/", offers.offer_decline, name="offer_decline"),
    path(
        "applications/<int:pk>/attachments/",
        applicant.attachment_upload,
        name="attachment_upload",
    ),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/",
        applicant.attachment_download,
        name="attachment_download",
    ),
    path(
        "applications/<int:pk>/attachments/<int:attachment_pk>/delete/",
        applicant.attachment_delete,
        name="attachment_delete",
    ),
    # The reviewer's pages.
    path("reviews/", reviewer.reviewer_dashboard, name="reviewer_dashboard"),
    path("reviews/<int:pk>/", reviewer.review, name="review"),
    path("reviews/<int:pk>/autosave/", reviewer.review_autosave, name="review_autosave"),
    path("reviews/<int:pk>/conflict/", reviewer.review_conflict, name="review_conflict"),
    path("reviews/<int:pk>/reopen/", reviewer.review_reopen, name="review_reopen"),
    path("reviews/<int:pk>/others/", reviewer.review_others, name="review_others"),
    path(
        "reviews/<int:pk>/attachments/<int:attachment_pk>/",
        reviewer.review_attachment,
        name="review_attachment",
    ),
    # Staff: applications.
    path("staff/applications/", staff.staff_list, name="staff_list"),
    path("staff/applications/<int:pk>/", staff.staff_detail, name="staff_detail"),
    path("staff/applications/<int:pk>/eligibility/", staff.eligibility, name="eligibility"),
    path("staff/applications/<int:pk>/decide/", staff.decide, name="decide"),
    path("staff/applications/<int:pk>/assign/", staff.assign, name="assign"),
    path("staff/reviews/<int:pk>/unassign/", staff.unassign, name="unassign"),
    path("staff/reviews/<int:pk>/reopen/", staff.reopen_review, name="staff_reopen_review"),
    # Staff: a cycle's evaluation.
    path("staff/review/", setup.review_home, name="review_home"),
    path(f"{review}/settings/", setup.review_settings, name="review_settings"),
    path(f"{review}/criteria/", setup.criteria, name="review_criteria"),
    path(f"{review}/eligibility/", setup.requirements, name="review_requirements"),
    path(f"{review}/committee/", setup.committee, name="review_committee"),
    path(
        f"{review}/committee/<int:pk>/resend/",
        setup.committee_resend,
        name="review_committee_resend",
    ),
    path(
        f"{review}/committee/<int:pk>/remove/",
        setup.committee_remove,
        name="review_committee_remove",
    ),
    path(f"{review}/progress/", setup.progress, name="review_progress"),
    path(f"{review}/assign/", setup.auto_assign, name="review_auto_assign"),
    path(f"{review}/ranking/", ranking.ranking, name="review_ranking"),
    path(f"{review}/ranking/finalise/", ranking.finalise, name="review_finalise"),
    path(f"{review}/ranking/decide/", ranking.decide_in_bulk, name="review_decide"),
    path(f"{review}/ranking.csv", ranking.ranking_csv, name="review_ranking_csv"),
    path(f"{review}/ranking.xlsx", ranking.ranking_xlsx, name="review_ranking_xlsx"),
    path(f"{review}/protocol/", ranking.protocol, name="review_protocol"),
    path(f"{review}/conflicts/", ranking.conflicts, name="review_conflicts"),
    path(f"{review}/conflicts.csv", ranking.conflicts_csv, name="review_conflicts_csv"),
    path(f"{review}/audit/", ranking.audit, name="review_audit"),
    path(f"{review}/decisions/", letters.decisions, name="review_decisions"),
    path(f"{review}/letters/", letters.letter_templates, name="review_letter_templates"),
    path(f"{review}/letters/preview/", letters.letters_preview, name="review_letters_preview"),
    path(f"{review}/letters/send/", letters.letters_send, name="review_letters_send"),
    path(f"{review}/offers/", offers.offer_places, name="review_offer_places"),
]
