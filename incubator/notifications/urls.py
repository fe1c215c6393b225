from django.urls import path

from . import views

app_name = "notifications"

urlpatterns = [
    path("staff/outbox/", views.outbox, name="outbox"),
    path("staff/outbox/<int:pk>/", views.email_detail, name="email_detail"),
    path("staff/outbox/<int:pk>/retry/", views.email_retry, name="email_retry"),
]
