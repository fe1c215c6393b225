"""Domain events from the applications app, each handled by one service call."""

from applications import signals

from . import services


def on_application_admitted(sender, application, **kwargs):
    services.place_admitted(application)


def on_admission_revoked(sender, application, **kwargs):
    services.revoke_place(application)


def connect():
    signals.application_admitted.connect(
        on_application_admitted, dispatch_uid="cohorts.place_admitted"
    )
    signals.admission_revoked.connect(on_admission_revoked, dispatch_uid="cohorts.revoke_place")
