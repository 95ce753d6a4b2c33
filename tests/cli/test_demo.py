"""`padan demo`: the README's first command, as a subprocess, and what it leaves behind."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from padan.cli.demo_commands import MARKER, PairQuality, pair_quality, read_truth
from padan.cli.local_server import serve_in_thread
from padan.cli.main import app
from padan.cli.reveal_commands import RecordMatch

runner = CliRunner()
PADAN = Path(sys.executable).with_name("padan")


@pytest.fixture(scope="module")
def demo(tmp_path_factory) -> tuple[Path, str]:
    """One small demo, run as a user runs it: the console script in a subprocess."""
    folder = tmp_path_factory.mktemp("demo") / "padan-demo"
    done = subprocess.run([str(PADAN), "demo", "--out", str(folder), "--size", "400",
                           "--seed", "2"], capture_output=True, text=True, timeout=600,
                          env={**os.environ, "COLUMNS": "120"})
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    return folder, done.stdout


def test_the_demo_prints_the_overlap_the_truth_and_where_the_files_are(demo):
    folder, output = demo
    assert "pairwise overlap" in output and "combinations" in output
    for name in ("DTKS", "KJP", "KIS"):
        assert f"{name}: " in output and "records found on another list" in output
    assert "precision" in output and "recall" in output
    assert f"auditors' dashboard: {folder / 'auditor' / 'dashboard.html'}" in output
    assert re.search(r"finished in \d+\.\d s", output)


def test_the_demo_scores_well_against_the_truth(demo):
    _, output = demo
    cells = r"\s*([\d,.]+%?) │"
    row = re.search(r"│ match\s+│" + cells * 5, output)
    assert row, output
    precision, recall = float(row.group(4).rstrip("%")), float(row.group(5).rstrip("%"))
    assert precision > 70 and recall > 70


def test_the_demo_answers_the_three_questions_and_scores_them_against_the_truth(demo):
    _, output = demo
    assert "the three questions" in output and "the three answers against" in output
    for question in ("double recipients", "the dead still paid", "eligible but missing"):
        row = re.search(rf"│ {question}\s+│[^│]*│" + r"\s*([\d,.]+%?) │" * 5, output)
        assert row, (question, output)
        precision, recall = float(row.group(4).rstrip("%")), float(row.group(5).rstrip("%"))
        assert precision > 80 and recall > 80, question


def test_the_report_counts_what_the_revealed_files_say(demo):
    """The dead still paid of the report (people, suppressed below k) equal the programme rows
    their revealed files mark as in the death register; registers' names never reach them."""
    folder, _ = demo
    envelope = json.loads((folder / "auditor" / "report.json").read_text())
    k = envelope["small_cell_k"]
    answers = envelope["report"]["questions"]
    assert answers["roles"]["KEMATIAN"] == {"register": "deaths"}
    for row in answers["dead_still_paid"]:
        name = row["programme"]
        revealed = (folder / "agencies" / name / f"{name}.revealed.csv").read_text()
        flagged = sum(1 for line in csv.DictReader(io.StringIO(revealed))
                      if line["padan_in_death_register"] == "yes")
        assert row["match"] == (None if 0 < flagged < k else flagged), name
        results = (folder / "agencies" / name / f"{name}.results.csv").read_text()
        assert "KEMATIAN" not in results and "PENDUDUK" not in results


def test_each_agency_folder_holds_what_that_agency_holds(demo):
    folder, _ = demo
    for name in ("DTKS", "KJP", "KIS"):
        here = folder / "agencies" / name
        for suffix in (".csv", ".padan", ".idmap.csv", ".quality.json", ".results.csv",
                       ".revealed.csv"):
            assert (here / f"{name}{suffix}").is_file(), suffix
        for private in (".idmap.csv", ".revealed.csv"):
            assert stat.S_IMODE((here / f"{name}{private}").stat().st_mode) == 0o600
        header = (here / f"{name}.revealed.csv").read_text().splitlines()[0]
        assert header.endswith("padan_row,padan_group,padan_band,padan_also_in,"
                                   "padan_duplicate_rows,padan_duplicate_band,"
                                   "padan_registers,padan_in_death_register")
    for token in (folder / "tokens").iterdir():
        assert stat.S_IMODE(token.stat().st_mode) == 0o600
    assert (folder / MARKER).is_file()


def test_the_auditors_files_hold_counts_and_an_intact_chain(demo):
    folder, _ = demo
    report = json.loads((folder / "auditor" / "report.json").read_text())
    assert report["project_id"] == "demo" and report["report"]["parties"] == [
        "DTKS", "KEMATIAN", "KIS", "KJP", "PENDUDUK"]
    counts = report["report"]["record_counts"]
    assert {p: counts[p] for p in ("DTKS", "KIS", "KJP")} == {"DTKS": 400, "KIS": 300,
                                                              "KJP": 100}
    # the registers: most of the 2 % dead of a population of 5 x 400, half of --size
    assert counts["KEMATIAN"] == 36 and counts["PENDUDUK"] == 200
    page = (folder / "auditor" / "dashboard.html").read_text()
    assert "intact" in page and "Content-Security-Policy" in page
    assert "defaults" not in page   # the run's own parameters were given


def test_the_demo_linker_can_be_served_again_for_the_auditor(demo, tmp_path):
    from padan.linker.service import Settings, create_app

    folder, _ = demo
    app_ = create_app(Settings(data_dir=folder / "linker"))
    try:
        with serve_in_thread(app_) as url:
            env = {"PADAN_SERVER_URL": url,
                   "PADAN_TOKEN_FILE": str(folder / "tokens" / "auditor.token")}
            result = runner.invoke(app, ["report", "demo", "--format", "html", "--output",
                                         str(tmp_path / "r.html")], env=env)
            assert result.exit_code == 0, result.output
            assert "intact" in (tmp_path / "r.html").read_text()
            result = runner.invoke(app, ["report", "demo"], env={**env, "COLUMNS": "160"})
            assert result.exit_code == 0, result.output
            assert "the three questions" in result.output
            assert "the dead still paid" in result.output and "PENDUDUK" in result.output
            (tmp_path / "wrong.token").write_text("padan_wrong\n")
            result = runner.invoke(app, ["report", "demo"],
                                   env={**env, "PADAN_TOKEN_FILE": str(tmp_path / "wrong.token")})
            assert result.exit_code == 2 and result.output.startswith("error: ")
            assert "401" in result.output and "padan_wrong" not in result.output
            result = runner.invoke(app, ["results", "demo"], env=env)   # an auditor's token
            assert result.exit_code == 2 and "role agency" in result.output
    finally:
        app_.state.padan.engine.dispose()


def test_an_unreachable_linker_is_a_one_line_error(demo):
    import socket

    folder, _ = demo
    with socket.socket() as probe:   # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {"PADAN_SERVER_URL": f"http://127.0.0.1:{port}", "PADAN_RETRIES": "0",
           "PADAN_TOKEN_FILE": str(folder / "tokens" / "auditor.token")}
    result = runner.invoke(app, ["report", "demo", "--format", "html"], env=env)
    assert result.exit_code == 2 and result.output.startswith("error: cannot reach the linker")
    assert "Traceback" not in result.output


# -- refusals -------------------------------------------------------------------------------------

def test_the_demo_refuses_a_folder_it_did_not_write(tmp_path):
    (tmp_path / "precious.txt").write_text("keep me")
    result = runner.invoke(app, ["demo", "--out", str(tmp_path), "--size", "50"])
    assert result.exit_code == 2 and result.output.startswith("error: ")
    assert "did not write" in result.output
    assert (tmp_path / "precious.txt").read_text() == "keep me"


def test_the_demo_refuses_a_file_as_its_folder(tmp_path):
    (tmp_path / "f").write_text("x")
    result = runner.invoke(app, ["demo", "--out", str(tmp_path / "f"), "--size", "50"])
    assert result.exit_code == 2 and "not a folder" in result.output


@pytest.mark.parametrize("args, needle", [(["--dirt", "filthy"], "--dirt must be"),
                                          (["--size", "3"], "--size")])
def test_the_demo_refuses_bad_options(tmp_path, args, needle):
    result = runner.invoke(app, ["demo", "--out", str(tmp_path / "d"), *args])
    assert result.exit_code == 2 and needle in result.output
    assert not (tmp_path / "d").exists()


def test_the_demo_replaces_its_own_earlier_folder(tmp_path):
    folder = tmp_path / "d"
    dtks = []
    for names in ("realistic", "classic"):   # the second run also takes the other name model
        result = runner.invoke(app, ["demo", "--out", str(folder), "--size", "60",
                                     "--dirt", "none", "--names", names])
        assert result.exit_code == 0, result.output
        dtks.append((folder / "agencies" / "DTKS" / "DTKS.csv").read_text(encoding="utf-8"))
    assert dtks[0] != dtks[1]
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [MARKER, "agencies", "auditor", "linker", "project.key", "schema.toml", "synthetic",
         "tokens"])


# -- scoring against the truth --------------------------------------------------------------------

def test_pair_quality_counts_pairs_of_records_of_different_agencies():
    truth = {("A", 2): 1, ("A", 3): 1, ("B", 2): 1, ("B", 3): 2, ("C", 2): 2, ("C", 3): 3}
    # true pairs: person 1: A2-B2, A3-B2; person 2: B3-C2  -> 3
    matched = {"A": {2: RecordMatch(10, "match", ("B",))},
               "B": {2: RecordMatch(10, "match", ("A",)), 3: RecordMatch(11, "possible", ("C",))},
               "C": {2: RecordMatch(11, "possible", ("B",)),
                     3: RecordMatch(12, "match", ("A",))},
               }
    matched["A"][3] = RecordMatch(12, "match", ("C",))   # a wrong match: person 1 with 3
    match, both = pair_quality(truth, matched)
    assert (match.bands, match.true_pairs, match.found_pairs, match.correct) == ("match", 3, 2, 1)
    assert (both.found_pairs, both.correct) == (3, 2)
    assert match.precision == 0.5 and both.recall == pytest.approx(2 / 3)


def test_pair_quality_without_pairs_has_no_ratios():
    score = PairQuality("match", 0, 0, 0)
    assert score.precision is None and score.recall is None


def test_read_truth(tmp_path):
    (tmp_path / "truth.csv").write_text("agency,row,person_id\nDTKS,2,17\nKJP,2,17\n")
    assert read_truth(tmp_path / "truth.csv") == {("DTKS", 2): 17, ("KJP", 2): 17}


def test_the_demo_json_document_holds_what_the_tables_show(tmp_path):
    from padan.cli.demo_commands import DemoResult, result_document
    from padan.cli.reveal_commands import RevealSummary

    result = DemoResult(tmp_path, {"report": {"pairwise": []}}, tmp_path / "d.html",
                        {"KJP": RevealSummary(tmp_path / "k.csv", 10, 4,
                                              {"DTKS": {"match": 4, "possible": 0}})},
                        [PairQuality("match", 10, 8, 8)], 1.25)
    document = json.loads(json.dumps(result_document(result), default=str))
    assert document["revealed"]["KJP"]["matched"] == 4
    assert document["against_truth"][0]["precision"] == 1.0
    assert document["against_truth"][0]["recall"] == 0.8
