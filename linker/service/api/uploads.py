"""Routes for resumable uploads: create a session, PUT chunks at offsets, GET the offset, finish."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request, status
from fastapi.concurrency import run_in_threadpool

from padan.linker.service.api.deps import CurrentCaller, ServiceState, SessionDep, StateDep
from padan.linker.service.api.views import upload_view
from padan.linker.service.api_models import UploadCreate, UploadPublic, UploadSessionPublic
from padan.linker.service.database import transaction
from padan.linker.service.errors import TooLarge, UploadRejected
from padan.linker.service.parties import ROLES, Caller
from padan.linker.service.projects import project_for, require_open
from padan.linker.service.tables import UploadSession
from padan.linker.service.uploads import (
    MAX_CHUNK_BYTES,
    append_chunk,
    begin_upload,
    current_uploads,
    finish_upload,
    part_path,
    refuse_upload,
    removed_count,
    store_removed,
    upload_session_for,
)
from padan.linker.service.versions import removed_path

router = APIRouter(prefix="/projects/{project_id}/uploads", tags=["uploads"])


def _session_view(pending: UploadSession, upload_dir: Path | None = None
                  ) -> UploadSessionPublic:
    removed = (removed_count(upload_dir, pending.id)
               if upload_dir is not None and pending.kind == "delta" else None)
    return UploadSessionPublic(upload_id=pending.id, size=pending.size, offset=pending.offset,
                               state=pending.state, kind=pending.kind or "whole",
                               removed=removed)


@router.post("", status_code=status.HTTP_201_CREATED, response_model=UploadSessionPublic)
def create(project_id: str, body: UploadCreate, caller: CurrentCaller, session: SessionDep,
           state: StateDep) -> UploadSessionPublic:
    """Start an upload (or resume the open one for the same SHA-256): PUT chunks next."""
    project = project_for(session, caller, project_id, "agency")
    require_open(project)
    pending = begin_upload(session, caller, project, size=body.size, sha256=body.sha256,
                           max_bytes=state.settings.max_upload_bytes,
                           max_open=state.settings.max_open_uploads_per_party,
                           kind=body.kind)
    return _session_view(pending, state.settings.upload_directory)


@router.get("", response_model=list[UploadPublic])
def list_current(project_id: str, caller: CurrentCaller, session: SessionDep) -> list[UploadPublic]:
    """Each party's current upload (an agency sees only its own)."""
    project_for(session, caller, project_id, *ROLES)
    return [upload_view(upload, name) for upload, name in current_uploads(session, project_id)
            if caller.role != "agency" or name == caller.name]


@router.get("/{upload_id}", response_model=UploadSessionPublic)
def show(project_id: str, upload_id: str, caller: CurrentCaller, session: SessionDep,
         state: StateDep) -> UploadSessionPublic:
    """How many bytes the server holds: resume from `offset`."""
    project = project_for(session, caller, project_id, "agency")
    return _session_view(upload_session_for(session, caller, project, upload_id),
                         state.settings.upload_directory)


def _store_chunk(state: ServiceState, caller: Caller, project_id: str, upload_id: str,
                 offset: int, data: bytes) -> UploadSessionPublic:
    with transaction(state.factory) as session:
        project = project_for(session, caller, project_id, "agency")
        require_open(project)
        pending = upload_session_for(session, caller, project, upload_id, lock=True)
        append_chunk(session, pending, offset=offset, data=data,
                     upload_dir=state.settings.upload_directory)
        return _session_view(pending)


@router.put("/{upload_id}", response_model=UploadSessionPublic,
            openapi_extra={"requestBody": {"content": {"application/octet-stream": {}}}})
async def put_chunk(project_id: str, upload_id: str, request: Request, caller: CurrentCaller,
                    state: StateDep,
                    offset: Annotated[int, Query(ge=0)]) -> UploadSessionPublic:
    """Append the raw request body at `offset` (the committed offset so far)."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_CHUNK_BYTES:
        raise TooLarge(f"a chunk may hold at most {MAX_CHUNK_BYTES} bytes", limit=MAX_CHUNK_BYTES)
    body = bytearray()
    async for block in request.stream():
        body += block
        if len(body) > MAX_CHUNK_BYTES:
            raise TooLarge(f"a chunk may hold at most {MAX_CHUNK_BYTES} bytes",
                           limit=MAX_CHUNK_BYTES)
    return await run_in_threadpool(_store_chunk, state, caller, project_id, upload_id, offset,
                                   bytes(body))


def _store_removed(state: ServiceState, caller: Caller, project_id: str, upload_id: str,
                   data: bytes) -> UploadSessionPublic:
    with transaction(state.factory) as session:
        project = project_for(session, caller, project_id, "agency")
        require_open(project)
        pending = upload_session_for(session, caller, project, upload_id, lock=True)
        store_removed(pending, data, state.settings.upload_directory)
        return _session_view(pending, state.settings.upload_directory)


@router.put("/{upload_id}/removed", response_model=UploadSessionPublic,
            openapi_extra={"requestBody": {"content": {"text/csv": {}}}})
async def put_removed(project_id: str, upload_id: str, request: Request, caller: CurrentCaller,
                      state: StateDep) -> UploadSessionPublic:
    """The removed list of a delta upload (X.removed.csv: a `pseudo_id` column), whole in one
    request; validated at once, and sent again to replace it."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_CHUNK_BYTES:
        raise TooLarge(f"a removed list may hold at most {MAX_CHUNK_BYTES} bytes",
                       limit=MAX_CHUNK_BYTES)
    body = bytearray()
    async for block in request.stream():
        body += block
        if len(body) > MAX_CHUNK_BYTES:
            raise TooLarge(f"a removed list may hold at most {MAX_CHUNK_BYTES} bytes",
                           limit=MAX_CHUNK_BYTES)
    return await run_in_threadpool(_store_removed, state, caller, project_id, upload_id,
                                   bytes(body))


@router.post("/{upload_id}/finish", response_model=UploadPublic)
def finish(project_id: str, upload_id: str, caller: CurrentCaller, session: SessionDep,
           state: StateDep) -> UploadPublic:
    """Validate the complete file and make it the agency's current upload.

    A refused file changes nothing stored; the same file twice is one upload.
    """
    project = project_for(session, caller, project_id, "agency")
    require_open(project)
    upload_dir = state.settings.upload_directory
    pending = upload_session_for(session, caller, project, upload_id, lock=True)
    try:
        finished = finish_upload(session, caller, project, pending, upload_dir, state.store)
    except UploadRejected as exc:
        session.rollback()
        refuse_upload(session, caller, project, upload_id, exc.details.get("reason", "invalid"))
        session.commit()
        part_path(upload_dir, upload_id).unlink(missing_ok=True)
        removed_path(upload_dir, upload_id).unlink(missing_ok=True)
        raise
    session.commit()
    part_path(upload_dir, upload_id).unlink(missing_ok=True)
    removed_path(upload_dir, upload_id).unlink(missing_ok=True)
    return upload_view(finished.upload, finished.party, replaced=finished.replaced,
                       unchanged=finished.unchanged)
