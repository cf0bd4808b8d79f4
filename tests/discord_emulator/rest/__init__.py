"""The emulated REST API, split by resource."""
