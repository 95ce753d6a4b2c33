"""The HTTP API of the linker service (FastAPI): one router per resource."""
