"""Help texts and user docs: every command explains itself with an example, docs/cli.md is the
generated reference and current, and the README's commands exist."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from padan.cli.docgen import commands, main, render, split_help
from padan.cli.main import app

ROOT = Path(__file__).resolve().parents[1]
ALL = commands(app)
LEAVES = [(path, command) for path, command in ALL if not hasattr(command, "commands")]
runner = CliRunner()


def test_there_are_commands_for_every_role():
    names = {path[0] for path, _ in ALL}
    assert {"demo", "keygen", "encode", "upload", "results", "reveal", "serve", "project", "run",
            "link", "report", "audit"} <= names


@pytest.mark.parametrize("path", [p for p, _ in ALL], ids=" ".join)
def test_every_command_has_help(path):
    result = runner.invoke(app, [*path, "--help"])
    assert result.exit_code == 0, result.output
    command = dict(ALL)[path]
    description, _ = split_help(command.help or "")
    assert len(description) > 20, f"padan {' '.join(path)} needs a help text"


@pytest.mark.parametrize("path", [p for p, _ in LEAVES], ids=" ".join)
def test_every_command_has_an_example_that_names_it(path):
    _, examples = split_help(dict(ALL)[path].help or "")
    assert examples, f"padan {' '.join(path)}: add 'Example: padan ...' to its help"
    words = " ".join(path)
    assert any(f"padan {words}" in example for example in examples), examples


def test_docs_cli_md_is_current():
    current = (ROOT / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == render(app), "docs/cli.md is out of date: run python -m padan.cli.docgen"


def test_the_reference_names_every_command():
    text = render(app)
    for path, _ in ALL:
        assert f"`padan {' '.join(path)}`" in text


def test_docgen_check_mode_reports_a_stale_file(tmp_path):
    stale = tmp_path / "cli.md"
    stale.write_text("# old\n")
    assert main(["--check", str(stale)]) == 1
    assert main([str(stale)]) == 0 and main(["--check", str(stale)]) == 0
    assert stale.read_text() == render(app)


def test_split_help_finds_examples_inline_and_plural():
    assert split_help("Show it.  Example: padan x y") == ("Show it.", ["padan x y"])
    assert split_help("Do.\n\nExamples: padan a ; padan b --c") == ("Do.", ["padan a",
                                                                           "padan b --c"])
    assert split_help("Only words.") == ("Only words.", [])


# -- README ---------------------------------------------------------------------------------------

def readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readmes_two_commands_run_the_demo_and_the_tests():
    block = re.search(r"## The two commands\n\n```sh\n(.*?)```", readme(), re.S).group(1)
    commands_ = [line for line in block.splitlines() if line and not line.startswith("#")]
    assert len(commands_) == 2
    assert commands_[0].endswith(".venv/bin/padan demo")
    assert commands_[1].endswith(".venv/bin/python -m pytest -q -n auto")
    assert '".[test]"' in commands_[1]


def test_the_readme_has_a_walkthrough_for_each_role():
    for role in ("as an agency", "as the coordinator", "as an auditor"):
        assert f"## Ten minutes {role}" in readme()


def test_every_padan_command_in_the_readme_exists():
    names = {path: command for path, command in ALL}
    used = re.findall(r"`(?:[A-Z_]+=\S+\s+)*padan ([a-z][a-z-]*(?:\s+[a-z][a-z-]*)?)", readme())
    assert len(used) > 15
    for words in used:
        parts = tuple(shlex.split(words))
        assert parts in names or parts[:1] in names, f"README uses unknown: padan {words}"


def test_the_readmes_links_point_at_files_that_exist():
    for target in re.findall(r"\]\(([^)#]+)\)", readme()):
        assert (ROOT / target).is_file(), target


def test_architecture_names_every_package_and_explains_the_namespace():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for package in ("padan.encoder", "padan.linker", "padan.cli", "padan.synth",
                    "padan.evaluation"):
        assert package in text
    assert "namespace" in text and "Who sees what" in text
