"""Turning table rows into the public models of api_models (one place, so nothing extra leaks)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from padan.linker.service.api_models import (
    PartyPublic,
    ProjectPublic,
    RunPublic,
    TokenPublic,
    UploadPublic,
)
from padan.linker.service.parties import IssuedToken
from padan.linker.service.projects import parties_of
from padan.linker.service.tables import Project, Run, Upload
from padan.linker.service.uploads import current_uploads


def project_view(session: Session, project: Project, default_k: int) -> ProjectPublic:
    uploaded = {name for _, name in current_uploads(session, project.id)}
    parties = [PartyPublic(name=p.name, role=p.role, revoked=p.revoked_at is not None,
                           uploaded=p.name in uploaded, expires_at=p.expires_at)
               for p in parties_of(session, project.id)]
    return ProjectPublic(
        project_id=project.id, description=project.description,
        schema_fingerprint=project.schema_fingerprint, key_check=project.key_check,
        parameters=project.parameters, result_policy=project.result_policy,
        small_cell_k=project.small_cell_k or default_k, state=project.state,
        created_at=project.created_at, closed_at=project.closed_at, parties=parties,
        continuous=bool(project.continuous))


def upload_view(upload: Upload, party: str, *, replaced: bool = False,
                unchanged: bool = False) -> UploadPublic:
    return UploadPublic(party=party, sha256=upload.sha256, size=upload.size,
                        record_count=upload.record_count, filter_bits=upload.filter_bits,
                        created_at=upload.created_at, replaced=replaced, unchanged=unchanged,
                        kind=upload.kind or "whole", linked=bool(upload.linked))


def run_view(run: Run) -> RunPublic:
    seconds = None
    if run.started_at and run.finished_at:
        seconds = round((run.finished_at - run.started_at).total_seconds(), 3)
    return RunPublic(run_id=run.id, project_id=run.project_id, kind=run.kind or "link",
                     state=run.state,
                     progress=run.progress, attempts=run.attempts, invalidated=run.invalidated,
                     error=run.error, created_at=run.created_at, started_at=run.started_at,
                     finished_at=run.finished_at, seconds=seconds)


def token_view(issued: IssuedToken) -> TokenPublic:
    return TokenPublic(party=issued.party, role=issued.role, token=issued.token,
                       expires_at=issued.expires_at)
