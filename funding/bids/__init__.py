"""Bids: the funding applications an organisation taking part in a cycle prepares,
their review by its mentor or staff, and the staff's board of a cycle's bids.

Models (``models``, registered through ``funding.models``), writes (``services``),
reads (``selectors``), forms, deadline reminders and exports each live here; the
views are ``funding.views.bids``."""
