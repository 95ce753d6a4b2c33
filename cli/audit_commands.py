"""Auditor's commands: keep signed checkpoints of the audit chain, verify the chain against them.

A checkpoint file holds one JSON checkpoint per line, oldest first. The first checkpoint's key is
pinned: a later checkpoint signed by another key is refused (the service's key changed, or
someone else answers). Pin a key learnt out of band with --key-id.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from padan.cli.client import ClientSettings, PadanClient
from padan.cli.failures import bad_input_errors, err_console, fail, reports_errors
from padan.cli.service_commands import Server, audit_app, out
from padan.linker.service.anchoring import (
    BadCheckpoint,
    Checkpoint,
    Link,
    check_chain,
    verify_checkpoint,
)
from padan.linker.service.audit import ChainStatus

bad_input_errors(BadCheckpoint)
CheckpointFile = Annotated[Path | None, typer.Option(
    "--checkpoints", help="Your checkpoint file (JSON lines); default: PADAN_CHECKPOINT_FILE.")]


def register(app: typer.Typer) -> None:
    audit_app.command("checkpoint")(audit_checkpoint)
    audit_app.command("verify")(audit_verify)


def _settings(server: str | None) -> ClientSettings:
    return ClientSettings() if server is None else ClientSettings(server_url=server)


def read_checkpoints(path: Path) -> list[Checkpoint]:
    if not path.exists():
        return []
    held = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            held.append(Checkpoint(**json.loads(line)))
        except (ValueError, TypeError):
            raise BadCheckpoint(f"{path}, line {number}: not a checkpoint") from None
    return held


def verified_checkpoints(path: Path, key_id: str | None = None) -> list[Checkpoint]:
    """The file's checkpoints, every signature checked against the pinned key."""
    held = read_checkpoints(path)
    pinned = key_id or (held[0].key_id if held else None)
    for checkpoint in held:
        verify_checkpoint(checkpoint, pinned)
    return held


def take_checkpoint(client: PadanClient, path: Path, key_id: str | None = None) -> tuple[
        Checkpoint, str | None]:
    """Fetch a signed checkpoint, check it, append it to `path`; also say if it contradicts an
    earlier one (the log shrank or a covered entry changed)."""
    held = verified_checkpoints(path, key_id)
    fresh = Checkpoint(**client.audit_checkpoint().model_dump())
    verify_checkpoint(fresh, key_id or (held[0].key_id if held else None))
    problem = None
    for earlier in held:
        if fresh.seq < earlier.seq:
            problem = (f"the log now ends at entry {fresh.seq}, but on {earlier.at} it had "
                       f"reached entry {earlier.seq}: entries were cut off the end")
        elif fresh.seq == earlier.seq and fresh.head_hash != earlier.head_hash:
            problem = f"entry {fresh.seq} changed since {earlier.at}: the log was rewritten"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    with os.fdopen(fd, "a", encoding="utf-8") as handle:
        handle.write(json.dumps(fresh.to_dict(), sort_keys=True) + "\n")
    return fresh, problem


def verify_against(client: PadanClient, checkpoints: list[Checkpoint]) -> ChainStatus:
    """Download the chain and check it (links, readable entries) against the checkpoints."""
    links = (Link(link.seq, link.prev_hash, link.hash,
                  link.entry.model_dump() if link.entry is not None else None)
             for link in client.audit_chain())
    return check_chain(links, checkpoints)


@reports_errors
def audit_checkpoint(
    checkpoints: CheckpointFile = None,
    key_id: Annotated[str | None, typer.Option(
        help="The service's key id, learnt out of band; default: the file's first key.")] = None,
    server: Server = None,
) -> None:
    """Fetch a checkpoint of the audit chain signed by the service and keep it in your file.

    Take one at every meeting, or daily from cron; `padan audit verify` checks the log against
    all you hold, so cutting or rewriting entries is found without notes by hand.

    Example: padan audit checkpoint --checkpoints bpk-checkpoints.jsonl
    """
    settings = _settings(server)
    path = checkpoints or settings.checkpoint_file
    if path is None:
        raise fail("give --checkpoints FILE (or set PADAN_CHECKPOINT_FILE)")
    with PadanClient.connect(settings) as client:
        fresh, problem = take_checkpoint(client, path, key_id)
    out.print(f"checkpoint: entry {fresh.seq}, head {fresh.head_hash}, signed {fresh.at} by key "
              f"{fresh.key_id}; kept in {path}")
    if problem:
        err_console.print(f"error: {problem}", markup=False)
        raise typer.Exit(1)


@reports_errors
def audit_verify(checkpoints: CheckpointFile = None, server: Server = None) -> None:
    """Verify the audit chain: recomputed on the server, and here against your checkpoints;
    exit 1 if an entry was edited, deleted or cut off the end.

    Example: padan audit verify --checkpoints bpk-checkpoints.jsonl
    """
    settings = _settings(server)
    path = checkpoints or settings.checkpoint_file
    held = verified_checkpoints(path) if path else []
    with PadanClient.connect(settings) as client:
        server_side = client.audit_verify()
        local = verify_against(client, held)
    for status in (server_side, local):
        if not status.ok:
            err_console.print(f"error: audit chain broken at entry {status.first_bad_seq}: "
                              f"{status.reason}", markup=False)
            raise typer.Exit(1)
    out.print(f"audit chain intact: {local.entries} entries, head {local.head_hash}")
    if held:
        newest = max(held, key=lambda c: c.seq)
        out.print(f"matches your {len(held)} checkpoints (newest: entry {newest.seq}, signed "
                  f"{newest.at})")
    else:
        err_console.print("no checkpoints held: entries cut off the end cannot be detected; "
                          "take them with padan audit checkpoint")
