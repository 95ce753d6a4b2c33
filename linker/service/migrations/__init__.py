"""Alembic migrations of the service's tables, kept as Python modules so they install as code."""
