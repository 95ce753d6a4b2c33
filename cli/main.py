"""The `padan` command: a thin shell over encoder and linker.

Each role's commands live in their own module, which registers them on `app`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from padan.cli import (
    attack_commands,
    audit_commands,
    continuous_commands,
    demo_commands,
    encode_commands,
    evaluate_commands,
    link_commands,
    reveal_commands,
    service_commands,
    synth_commands,
    token_commands,
)
from padan.cli.language import LocalisedGroup, lang_option_callback

app = typer.Typer(
    name="padan",
    help="Privacy-preserving record matching across agencies (pemadanan data).",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals hold keys and records
    add_completion=False,
    cls=LocalisedGroup,  # chooses the language (--lang, PADAN_LANG, locale) before any help
)



@app.callback()
def _root(
    lang: Annotated[str | None, typer.Option(
        "--lang", callback=lang_option_callback, metavar="id|en",
        help="Language of messages and help: id (Bahasa Indonesia) or en (English). Default: "
             "PADAN_LANG, then the locale (LANG=id_ID.UTF-8 gives id).")] = None,
) -> None:
    """Privacy-preserving record matching across agencies (pemadanan data)."""


for module in (demo_commands, encode_commands, link_commands, reveal_commands, service_commands,
               synth_commands, evaluate_commands, attack_commands, token_commands,
               audit_commands, continuous_commands):
    module.register(app)


def main() -> None:  # pragma: no cover - console entry point
    app()
