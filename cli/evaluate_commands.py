"""`padan evaluate`: linkage quality of a run measured against the truth."""

from __future__ import annotations

import enum
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from padan.cli.failures import bad_input_errors, fail, reports_errors
from padan.cli.run_options import with_run_options
from padan.cli.synth_commands import NAMES_HELP, NameModel
from padan.cli.tables import readable
from padan.i18n import N_, _, decimal, number

console = Console(highlight=False)


class Dataset(enum.StrEnum):
    SYNTH = "synth"
    FEBRL4 = "febrl4"


class Dirt(enum.StrEnum):
    NONE = "none"
    MODERATE = "moderate"
    HEAVY = "heavy"


HELP = (
    "Measure linkage quality against the truth: precision, recall and F1 of cross-list links, "
    "whole groups and within-list duplicates; pair completeness and reduction ratio of "
    "blocking; the F1-vs-threshold curve and how far the histogram valley (a suggested "
    "threshold, not used) lands from the best one.\n\n"
    "Data: a folder from 'padan synth' (lists + truth.csv), or fresh synthetic lists, or FEBRL4 "
    "(needs pip install 'padan[eval]'). Lists are encoded with a throwaway secret. "
    "docs/evaluation.md explains every number.\n\n"
    "Examples: padan evaluate --data synthetic/ ; padan evaluate --records 5000 --dirt heavy ; "
    "padan evaluate --dataset febrl4"
)


def register(app: typer.Typer) -> None:
    app.command("evaluate", help=HELP)(evaluate)


@with_run_options
@reports_errors
def evaluate(
    data: Annotated[Path | None, typer.Option(help="Folder with agency lists and truth.csv "
                                              "(from padan synth).")] = None,
    dataset: Annotated[Dataset, typer.Option(help="Without --data: fresh synthetic lists or "
                                             "FEBRL4.")] = Dataset.SYNTH,
    schema_path: Annotated[Path | None, typer.Option("--schema", help="Linkage schema (default: "
                                                     "the one padan schema init writes).")] = None,
    records: Annotated[int, typer.Option(help="Synthetic: records in each of two lists.",
                                         min=10)] = 5000,
    dirt: Annotated[Dirt, typer.Option(help="Synthetic: corruption level.")] = Dirt.MODERATE,
    seed: Annotated[int, typer.Option(help="Synthetic: seed.", min=0)] = 7,
    names: Annotated[NameModel, typer.Option(help=NAMES_HELP)] = NameModel.REALISTIC,
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write every number "
                                                  "(with the curve) as JSON here.")] = None,
    *,
    run_options: dict,
) -> None:
    """Measure linkage quality against the truth (help text: HELP)."""
    from padan.encoder.default_schema import default_schema
    from padan.encoder.schema import load_schema
    from padan.evaluation import datasets
    from padan.evaluation.assessment import assess
    from padan.evaluation.errors import EvaluationError
    from padan.evaluation.labelled import throwaway_secret
    from padan.linker.errors import LinkerError
    from padan.linker.parameters import LinkParameters
    from padan.synth import SynthConfig, SynthConfigError, parse_agencies

    bad_input_errors(EvaluationError, LinkerError, SynthConfigError)
    schema = load_schema(schema_path) if schema_path else default_schema("evaluation")
    params = LinkParameters.from_dict(run_options)   # the options given, defaults for the rest
    secret = throwaway_secret()
    if data is not None:
        if not data.is_dir():
            raise fail(_("{path}: not a folder (give the folder padan synth wrote)").format(
                path=data))
        parties = datasets.folder_parties(data, schema, secret)
        source = str(data)
    elif dataset is Dataset.FEBRL4:
        parties = datasets.febrl4_parties(schema, secret)
        source = "FEBRL4"
    else:
        config = SynthConfig(seed=seed, population=max(4 * records, 1000),
                             agencies=parse_agencies(f"A:{records},B:{records}"),
                             dirt=dirt.value, names=names.value)
        parties = datasets.synthetic_parties(datasets.generate_synthetic(config), schema,
                                             secret)
        source = _("synthetic, {records} + {records} records, dirt {dirt}, {names} names, seed "
                   "{seed}").format(records=number(records), dirt=dirt.value, names=names.value,
                                    seed=seed)
    assessment = assess(parties, params)
    print_assessment(assessment, source)
    if json_out is not None:
        json_out.write_text(json.dumps({"source": source, **assessment.to_dict()}, indent=2)
                            + "\n", encoding="utf-8")
        console.print(_("wrote {path}").format(path=json_out))


def print_assessment(assessment, source: str) -> None:
    table = Table(title=_("linkage quality: {source}").format(source=source))
    for column in (N_("what"), N_("precision"), N_("recall"), N_("F1"), N_("true +"),
                   N_("false +"), N_("false -")):
        table.add_column(_(column), justify="left" if column == "what" else "right")
    for label, quality in ((N_("links"), assessment.links),
                           (N_("links+possible"), assessment.links_possible),
                           (N_("groups"), assessment.groups),
                           (N_("duplicates"), assessment.duplicates)):
        rates = ([decimal(quality.precision, 4), decimal(quality.recall, 4),
                  decimal(quality.f1, 4)] if quality.measurable else ["-", "-", "-"])
        table.add_row(_(label), *rates, number(quality.true_positives),
                      number(quality.false_positives), number(quality.false_negatives))
    console.print(readable(table))
    console.print(_("links: pairs across lists in match-band groups; links+possible: groups of "
                    "either band; groups: whole groups right; duplicates: pairs within a list"))
    for label, quality in (("links", assessment.links), ("duplicates", assessment.duplicates)):
        if not quality.measurable:
            console.print(_("{what}: none to measure (none in the truth and none "
                            "found)").format(what=_(label)))
    blocking = Table(title=_("blocking (all passes together)"))
    for column in (N_("lists"), N_("pair completeness"), N_("reduction ratio"),
                   N_("comparisons")):
        blocking.add_column(_(column), justify="left" if column == "lists" else "right")
    for row in assessment.blocking:
        if row.name == "union":
            blocking.add_row(" x ".join(row.parties), decimal(row.pair_completeness, 4),
                             decimal(row.reduction_ratio, 6), number(row.comparisons))
    console.print(readable(blocking))
    params = assessment.params
    best = assessment.curve.best
    if assessment.match_model is not None:
        # the run's own threshold, chosen without the truth, against the best one with it
        console.print(_("match model: linked at match probability {threshold} (automatic unless "
                        "--match-probability): F1 {f1}; best probability threshold {best}: F1 "
                        "{best_f1}").format(threshold=decimal(assessment.used_threshold, 4),
                                            f1=decimal(assessment.links.f1, 4),
                                            best=decimal(best.threshold),
                                            best_f1=decimal(best.quality.f1, 4)))
        return
    console.print(_("thresholds used: match {match}, possible {possible} (--match-threshold, "
                    "--possible-threshold)").format(match=decimal(params.match_threshold),
                                                    possible=decimal(params.possible_threshold)))
    console.print(_("best match threshold {threshold}: F1 {f1}").format(
        threshold=decimal(best.threshold), f1=decimal(best.quality.f1, 4)))
    if assessment.histogram_valley is None:
        console.print(_("histogram valley: none (the score histogram has no valley)"))
    else:
        console.print(_("histogram valley {valley} (a suggestion, not used): F1 {f1} there, "
                        "{distance} from the best").format(
                            valley=decimal(assessment.histogram_valley),
                            f1=decimal(assessment.valley_f1, 4),
                            distance=decimal(assessment.valley_distance)))
