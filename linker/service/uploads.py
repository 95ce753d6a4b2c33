"""Resumable, validated, idempotent uploads of encoding files.

An upload session collects bytes in order (`append_chunk` refuses a gap or an overlap and says
where to resume). `finish_upload` validates the whole file before it touches anything stored: a
refused file leaves the party's earlier upload, the store and the results as they were.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from padan.encoder.encoding_file import EncodingHeader, read_header, verify_checksum
from padan.encoder.errors import EncodingFileError
from padan.linker.service.audit import append_entry
from padan.linker.service.errors import (
    Conflict,
    Forbidden,
    InvalidRequest,
    LimitExceeded,
    NotFound,
    TooLarge,
    UploadRejected,
)
from padan.linker.service.parties import Caller
from padan.linker.service.store import Store, file_sha256
from padan.linker.service.tables import Party, Project, Run, Upload, UploadSession
from padan.linker.service.versions import parse_removed, removed_csv, removed_path

MAX_CHUNK_BYTES = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class FinishedUpload:
    upload: Upload
    party: str
    replaced: bool  # an earlier, different upload of the party was replaced (results invalidated)
    unchanged: bool  # the same bytes were already the party's current upload (idempotent)


def part_path(upload_dir: Path, session_id: str) -> Path:
    return upload_dir / f"{session_id}.part"


def begin_upload(session: Session, caller: Caller, project: Project, *, size: int,
                 sha256: str | None, max_bytes: int,
                 max_open: int | None = None, kind: str = "whole") -> UploadSession:
    """Open an upload session, or resume the caller's open one for the same bytes."""
    if kind == "delta" and not project.continuous:
        raise InvalidRequest(f"project '{project.id}' does not keep versions of the lists: "
                             "upload the whole list (kind 'whole'), or ask the coordinator for "
                             "a continuous project", project=project.id, field="kind")
    if kind == "delta":
        require_linked(session, caller, project)
    if size > max_bytes:
        raise TooLarge(f"the file is {size} bytes; this server accepts at most {max_bytes}",
                       limit=max_bytes)
    if sha256 is not None:
        existing = session.scalars(select(UploadSession).where(
            UploadSession.project_id == project.id, UploadSession.party_id == caller.party_id,
            UploadSession.sha256 == sha256, UploadSession.size == size,
            UploadSession.kind == kind, UploadSession.state == "open")).first()
        if existing is not None:
            return existing
    if max_open is not None:
        open_now = session.scalar(select(func.count()).select_from(UploadSession).where(
            UploadSession.project_id == project.id, UploadSession.party_id == caller.party_id,
            UploadSession.state == "open"))
        if open_now >= max_open:
            raise LimitExceeded(f"party '{caller.name}' already has {open_now} unfinished "
                                "uploads; finish or resume one (same file, same SHA-256)",
                                setting="PADAN_MAX_OPEN_UPLOADS_PER_PARTY", limit=max_open)
    pending = UploadSession(id=secrets.token_urlsafe(16), project_id=project.id,
                            party_id=caller.party_id, size=size, sha256=sha256, offset=0,
                            state="open", kind=kind)
    session.add(pending)
    session.flush()
    return pending


def upload_session_for(session: Session, caller: Caller, project: Project,
                       session_id: str, *, lock: bool = False) -> UploadSession:
    query = select(UploadSession).where(UploadSession.id == session_id,
                                        UploadSession.project_id == project.id)
    if lock:
        query = query.with_for_update()
    pending = session.scalars(query).first()
    if pending is None or pending.party_id != caller.party_id:
        raise NotFound("upload session not found", upload=session_id)
    return pending


def append_chunk(session: Session, pending: UploadSession, *, offset: int, data: bytes,
                 upload_dir: Path) -> UploadSession:
    """Write `data` at `offset`, which must be the committed offset so far."""
    if pending.state != "open":
        raise Conflict(f"upload session is {pending.state}; start a new upload",
                       upload=pending.id, state=pending.state)
    if offset != pending.offset:
        raise Conflict(f"expected the chunk at offset {pending.offset}, got {offset}; resume "
                       f"from {pending.offset}", upload=pending.id, offset=pending.offset)
    if offset + len(data) > pending.size:
        raise TooLarge(f"chunk ends at byte {offset + len(data)}, beyond the declared size "
                       f"{pending.size}", upload=pending.id, size=pending.size)
    upload_dir.mkdir(parents=True, exist_ok=True)
    path = part_path(upload_dir, pending.id)
    with open(path, "r+b" if path.exists() else "wb") as out:
        out.truncate(offset)  # drop bytes of an earlier attempt that never committed
        out.seek(offset)
        out.write(data)
        out.flush()
        os.fsync(out.fileno())
    pending.offset = offset + len(data)
    pending.updated_at = datetime.now(UTC)
    return pending


def require_linked(session: Session, caller: Caller, project: Project) -> None:
    """A delta applies to the party's list in the standing state: its current upload must have
    been linked by a run."""
    current = session.scalars(select(Upload).where(
        Upload.project_id == project.id, Upload.party_id == caller.party_id,
        Upload.current)).first()
    if current is None or not current.linked:
        raise Conflict("a delta applies to the list a run has linked, and your current upload "
                       "is not linked yet: wait for a run (the coordinator starts it), or "
                       "upload the whole list", party=caller.name)


def store_removed(pending: UploadSession, data: bytes, upload_dir: Path) -> int:
    """Keep the removed list of an open delta upload (validated now); how many pseudo-ids."""
    if pending.state != "open":
        raise Conflict(f"upload session is {pending.state}; start a new upload",
                       upload=pending.id, state=pending.state)
    if pending.kind != "delta":
        raise Conflict("only a delta upload has a removed list; this upload is a whole list",
                       upload=pending.id, kind=pending.kind)
    ids = parse_removed(data)
    upload_dir.mkdir(parents=True, exist_ok=True)
    partial = removed_path(upload_dir, pending.id).with_suffix(".removed-partial")
    partial.write_bytes(removed_csv(ids))
    os.replace(partial, removed_path(upload_dir, pending.id))
    pending.updated_at = datetime.now(UTC)
    return len(ids)


def removed_count(upload_dir: Path, session_id: str) -> int | None:
    path = removed_path(upload_dir, session_id)
    if not path.is_file():
        return None
    return max(len(path.read_bytes().splitlines()) - 1, 0)


def _check_header(session: Session, project: Project, header: EncodingHeader,
                  caller: Caller) -> None:
    if header.project_id != project.id:
        raise UploadRejected(
            f"the file was encoded for project '{header.project_id}', not '{project.id}'; "
            "encode with this project's schema", reason="project_mismatch")
    if header.schema_fingerprint != project.schema_fingerprint:
        raise UploadRejected(
            "the file's schema fingerprint differs from the project's: it was encoded with a "
            "different linkage schema; encode again with the project's schema file",
            reason="schema_mismatch")
    if project.key_check is not None and header.key_check != project.key_check:
        others = session.scalars(select(Party.name).join(Upload, Upload.party_id == Party.id)
                                 .where(Upload.project_id == project.id, Upload.current,
                                        Party.id != caller.party_id)).all()
        against = f"the parties {', '.join(sorted(others))}" if others else "the project"
        raise UploadRejected(
            f"the file's key check value differs from {against}: it was encoded with a "
            "different project secret; encode again with the project's key file",
            reason="key_mismatch")


def validate_upload(session: Session, caller: Caller, project: Project, pending: UploadSession,
                    upload_dir: Path) -> tuple[EncodingHeader, str]:
    """Check size, declared digest, format, checksum, project, schema and key. Changes nothing."""
    if pending.state != "open":
        raise Conflict(f"upload session is {pending.state}", upload=pending.id)
    if pending.offset != pending.size:
        raise Conflict(f"the upload is incomplete: {pending.offset} of {pending.size} bytes "
                       "received; resume it", upload=pending.id, offset=pending.offset)
    path = part_path(upload_dir, pending.id)
    if pending.size == 0 or not path.exists():
        raise UploadRejected("the upload is empty", reason="empty")
    sha256 = file_sha256(path)
    if pending.sha256 is not None and sha256 != pending.sha256:
        raise UploadRejected("the received bytes do not match the declared SHA-256: the file "
                             "was damaged in transit; upload it again", reason="digest_mismatch")
    try:
        header, _ = read_header(path)
        verify_checksum(path)
    except EncodingFileError as exc:
        raise UploadRejected(f"not a valid encoding file: {exc.reason}",
                             reason="bad_file") from None
    _check_header(session, project, header, caller)
    if pending.kind == "delta":
        if not removed_path(upload_dir, pending.id).is_file():
            raise Conflict("a delta needs its removed list: PUT X.removed.csv to "
                           f".../uploads/{pending.id}/removed first (a list of none is the "
                           "header line alone)", upload=pending.id)
        require_linked(session, caller, project)
    return header, sha256


def finish_upload(session: Session, caller: Caller, project: Project, pending: UploadSession,
                  upload_dir: Path, store: Store) -> FinishedUpload:
    header, sha256 = validate_upload(session, caller, project, pending, upload_dir)
    current = session.scalars(select(Upload).where(
        Upload.project_id == project.id, Upload.party_id == caller.party_id,
        Upload.current)).first()
    pending.state, pending.updated_at = "finished", datetime.now(UTC)
    if current is not None and current.sha256 == sha256 and current.kind == pending.kind:
        pending.upload_id = current.id
        append_entry(session, caller.actor, "upload.repeat", project_id=project.id,
                     party=caller.name, sha256=sha256)
        return FinishedUpload(current, caller.name, replaced=False, unchanged=True)
    store.put_file(part_path(upload_dir, pending.id), sha256)
    removed = None
    if pending.kind == "delta":
        removed = store.put_file(removed_path(upload_dir, pending.id))
    if current is not None:
        current.current = False
        if not project.continuous:  # a continuous run's results stay those of its versions
            session.execute(update(Run).where(Run.project_id == project.id, ~Run.invalidated)
                            .values(invalidated=True))
    if project.key_check is None:
        project.key_check = header.key_check
    upload = Upload(project_id=project.id, party_id=caller.party_id, sha256=sha256,
                    size=pending.size, record_count=header.record_count,
                    filter_bits=header.filter_bits, key_check=header.key_check, current=True,
                    kind=pending.kind, removed_sha256=removed, linked=False)
    session.add(upload)
    session.flush()
    pending.upload_id = upload.id
    append_entry(session, caller.actor, "upload.accept", project_id=project.id,
                 party=caller.name, sha256=sha256, size=pending.size,
                 records=header.record_count, replaced=current is not None,
                 **({"kind": "delta", "removed": removed_count(upload_dir, pending.id)}
                    if pending.kind == "delta" else {}))
    return FinishedUpload(upload, caller.name,
                          replaced=current is not None and not project.continuous,
                          unchanged=False)


def refuse_upload(session: Session, caller: Caller, project: Project, session_id: str,
                  reason: str) -> None:
    """Record a refused upload: the session ends, the audit log says why (never the content)."""
    pending = session.get(UploadSession, session_id)
    if pending is not None and pending.state == "open":
        pending.state = "refused"
    append_entry(session, caller.actor, "upload.refuse", project_id=project.id,
                 party=caller.name, reason=reason)


def current_uploads(session: Session, project_id: str) -> list[tuple[Upload, str]]:
    rows = session.execute(select(Upload, Party.name).join(Party, Upload.party_id == Party.id)
                           .where(Upload.project_id == project_id, Upload.current)
                           .order_by(Party.name)).all()
    return [(upload, name) for upload, name in rows]


def require_agency(caller: Caller) -> None:
    if caller.role != "agency":
        raise Forbidden("only an agency uploads encodings", role=caller.role)
