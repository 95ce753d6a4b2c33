"""Agency commands: keygen, schema init|check|show, encode."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from padan.cli.failures import err_console, fail, reports_errors
from padan.cli.tables import print_json, readable
from padan.encoder.default_schema import default_schema_text
from padan.encoder.keys import (
    DEFAULT_KEY_FILE,
    generate_secret_file,
    load_secret,
    uses_default_key_file,
)
from padan.encoder.quality import QualityReport
from padan.encoder.schema import load_schema
from padan.i18n import N_, _, decimal, number

schema_app = typer.Typer(help="Create, check and show the project's linkage schema.",
                         no_args_is_help=True)

KeyFileOption = Annotated[Path | None, typer.Option(
    "--key-file", "-k", help="File holding the project secret (mode 0600). Without it, the "
    f"secret is read from PADAN_SECRET, else from ./{DEFAULT_KEY_FILE} (where padan keygen "
    "writes it).", envvar="PADAN_KEY_FILE")]


def register(app: typer.Typer) -> None:
    app.command("keygen")(keygen)
    app.add_typer(schema_app, name="schema")
    app.command("encode")(encode)


@reports_errors
def keygen(
    path: Annotated[Path, typer.Argument(help="Where to write the new key file (padan encode "
                                          "looks for ./padan.key when given no key).")] =
    DEFAULT_KEY_FILE,
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing key file.")] = False,
) -> None:
    """Create a 256-bit project secret in a file readable by its owner only (mode 0600).

    Example: padan keygen project.key
    """
    generate_secret_file(path, overwrite=force)
    err_console.print(_("wrote a new secret to {path} (mode 0600); share it only with the "
                        "agencies of this project, over a channel the linker cannot read").format(
                            path=path))


@schema_app.command("init")
@reports_errors
def schema_init(
    path: Annotated[Path, typer.Argument(help="Where to write the schema.")] = Path(
        "schema.toml"),
    project_id: Annotated[str, typer.Option("--project-id", help="The project's id.")] = "demo",
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing file.")] = False,
) -> None:
    """Write the documented default linkage schema.

    Example: padan schema init schema.toml --project-id bansos-2026
    """
    if path.exists() and not force:
        raise fail(_("{path}: file exists; refusing to overwrite it (use --force)").format(
            path=path))
    text = default_schema_text(project_id)
    path.write_text(text, encoding="utf-8")
    err_console.print(_("wrote the default schema to {path}").format(path=path))


@schema_app.command("check")
@reports_errors
def schema_check(path: Annotated[Path, typer.Argument(help="The schema file.")]) -> None:
    """Validate a schema file and print its fingerprint.

    Example: padan schema check schema.toml
    """
    schema = load_schema(path)
    typer.echo(f"ok  schema_version={schema.schema_version}  project_id={schema.project_id}  "
               f"filter_bits={schema.encoded_bits}")
    typer.echo(f"fingerprint {schema.fingerprint}")


@schema_app.command("show")
@reports_errors
def schema_show(path: Annotated[Path, typer.Argument(help="The schema file.")]) -> None:
    """Print the canonical form of a schema (what its fingerprint covers) as JSON.

    Example: padan schema show schema.toml
    """
    schema = load_schema(path)
    typer.echo(json.dumps(json.loads(schema.canonical_json()), indent=2))
    typer.echo(f"fingerprint {schema.fingerprint}")


@reports_errors
def encode(
    input_path: Annotated[Path, typer.Argument(help="The list: .csv, .xlsx or .parquet.")],
    schema_path: Annotated[Path, typer.Option("--schema", "-s", help="The project's schema.")] =
    Path("schema.toml"),
    output: Annotated[Path | None, typer.Option("--out", "-o", help="Encoding file to write "
                                                "(default: INPUT with .padan).")] = None,
    key_file: KeyFileOption = None,
    mapping: Annotated[list[str] | None, typer.Option(
        "--map", help="Map a field to a column: --map nik='No KTP' (repeatable).")] = None,
    sheet: Annotated[str | None, typer.Option(
        "--sheet", help="The sheet of an XLSX workbook to read, by the name on its tab "
                        "(default: the first).")] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Stop at the first malformed row or "
                                         "row with an invalid (required) field.")] = False,
    workers: Annotated[int | None, typer.Option("--workers", help="Processes to use "
                                                "(default: all cores for a list over 32 MB, "
                                                "else one).", min=1)] = None,
    key_column: Annotated[str | None, typer.Option(
        "--key-column", help="The list's own record key column (e.g. its ID): writes "
                             "OUT.keys.csv (key <-> pseudo-id, keep it locally) so the next "
                             "version keeps each row's pseudo-id.")] = None,
    previous: Annotated[Path | None, typer.Option(
        "--previous", help="The last version's encoding file (LAST.padan, with LAST.keys.csv "
                           "beside it): rows with a known key keep their pseudo-ids, and "
                           "OUT.delta.padan and OUT.removed.csv say what changed.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the files written and the "
                                          "quality report as one JSON document on stdout "
                                          "instead of the table.")] = False,
) -> None:
    """Encode a list into keyed Bloom-filter encodings for upload.

    Writes INPUT.padan (upload this), INPUT.idmap.csv (keep it: row <-> pseudo-id) and
    INPUT.quality.json (counts of valid, repaired, invalid and missing values per field).

    An XLSX list may have title rows above its header, a header of two rows under merged
    cells, a row of column numbers, and totals rows (JUMLAH/TOTAL: skipped and reported);
    docs/input-files.md says how each is read.

    A monthly version: encode with --key-column ID, then the next month with --previous
    LAST.padan; docs/continuous-linkage.md.

    Examples: padan encode dtks.csv --schema schema.toml --key-file project.key --map
    nik=NO_KTP ; padan encode DTKS.xlsx --sheet Penerima ; padan encode dtks-2026-12.csv
    --key-column ID --previous dtks-2026-11.padan
    """
    from padan.encoder.columns import parse_map_options  # heavy imports only when encoding
    from padan.encoder.pipeline import count_records, encode_file

    schema = load_schema(schema_path)
    secret = load_secret(key_file, default=DEFAULT_KEY_FILE)
    if uses_default_key_file(key_file):
        err_console.print(_("secret: read from {file} (no --key-file, no PADAN_SECRET)").format(
            file=DEFAULT_KEY_FILE))
    overrides = parse_map_options(mapping or [])
    output = output or input_path.with_suffix(".padan")
    if output.resolve() == input_path.resolve():
        raise fail(_("--out must differ from the input file"))
    quiet = quiet or as_json
    total = None if quiet else count_records(input_path)
    with Progress(TextColumn(_("encoding")), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err_console, disable=quiet, transient=True) as bar:
        task = bar.add_task("encode", total=total)
        summary = encode_file(input_path, schema, secret, output, overrides=overrides,
                              strict=strict, workers=workers, sheet=sheet,
                              key_column=key_column, previous=previous,
                              progress=lambda done: bar.advance(task, done))
    if as_json:
        print_json({"records": summary.records, "output": summary.output,
                    "id_map": summary.id_map, "quality_report": summary.quality_path,
                    "seconds": round(summary.seconds, 3),
                    "quality": summary.quality.to_dict(), "key_map": summary.key_map,
                    "delta": summary.delta.to_dict() if summary.delta else None,
                    "delta_file": summary.delta_path, "removed_file": summary.removed_path})
        return
    if not quiet:
        err_console.print(quality_table(summary.quality))
    if summary.quality.nik_excel_lost_digit:
        err_console.print(_(
            "note: {count} NIKs lost their 16th digit in Excel (number cells ending in 0: Excel "
            "keeps 15 digits). They count as invalid: only their first 15 digits are compared, "
            "never the whole NIK. Format the NIK column as Text in the source and export the "
            "list again.").format(count=number(summary.quality.nik_excel_lost_digit)))
    err_console.print(_(
        "encoded {encoded} of {records} records in {seconds} s -> {output}\n"
        "keep locally (never upload): {id_map}\nquality report: {quality}").format(
            encoded=summary.records, records=summary.quality.rows_read,
            seconds=decimal(summary.seconds, 1), output=summary.output, id_map=summary.id_map,
            quality=summary.quality_path))
    if summary.key_map is not None:
        err_console.print(_("record keys <-> pseudo-ids (keep locally, for the next version): "
                            "{path}").format(path=summary.key_map))
    if summary.delta is not None:
        err_console.print(_(
            "since the previous version: {added} added, {changed} changed, {removed} removed, "
            "{unchanged} unchanged; the delta: {delta} and {removed_file}").format(
                added=number(summary.delta.to_dict()["added"]),
                changed=number(summary.delta.to_dict()["changed"]),
                removed=number(summary.delta.to_dict()["removed"]),
                unchanged=number(summary.delta.unchanged), delta=summary.delta_path,
                removed_file=summary.removed_path))


def quality_table(quality: QualityReport) -> Table:
    table = Table(title=_("data quality"), show_lines=False)
    for column in (N_("field"), N_("valid"), N_("repaired"), N_("invalid"), N_("missing"),
                   N_("top reasons")):
        table.add_column(_(column),
                         justify="left" if column in ("field", "top reasons") else "right")
    for name, counts in sorted(quality.statuses.items()):
        notes = quality.notes.get(name)
        reasons = ", ".join(f"{k} {v}" for k, v in notes.most_common(3)) if notes else ""
        table.add_row(name, *(str(counts.get(s, 0)) for s in
                              ("valid", "repaired", "invalid", "missing")), reasons)
    table.caption = _(
        "rows read {read}, encoded {encoded}, skipped {skipped} (malformed {malformed}); rows "
        "with an invalid field {invalid} (listed in the quality report); NIK/birthdate disagree "
        "{disagree}; placeholder dates {placeholder}").format(
            read=quality.rows_read, encoded=quality.rows_encoded, skipped=quality.rows_skipped,
            malformed=quality.rows_malformed, invalid=quality.rows_with_invalid_field,
            disagree=quality.nik_birthdate_disagree, placeholder=quality.placeholder_birthdates)
    return readable(table)
