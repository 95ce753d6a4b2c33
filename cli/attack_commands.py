"""`padan attack`: what an honest-but-curious linker could re-identify from encodings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from padan.cli.failures import bad_input_errors, fail, reports_errors
from padan.cli.synth_commands import NameModel
from padan.cli.tables import readable
from padan.i18n import _, number

console = Console(highlight=False)
# the same names as padan.evaluation.simulation.ATTACKS (imported lazily: the CLI starts fast)
ATTACKS = ("frequency", "pattern-mining", "salt-aware-mining", "graph-matching",
           "hamming-weight")

HELP = (
    "Simulate attacks by the linker on a synthetic list encoded with a schema: frequency "
    "attacks on filters and on blocking tokens (per key and all keys jointly), a "
    "pattern-mining attack on the filters (Christen et al.), a graph-matching attack "
    "(Vidanage et al.) and the Hamming-weight leak. The attacker knows the schema, not the "
    "secret, and holds an independent public sample of the population (names, birthdates, "
    "sexes, NIK provinces).\n\n"
    "Prints, per attack, the share of records whose name and first name are re-identified, the "
    "share of distinct names recovered and of guesses that are right, beside a blind guess, and "
    "the key values (birth year, birthdate) recovered. With --field, the same attacks try to "
    "recover the values of another field of the schema instead (the mother's name, the "
    "birthplace, the address's words), with a public sample of other people's values. "
    "docs/threat-model.md explains the model.\n\n"
    "Examples: padan attack --schema schema.toml --records 20000 ; padan attack --field "
    "birthplace --records 4000"
)
# the same names as padan.evaluation.field_attacks.ATTACKED_KINDS
FIELD_KINDS = ("mother_name", "birthplace", "address")


def register(app: typer.Typer) -> None:
    app.command("attack", help=HELP)(attack)


@reports_errors
def attack(
    schema_path: Annotated[Path | None, typer.Option("--schema", help="Linkage schema (default: "
                                                     "the one padan schema init writes).")] = None,
    records: Annotated[int, typer.Option(help="Records in the encoded synthetic list.",
                                         min=10)] = 20_000,
    public: Annotated[int, typer.Option(help="People in the attacker's public sample.",
                                        min=10)] = 60_000,
    dirt: Annotated[str, typer.Option(help="Corruption of the list: none, moderate, heavy.")
                    ] = "moderate",
    seed: Annotated[int, typer.Option(help="Seed of the list (the public sample uses "
                                      "another).", min=0)] = 7,
    # classic by default, unlike padan synth: more concentrated names help the frequency
    # attacks, the harder case for privacy (padan.evaluation.simulation.ATTACK_NAME_MODEL)
    names: Annotated[NameModel, typer.Option(
        help="Name model of the list and the public sample: classic (names about ten times as "
             "concentrated as e-KTP names, which helps the frequency attacks: the harder case "
             "for privacy) or realistic; docs/evaluation.md.")] = NameModel.CLASSIC,
    only: Annotated[list[str] | None, typer.Option("--only", help=f"Run only these attacks "
                                                   f"({', '.join(ATTACKS)}); repeatable.")
                    ] = None,
    bit_range: Annotated[str | None, typer.Option("--bit-range", help="Attack only filter "
                                                  "bits START:STOP (one segment).")] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the results as "
                                                  "JSON here.")] = None,
    field: Annotated[str | None, typer.Option(
        "--field", help=f"Attack the values of the schema's field of this kind instead of the "
                        f"names ({', '.join(FIELD_KINDS)}).")] = None,
) -> None:
    """Simulate attacks on encodings (help text: HELP)."""
    from padan.encoder.default_schema import default_schema
    from padan.encoder.schema import load_schema
    from padan.evaluation.simulation import run_attacks
    from padan.synth import SynthConfigError

    bad_input_errors(SynthConfigError)
    chosen = tuple(only) if only else ATTACKS
    unknown = [a for a in chosen if a not in ATTACKS]
    if unknown:
        raise fail(_("unknown attack '{attack}'; choose from {choices}").format(
            attack=unknown[0], choices=", ".join(ATTACKS)))
    schema = load_schema(schema_path) if schema_path else default_schema("attack")
    window = _bit_range(bit_range, schema.encoded_bits)
    if field is None:
        outcomes = run_attacks(schema, records=records, public=public, dirt=dirt, seed=seed,
                               attacks=chosen, bit_range=window, names=names.value)
        title = _("attacks on {records} encoded records (dirt {dirt}, {names} names, "
                  "seed {seed}); public sample {public}")
    else:
        _check_field(schema, field)
        from padan.evaluation.field_attacks import field_attack_outcomes

        outcomes = field_attack_outcomes(schema, field, records=records, public=public,
                                         seed=seed, names=names.value, dirt=dirt,
                                         attacks=chosen, bit_range=window)
        title = _("attacks on the {field} values of {records} encoded records (dirt {dirt}, "
                  "{names} names, seed {seed}); public sample {public}")
    table = Table(title=title.format(records=number(records), dirt=dirt, names=names.value,
                                     seed=seed, public=number(public), field=field))
    # short headers and an unwrapped first column: the table stays readable in 80 columns
    table.add_column(_("attack"), overflow="fold", min_width=18)
    for column in (_("names"), _("first"), _("distinct"), _("guessed"), _("right"), _("blind")):
        table.add_column(column, justify="right", no_wrap=True, min_width=6)
    recovered_lines = []
    for outcome in outcomes:
        precision = "–" if outcome.precision is None else f"{outcome.precision:.1%}"
        table.add_row(escape(outcome.attack), f"{outcome.name_share:.2%}",
                      f"{outcome.first_name_share:.2%}", f"{outcome.value_share:.2%}",
                      number(outcome.guessed), precision, f"{outcome.baseline_share:.1%}")
        if outcome.recovered:
            recovered_lines.append(escape(_("{attack} recovered:").format(
                attack=outcome.attack)) + " " + ", ".join(
                f"{part} {share:.2%}" for part, share in outcome.recovered.items()))
    console.print(readable(table))
    for line in recovered_lines:
        console.print(line)
    console.print(escape(_(
        "names: share of records whose whole name is re-identified; first: first names; "
        "distinct: share of distinct names recovered; right: share of the guesses that are "
        "right; blind: first names right when the commonest public first name is guessed for "
        "everyone. attack[segment]: the attack on one segment of the filter; @field: on that "
        "field's values (names then means values).")))
    if json_out is not None:
        json_out.write_text(json.dumps([o.to_dict() for o in outcomes], indent=2) + "\n",
                            encoding="utf-8")
        console.print(_("wrote {path}").format(path=json_out))


def _check_field(schema, field: str) -> None:
    """A field kind the attacks model, and one the schema holds."""
    if field not in FIELD_KINDS:
        raise fail(_("--field takes one of {choices}").format(choices=", ".join(FIELD_KINDS)))
    if schema.field_of_kind(field) is None:
        raise fail(_("the schema has no field of kind '{kind}' to attack").format(kind=field))


def _bit_range(text: str | None, filter_bits: int) -> tuple[int, int] | None:
    """'START:STOP' -> (start, stop), checked against the schema's filter length."""
    if text is None:
        return None
    start, _colon, stop = text.partition(":")
    if not (start.strip().isdigit() and stop.strip().isdigit()):
        raise fail(_("--bit-range takes START:STOP, two whole numbers (e.g. 0:512)"))
    window = int(start), int(stop)
    if not 0 <= window[0] < window[1] <= filter_bits:
        raise fail(_("--bit-range must lie within the filter's {bits} bits, start < "
                     "stop").format(bits=filter_bits))
    return window
