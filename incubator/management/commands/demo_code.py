import time

from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.core.management.base import BaseCommand

from incubator.demo import DEMO_TOTP_KEY


class Command(BaseCommand):
    help = (
        "Prints the current sign-in code of the demo's staff and administrator (their "
        "authenticator key is the demo's published one)."
    )

    def handle(self, *args, **options):
        code = format_hotp_value(hotp_value(DEMO_TOTP_KEY, int(time.time()) // 30))
        self.stdout.write(code)
