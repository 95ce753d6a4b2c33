"""Settings: every one documented, production refuses placeholders; docker-compose matches."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from padan.cli.client import ClientSettings
from padan.linker.service import Settings
from padan.linker.service.settings import PLACEHOLDER_PEPPER

from .commands import SERVE, WORKER

ROOT = Path(__file__).resolve().parents[2]


def _documented() -> set[str]:
    return set(re.findall(r"`(PADAN_[A-Z_]+)`", (ROOT / "docs/operations.md").read_text()))


@pytest.mark.parametrize("model", [Settings, ClientSettings])
def test_every_setting_is_documented(model):
    names = {f"PADAN_{name.upper()}" for name in model.model_fields}
    missing = names - _documented()
    assert not missing, f"not in docs/operations.md: {sorted(missing)}"


def test_production_refuses_the_placeholder_pepper():
    with pytest.raises(ValidationError, match="PADAN_TOKEN_PEPPER"):
        Settings(env="production")
    with pytest.raises(ValidationError, match="PADAN_TOKEN_PEPPER"):
        Settings(env="production", token_pepper="short")
    assert Settings(env="production", token_pepper="x" * 40).env == "production"
    assert Settings().token_pepper.get_secret_value() == PLACEHOLDER_PEPPER  # fine in development


def test_settings_come_from_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PADAN_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PADAN_MAX_UPLOAD_BYTES", "123")
    monkeypatch.setenv("PADAN_EMBEDDED_WORKER", "true")
    settings = Settings()
    assert (settings.data_dir, settings.max_upload_bytes, settings.embedded_worker) == (
        tmp_path, 123, True)
    assert settings.resolved_database_url == f"sqlite:///{tmp_path.resolve() / 'padan.db'}"


def test_tls_files_come_in_pairs_and_unsupported_stores_are_refused(tmp_path):
    with pytest.raises(ValidationError, match="together"):
        Settings(tls_certfile=tmp_path / "c.pem")
    with pytest.raises(ValidationError, match="no file system for nosuch://"):
        Settings(store_url="nosuch://bucket/padan")
    assert Settings(store_url=f"file://{tmp_path}").store_location == tmp_path
    assert Settings(store_url="s3://bucket/padan/").store_location == "s3://bucket/padan"


def test_compose_file_parses_and_runs_the_commands_the_tests_start():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "api", "worker", "scheduler", "dask-worker"}
    assert services["api"]["command"] == SERVE
    assert services["worker"]["command"] == WORKER
    assert services["scheduler"]["command"][:2] == ["dask", "scheduler"]
    assert services["dask-worker"]["command"][:2] == ["dask", "worker"]
    known = {f"PADAN_{name.upper()}" for name in Settings.model_fields}
    for name, service in services.items():
        assert "healthcheck" in service, name
        padan_vars = {key for key in service.get("environment", {}) if key.startswith("PADAN_")}
        assert padan_vars <= known, f"{name}: unknown settings {padan_vars - known}"
    assert services["api"]["environment"]["PADAN_ENV"] == "production"
