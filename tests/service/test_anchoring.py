"""Signed checkpoints of the audit chain: an auditor who keeps them detects an edited row, a
deleted row, a rewritten chain and a truncated tail, each with the server's own check passing
where it cannot see the tampering."""

from __future__ import annotations

import json
import os
import stat
import uuid
from dataclasses import replace

import pytest
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from padan.cli.audit_commands import take_checkpoint, verified_checkpoints, verify_against
from padan.cli.client import PadanClient
from padan.cli.local_server import serve_in_thread
from padan.cli.main import app as cli
from padan.linker.service import Settings, create_app, create_coordinator_token
from padan.linker.service.anchoring import BadCheckpoint, KeyFileError, verify_checkpoint
from padan.linker.service.audit import entry_hash
from padan.linker.service.database import transaction
from padan.linker.service.tables import AuditEntry

from .helpers import auth, make_project


def _activity(client, coordinator: str, tokens: dict[str, str], rounds: int = 3) -> None:
    """Entries of the project (views) and outside it (another project)."""
    for _ in range(rounds):
        assert client.post("/projects/proj/parties/kis/token",
                           headers=auth(coordinator)).status_code == 201
        assert client.post("/projects", headers=auth(coordinator),
                           json={"project_id": f"other-{uuid.uuid4().hex[:8]}",
                                 "schema_fingerprint": "f", "agencies": ["x"]}).status_code == 201


def _entries(app) -> list[AuditEntry]:
    with transaction(app.state.padan.factory) as session:
        return list(session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))


def _rehash_from(app, seq: int) -> None:
    """What a careful forger does after an edit: recompute every later hash."""
    with transaction(app.state.padan.factory) as session:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.seq >= seq - 1)
                               .order_by(AuditEntry.seq)).all()
        prev = rows[0].hash if seq > 1 else "0" * 64
        for row in rows[1:] if seq > 1 else rows:
            row.prev_hash = prev
            row.hash = prev = entry_hash(prev, seq=row.seq, at=row.at, actor=row.actor,
                                         role=row.role, action=row.action,
                                         project_id=row.project_id, details=row.details)


@pytest.fixture
def audited(client, app, coordinator_token, tmp_path):
    """A project with activity, an auditor holding two checkpoints; the auditor's client."""
    tokens = make_project(client, coordinator_token)
    auditor = PadanClient(client, token=tokens["bpk"])
    held = tmp_path / "bpk-checkpoints.jsonl"
    _activity(client, coordinator_token, tokens)
    take_checkpoint(auditor, held)
    _activity(client, coordinator_token, tokens)
    take_checkpoint(auditor, held)
    return auditor, verified_checkpoints(held), app


def test_an_untouched_chain_matches_every_checkpoint(audited):
    auditor, held, app = audited
    assert len(held) == 2 and held[0].seq < held[1].seq
    status = verify_against(auditor, held)
    assert status.ok and status.entries == len(_entries(app))


def test_an_edited_row_is_detected(audited):
    auditor, held, app = audited
    mine = [e.seq for e in _entries(app) if e.project_id == "proj"]
    with transaction(app.state.padan.factory) as session:
        session.execute(update(AuditEntry).where(AuditEntry.seq == mine[2])
                        .values(details='{"party":"someone-else"}'))
    status = verify_against(auditor, held)
    assert not status.ok and status.first_bad_seq == mine[2]
    assert status.reason == f"entry {mine[2]} was altered"


def test_a_rewritten_chain_passes_the_server_but_not_the_checkpoints(audited):
    auditor, held, app = audited
    hidden = [e.seq for e in _entries(app) if e.project_id != "proj"]  # the auditor can't read
    with transaction(app.state.padan.factory) as session:
        session.execute(update(AuditEntry).where(AuditEntry.seq == hidden[1])
                        .values(details='{"forged":true}'))
    _rehash_from(app, hidden[1])
    assert auditor.audit_verify().ok  # the chain alone looks intact
    status = verify_against(auditor, held)
    assert not status.ok and status.first_bad_seq == held[0].seq
    assert "the log was rewritten" in status.reason


def test_a_deleted_row_is_detected(audited):
    auditor, held, app = audited
    victim = _entries(app)[4].seq
    with transaction(app.state.padan.factory) as session:
        session.execute(delete(AuditEntry).where(AuditEntry.seq == victim))
    status = verify_against(auditor, held)
    assert not status.ok and status.reason == f"entry {victim} is missing"


def test_a_truncated_tail_is_detected_only_with_checkpoints(audited):
    auditor, held, app = audited
    newest = held[-1].seq
    with transaction(app.state.padan.factory) as session:
        session.execute(delete(AuditEntry).where(AuditEntry.seq > newest - 3))
    assert auditor.audit_verify().ok  # what was left is a valid chain
    assert verify_against(auditor, []).ok
    status = verify_against(auditor, held)
    assert not status.ok and "cut off the end" in status.reason
    assert status.entries == newest - 3


def test_a_forged_or_foreign_checkpoint_is_refused(audited):
    _auditor, held, _app = audited
    with pytest.raises(BadCheckpoint, match="does not verify"):
        verify_checkpoint(replace(held[1], seq=held[1].seq + 5))
    with pytest.raises(BadCheckpoint, match="not the pinned key"):
        verify_checkpoint(held[1], pinned_key_id="0" * 16)


def test_the_signing_key_is_private_created_once_and_checked(tmp_path):
    settings = Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'p.db'}")
    first = create_app(settings)
    path = settings.audit_key_path
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    second = create_app(settings)
    assert first.state.padan.signer.key_id == second.state.padan.signer.key_id
    os.chmod(path, 0o644)
    with pytest.raises(KeyFileError, match=str(path)):
        create_app(settings)
    for application in (first, second):
        application.state.padan.engine.dispose()


def test_cli_keeps_checkpoints_and_verify_fails_after_truncation(tmp_path, monkeypatch):
    settings = Settings(data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'p.db'}")
    coordinator = create_coordinator_token(settings, "koordinator")
    application = create_app(settings)
    held = tmp_path / "held.jsonl"
    runner = CliRunner()
    with serve_in_thread(application) as base_url:
        import httpx

        with httpx.Client(base_url=base_url) as http:
            tokens = make_project(http, coordinator)
            _activity(http, coordinator, tokens)
        monkeypatch.setenv("PADAN_SERVER_URL", base_url)
        monkeypatch.setenv("PADAN_TOKEN", tokens["bpk"])
        monkeypatch.setenv("PADAN_CHECKPOINT_FILE", str(held))
        taken = runner.invoke(cli, ["audit", "checkpoint"])
        assert taken.exit_code == 0, taken.output
        verified = runner.invoke(cli, ["audit", "verify"])
        assert verified.exit_code == 0 and "matches your 1 checkpoints" in verified.output
        line = json.loads(held.read_text())
        with transaction(application.state.padan.factory) as session:
            session.execute(delete(AuditEntry).where(AuditEntry.seq > line["seq"] - 2))
        broken = runner.invoke(cli, ["audit", "verify"])
        assert broken.exit_code == 1 and "cut off the end" in broken.output
        shrunk = runner.invoke(cli, ["audit", "checkpoint"])
        assert shrunk.exit_code == 1 and "cut off the end" in shrunk.output


def test_an_auditor_sees_other_projects_entries_as_links_only(audited):
    auditor, _held, app = audited
    links = list(auditor.audit_chain(page=4))  # several pages
    assert [link.seq for link in links] == [e.seq for e in _entries(app)]
    readable = {link.entry.project_id for link in links if link.entry is not None}
    assert readable == {"proj"}
    assert any(link.entry is None for link in links)
