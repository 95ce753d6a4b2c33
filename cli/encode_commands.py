"""Agency commands: keygen, schema, encode."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from padan.cli.failures import err_console, reports_errors
from padan.encoder.keys import generate_secret_file


def register(app: typer.Typer) -> None:
    app.command("keygen")(keygen)


@reports_errors
def keygen(
    path: Annotated[Path, typer.Argument(help="Where to write the new key file.")] = Path(
        "padan.key"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite an existing key file.")] = False,
) -> None:
    """Create a 256-bit project secret in a file readable by its owner only (mode 0600).

    Example: padan keygen project.key
    """
    generate_secret_file(path, overwrite=force)
    err_console.print(f"wrote a new secret to {path} (mode 0600); share it only with the agencies "
                      "of this project, over a channel the linker cannot read")
