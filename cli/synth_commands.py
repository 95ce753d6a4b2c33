"""`padan synth`: synthetic population and dirty agency lists, with the truth."""

from __future__ import annotations

import enum
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from padan.cli.failures import fail, reports_errors
from padan.cli.tables import readable
from padan.i18n import N_, _, decimal, number

console = Console(highlight=False)


# Choices mirror padan.synth's, which is imported only when the command runs (numpy, pyarrow).
class Dirt(enum.StrEnum):
    NONE = "none"
    MODERATE = "moderate"
    HEAVY = "heavy"


class NameModel(enum.StrEnum):
    CLASSIC = "classic"
    REALISTIC = "realistic"


# --names of padan synth, demo and evaluate (padan attack has its own: classic by default)
NAMES_HELP = ("Name model: realistic (names as diverse as e-KTP names, NIK serials and "
              "placeholder birthdates at Dukcapil's scale), or classic (names about ten times "
              "as concentrated: more namesakes, the harder case for linkage); "
              "docs/synthetic-data.md.")


class FileFormat(enum.StrEnum):
    CSV = "csv"
    XLSX = "xlsx"
    PARQUET = "parquet"


HELP = (
    "Generate a synthetic Indonesian population and dirty agency lists, with the truth.\n\n"
    "Writes one file per agency, in the agency's own column names and date format, and "
    "truth.csv (agency,row,person_id; row 2 is the first record). Synthetic data only.\n\n"
    'Example: padan synth --seed 7 --agencies "DTKS:20000,KJP:5000,KIS:15000" --dirt heavy '
    "--format xlsx --out data/"
)


def register(app: typer.Typer) -> None:
    app.command("synth", help=HELP)(synth)


@reports_errors
def synth(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the lists and truth.csv "
                                      "into (created if missing).")] = Path("synthetic"),
    seed: Annotated[int, typer.Option(help="Same seed, same files, byte for byte.", min=0)] = 7,
    population: Annotated[int, typer.Option(help="People in the synthetic population.",
                                            min=1)] = 100_000,
    agencies: Annotated[str, typer.Option(
        help="NAME:RECORDS,... DTKS, KJP and KIS keep their own column names and date "
             "formats; other names get generic ones.")] = "DTKS:20000,KJP:5000,KIS:15000",
    dirt: Annotated[Dirt, typer.Option(help="Corruption rates (docs/synthetic-data.md); "
                                       "none gives clean copies.")] = Dirt.MODERATE,
    file_format: Annotated[FileFormat, typer.Option("--format", help="File format of the "
                                                    "lists.")] = FileFormat.CSV,
    overlap: Annotated[float, typer.Option(help="Share of each list's people drawn from the "
                                           "common pool.")] = 0.3,
    duplicates: Annotated[float, typer.Option(help="Share of each list's rows that repeat a "
                                              "person of the same list.")] = 0.01,
    names: Annotated[NameModel, typer.Option(help=NAMES_HELP)] = NameModel.REALISTIC,
) -> None:
    """Generate a synthetic population and agency lists (help text: HELP)."""
    from padan.synth import SynthConfig, SynthConfigError, parse_agencies, write_generated
    from padan.synth.agencies import list_shape

    started = time.perf_counter()
    try:
        config = SynthConfig(seed=seed, population=population,
                             agencies=parse_agencies(agencies), overlap=overlap,
                             dirt=dirt.value, duplicate_rate=duplicates, names=names.value)
        written = write_generated(config, out, fmt=file_format.value)
    except SynthConfigError as exc:
        raise fail(str(exc)) from None
    seconds = time.perf_counter() - started

    table = Table(title=_("synthetic lists in {folder} (seed {seed}, dirt {dirt}, {people} "
                          "people)").format(folder=out, seed=seed, dirt=config.dirt.value,
                                            people=number(population)))
    for column in (N_("agency"), N_("records"), N_("from pool"), N_("repeats"),
                   N_("date format"), N_("file")):
        table.add_column(_(column), justify="right" if column in ("records", "from pool",
                                                                  "repeats") else "left")
    for spec in config.agencies:
        shape = list_shape(spec, config)
        table.add_row(spec.name, number(spec.size), number(shape.shared), number(shape.repeats),
                      spec.date_format, written[spec.name].name)
    table.add_row(_("truth"), number(sum(spec.size for spec in config.agencies)), "", "", "",
                  written["truth"].name)
    console.print(readable(table))
    console.print(_("wrote {count} files in {seconds} s").format(count=len(written),
                                                                 seconds=decimal(seconds, 1)))
