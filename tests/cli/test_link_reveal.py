"""`padan link` and `padan reveal` through typer's runner, on real encodings of synthetic lists."""

from __future__ import annotations

import csv
import io
import json
import re
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from padan.cli.main import app
from padan.cli.reveal_commands import ADDED_COLUMNS, RevealError, read_id_map, read_results
from padan.encoder.default_schema import default_schema_text
from padan.encoder.encoding_file import open_encoding_file
from padan.encoder.keys import generate_secret_file, load_secret
from padan.encoder.pipeline import encode_file
from padan.encoder.pseudo_ids import parse_pseudo_id
from padan.encoder.schema import load_schema
from padan.synth import SynthConfig, generate, parse_agencies, write_lists

runner = CliRunner()
AGENCIES = ("DTKS", "KJP", "KIS")


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    """Lists of three agencies, encoded with one key; linked once into world/run."""
    folder = tmp_path_factory.mktemp("world")
    lists = generate(SynthConfig(seed=3, population=1500, duplicate_rate=0.05,
                                 agencies=parse_agencies("DTKS:300,KJP:80,KIS:200")))
    write_lists(lists, folder)
    generate_secret_file(folder / "project.key")
    (folder / "schema.toml").write_text(default_schema_text("demo"))
    schema, secret = load_schema(folder / "schema.toml"), load_secret(folder / "project.key")
    for name in AGENCIES:
        encode_file(folder / f"{name}.csv", schema, secret, folder / f"{name}.padan", workers=1)
    result = runner.invoke(app, ["link", *(f"{n}={folder / n}.padan" for n in AGENCIES),
                                 "--out", str(folder / "run")])
    assert result.exit_code == 0, result.output
    return folder


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))


def list_rows(path: Path) -> dict[int, dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return {row_number: row for row_number, row in enumerate(csv.DictReader(handle), 2)}


def personal_values(world: Path) -> set[str]:
    values = set()
    for row in list_rows(world / "DTKS.csv").values():
        values.update(v for v in row.values() if v and len(v) > 5)
    return values


def assert_clean_error(result, *needles: str, values: set[str] = frozenset()) -> None:
    assert result.exit_code == 2, result.output
    assert result.output.startswith("error: "), result.output
    assert "Traceback" not in result.output
    for needle in needles:
        assert needle in result.output, result.output
    assert not [v for v in values if v in result.output]


# -- padan link ---------------------------------------------------------------------------------

def test_link_writes_each_agencys_own_results_and_the_report(world):
    run = world / "run"
    for name in AGENCIES:
        own = {int(p) for p in open_encoding_file(world / f"{name}.padan")
               .records["pseudo_id"].tolist()}
        rows = [r for r in read_csv(run / f"{name}.results.csv") if r["kind"] == "link"]
        assert rows, name
        assert {parse_pseudo_id(r["pseudo_id"]) for r in rows} <= own  # only its own pseudo-ids
        assert {r["other_party"] for r in rows} <= set(AGENCIES) - {name}
        assert {r["band"] for r in rows} <= {"match", "possible"}
    envelope = json.loads((run / "report.json").read_text())
    assert envelope["project_id"] == "demo" and envelope["small_cell_k"] == 5
    assert envelope["report"]["parties"] == list(AGENCIES)
    assert envelope["report"]["record_counts"] == {"DTKS": 300, "KJP": 80, "KIS": 200}
    assert envelope["parameters"]["match_threshold"] == 0.8
    page = (run / "report.html").read_text()
    assert "Content-Security-Policy" in page and "not checked" in page


def id_map_texts(world: Path, name: str) -> dict[str, int]:
    """pseudo-id as the id map writes it -> row."""
    return {r["pseudo_id"]: int(r["row"]) for r in read_csv(world / f"{name}.idmap.csv")}


def test_results_and_id_map_write_pseudo_ids_alike_so_they_join_as_text(world):
    """One form that Excel keeps as text: 'p' + 16 hex digits, in both files."""
    for name in AGENCIES:
        rows = read_csv(world / "run" / f"{name}.results.csv")
        assert rows and all(re.fullmatch(r"p[0-9a-f]{16}", r["pseudo_id"]) for r in rows)
        assert {r["pseudo_id"] for r in rows} <= set(id_map_texts(world, name))


def test_each_agency_gets_its_own_duplicate_groups_and_nothing_of_the_others(world):
    truth = {(r["agency"], int(r["row"])): r["person_id"]
             for r in read_csv(world / "truth.csv")}
    all_ids = {name: set(id_map_texts(world, name)) for name in AGENCIES}
    seen_groups, same_person = 0, 0
    for name in AGENCIES:
        rows = read_csv(world / "run" / f"{name}.results.csv")
        others = set().union(*(all_ids[o] for o in AGENCIES if o != name))
        assert not {r["pseudo_id"] for r in rows} & others   # never another party's pseudo-id
        duplicates = [r for r in rows if r["kind"] == "duplicate"]
        assert {r["other_party"] for r in duplicates} <= {""}
        assert {r["band"] for r in duplicates} <= {"match", "possible"}
        row_of = id_map_texts(world, name)
        groups: dict[str, list[int]] = {}
        for r in duplicates:
            groups.setdefault(r["group_id"], []).append(row_of[r["pseudo_id"]])
        assert all(len(members) >= 2 for members in groups.values())
        seen_groups += len(groups)
        same_person += sum(len({truth[(name, row)] for row in members}) == 1
                           for members in groups.values())
    assert seen_groups >= 5 and same_person / seen_groups > 0.8


def test_results_of_two_agencies_agree_on_their_groups(world):
    run = world / "run"
    groups: dict[str, dict[int, set[str]]] = {}
    for name in AGENCIES:
        for row in read_csv(run / f"{name}.results.csv"):
            if row["kind"] != "link":
                continue
            groups.setdefault(name, {}).setdefault(int(row["group_id"]), set()).add(
                row["other_party"])
    for name, mine in groups.items():
        for group, others in mine.items():
            for other in others:
                assert name in groups[other][group]


def test_link_names_parties_after_their_files(world, tmp_path):
    result = runner.invoke(app, ["link", str(world / "DTKS.padan"), str(world / "KJP.padan"),
                                 "--out", str(tmp_path), "--small-cell-k", "1"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "DTKS.results.csv").is_file() and (tmp_path / "KJP.results.csv").is_file()
    assert json.loads((tmp_path / "report.json").read_text())["report"]["suppressed_below"] is None


def test_link_takes_parameters(world, tmp_path):
    # the Dice scoring's thresholds (the match model's are probabilities: the next test)
    (tmp_path / "p.json").write_text(
        '{"scoring": "dice", "match_threshold": 0.95, "possible_threshold": 0.9}')
    result = runner.invoke(app, ["link", str(world / "DTKS.padan"), str(world / "KIS.padan"),
                                 "--out", str(tmp_path / "o"), "--parameters",
                                 str(tmp_path / "p.json")])
    assert result.exit_code == 0, result.output
    assert "match 0.95" in (tmp_path / "o" / "report.html").read_text()
    text = " ".join(result.output.split())
    assert "thresholds used: match 0.95, possible 0.90" in text   # what the run linked at
    assert "histogram valley" in text and "automatic" not in text
    assert "not used" in text or "no valley" in text


def test_link_says_how_the_match_model_chose_its_threshold(world, tmp_path):
    result = runner.invoke(app, ["link", str(world / "DTKS.padan"), str(world / "KIS.padan"),
                                 "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    report = json.loads((tmp_path / "o" / "report.json").read_text())["report"]
    chosen = report["match_model"]["match_threshold"]
    assert f"match model: match probability {chosen:.4f} (automatic" in text
    given = runner.invoke(app, ["link", str(world / "DTKS.padan"), str(world / "KIS.padan"),
                                "--out", str(tmp_path / "g"), "--match-probability", "0.9"])
    assert "match probability 0.9000 (as given)" in " ".join(given.output.split())


@pytest.mark.parametrize("args, needle", [
    (["missing.padan"], "missing.padan: encoding file of 'missing' not found"),
    (["bad name=x.padan"], "a party name is"),
])
def test_link_refuses_bad_arguments(tmp_path, args, needle):
    result = runner.invoke(app, ["link", *args, "--out", str(tmp_path)])
    assert_clean_error(result, needle)


def test_link_refuses_the_same_name_twice(world, tmp_path):
    result = runner.invoke(app, ["link", f"A={world / 'DTKS.padan'}", f"A={world / 'KJP.padan'}",
                                 "--out", str(tmp_path)])
    assert_clean_error(result, "once")


def test_link_refuses_a_file_that_is_not_an_encoding_file(world, tmp_path):
    result = runner.invoke(app, ["link", f"DTKS={world / 'DTKS.csv'}", f"KJP={world / 'KJP.padan'}",
                                 "--out", str(tmp_path)], catch_exceptions=False)
    assert_clean_error(result, "DTKS.csv", values=personal_values(world))
    assert not (tmp_path / "report.json").exists()


def test_link_refuses_encodings_made_with_another_key(world, tmp_path):
    generate_secret_file(tmp_path / "other.key")
    encode_file(world / "KJP.csv", load_schema(world / "schema.toml"),
                load_secret(tmp_path / "other.key"), tmp_path / "KJP.padan", workers=1)
    result = runner.invoke(app, ["link", f"DTKS={world / 'DTKS.padan'}",
                                 f"KJP={tmp_path / 'KJP.padan'}", "--out", str(tmp_path / "o")])
    assert_clean_error(result, "different secret", "KJP")


@pytest.mark.parametrize("text, needle", [
    ("{not json", "not a JSON parameters file"),
    ("[1, 2]", "must be a JSON object"),
    ('{"match_treshold": 0.9}', "parameter 'match_treshold'"),
    ('{"match_threshold": 2}', "parameter 'match_threshold'"),
])
def test_link_refuses_bad_parameters(world, tmp_path, text, needle):
    (tmp_path / "p.json").write_text(text)
    result = runner.invoke(app, ["link", str(world / "DTKS.padan"), "--out", str(tmp_path / "o"),
                                 "--parameters", str(tmp_path / "p.json")])
    assert_clean_error(result, needle)


# run parameters as options, and --json (the options themselves: test_run_options.py)

def link_json(world, tmp_path, *extra):
    result = runner.invoke(app, ["link", str(world / "DTKS.padan"), str(world / "KIS.padan"),
                                 "--out", str(tmp_path / "o"), "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_thresholds_as_options_are_the_run_parameters(world, tmp_path):
    document = link_json(world, tmp_path, "--match-threshold", "0.95",
                         "--possible-threshold", "0.9", "--no-dedup")
    used = document["report"]["parameters"]
    assert (used["match_threshold"], used["possible_threshold"], used["dedup"]) == (0.95, 0.9,
                                                                                     False)
    written = json.loads((tmp_path / "o" / "report.json").read_text())
    assert written == document["report"]            # --json prints what report.json holds


def test_options_override_the_file_and_the_file_still_counts(world, tmp_path):
    (tmp_path / "p.json").write_text('{"match_threshold": 0.95, "possible_threshold": 0.9}')
    document = link_json(world, tmp_path, "--parameters", str(tmp_path / "p.json"),
                         "--possible-threshold", "0.85")
    used = document["report"]["parameters"]
    assert (used["match_threshold"], used["possible_threshold"]) == (0.95, 0.85)


def test_link_json_holds_the_counts_and_the_files(world, tmp_path):
    document = link_json(world, tmp_path)
    assert set(document["results"]) == {"DTKS", "KIS"}
    assert document["matches"]["DTKS"] > 0
    assert document["report"]["report"]["pairwise"][0]["parties"] == ["DTKS", "KIS"]
    assert document["report_html"].endswith("report.html")


@pytest.mark.parametrize("args, needle", [
    (["--match-threshold", "1.5"], "--match-threshold: must be a number greater than 0"),
    (["--blocking", "identity,soundex"], "--blocking: unknown or missing pass"),
    (["--lsh-bits", "99"], "--lsh-bits: must be an integer from 1 to 63"),
])
def test_bad_option_values_are_named_as_the_option(world, tmp_path, args, needle):
    result = runner.invoke(app, ["link", str(world / "DTKS.padan"), "--out", str(tmp_path),
                                 *args])
    assert_clean_error(result, needle)


# -- padan reveal -------------------------------------------------------------------------------

def test_reveal_joins_results_to_the_agencys_own_rows(world, tmp_path):
    output = tmp_path / "dtks-revealed.csv"
    result = runner.invoke(app, ["reveal", str(world / "run" / "DTKS.results.csv"),
                                 str(world / "DTKS.csv"), "--out", str(output)])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    original = list_rows(world / "DTKS.csv")
    revealed = read_csv(output)
    results = read_results(world / "run" / "DTKS.results.csv")
    id_map = read_id_map(world / "DTKS.idmap.csv")
    expected = {id_map[pseudo]: match for pseudo, match in results.links.items()}
    in_duplicates = {id_map[pseudo] for pseudo in results.duplicates}
    assert len(revealed) == len(expected.keys() | in_duplicates)
    for row in revealed:
        number = int(row["padan_row"])
        assert {key: row[key] for key in original[number]} == original[number]
        if number not in expected:
            assert row["padan_group"] == row["padan_band"] == row["padan_also_in"] == ""
            continue
        assert int(row["padan_group"]) == expected[number].group_id
        assert row["padan_band"] == expected[number].band
        assert row["padan_also_in"] == ", ".join(expected[number].others)
    assert "found on another list" in result.output


def test_reveal_says_which_rows_of_the_same_list_are_the_same_person(world, tmp_path):
    output = tmp_path / "dtks-revealed.csv"
    result = runner.invoke(app, ["reveal", str(world / "run" / "DTKS.results.csv"),
                                 str(world / "DTKS.csv"), "--out", str(output)])
    assert result.exit_code == 0, result.output
    truth = {int(r["row"]): r["person_id"] for r in read_csv(world / "truth.csv")
             if r["agency"] == "DTKS"}
    same_as = {int(r["padan_row"]): {int(x) for x in r["padan_duplicate_rows"].split(", ")}
               for r in read_csv(output) if r["padan_duplicate_rows"]}
    assert len(same_as) >= 10 and "groups of the same person within this list" in result.output
    for row, others in same_as.items():
        assert row not in others
        assert all(row in same_as[other] for other in others)   # both rows name each other
    right = sum(all(truth[o] == truth[row] for o in others) for row, others in same_as.items())
    assert right / len(same_as) > 0.8


def test_reveal_help_says_what_it_joins_on():
    text = " ".join(runner.invoke(app, ["reveal", "--help"]).output.split())
    assert "join is on the pseudo_id column" in text and "idmap.csv" in text


def test_reveal_still_reads_results_of_the_earlier_form(world, tmp_path):
    """pseudo_id,group_id,other_party,band with decimal pseudo-ids: read as links."""
    rows = [r for r in read_csv(world / "run" / "KJP.results.csv") if r["kind"] == "link"]
    old = tmp_path / "old.csv"
    old.write_text("pseudo_id,group_id,other_party,band\n" + "".join(
        f"{parse_pseudo_id(r['pseudo_id'])},{r['group_id']},{r['other_party']},{r['band']}\n"
        for r in rows))
    result = runner.invoke(app, ["reveal", str(old), str(world / "KJP.csv"), "--out",
                                 str(tmp_path / "o.csv")])
    assert result.exit_code == 0, result.output
    assert read_results(old).links == read_results(world / "run" / "KJP.results.csv").links


def test_revealed_matches_are_mostly_the_same_people(world, tmp_path):
    """The join is right: matched rows of DTKS and KJP in one group are one person (truth)."""
    truth = {(r["agency"], int(r["row"])): r["person_id"]
             for r in read_csv(world / "truth.csv")}
    groups: dict[int, dict[str, int]] = {}
    for name in ("DTKS", "KJP"):
        output = tmp_path / f"{name}.csv"
        result = runner.invoke(app, ["reveal", str(world / "run" / f"{name}.results.csv"),
                                     str(world / f"{name}.csv"), "--out", str(output)])
        assert result.exit_code == 0, result.output
        for row in read_csv(output):
            if row["padan_group"]:   # not only a duplicate within the list
                groups.setdefault(int(row["padan_group"]), {})[name] = int(row["padan_row"])
    pairs = [(g["DTKS"], g["KJP"]) for g in groups.values() if len(g) == 2]
    same = sum(truth[("DTKS", a)] == truth[("KJP", b)] for a, b in pairs)
    assert len(pairs) >= 10 and same / len(pairs) > 0.6


def test_reveal_all_writes_every_record_and_xlsx_keeps_text(world, tmp_path):
    from openpyxl import load_workbook

    output = tmp_path / "kjp.xlsx"
    result = runner.invoke(app, ["reveal", str(world / "run" / "KJP.results.csv"),
                                 str(world / "KJP.csv"), "--out", str(output), "--all"])
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    sheet = load_workbook(output, read_only=True).active
    rows = list(sheet.iter_rows(values_only=True))
    original = list_rows(world / "KJP.csv")
    assert list(rows[0]) == [*next(iter(original.values())), *ADDED_COLUMNS]
    assert len(rows) - 1 == len(original)
    nik_column = rows[0].index("NIK_SISWA")
    for values in rows[1:]:
        number = values[rows[0].index("padan_row")]
        assert (values[nik_column] or "") == original[number]["NIK_SISWA"]


def test_reveal_finds_the_id_map_beside_the_list_by_default(world, tmp_path):
    listed = tmp_path / "KIS.csv"
    listed.write_bytes((world / "KIS.csv").read_bytes())
    result = runner.invoke(app, ["reveal", str(world / "run" / "KIS.results.csv"), str(listed)])
    assert_clean_error(result, "KIS.idmap.csv", "not found")
    (tmp_path / "KIS.idmap.csv").write_bytes((world / "KIS.idmap.csv").read_bytes())
    result = runner.invoke(app, ["reveal", str(world / "run" / "KIS.results.csv"), str(listed)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "KIS.revealed.csv").is_file()


# -- reveal refuses mismatched and malformed files ----------------------------------------------

def test_reveal_refuses_another_agencys_results(world, tmp_path):
    result = runner.invoke(app, ["reveal", str(world / "run" / "KJP.results.csv"),
                                 str(world / "DTKS.csv"), "--out", str(tmp_path / "o.csv")])
    assert_clean_error(result, "not in the id map", "another agency", values=personal_values(world))
    assert not (tmp_path / "o.csv").exists()


def test_reveal_refuses_a_list_that_lacks_matched_rows(world, tmp_path):
    lines = (world / "DTKS.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    short = tmp_path / "DTKS.csv"
    short.write_text("".join(lines[:40]), encoding="utf-8")
    result = runner.invoke(app, ["reveal", str(world / "run" / "DTKS.results.csv"), str(short),
                                 "--id-map", str(world / "DTKS.idmap.csv"),
                                 "--out", str(tmp_path / "o.csv")])
    assert_clean_error(result, "not records of this list", values=personal_values(world))
    assert not (tmp_path / "o.csv").exists()   # nothing half-written is left behind


def test_reveal_refuses_a_list_with_more_records_than_were_encoded(world, tmp_path):
    text = (world / "DTKS.csv").read_text(encoding="utf-8")
    longer = tmp_path / "DTKS.csv"
    longer.write_text(text + text.split("\n", 1)[1], encoding="utf-8")
    for side in ("idmap.csv", "quality.json"):
        (tmp_path / f"DTKS.{side}").write_bytes((world / f"DTKS.{side}").read_bytes())
    result = runner.invoke(app, ["reveal", str(world / "run" / "DTKS.results.csv"), str(longer),
                                 "--out", str(tmp_path / "o.csv")])
    assert_clean_error(result, "600 records", "300", values=personal_values(world))


@pytest.mark.parametrize("content, needles", [
    ("row,pseudo_id\n2,00000000000000ff\n", ["not a padan results file", "line 1"]),
    ("pseudo_id,group_id,other_party,band\nabc,1,KJP,match\n", ["line 2", "pseudo_id"]),
    ("pseudo_id,group_id,other_party,band\n12,1,KJP,maybe\n", ["line 2", "band"]),
    ("pseudo_id,group_id,other_party,band\n12,x,KJP,match\n", ["line 2", "group_id"]),
    ("pseudo_id,group_id,other_party,band\n12,1,KJP\n", ["line 2", "expected 4 columns"]),
    ("pseudo_id,group_id,other_party,band\n12,1,KJP,match\n12,2,KIS,match\n",
     ["line 3", "two groups"]),
    ("pseudo_id,kind,group_id,other_party,band\n12,link,1,KJP,match\n", ["line 2", "pseudo_id"]),
    ("pseudo_id,kind,group_id,other_party,band\np00000000000000ff,same,1,KJP,match\n",
     ["line 2", "kind"]),
    ("pseudo_id,kind,group_id,other_party,band\np00000000000000ff,duplicate,1,,match\n"
     "p00000000000000ff,duplicate,2,,match\n", ["line 3", "two duplicate groups"]),
    ("", ["not a padan results file"]),
])
def test_reveal_refuses_malformed_results(world, tmp_path, content, needles):
    bad = tmp_path / "results.csv"
    bad.write_text(content)
    result = runner.invoke(app, ["reveal", str(bad), str(world / "DTKS.csv"),
                                 "--out", str(tmp_path / "o.csv")])
    assert_clean_error(result, str(bad), *needles)


def test_reveal_refuses_a_results_file_that_is_not_text(world, tmp_path):
    bad = tmp_path / "results.csv"
    bad.write_bytes(b"\xff\xfe\x00binary")
    result = runner.invoke(app, ["reveal", str(bad), str(world / "DTKS.csv")])
    assert_clean_error(result, "not UTF-8")


def test_reveal_refuses_a_malformed_id_map(world, tmp_path):
    bad = tmp_path / "DTKS.idmap.csv"
    bad.write_text("row,pseudo_id\n2,zz\n")
    result = runner.invoke(app, ["reveal", str(world / "run" / "DTKS.results.csv"),
                                 str(world / "DTKS.csv"), "--id-map", str(bad)])
    assert_clean_error(result, "DTKS.idmap.csv, line 2", "16 hex digits")


@pytest.mark.parametrize("name, needle", [("o.txt", ".csv or .xlsx"),
                                          ("DTKS.csv", "must not overwrite an input")])
def test_reveal_refuses_a_bad_output(world, tmp_path, name, needle):
    target = world / name if name == "DTKS.csv" else tmp_path / name
    before = (world / "DTKS.csv").read_bytes()
    result = runner.invoke(app, ["reveal", str(world / "run" / "DTKS.results.csv"),
                                 str(world / "DTKS.csv"), "--out", str(target)])
    assert_clean_error(result, needle)
    assert (world / "DTKS.csv").read_bytes() == before


def test_reveal_refuses_a_missing_list(world, tmp_path):
    result = runner.invoke(app, ["reveal", str(world / "run" / "DTKS.results.csv"),
                                 str(tmp_path / "nowhere.csv"),
                                 "--id-map", str(world / "DTKS.idmap.csv")])
    assert_clean_error(result, "nowhere.csv")


def test_reveal_error_type_names_file_and_line():
    assert str(RevealError("bad", path="r.csv", line=7)) == "r.csv, line 7: bad"
    assert str(RevealError("bad", path="r.csv")) == "r.csv: bad"


def test_reveal_json_prints_counts_and_no_row(world, tmp_path):
    result = runner.invoke(app, ["reveal", str(world / "run" / "DTKS.results.csv"),
                                 str(world / "DTKS.csv"), "--out", str(tmp_path / "r.csv"),
                                 "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["matched"] > 0 and set(document["by_agency"]) <= {"KJP", "KIS"}
    assert document["output"] == str(tmp_path / "r.csv")
    assert not [v for v in personal_values(world) if v in result.stdout]
