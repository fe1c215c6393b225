"""Domain events from the apps upstream, each handled by one service call."""

from applications import signals

from . import opening


def on_application_admitted(sender, application, **kwargs):
    opening.open_baseline(application)


def connect():
    signals.application_admitted.connect(
        on_application_admitted, dispatch_uid="analysis.open_baseline"
    )
