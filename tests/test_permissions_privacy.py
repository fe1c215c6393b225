"""Every personal-data URL (*My data*, the copy's download, erasure requests, the
staff's erasure and retention pages, the privacy notice) over the core role matrix,
in a table of the same shape as ``tests/test_permissions.py``.

The world adds: a ready copy of the owner's data (its signed link is the download
row's argument) and a pending erasure request of the owner's colleague. Another
person's copy is a 404, even for staff; staff pages are 403 for everyone else."""

import pytest
from django.urls import reverse

from incubator.privacy import services
from incubator.privacy.models import DataExport, ErasureRequest, RetentionPolicy

from . import role_matrix
from .role_matrix import LOGIN, ROLES, Redirect, everyone, only_owner, staff_only


def _extend(world):
    world.export = services.request_export(world.users["owner"])
    services.build_export(world.export.pk)
    world.export.refresh_from_db()
    world.token = services.export_token(world.export)
    world.erasure = services.request_erasure(world.colleague.user, note="Lūdzu dzēst")


world = role_matrix.world_fixture(_extend)


def _user(w, role):
    return w.users[role]


def _new_export(w, role):
    user = _user(w, role)
    return (
        user is not None and DataExport.objects.filter(user=user).exclude(pk=w.export.pk).exists()
    )


def _asked(w, role):
    user = _user(w, role)
    return user is not None and ErasureRequest.objects.filter(user=user, status="pending").exists()


def _everyone_asks(w):
    for user in w.users.values():
        pending = ErasureRequest.objects.filter(user=user, status="pending")
        if user is not None and not pending.exists():
            services.request_erasure(user)


def _withdrawn(w, role):
    user = _user(w, role)
    return (
        user is not None and ErasureRequest.objects.filter(user=user, status="withdrawn").exists()
    )


def _erasure_is(status):
    return lambda w, role: ErasureRequest.objects.get(pk=w.erasure.pk).status == status


CASES = {
    "privacy:notice": ("get", lambda w: [], None, everyone(200, anonymous=200)),
    "privacy:my_data": ("get", lambda w: [], None, everyone(200)),
    "privacy:export_request": ("post", lambda w: [], None, everyone(302)),
    "privacy:download": ("get", lambda w: [w.token], None, {**only_owner(200), "anonymous": LOGIN}),
    "privacy:erasure_request": ("post", lambda w: [], {"note": ""}, everyone(302)),
    "privacy:erasure_withdraw": ("post", lambda w: [], None, everyone(302)),
    "privacy:erasure_list": ("get", lambda w: [], None, staff_only(200)),
    "privacy:erasure_detail": ("get", lambda w: [w.erasure.pk], None, staff_only(200)),
    "privacy:erasure_carry_out": ("post", lambda w: [w.erasure.pk], None, staff_only(302)),
    "privacy:erasure_refuse": (
        "post",
        lambda w: [w.erasure.pk],
        {"refusal_reason": "Programmas atskaitei jāsaglabā ieraksti līdz 2028. gadam."},
        staff_only(302),
    ),
    "privacy:retention": ("get", lambda w: [], None, staff_only(200)),
    "privacy:retention_set": ("post", lambda w: [w.cycle.pk], {"months": "18"}, staff_only(302)),
}


def _to(name, *args):
    return lambda w, role: reverse(name, args=[a(w) for a in args])


REDIRECTS = {
    "privacy:export_request": Redirect(to=_to("privacy:my_data"), done=_new_export),
    "privacy:erasure_request": Redirect(to=_to("privacy:my_data"), done=_asked),
    "privacy:erasure_withdraw": Redirect(
        to=_to("privacy:my_data"), done=_withdrawn, given=_everyone_asks
    ),
    "privacy:erasure_carry_out": Redirect(
        to=_to("privacy:erasure_detail", lambda w: w.erasure.pk), done=_erasure_is("done")
    ),
    "privacy:erasure_refuse": Redirect(
        to=_to("privacy:erasure_detail", lambda w: w.erasure.pk), done=_erasure_is("refused")
    ),
    "privacy:retention_set": Redirect(
        to=_to("privacy:retention"),
        done=lambda w, role: RetentionPolicy.objects.filter(cycle=w.cycle, months=18).exists(),
    ),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(CASES))
def test_permission(db, client, world, name, role):
    role_matrix.check(client, world, name, role, CASES[name], REDIRECTS.get(name))
