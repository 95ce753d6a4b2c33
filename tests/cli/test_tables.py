"""Tables printed in an 80-column terminal keep their first column whole; --json prints the
same facts for scripts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

from rich.console import Console
from rich.table import Table

from padan.cli.encode_commands import quality_table
from padan.cli.link_commands import combinations_table, overlap_table
from padan.cli.reveal_commands import RevealSummary, print_summary
from padan.cli.tables import readable
from padan.encoder.quality import QualityReport

PADAN = Path(sys.executable).with_name("padan")
LONG = ("DINSOS-KAB-BANYUWANGI", "DISDIK-PROV-JAWA-TIMUR", "BPJS-KESEHATAN-CABANG")


def rendered(table: Table, width: int = 80) -> str:
    console = Console(width=width, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(table)
    return console.export_text()


def first_cells(text: str) -> list[str]:
    return [line.split("│")[1].strip() for line in text.splitlines() if line.startswith("│")]


def envelope() -> dict:
    a, b, c = LONG
    return {"small_cell_k": 5, "report": {
        "pairwise": [{"parties": [a, b], "match": 1200, "possible": None},
                     {"parties": [a, c], "match": 35, "possible": 7}],
        "combinations": [{"parties": [a, b, c], "count": 12}, {"parties": [a], "count": 900}]}}


def test_the_overlap_tables_keep_long_agency_pairs_whole_at_80_columns():
    for table, name in ((overlap_table(envelope()), f"{LONG[0]} & {LONG[1]}"),
                        (combinations_table(envelope()), " & ".join(LONG))):
        text = rendered(table)
        assert name in first_cells(text), text
        assert "…" not in text
        assert max(map(len, text.splitlines())) <= 80


def test_the_quality_table_keeps_field_names_whole_at_80_columns():
    quality = QualityReport()
    for field in ("nama_ibu_kandung", "tanggal_lahir", "desa_kelurahan_domisili"):
        quality.statuses[field] = Counter(valid=12_345_678, repaired=1_234_567, invalid=123_456,
                                          missing=12_345)
        quality.notes[field] = Counter({"old-spelling-and-abbreviation": 5, "placeholder": 4,
                                        "apostrophe": 3})
    text = rendered(quality_table(quality))
    cells = first_cells(text)
    assert {"nama_ibu_kandung", "tanggal_lahir", "desa_kelurahan_domisili"} <= set(cells), text
    assert "12345678" in text.replace(" ", "").replace("│", "")
    assert "…" not in text


def test_the_reveal_summary_keeps_agency_names_whole_at_80_columns():
    summary = RevealSummary(Path("x.csv"), 100, 3, {name: {"match": 1, "possible": 0}
                                                      for name in LONG})
    console = Console(width=80, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    print_summary(summary, console)
    assert set(LONG) <= set(first_cells(console.export_text()))


def test_without_readable_rich_would_have_cut_the_first_column():
    # the control: the same table without readable() loses the end of the long name
    def wide() -> Table:
        table = Table("agencies", *(f"column {n}" for n in range(8)))
        table.add_row(" & ".join(LONG), *("12,345,678" for _ in range(8)))
        return table

    assert " & ".join(LONG) not in first_cells(rendered(wide()))
    assert " & ".join(LONG) in first_cells(rendered(readable(wide())))


def test_padan_link_at_80_columns_and_as_json(tmp_path):
    """The console script in an 80-column terminal, with long agency names."""
    from padan.encoder.default_schema import default_schema_text
    from padan.encoder.keys import generate_secret_file, load_secret
    from padan.encoder.pipeline import encode_file
    from padan.encoder.schema import load_schema
    from padan.synth import SynthConfig, generate, parse_agencies, write_lists

    lists = generate(SynthConfig(seed=5, population=400, agencies=parse_agencies(
        ",".join(f"{name}:120" for name in LONG))))
    write_lists(lists, tmp_path)
    generate_secret_file(tmp_path / "k.key")
    (tmp_path / "s.toml").write_text(default_schema_text("uji"))
    schema, secret = load_schema(tmp_path / "s.toml"), load_secret(tmp_path / "k.key")
    for name in LONG:
        encode_file(tmp_path / f"{name}.csv", schema, secret, tmp_path / f"{name}.padan",
                    workers=1)
    files = [str(tmp_path / f"{name}.padan") for name in LONG]
    env = {**os.environ, "COLUMNS": "80"}
    shown = subprocess.run([str(PADAN), "link", *files, "--out", str(tmp_path / "o")],
                           capture_output=True, text=True, env=env, timeout=300)
    assert shown.returncode == 0, shown.stderr
    cells = first_cells(shown.stdout)
    assert f"{LONG[0]} & {LONG[1]}" in cells, shown.stdout
    assert max(len(line) for line in shown.stdout.splitlines() if "│" in line) <= 80
    as_json = subprocess.run([str(PADAN), "link", *files, "--out", str(tmp_path / "o"),
                              "--json"], capture_output=True, text=True, env=env, timeout=300)
    document = json.loads(as_json.stdout)
    assert sorted(document["results"]) == sorted(LONG)
