import csv
import json
import os
import subprocess
import sys

import openpyxl
import pytest
from typer.testing import CliRunner

from padan.cli.main import app
from padan.encoder.encoding_file import open_encoding_file
from padan.encoder.pseudo_ids import pseudo_id_texts

runner = CliRunner()
ROWS = [
    ["NIK", "Nama Penerima", "TGL_LAHIR", "JK"],
    ["3171014501800001", "Hj. Siti Nurhaliza, S.Pd.", "05-01-1980", "P"],
    ["3173020505790002", "Moh. Djoko Tjahjono", "05/05/1979", "L"],
    ["3578031207650003", "Slamet", "31-02-1965", "L"],
]


@pytest.fixture
def project(tmp_path):
    assert runner.invoke(app, ["keygen", str(tmp_path / "k.key")]).exit_code == 0
    assert runner.invoke(app, ["schema", "init", str(tmp_path / "schema.toml"),
                               "--project-id", "uji"]).exit_code == 0
    with open(tmp_path / "list.csv", "w", newline="") as handle:
        csv.writer(handle).writerows(ROWS)
    return tmp_path


def encode_args(p, *extra):
    return ["encode", str(p / "list.csv"), "--schema", str(p / "schema.toml"),
            "--key-file", str(p / "k.key"), "--quiet", "--workers", "1", *extra]


def test_encode_writes_the_three_files(project):
    result = runner.invoke(app, encode_args(project))
    assert result.exit_code == 0, result.output
    assert len(open_encoding_file(project / "list.padan")) == 3
    assert (project / "list.idmap.csv").exists() and (project / "list.quality.json").exists()
    assert "encoded 3 of 3 records" in result.output


def test_strict_bad_row_exits_2_naming_row_and_field_without_value(project):
    result = runner.invoke(app, encode_args(project, "--strict"))
    assert result.exit_code == 2
    assert "error: row 4, field 'tanggal_lahir'" in result.output
    assert "31-02-1965" not in result.output and "Traceback" not in result.output
    assert not (project / "list.padan").exists()


def test_secret_comes_from_file_or_environment_never_an_argument(project):
    result = runner.invoke(app, ["encode", str(project / "list.csv"), "--schema",
                                 str(project / "schema.toml"), "--quiet"], env={})
    assert result.exit_code == 2 and "PADAN_SECRET" in result.output
    secret = (project / "k.key").read_text().strip()
    result = runner.invoke(app, ["encode", str(project / "list.csv"), "--schema",
                                 str(project / "schema.toml"), "--quiet", "--workers", "1"],
                           env={"PADAN_SECRET": secret})
    assert result.exit_code == 0, result.output
    help_text = runner.invoke(app, ["encode", "--help"]).output
    assert "--secret" not in help_text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--key-file", "/nonexistent/k.key"], "key file not found"),
        (["--schema", "/nonexistent/schema.toml"], "schema file not found"),
        (["--map", "nama"], "--map"),
        (["--map", "nama=No Such Column"], "names a column the file does not have"),
    ],
)
def test_bad_options_exit_2_with_one_line_error(project, args, message):
    result = runner.invoke(app, encode_args(project, *args))
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: ") and message in result.output
    assert "Traceback" not in result.output


def test_missing_input_file(project):
    result = runner.invoke(app, ["encode", str(project / "absent.csv"), "--schema",
                                 str(project / "schema.toml"), "--key-file",
                                 str(project / "k.key")])
    assert result.exit_code == 2 and "error: " in result.output and "absent.csv" in result.output


def test_schema_check_prints_fingerprint_and_rejects_bad_files(project):
    result = runner.invoke(app, ["schema", "check", str(project / "schema.toml")])
    assert result.exit_code == 0 and "fingerprint " in result.output
    (project / "bad.toml").write_text('schema_version = 2\nproject_id = "x"\nfields = []\n')
    result = runner.invoke(app, ["schema", "check", str(project / "bad.toml")])
    assert result.exit_code == 2 and "setting 'fields'" in result.output
    shown = runner.invoke(app, ["schema", "show", str(project / "schema.toml")])
    assert '"filter_bits": 1024' in shown.output and "aliases" not in shown.output
    again = runner.invoke(app, ["schema", "init", str(project / "schema.toml")])
    assert again.exit_code == 2 and "exists" in again.output


def test_keygen_refuses_to_overwrite(project):
    result = runner.invoke(app, ["keygen", str(project / "k.key")])
    assert result.exit_code == 2 and "refusing to overwrite" in result.output


def test_console_script_runs_as_a_subprocess(project):
    env = {**os.environ, "PADAN_SECRET": (project / "k.key").read_text().strip()}
    padan = os.path.join(os.path.dirname(sys.executable), "padan")
    done = subprocess.run([padan, "encode", str(project / "list.csv"), "--schema",
                           str(project / "schema.toml"), "--quiet", "--out",
                           str(project / "sub.padan")], env=env, capture_output=True, text=True,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert len(open_encoding_file(project / "sub.padan")) == 3


def test_encode_xlsx_with_niks_in_number_cells_flags_the_excel_damaged_ones(project):
    """Excel keeps 15 digits: number cells ending in 0 lost the 16th. Written with openpyxl as
    number cells, as an agency's spreadsheet holds them."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(ROWS[0])
    sheet.append([3171014501800010, "Siti Aminah", "05-01-1980", "P"])   # was ...0011
    sheet.append([3171014501800010, "Sri Wahyuni", "05-01-1980", "P"])   # was ...0012
    sheet.append([3173020505790002, "Moh. Djoko Tjahjono", "05/05/1979", "L"])  # exact
    workbook.save(project / "list.xlsx")
    result = runner.invoke(app, ["encode", str(project / "list.xlsx"), "--schema",
                                 str(project / "schema.toml"), "--key-file",
                                 str(project / "k.key"), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "2 NIKs lost their 16th digit in Excel" in result.output
    quality = json.loads((project / "list.quality.json").read_text())
    assert quality["nik_excel_lost_digit"] == 2
    assert quality["fields"]["nik"]["statuses"] == {"invalid": 2, "valid": 1}
    encoded = open_encoding_file(project / "list.padan")
    with open(project / "list.idmap.csv", newline="") as handle:
        row_of = {r["pseudo_id"]: int(r["row"]) for r in csv.DictReader(handle)}
    identity = {row_of[pid]: int(token) for pid, token in zip(
        pseudo_id_texts(encoded.records["pseudo_id"]), encoded.records["identity"], strict=True)}
    assert identity[2] == identity[3] == 0 and identity[4] != 0


def test_encode_finds_the_key_keygen_writes_by_default(project, monkeypatch):
    """`padan keygen` writes padan.key; `padan encode` looks there when given no key."""
    monkeypatch.delenv("PADAN_SECRET", raising=False)
    monkeypatch.delenv("PADAN_KEY_FILE", raising=False)
    monkeypatch.chdir(project)
    args = ["encode", "list.csv", "--quiet", "--workers", "1"]
    missing = runner.invoke(app, args)
    assert missing.exit_code == 2
    assert "--key-file" in missing.output and "PADAN_SECRET" in missing.output
    assert "padan.key" in missing.output and str(project) in missing.output  # where it looked
    assert runner.invoke(app, ["keygen"]).exit_code == 0 and (project / "padan.key").is_file()
    result = runner.invoke(app, args)   # schema.toml and padan.key: both defaults
    assert result.exit_code == 0, result.output
    assert "padan.key" in result.output


def test_the_summary_names_rows_with_an_invalid_field_apart_from_skipped_rows(project):
    """docs/input-files.md calls skipped CSV rows 'malformed'; an invalid field is not that."""
    result = runner.invoke(app, [*encode_args(project)[:-3], "--workers", "1"])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "rows with an invalid field 1" in text and "bad rows" not in text
    assert "skipped 0 (malformed 0)" in text


def test_encode_json_prints_the_files_and_the_quality_report_on_stdout(project):
    result = runner.invoke(app, encode_args(project, "--json"))
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["output"].endswith("list.padan") and document["records"] == 3
    written = json.loads((project / "list.quality.json").read_text())
    assert document["quality"] == written
    assert not [row[1] for row in ROWS[1:] if row[1] in result.stdout]  # counts, no names
