"""Content safety: an image classifier on results and input pictures, and what a guild's policy does with
what it flags (nothing, a spoiler, or holding the result back)."""
