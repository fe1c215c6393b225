"""Domain events from the kernel, each handled by one service call."""

from incubator import signals

from . import services


def on_member_joined(sender, organisation, user, **kwargs):
    services.recuse_on_joining(organisation, user)


def connect():
    signals.member_joined.connect(on_member_joined, dispatch_uid="applications.recuse_on_joining")
