"""Runs every benchmark in this package and prints one line per figure, ``name: value``.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/incubator python -m bench [module ...]
    BENCH_SIZE=quick DATABASE_URL=... python -m bench      # the small seed CI runs

Each benchmark is a module here with ``run(report)``; it seeds its own data in a fresh
scratch database (created and dropped around the run, like a test database) and calls
``report(name, value)``. Ratios are measured within one run. Every module not starting
with ``_`` is a benchmark (``load``: the portal under gunicorn and wrk on loopback,
needs Debian's ``wrk``; ``assignment``; ``bids``; ``mentoring``; ``privacy``; ``ranking``;
``reminders``). Sizes come from ``bench.scaled(full, quick)``, so that ``BENCH_SIZE=quick``
runs the same steps and checks on a small seed (figures named after a size say which) and
shortens the load runs (5 s per page, 10 s for the mixed load).
"""

import importlib
import os
import pkgutil
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

# What a benchmark may change of the Celery app for its own run (see ``main``).
TASK_SETTINGS = ("task_always_eager", "broker_url")


def main(selected):
    import django

    from bench import size

    print(f"bench: {size()} size (BENCH_SIZE)", file=sys.stderr, flush=True)

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test.utils import setup_test_environment

    from incubator.celery import app as celery

    if connection.vendor != "postgresql":
        print(
            "bench: DATABASE_URL does not point at PostgreSQL; figures are not comparable",
            file=sys.stderr,
        )
    settings.DEBUG = False
    # The pages benchmarked in this process are made afresh each time: their queries and
    # time are the work itself. bench/load.py measures kept pages (incubator/pagecache.py)
    # in its own servers, both kept and made afresh.
    settings.PAGE_CACHE = False
    setup_test_environment()
    original_name = settings.DATABASES["default"]["NAME"]
    package = os.path.dirname(__file__)
    names = [m.name for m in pkgutil.iter_modules([package]) if not m.name.startswith("_")]
    for name in names:
        if selected and name not in selected:
            continue
        module = importlib.import_module(f"bench.{name}")

        def report(figure, value):
            print(f"{figure}: {value}", flush=True)

        # Each benchmark on its own empty database: none sees another's rows. And with
        # the task settings it started with: one that queues its tasks instead of running
        # them (mentoring, reminders) leaves no later one without its refreshes.
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
        tasks = {key: celery.conf[key] for key in TASK_SETTINGS}
        try:
            module.run(report)
        finally:
            celery.conf.update(tasks)
            connection.creation.destroy_test_db(original_name, verbosity=0)


if __name__ == "__main__":
    main(sys.argv[1:])
