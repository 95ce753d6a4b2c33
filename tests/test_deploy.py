"""The deployment files keep their promises: compose uses the host's network on loopback and
creates no network, nothing is installed when a container starts, the image runs as a fixed
non-root user on a base image given as a build argument. deploy/verify.sh checks the same
things on real containers (docs/deploy.md); this runs without Docker."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_every_service_uses_the_host_network_and_no_network_is_created():
    config = compose()
    for name, service in config["services"].items():
        assert service["network_mode"] == "host", name
        assert "ports" not in service and "networks" not in service, name
    assert config["networks"] == {"default": {"name": "host", "external": True}}


def test_every_service_listens_on_loopback_by_default():
    services = compose()["services"]
    assert services["api"]["environment"]["PADAN_HOST"] == "${API_HOST:-127.0.0.1}"
    assert "listen_addresses=127.0.0.1" in services["db"]["command"]
    for name in ("scheduler", "dask-worker"):
        command = services[name]["command"]
        assert command[command.index("--host") + 1] == "127.0.0.1", name
        assert command[command.index("--dashboard-address") + 1].startswith("127.0.0.1:"), name


def test_nothing_is_installed_when_a_container_starts():
    text = (ROOT / "docker-compose.yml").read_text()
    assert "pip" not in text and "entrypoint" not in text
    assert all("image" in service for service in compose()["services"].values())


def dockerfile() -> str:
    return (ROOT / "Dockerfile").read_text()


def test_the_image_is_multi_stage_on_a_base_given_as_an_argument():
    text = dockerfile()
    assert text.index("ARG BASE_IMAGE=") < text.index("FROM ${BASE_IMAGE} AS build")
    assert len(re.findall(r"^FROM \$\{BASE_IMAGE\}", text, re.M)) == 2
    assert "COPY --from=build /opt/padan /opt/padan" in text


def test_the_runtime_runs_as_a_fixed_non_root_user_without_pip():
    runtime = dockerfile().split("AS build", 1)[1].split("\nFROM ", 1)[1]
    assert re.search(r"^USER 10001:10001$", runtime, re.M)
    assert "pip install" not in runtime
    assert "pip uninstall --quiet --yes pip setuptools" in dockerfile()


def test_the_build_context_holds_every_package_folder_and_nothing_else():
    ignore = (ROOT / ".dockerignore").read_text().split()
    allowed = {line[1:].rstrip("/") for line in ignore if line.startswith("!")}
    copied = set(re.findall(r"^COPY (\w+) /src/", dockerfile(), re.M))
    folders = {p.parent.name for p in ROOT.glob("*/__init__.py")}
    assert folders <= copied <= allowed
    assert {"pyproject.toml", "README.md", "wheelhouse"} <= allowed


@pytest.mark.parametrize("script", sorted((ROOT / "deploy").rglob("*.sh")), ids=lambda p: p.name)
def test_the_deploy_scripts_parse(script):
    assert subprocess.run(["bash", "-n", str(script)]).returncode == 0
    assert script.stat().st_mode & 0o111, f"{script} is not executable"
