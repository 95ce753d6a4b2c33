"""Every run parameter is a `padan link` option; options and the JSON file agree, options win."""

from __future__ import annotations

from dataclasses import fields

from typer.testing import CliRunner

from padan.cli.docgen import commands
from padan.cli.main import app
from padan.cli.run_options import given_parameters, option_name
from padan.linker.parameters import LinkParameters

runner = CliRunner()


def link_options() -> set[str]:
    command = dict(commands(app))[("link",)]
    return {name for param in command.params for name in param.opts}


def test_every_run_parameter_is_an_option_of_link():
    options = link_options()
    missing = [f.name for f in fields(LinkParameters) if option_name(f.name) not in options]
    assert not missing, f"padan link lacks options for {missing}"
    assert {"--match-threshold", "--possible-threshold", "--parameters", "--json"} <= options


def test_options_given_become_parameters_and_blocking_splits_on_commas():
    given = given_parameters({"match_threshold": 0.9, "possible_threshold": None,
                              "blocking": "identity, keys", "dedup": False})
    assert given == {"match_threshold": 0.9, "blocking": ["identity", "keys"], "dedup": False}
    assert LinkParameters.from_dict(given).blocking == ("identity", "keys")
