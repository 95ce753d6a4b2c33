"""The plain commands the end-to-end tests start, and docker-compose.yml must run."""

SERVE = ["padan", "serve"]
WORKER = ["padan", "worker"]
