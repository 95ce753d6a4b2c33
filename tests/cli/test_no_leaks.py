"""`padan link` hands no party more than its own: each NAME.results.csv holds only that agency's
pseudo-ids, bands and no score; every other file it writes (report.json, report.html, anything
added later) and what it prints hold no pseudo-id at all and no per-record score.

Real encodings of synthetic lists of three agencies (matches across lists, duplicates within
them) under the default schema. Each absence is asserted after a positive control shows the same
check finds what is there. The pseudo-id finder is the service tests' (tests/ is on sys.path).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import pytest
from service.helpers import (
    REPORT_FRACTION_KEYS,
    SCORE_KEY,
    PseudoIdFinder,
    fractions,
    json_keys,
    model_problems,
    on_percent_grid,
    pseudo_ids_of,
    text_fractions,
)
from typer.testing import CliRunner

from padan.cli.main import app
from padan.encoder.default_schema import default_schema_text
from padan.encoder.keys import generate_secret_file, load_secret
from padan.encoder.pipeline import encode_file
from padan.encoder.schema import LinkageSchema, parse_schema
from padan.linker.party_results import RESULT_COLUMNS
from padan.synth import SynthConfig, generate, parse_agencies, write_lists

runner = CliRunner()
AGENCIES = ("DTKS", "KJP", "KIS")
# seconds taken, the run's settings, the fitted model (checked apart: per-level aggregates)
NOT_RECORD_VALUES = frozenset({"timings", "parameters", "match_model"})


def linkage_schema() -> LinkageSchema:
    return parse_schema(default_schema_text("demo"))


@dataclass(frozen=True)
class Linked:
    run: Path                  # padan link's --out folder
    ids: dict[str, set[int]]   # agency -> its pseudo-ids, from its encoding file
    printed: str               # what padan link printed

    def finder(self, *agencies: str) -> PseudoIdFinder:
        return PseudoIdFinder(set().union(*(self.ids[a] for a in agencies)))

    def results(self, agency: str) -> str:
        return (self.run / f"{agency}.results.csv").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def linked(tmp_path_factory) -> Linked:
    folder = tmp_path_factory.mktemp("leaks")
    lists = generate(SynthConfig(seed=11, population=900, duplicate_rate=0.04,
                                 agencies=parse_agencies("DTKS:400,KJP:300,KIS:350")))
    write_lists(lists, folder)
    generate_secret_file(folder / "project.key")
    secret = load_secret(folder / "project.key")
    for name in AGENCIES:
        encode_file(folder / f"{name}.csv", linkage_schema(), secret, folder / f"{name}.padan",
                    workers=1)
    result = runner.invoke(app, ["link", *(f"{n}={folder / n}.padan" for n in AGENCIES),
                                 "--out", str(folder / "run")])
    assert result.exit_code == 0, result.output
    report = json.loads((folder / "run" / "report.json").read_text())["report"]
    # the lists must hold what could leak: matches across lists, duplicates within them
    assert all(row["match"] for row in report["pairwise"]), report["pairwise"]
    assert sum(d["groups"] or 0 for d in report["duplicates"].values()) > 0
    return Linked(folder / "run", {n: pseudo_ids_of(folder / f"{n}.padan") for n in AGENCIES},
                  result.output)


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def is_fraction(cell: str) -> bool:
    try:
        return 0 < float(cell) < 1
    except ValueError:
        return False


@pytest.mark.parametrize("agency", AGENCIES)
def test_a_results_file_holds_only_its_agencys_pseudo_ids(linked, agency):
    text = linked.results(agency)
    finder = linked.finder(agency)
    own = finder.each(row["pseudo_id"] for row in rows_of(text))
    assert own and own == finder.find(text)  # control: the finder sees each row's id
    assert linked.finder(*(set(AGENCIES) - {agency})).find(text) == set()


@pytest.mark.parametrize("agency", AGENCIES)
def test_a_results_file_holds_bands_and_no_score(linked, agency):
    text = linked.results(agency)
    rows = rows_of(text)
    report_text = (linked.run / "report.json").read_text()
    assert 0.8 in text_fractions(report_text)  # control: fractions in a written file are seen
    assert tuple(rows[0]) == RESULT_COLUMNS
    assert not [column for column in rows[0] if SCORE_KEY.search(column)]
    assert {row["band"] for row in rows} <= {"match", "possible"}
    assert [row for row in rows if any(is_fraction(cell) for cell in row.values())] == []
    assert text_fractions(text) == []


def test_nothing_else_written_or_printed_holds_a_pseudo_id(linked):
    everyone = linked.finder(*AGENCIES)
    for agency in AGENCIES:  # control: the finder sees every agency's ids where they belong
        assert everyone.find(linked.results(agency)) & linked.ids[agency]
    others = sorted(p for p in linked.run.iterdir() if not p.name.endswith(".results.csv"))
    assert {"report.json", "report.html"} <= {p.name for p in others}
    texts = {p.name: p.read_text(encoding="utf-8") for p in others}
    texts["printed"] = linked.printed
    assert {name: len(found) for name, text in texts.items()
            if (found := everyone.find(text))} == {}


def test_the_report_holds_aggregates_only(linked):
    envelope = json.loads((linked.run / "report.json").read_text())
    assert not [key for key in json_keys(envelope, skip=NOT_RECORD_VALUES)
                if SCORE_KEY.search(key)]
    assert envelope["report"]["match_model"]["comparisons"]   # control: the model is there
    assert model_problems(envelope["report"]["match_model"]) == []
    found = fractions(envelope, skip=NOT_RECORD_VALUES)
    assert {key for key, _ in found} >= {"threshold", "bin_width"}  # control: fractions seen
    assert [(key, x) for key, x in found if key not in REPORT_FRACTION_KEYS] == []
    assert [x for _, x in found if not on_percent_grid(x)] == []
    shown = text_fractions((linked.run / "report.html").read_text(encoding="utf-8"))
    assert 0.8 in shown and 0.7 in shown  # control: the thresholds drawn are seen
    assert [x for x in shown if not on_percent_grid(x)] == []
