"""Routes for the audit log: read entries, verify the chain."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query
from sqlalchemy import select

from padan.linker.service.api.deps import CurrentCaller, SessionDep, StateDep
from padan.linker.service.api_models import AuditEntryPublic, AuditStatusPublic
from padan.linker.service.audit import verify_chain
from padan.linker.service.errors import Forbidden
from padan.linker.service.tables import AuditEntry

router = APIRouter(prefix="/audit", tags=["audit"])


def _require_overseer(caller) -> None:
    if caller.role not in ("coordinator", "auditor"):
        raise Forbidden("the audit log is for coordinators and auditors", role=caller.role)


@router.get("", response_model=list[AuditEntryPublic])
def entries(caller: CurrentCaller, session: SessionDep, state: StateDep,
            after: Annotated[int, Query(ge=0)] = 0,
            limit: Annotated[int | None, Query(ge=1)] = None) -> list[AuditEntryPublic]:
    """Entries after `after`: all for a coordinator, its own project's for an auditor."""
    _require_overseer(caller)
    limit = min(limit or state.settings.audit_page_size, state.settings.audit_page_size)
    query = select(AuditEntry).where(AuditEntry.seq > after).order_by(AuditEntry.seq).limit(limit)
    if caller.role == "auditor":
        query = query.where(AuditEntry.project_id == caller.project_id)
    return [AuditEntryPublic(seq=e.seq, at=e.at, actor=e.actor, role=e.role, action=e.action,
                             project_id=e.project_id, details=json.loads(e.details),
                             prev_hash=e.prev_hash, hash=e.hash)
            for e in session.scalars(query)]


@router.get("/verify", response_model=AuditStatusPublic)
def verify(caller: CurrentCaller, session: SessionDep) -> AuditStatusPublic:
    """Recompute the whole chain; report the first edited or missing entry."""
    _require_overseer(caller)
    status = verify_chain(session)
    return AuditStatusPublic(ok=status.ok, entries=status.entries, head_hash=status.head_hash,
                             first_bad_seq=status.first_bad_seq, reason=status.reason)
