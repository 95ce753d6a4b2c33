"""Routes for the audit log: read entries, verify the chain, signed checkpoints of its head."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from padan.linker.service.api.deps import CurrentCaller, SessionDep, StateDep
from padan.linker.service.api_models import (
    AuditEntryPublic,
    AuditKeyPublic,
    AuditLinkPublic,
    AuditStatusPublic,
    CheckpointPublic,
)
from padan.linker.service.audit import GENESIS, verify_chain
from padan.linker.service.errors import Forbidden
from padan.linker.service.tables import MAX_INTEGER_ID, AuditEntry

router = APIRouter(prefix="/audit", tags=["audit"])


def _require_overseer(caller) -> None:
    if caller.role not in ("coordinator", "auditor"):
        raise Forbidden("the audit log is for coordinators and auditors", role=caller.role)


@router.get("", response_model=list[AuditEntryPublic])
def entries(caller: CurrentCaller, session: SessionDep, state: StateDep,
            after: Annotated[int, Query(ge=0, le=MAX_INTEGER_ID)] = 0,
            limit: Annotated[int | None, Query(ge=1)] = None) -> list[AuditEntryPublic]:
    """Entries after `after`: all for a coordinator, its own project's for an auditor."""
    _require_overseer(caller)
    limit = min(limit or state.settings.audit_page_size, state.settings.audit_page_size)
    query = select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq).limit(limit)
    if caller.role == "auditor":
        query = query.where(AuditEntry.project_id == caller.project_id)
    return [_public(e) for e in session.scalars(query)]


def _public(e: AuditEntry) -> AuditEntryPublic:
    return AuditEntryPublic(seq=e.seq, at=e.at, actor=e.actor, role=e.role, action=e.action,
                            project_id=e.project_id, details=json.loads(e.details),
                            prev_hash=e.prev_hash, hash=e.hash)


@router.get("/chain", response_model=list[AuditLinkPublic])
def chain(caller: CurrentCaller, session: SessionDep, state: StateDep,
          after: Annotated[int, Query(ge=0, le=MAX_INTEGER_ID)] = 0,
          limit: Annotated[int | None, Query(ge=1)] = None) -> list[AuditLinkPublic]:
    """Every entry's links (seq, prev_hash, hash) after `after`, with the entry itself where the
    caller may read it (an auditor: its own project's): enough to check the whole chain."""
    _require_overseer(caller)
    limit = min(limit or state.settings.audit_page_size, state.settings.audit_page_size)
    rows = session.scalars(select(AuditEntry).where(AuditEntry.seq > after)
                           .order_by(AuditEntry.seq).limit(limit))
    readable = (lambda e: True) if caller.role == "coordinator" else (
        lambda e: e.project_id is not None and e.project_id == caller.project_id)
    return [AuditLinkPublic(seq=e.seq, prev_hash=e.prev_hash, hash=e.hash,
                            entry=_public(e) if readable(e) else None) for e in rows]


@router.get("/key", response_model=AuditKeyPublic)
def key(caller: CurrentCaller, state: StateDep) -> AuditKeyPublic:
    """The public half of the service's checkpoint signing key (Ed25519, raw, base64)."""
    _require_overseer(caller)
    return AuditKeyPublic(key_id=state.signer.key_id, public_key=state.signer.public_key_b64)


@router.get("/checkpoint", response_model=CheckpointPublic)
def checkpoint(caller: CurrentCaller, session: SessionDep, state: StateDep) -> CheckpointPublic:
    """The chain's head (sequence number and hash), signed now by the service's key: keep it."""
    _require_overseer(caller)
    head = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).first()
    signed = state.signer.sign(head.seq if head else 0, head.hash if head else GENESIS)
    return CheckpointPublic(**signed.to_dict())


@router.get("/verify", response_model=AuditStatusPublic)
def verify(caller: CurrentCaller, session: SessionDep) -> AuditStatusPublic:
    """Recompute the whole chain; report the first edited or missing entry."""
    _require_overseer(caller)
    status = verify_chain(session)
    return AuditStatusPublic(ok=status.ok, entries=status.entries, head_hash=status.head_hash,
                             first_bad_seq=status.first_bad_seq, reason=status.reason)
