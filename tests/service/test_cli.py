"""The service commands through typer's runner: help everywhere, clear errors, no tracebacks."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from padan.cli.main import app

runner = CliRunner()
COMMANDS = [["serve"], ["worker"], ["upload"], ["run"], ["status"], ["results"], ["withdraw"],
            ["report"],
            ["project", "create"], ["project", "show"], ["project", "close"],
            ["audit", "verify"], ["admin", "create-coordinator"]]


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_has_help_with_an_example(command):
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0 and "Example" in result.output


def test_unreachable_server_is_a_one_line_error(monkeypatch):
    monkeypatch.setenv("PADAN_SERVER_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("PADAN_RETRIES", "0")
    monkeypatch.setenv("PADAN_TOKEN", "padan_x")
    result = runner.invoke(app, ["status", "proj"])
    assert result.exit_code == 2
    assert result.output.startswith("error: cannot reach the linker")
    assert "Traceback" not in result.output and "padan_x" not in result.output


def test_report_html_without_the_dashboard_is_refused_clearly(monkeypatch):
    import padan.cli.service_commands as commands

    monkeypatch.setattr(commands.util, "find_spec", lambda name: None)
    result = runner.invoke(app, ["report", "proj", "--format", "html"])
    assert result.exit_code == 2 and "dashboard" in result.output


def test_unknown_report_format_is_refused():
    result = runner.invoke(app, ["report", "proj", "--format", "pdf"])
    assert result.exit_code == 2 and "--format must be" in result.output


def test_upload_of_a_missing_file_names_the_file(tmp_path):
    result = runner.invoke(app, ["upload", "proj", str(tmp_path / "none.padan")])
    assert result.exit_code == 2 and "none.padan: file not found" in result.output
