"""padan evaluate and padan attack through the CLI on small synthetic sets."""

import json

from typer.testing import CliRunner

from padan.cli.main import app

runner = CliRunner()


def test_evaluate_on_fresh_synthetic_lists_writes_json(tmp_path):
    out = tmp_path / "quality.json"
    result = runner.invoke(app, ["evaluate", "--records", "400", "--seed", "3", "--json",
                                 str(out)])
    assert result.exit_code == 0, result.output
    assert "links+possible" in result.output
    text = " ".join(result.output.split())
    data = json.loads(out.read_text())
    # scored by the match model: its own threshold against the best one with the truth
    assert data["scoring"] == "model" and data["match_model"] is not None
    assert (f"linked at match probability {data['match_threshold']:.4f} (automatic" in text
            and "best probability threshold" in text)
    assert data["links"]["f1"] > 0.8
    assert "realistic names" in data["source"]   # the generator's default name model
    assert len(data["curve"]) > 10
    assert sum(data["records"].values()) > 780   # a record without usable fields is skipped


def test_evaluate_takes_the_run_options(tmp_path):
    result = runner.invoke(app, ["evaluate", "--records", "400", "--seed", "3", "--scoring",
                                 "dice", "--match-threshold", "0.8", "--possible-threshold",
                                 "0.7"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "thresholds used: match 0.80, possible 0.70" in text and "best match threshold" in text
    assert "histogram valley" in text and "suggestion" in text and "automatic" not in text


def test_evaluate_a_synth_folder(tmp_path):
    made = runner.invoke(app, ["synth", "--out", str(tmp_path), "--population", "3000",
                               "--agencies", "DTKS:500,KJP:300,KIS:400"])
    assert made.exit_code == 0, made.output
    result = runner.invoke(app, ["evaluate", "--data", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "DTKS x KJP" in result.output and "KJP x KIS" in result.output


def test_evaluate_refuses_a_folder_without_truth(tmp_path):
    result = runner.invoke(app, ["evaluate", "--data", str(tmp_path)])
    assert result.exit_code == 2
    assert "truth.csv" in result.output and "Traceback" not in result.output


def test_evaluate_refuses_a_missing_folder(tmp_path):
    result = runner.invoke(app, ["evaluate", "--data", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "not a folder" in result.output


def test_evaluate_refuses_bad_thresholds():
    result = runner.invoke(app, ["evaluate", "--records", "50", "--match-threshold", "0.6",
                                 "--possible-threshold", "0.7"])
    assert result.exit_code == 2 and "possible_threshold" in result.output


def test_attack_prints_every_attack_and_writes_json(tmp_path):
    out = tmp_path / "attacks.json"
    result = runner.invoke(app, ["attack", "--records", "600", "--public", "3000", "--json",
                                 str(out)])
    assert result.exit_code == 0, result.output
    attacks = {row["attack"] for row in json.loads(out.read_text())}
    # the default's filter is salted segments: filter attacks run on each name segment
    assert {"frequency:filters[nama_lahir]", "pattern-mining[nama_lahir]",
            "graph-matching[nama_nik]", "hamming-weight[nama_nik]"} <= attacks
    assert all(row["name_share"] < 0.05 for row in json.loads(out.read_text()))


def test_attack_runs_on_classic_names_unless_told_otherwise():
    """The attacks' default stays classic (the harder case for privacy) while padan synth's is
    realistic; --names realistic is taken and named in the title."""
    for extra, model in (([], "classic"), (["--names", "realistic"], "realistic")):
        result = runner.invoke(app, ["attack", "--records", "100", "--public", "500", "--only",
                                     "hamming-weight", *extra], terminal_width=200)
        assert result.exit_code == 0, result.output
        assert f"(dirt moderate, {model} names, seed 7)" in result.output


def test_attack_refuses_an_unknown_attack():
    result = runner.invoke(app, ["attack", "--records", "50", "--only", "telepathy"])
    assert result.exit_code == 2 and "telepathy" in result.output


def test_attack_refuses_a_bad_dirt_level():
    result = runner.invoke(app, ["attack", "--records", "50", "--dirt", "filthy"])
    assert result.exit_code == 2 and "dirt" in result.output


def test_evaluate_says_none_to_measure_without_duplicates(tmp_path):
    """50 records a list at the default 1 % repeat rate: no duplicate in the truth or found, so
    precision, recall and F1 of duplicates are not 1.0 but unmeasured."""
    out = tmp_path / "quality.json"
    result = runner.invoke(app, ["evaluate", "--records", "50", "--json", str(out)])
    assert result.exit_code == 0, result.output
    (line,) = [row for row in result.output.splitlines() if "duplicates" in row and "│" in row]
    assert "1.0000" not in line and "-" in line
    assert "duplicates: none to measure" in result.output
    duplicates = json.loads(out.read_text())["duplicates"]
    assert duplicates == {"true_positives": 0, "false_positives": 0, "false_negatives": 0,
                          "precision": None, "recall": None, "f1": None}
