from django.urls import path

from . import views

app_name = "privacy"

urlpatterns = [
    path("privacy/", views.privacy_notice, name="notice"),
    path("my-data/", views.my_data, name="my_data"),
    path("my-data/export/", views.export_request, name="export_request"),
    path("my-data/download/<str:token>/", views.download, name="download"),
    path("my-data/erasure/", views.erasure_request, name="erasure_request"),
    path("my-data/erasure/withdraw/", views.erasure_withdraw, name="erasure_withdraw"),
    path("staff/privacy/erasure/", views.erasure_list, name="erasure_list"),
    path("staff/privacy/erasure/<int:pk>/", views.erasure_detail, name="erasure_detail"),
    path(
        "staff/privacy/erasure/<int:pk>/erase/",
        views.erasure_carry_out,
        name="erasure_carry_out",
    ),
    path("staff/privacy/erasure/<int:pk>/refuse/", views.erasure_refuse, name="erasure_refuse"),
    path("staff/privacy/retention/", views.retention, name="retention"),
    path("staff/privacy/retention/<int:cycle_pk>/", views.retention_set, name="retention_set"),
]
