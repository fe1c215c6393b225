"""Domain events the applications app announces to the apps downstream of it.

Each is sent after the transaction that caused it commits, with the keyword
argument ``application``. Receivers live in the downstream app's receivers.py and
call one of that app's service functions.
"""

from django.dispatch import Signal

# An application was admitted to its cycle (the organisation joins the programme).
application_admitted = Signal()

# An application that had been admitted left the programme (it was withdrawn or
# its decision changed).
admission_revoked = Signal()
