"""The mentoring pages. Thin: every write goes through services, every read through
scoped selectors (another party's object is a 404)."""
