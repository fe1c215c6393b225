from django.urls import path

from .views import bids, catalogue, mentor, participant, staff

app_name = "funding"

urlpatterns = [
    # The public catalogue (no account needed)
    path("funding/", catalogue.catalogue, name="catalogue"),
    path("funding/sources/<int:pk>/", catalogue.source_detail, name="source_detail"),
    path("funding/deadlines/", catalogue.deadlines, name="deadlines"),
    path("funding/deadlines.ics", catalogue.feed, name="feed"),
    # Anyone signed in
    path("funding/sources/<int:pk>/follow/", participant.follow_source, name="follow_source"),
    path("funding/calls/<int:pk>/follow/", participant.follow_call, name="follow_call"),
    path("funding/searches/", participant.search_save, name="search_save"),
    path("funding/searches/<int:pk>/delete/", participant.search_delete, name="search_delete"),
    # Participants: their organisation's matches
    path("funding/mine/", participant.mine, name="mine"),
    path("funding/mine/<int:organisation_pk>/need/", participant.need, name="need"),
    path(
        "funding/mine/<int:organisation_pk>/sources/<int:pk>/dismiss/",
        participant.dismiss,
        name="dismiss",
    ),
    path(
        "funding/mine/<int:organisation_pk>/sources/<int:pk>/restore/",
        participant.restore,
        name="restore",
    ),
    # Bids: the organisation's people, its assigned mentors, staff
    path("funding/bids/", bids.bid_list, name="bids"),
    # A mentor recommends funding to the organisation assigned to them
    path("funding/places/<int:place_pk>/recommend/", mentor.recommend, name="place_recommend"),
    path("funding/places/<int:place_pk>/bids/new/", bids.bid_create, name="bid_create"),
    path("funding/bids/<int:pk>/", bids.bid_detail, name="bid_detail"),
    path("funding/bids/<int:pk>/edit/", bids.bid_edit, name="bid_edit"),
    path("funding/bids/<int:pk>/status/", bids.bid_status, name="bid_status"),
    path("funding/bids/<int:pk>/review/", bids.bid_review, name="bid_review"),
    path("funding/bids/<int:pk>/comments/", bids.bid_comment, name="bid_comment"),
    path("funding/bids/<int:pk>/documents/", bids.bid_document_add, name="bid_document_add"),
    path(
        "funding/bids/<int:pk>/documents/<int:document_pk>/",
        bids.bid_document,
        name="bid_document",
    ),
    path(
        "funding/bids/<int:pk>/documents/<int:document_pk>/delete/",
        bids.bid_document_delete,
        name="bid_document_delete",
    ),
    # Staff
    path("staff/funding/", staff.home, name="staff_home"),
    path("staff/funding/bids/", bids.board, name="bid_board"),
    path("staff/funding/bids/export.csv", bids.board_csv, name="bid_export_csv"),
    path("staff/funding/bids/export.xlsx", bids.board_xlsx, name="bid_export_xlsx"),
    path("staff/funding/sources/new/", staff.source_create, name="source_create"),
    path("staff/funding/sources/<int:pk>/edit/", staff.source_edit, name="source_edit"),
    path("staff/funding/sources/<int:pk>/checked/", staff.source_checked, name="source_checked"),
    path("staff/funding/sources/<int:pk>/calls/new/", staff.call_create, name="call_create"),
    path("staff/funding/calls/<int:pk>/edit/", staff.call_edit, name="call_edit"),
    path("staff/funding/calls/<int:pk>/delete/", staff.call_delete, name="call_delete"),
    path("staff/funding/import/", staff.import_upload, name="import"),
    path("staff/funding/import/confirm/", staff.import_confirm, name="import_confirm"),
    path("staff/funding/export.csv", staff.export_csv, name="export_csv"),
    path("staff/funding/export.xlsx", staff.export_xlsx, name="export_xlsx"),
    path("staff/funding/dismissals/", staff.dismissals, name="dismissals"),
    path("staff/funding/organisations/", staff.organisations, name="organisations"),
    path("staff/funding/organisations/<int:pk>/", staff.organisation, name="organisation"),
    path(
        "staff/funding/organisations/<int:pk>/recommend/",
        staff.recommend,
        name="recommend",
    ),
]
