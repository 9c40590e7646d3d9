"""Golden Thread: outcome-focused recording and support planning for social care."""

__version__ = "0.1.0"
