"""Workflows added from Discord, merged with the built-in ones and WORKFLOWS_DIR's into one live catalogue."""
