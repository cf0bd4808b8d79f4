"""The built-in API-format workflows shipped with the package (data, read with importlib.resources)."""
