"""padan attack: every attack family selectable, precision and recovered values in the JSON."""

import json

from typer.testing import CliRunner

from padan.cli.attack_commands import ATTACKS
from padan.cli.main import app
from padan.evaluation import simulation

runner = CliRunner()


def test_the_cli_offers_exactly_the_simulation_attacks():
    assert ATTACKS == simulation.ATTACKS


def test_attack_runs_the_chosen_attacks_on_a_bit_range(tmp_path):
    out = tmp_path / "attacks.json"
    result = runner.invoke(app, ["attack", "--records", "400", "--public", "2000", "--only",
                                 "hamming-weight", "--only", "frequency", "--bit-range",
                                 "0:512", "--json", str(out)])
    assert result.exit_code == 0, result.output
    rows = {row["attack"]: row for row in json.loads(out.read_text())}
    assert {"hamming-weight", "frequency:blocking", "frequency:filters"} <= set(rows)
    assert "graph-matching" not in rows
    assert "precision" in rows["hamming-weight"]
    assert "birth_year" in rows["frequency:blocking"]["recovered"]


def test_attack_refuses_a_bad_bit_range():
    result = runner.invoke(app, ["attack", "--records", "50", "--bit-range", "600:5000"])
    assert result.exit_code != 0
    assert "--bit-range" in result.output
    result = runner.invoke(app, ["attack", "--records", "50", "--bit-range", "abc"])
    assert result.exit_code != 0
