"""Token commands: the coordinator rotates or revokes a party's token; anyone rotates their own.

Tokens are written to files (mode 0600), or printed once; never taken as an argument.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from padan.cli.client import ClientSettings, PadanClient
from padan.cli.failures import err_console, reports_errors
from padan.cli.service_commands import Server, out, project_app
from padan.linker.service.api_models import TokenPublic

token_app = typer.Typer(help="Your own token: rotate it before it expires.", no_args_is_help=True)
TokenFile = Annotated[Path | None, typer.Option(
    "--token-file", help="Write the new token to this file (mode 0600) instead of printing it.")]


def register(app: typer.Typer) -> None:
    project_app.command("rotate-token")(rotate_token)
    project_app.command("revoke-token")(revoke_token)
    app.add_typer(token_app, name="token")


def _client(server: str | None) -> PadanClient:
    settings = ClientSettings() if server is None else ClientSettings(server_url=server)
    return PadanClient.connect(settings)


def write_token_file(path: Path, token: str) -> None:
    """Replace the file atomically, mode 0600: a crash leaves the old token or the new one."""
    temporary = path.with_name(f".{path.name}.new")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(token + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def _hand_out(issued: TokenPublic, token_file: Path | None) -> None:
    until = f", valid until {issued.expires_at:%Y-%m-%d %H:%M} UTC" if issued.expires_at else ""
    if token_file:
        write_token_file(token_file, issued.token)
        err_console.print(f"wrote the new token of {issued.party} ({issued.role}) to "
                          f"{token_file} (mode 0600){until}")
        return
    out.print(issued.token)
    err_console.print(f"the new token of {issued.party} ({issued.role}) is shown once{until}; "
                      "the old one no longer works")


@reports_errors
def rotate_token(project_id: str, party: str, token_file: TokenFile = None,
                 server: Server = None) -> None:
    """Give a party a new token (coordinator); its old token stops working at once.

    Example: padan project rotate-token bansos dtks --token-file dtks.token
    """
    with _client(server) as client:
        _hand_out(client.reissue_token(project_id, party), token_file)


@reports_errors
def revoke_token(project_id: str, party: str, server: Server = None) -> None:
    """Revoke a party's token at once (coordinator); rotate-token gives it a new one.

    Example: padan project revoke-token bansos dtks
    """
    with _client(server) as client:
        client.revoke_token(project_id, party)
    out.print(f"revoked the token of {party} in project {project_id}")


@token_app.command("rotate")
@reports_errors
def rotate_own(token_file: TokenFile = None, server: Server = None) -> None:
    """Replace your own token with a new one (fresh lifetime); the old stops working at once.

    Without --token-file the new token goes back into PADAN_TOKEN_FILE when that is set.

    Example: PADAN_TOKEN_FILE=dtks.token padan token rotate
    """
    settings = ClientSettings() if server is None else ClientSettings(server_url=server)
    target = token_file or (settings.token_file if settings.token is None else None)
    with PadanClient.connect(settings) as client:
        _hand_out(client.rotate_own_token(), target)
