from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from incubator.demo import DEMO_TOTP_KEY, PASSWORD, PEOPLE, Demo


class Command(BaseCommand):
    help = (
        "Builds the demo programme modelled on the Liepāja pilot (idempotent: "
        "running it again changes nothing). Each app's demo.py adds its part."
    )

    def handle(self, *args, **options):
        demo = Demo()
        for config in apps.get_app_configs():
            module = f"{config.name}.demo"
            if find_spec(module) is not None:
                # One transaction per app, so the domain events an app's seed causes
                # (sent on commit) have reached the apps downstream before they seed.
                with transaction.atomic():
                    import_module(module).seed(demo)
        for line in demo.log:
            self.stdout.write(f"  {line}")
        self.stdout.write(f"Demo logins (password for all: {PASSWORD}):")
        for email, first_name, last_name, role in PEOPLE:
            self.stdout.write(f"  {role:<10} {email}  ({first_name} {last_name})")
        self.stdout.write(
            "Staff and the administrator also give a code from an authenticator app: add the "
            f"key {DEMO_TOTP_KEY} to one, or run `make demo-code` for the current code."
        )
