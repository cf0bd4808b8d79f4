"""Workflow templates: API-format graphs, their automatic parameter binding and validation."""
