"""padan attack: every attack family selectable, precision and recovered values in the JSON."""

import json
from pathlib import Path

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
    result = runner.invoke(app, ["attack", "--records", "50", "--bit-range", "600:9000"])
    assert result.exit_code != 0
    assert "--bit-range" in result.output
    result = runner.invoke(app, ["attack", "--records", "50", "--bit-range", "abc"])
    assert result.exit_code != 0


def test_the_cli_offers_exactly_the_fields_the_attacks_model():
    from padan.cli.attack_commands import FIELD_KINDS
    from padan.evaluation.field_attacks import ATTACKED_KINDS

    assert FIELD_KINDS == ATTACKED_KINDS


def test_attack_on_a_fields_values(tmp_path):
    out = tmp_path / "attacks.json"
    result = runner.invoke(app, ["attack", "--field", "birthplace", "--records", "300",
                                 "--public", "300", "--only", "graph-matching", "--json",
                                 str(out)])
    assert result.exit_code == 0, result.output
    rows = json.loads(out.read_text())
    # pointed at the segment that holds the birthplace (the default's asal_lahir), only there
    assert rows and all(r["attack"].endswith("[asal_lahir]@birthplace") for r in rows)
    assert "birthplace values" in " ".join(result.output.split())


def test_attack_refuses_a_field_it_does_not_model_or_the_schema_lacks(tmp_path):
    result = runner.invoke(app, ["attack", "--field", "kk", "--records", "50"])
    assert result.exit_code != 0 and "--field" in result.output
    schema = tmp_path / "schema.toml"
    schema.write_text((Path(__file__).resolve().parents[2] / "docs" / "schemas" /
                       "four-fields.toml").read_text(encoding="utf-8"), encoding="utf-8")
    result = runner.invoke(app, ["attack", "--field", "mother_name", "--schema", str(schema),
                                 "--records", "50"])
    assert result.exit_code != 0 and "mother_name" in result.output
