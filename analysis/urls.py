from django.urls import path

from . import views

app_name = "analysis"

urlpatterns = [
    path("analysis/", views.home, name="home"),
    path("analysis/assessments/<int:pk>/", views.assessment, name="assessment"),
    path("analysis/assessments/<int:pk>/autosave/", views.autosave, name="autosave"),
    path("analysis/assessments/<int:pk>/invite/", views.invite, name="invite"),
    path("analysis/assessments/<int:pk>/agree/", views.agree, name="agree"),
    path("analysis/places/<int:pk>/", views.results, name="results"),
    path("analysis/places/<int:pk>/feedback/", views.feedback, name="feedback"),
    path(
        "analysis/places/<int:pk>/recommendations/",
        views.recommendation_add,
        name="recommendation_add",
    ),
    path(
        "analysis/recommendations/<int:pk>/status/",
        views.recommendation_status,
        name="recommendation_status",
    ),
    path(
        "analysis/recommendations/<int:pk>/action-items/",
        views.recommendation_action_item,
        name="recommendation_action_item",
    ),
    path(
        "analysis/recommendations/<int:pk>/funding/",
        views.recommendation_funding,
        name="recommendation_funding",
    ),
    path("analysis/places/<int:pk>/report/", views.report, name="report"),
    path("results/", views.public, name="public"),
    path("results/<int:cycle_pk>/", views.public, name="public_cycle"),
    path("analysis/staff/", views.overview, name="overview"),
    path("analysis/staff/cycles/<int:cycle_pk>/", views.cycle, name="cycle"),
    path("analysis/staff/cycles/<int:cycle_pk>/results/", views.dashboard, name="dashboard"),
    path(
        "analysis/staff/cycles/<int:cycle_pk>/capacity-change.csv",
        views.export_csv,
        name="export_csv",
    ),
    path(
        "analysis/staff/cycles/<int:cycle_pk>/capacity-change.xlsx",
        views.export_xlsx,
        name="export_xlsx",
    ),
    path(
        "analysis/staff/cycles/<int:cycle_pk>/results/<slug:table>.csv",
        views.results_csv,
        name="results_csv",
    ),
    path(
        "analysis/staff/cycles/<int:cycle_pk>/results/<slug:table>.xlsx",
        views.results_xlsx,
        name="results_xlsx",
    ),
    path(
        "analysis/staff/cycles/<int:cycle_pk>/report/",
        views.programme_report,
        name="programme_report",
    ),
    path("analysis/places/<int:pk>/listing/", views.listing, name="listing"),
]
