"""The benchmarks (see ``__main__.py``) and their size.

``BENCH_SIZE`` chooses how much data each benchmark seeds: ``full`` (the default;
``make bench``) is the scale at which the issues state their targets, ``quick``
(``make bench BENCH_SIZE=quick``, as CI runs it) goes through the same steps, checks
and figures on a small seed, to show that the benchmarks still work."""

import os

SIZES = ("full", "quick")


def size():
    value = os.environ.get("BENCH_SIZE") or "full"
    if value not in SIZES:
        raise SystemExit(f"BENCH_SIZE={value}: choose one of {', '.join(SIZES)}")
    return value


def scaled(full, quick):
    """``full`` at the full size, ``quick`` at the quick one."""
    return quick if size() == "quick" else full


def with_authenticator(user):
    """Staff sign in with an authenticator app (incubator/mfa.py): gives a benchmark's
    staff member one, so that their pages open rather than send them to set it up."""
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, generate_totp_secret())
    return user
