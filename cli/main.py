"""The `padan` command: a thin shell over encoder and linker.

Each role's commands live in their own module, which registers them on `app`.
"""

from __future__ import annotations

import typer

from padan.cli import (
    attack_commands,
    audit_commands,
    demo_commands,
    encode_commands,
    evaluate_commands,
    link_commands,
    reveal_commands,
    service_commands,
    synth_commands,
    token_commands,
)

app = typer.Typer(
    name="padan",
    help="Privacy-preserving record matching across agencies (pemadanan data).",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,  # locals hold keys and records
    add_completion=False,
)



@app.callback()
def _root() -> None:
    """Privacy-preserving record matching across agencies (pemadanan data)."""


for module in (demo_commands, encode_commands, link_commands, reveal_commands, service_commands,
               synth_commands, evaluate_commands, attack_commands, token_commands,
               audit_commands):
    module.register(app)


def main() -> None:  # pragma: no cover - console entry point
    app()
