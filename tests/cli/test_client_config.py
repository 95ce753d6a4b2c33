"""The CLI's client settings: options, then PADAN_* environment, then the config file."""

import pytest
from typer.testing import CliRunner

from padan.cli.client import ApiError, ClientSettings
from padan.cli.main import app


@pytest.fixture
def config(tmp_path, monkeypatch):
    path = tmp_path / "client.toml"
    monkeypatch.setenv("PADAN_CONFIG", str(path))
    for name in ("PADAN_SERVER_URL", "PADAN_TOKEN", "PADAN_TOKEN_FILE", "PADAN_RETRIES"):
        monkeypatch.delenv(name, raising=False)
    return path


def test_config_file_is_read_and_environment_and_options_win(config, monkeypatch):
    config.write_text('server_url = "https://linker.example"\nretries = 2\n'
                      'token_file = "/srv/t.token"\n')
    settings = ClientSettings()
    assert (settings.server_url, settings.retries) == ("https://linker.example", 2)
    assert str(settings.token_file) == "/srv/t.token"
    monkeypatch.setenv("PADAN_SERVER_URL", "http://from-env")
    assert ClientSettings().server_url == "http://from-env"
    assert ClientSettings(server_url="http://from-option").server_url == "http://from-option"


def test_missing_config_file_means_defaults(config):
    assert not config.exists()
    assert ClientSettings().server_url == "http://127.0.0.1:8000"


def test_malformed_config_is_a_clear_error_naming_the_file(config):
    config.write_text("server_url = = nope")
    with pytest.raises(ApiError, match="not a valid TOML config file"):
        ClientSettings()
    result = CliRunner().invoke(app, ["status", "demo"])
    assert result.exit_code == 2
    assert result.output.startswith("error: ") and str(config) in result.output
    assert "Traceback" not in result.output
