"""The applications app's views, by who uses them: the organisation (applicant),
reviewers (reviewer), and staff (staff, setup, ranking, letters)."""
