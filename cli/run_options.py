"""Every run parameter (padan.linker.parameters.LinkParameters) as a command-line option.

`padan link --match-threshold 0.85 --possible-threshold 0.75` does what the JSON file
{"match_threshold": 0.85, "possible_threshold": 0.75} does; given both, the options win. The
options are made from the dataclass's fields, so a parameter added to the linker is an option
the moment it exists (tests/cli/test_run_options.py checks that every field has one).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import MISSING, Field, fields
from types import UnionType
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints

import typer

from padan.linker.parameters import LinkParameters

PANEL = "Run parameters (defaults: docs/api.md; override --parameters)"
HELP = {
    "match_threshold": "Dice at or above which two records of different lists are a match.",
    "possible_threshold": "Lower edge of the 'possible match' band (at most the match "
                          "threshold).",
    "duplicate_threshold": "Dice at or above which two records of one list are a duplicate.",
    "duplicate_possible_threshold": "Lower edge of the possible band for duplicates.",
    "identity_threshold": "Same valid NIK and Dice at least this: a match (1 turns it off).",
    "corroborated_threshold": "Same NIK and birthdate salt: a match when the name's Dice "
                              "reaches this.",
    "veto_threshold": "Refuse a name-only pair whose NIK digits' Dice is below this (0: off).",
    "blocking": "Candidate passes, comma-separated: identity, keys, lsh, lsh_auto, or none.",
    "lsh_auto_min_identity": "lsh_auto adds LSH when a list has a smaller share of valid NIKs.",
    "dedup": "Also find duplicates inside each list.",
    "max_block_size": "Skip a blocking bucket with more records than this on either side.",
    "lsh_bands": "LSH: number of bands.",
    "lsh_bits": "LSH: bits sampled per band.",
    "lsh_seed": "LSH: the seed that picks the bits.",
    "histogram_floor": "Best-match scores below this are left out of the histogram.",
    "partitions": "Work units per pass (0: as many as the executor suggests).",
    "kernel": "Dice kernel: auto, numba, numpy or gpu (results are identical).",
    # parameters of the match model (scoring "model"), where the linker has them
    "scoring": "How pairs are scored: model (match probabilities) or dice.",
    "match_probability": "Model: the match probability of a match; not set: the threshold "
                         "of the best F1 the model expects.",
    "possible_probability": "Model: lower edge of the 'possible' band, as a probability.",
    "name_floor": "Model: a pair is linked only if its names' Dice reaches this.",
    "duplicate_veto_threshold": "The NIK veto for duplicates within one list.",
    # roles of the parties (padan.linker.registers)
    "registers": "Registers among the parties, comma-separated NAME=KIND, KIND deaths, "
                 "population or eligibility (e.g. KEMATIAN=deaths); the others are programmes.",
    "programme_kinds": "Programme kinds, comma-separated NAME=KIND (e.g. DTKS=bansos,"
                       "KJP=bansos): double recipients are on two programmes of one kind.",
}
# parameters that are tuples, given comma-separated on the command line
LISTS = ("blocking", "registers", "programme_kinds")


def option_name(field_name: str) -> str:
    return "--" + field_name.replace("_", "-")


def _default(field: Field) -> Any:
    return field.default if field.default is not MISSING else field.default_factory()


def _option_type(field: Field) -> type:
    """bool, int, float or str (a tuple, e.g. blocking, is given comma-separated); an optional
    parameter (float | None) takes its type without None."""
    hint = get_type_hints(LinkParameters)[field.name]
    if get_origin(hint) in (Union, UnionType):
        hint = next(arg for arg in get_args(hint) if arg is not type(None))
    return hint if hint in (bool, int, float, str) else str


def _parameter(field: Field) -> inspect.Parameter:
    kind = _option_type(field)
    default = _default(field)
    shown = (",".join(default) or "none") if isinstance(default, tuple) else (
        "not set" if default is None else default)
    names = ([f"{option_name(field.name)}/--no-{field.name.replace('_', '-')}"]
             if kind is bool else [option_name(field.name)])
    option = typer.Option(*names, help=f"{HELP.get(field.name, 'See docs/api.md.')} "
                                       f"(default {shown})",
                          rich_help_panel=PANEL, show_default=False)
    return inspect.Parameter(field.name, inspect.Parameter.KEYWORD_ONLY, default=None,
                             annotation=Annotated[kind | None, option])


def given_parameters(values: dict[str, Any]) -> dict[str, Any]:
    """The run parameters given as options (None: not given), as LinkParameters.from_dict
    takes them (the LISTS split on commas)."""
    given = {}
    for name, value in values.items():
        if value is None:
            continue
        given[name] = [p.strip() for p in value.split(",") if p.strip()] \
            if name in LISTS else value
    return given


def with_run_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give a typer command an option for every run parameter.

    The command takes a keyword argument `run_options`: the parameters given on the command
    line, as a dict (empty when none was).
    """
    own = inspect.signature(command, eval_str=True)
    run_fields = fields(LinkParameters)
    names = {field.name for field in run_fields}

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        options = {name: kwargs.pop(name) for name in list(kwargs) if name in names}
        return command(*args, run_options=given_parameters(options), **kwargs)

    kept = [p for p in own.parameters.values() if p.name != "run_options"]
    params = [*kept, *(_parameter(field) for field in run_fields)]
    wrapper.__signature__ = own.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in params}
    del wrapper.__wrapped__  # typer must read the new signature, not the command's own
    return wrapper
