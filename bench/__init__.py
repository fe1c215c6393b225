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
