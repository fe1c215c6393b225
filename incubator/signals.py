"""Domain events the kernel announces to the apps downstream of it.

Each is sent after the transaction that caused it commits. Receivers live in the
downstream app's receivers.py and call one of that app's service functions.
"""

from django.dispatch import Signal

# A person accepted an invitation and joined an organisation (keyword arguments
# ``organisation`` and ``user``).
member_joined = Signal()
