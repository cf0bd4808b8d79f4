"""Plumbing every layer shares: kept background tasks and supervised loops (no Discord, ComfyUI or database).

``tasks`` holds tasks by strong reference and logs their failures; ``loops`` runs a background loop so that an
unexpected error is logged with its traceback and the loop goes on after a back-off.
"""
