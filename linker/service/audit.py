"""The append-only, hash-chained audit log.

Entry n stores hash_n = SHA-256(hash_{n-1} || canonical JSON of entry n), hash_0 = 64 zeros. An
edited entry breaks its own hash; a deleted one breaks the sequence; both are found by
`verify_chain`, which reports the first bad sequence number. Cutting entries off the end is only
visible against a head hash recorded elsewhere (docs/operations.md says how).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, select
from sqlalchemy.orm import Session

from padan.linker.service.database import lock_audit_log
from padan.linker.service.tables import AuditEntry

GENESIS = "0" * 64


@dataclass(frozen=True, slots=True)
class Actor:
    """Who did something: a party name and its role (or a worker, or an anonymous caller)."""

    name: str
    role: str


ANONYMOUS = Actor("anonymous", "none")


@dataclass(frozen=True, slots=True)
class ChainStatus:
    ok: bool
    entries: int
    head_hash: str
    first_bad_seq: int | None
    reason: str | None


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def entry_hash(prev_hash: str, *, seq: int, at: str, actor: str, role: str, action: str,
               project_id: str | None, details: str) -> str:
    body = canonical({"seq": seq, "at": at, "actor": actor, "role": role, "action": action,
                      "project": project_id, "details": json.loads(details)})
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def append_entry(session: Session, actor: Actor, action: str, *, project_id: str | None = None,
                 **details: Any) -> None:
    """Add one entry to the caller's transaction. `details` must hold no personal data.

    The entry is written when the transaction commits (`_write_pending`), so the lock that keeps
    the chain in one line is held only inside that commit, never while a request waits for
    anything else: held across a request's thread hand-offs, it froze the API under load (every
    thread waiting for the lock, the holder waiting for a thread to commit in).
    """
    session.info.setdefault(_PENDING, []).append((actor, action, project_id, canonical(details)))


_PENDING = "padan_audit_pending"


@event.listens_for(Session, "before_commit")
def _write_pending(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    lock_audit_log(session)
    last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc()).limit(1)).first()
    seq = 0 if last is None else last.seq
    prev = GENESIS if last is None else last.hash
    for actor, action, project_id, text in pending:
        seq += 1
        at = datetime.now(UTC).isoformat(timespec="microseconds")
        entry = AuditEntry(seq=seq, at=at, actor=actor.name, role=actor.role, action=action,
                           project_id=project_id, details=text, prev_hash=prev,
                           hash=entry_hash(prev, seq=seq, at=at, actor=actor.name,
                                           role=actor.role, action=action,
                                           project_id=project_id, details=text))
        session.add(entry)
        prev = entry.hash
    session.flush()


@event.listens_for(Session, "after_rollback")
def _drop_pending(session: Session) -> None:
    session.info.pop(_PENDING, None)


def verify_chain(session: Session, batch: int = 5000) -> ChainStatus:
    """Recompute every link; stop at the first entry whose sequence or hash is wrong."""
    prev, expected_seq, count = GENESIS, 1, 0
    last_seq = 0
    while True:
        rows = session.scalars(select(AuditEntry).where(AuditEntry.seq > last_seq)
                               .order_by(AuditEntry.seq).limit(batch)).all()
        if not rows:
            return ChainStatus(True, count, prev, None, None)
        for entry in rows:
            if entry.seq != expected_seq:
                return ChainStatus(False, count, prev, expected_seq,
                                   f"entry {expected_seq} is missing")
            try:
                recomputed = entry_hash(prev, seq=entry.seq, at=entry.at, actor=entry.actor,
                                        role=entry.role, action=entry.action,
                                        project_id=entry.project_id, details=entry.details)
            except ValueError:
                recomputed = ""
            if entry.prev_hash != prev or entry.hash != recomputed:
                return ChainStatus(False, count, prev, entry.seq,
                                   f"entry {entry.seq} was altered")
            prev, expected_seq, count, last_seq = entry.hash, entry.seq + 1, count + 1, entry.seq
