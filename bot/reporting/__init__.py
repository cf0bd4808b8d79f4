"""Showing jobs on Discord: one message per request, edited in place from queued to the final result."""
