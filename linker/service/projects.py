"""Projects: creation with one token per party, access checks, closing (which deletes encodings)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from padan.linker.service.audit import append_entry
from padan.linker.service.errors import (
    Conflict,
    Forbidden,
    InvalidRequest,
    LimitExceeded,
    NotFound,
)
from padan.linker.service.parties import Caller, IssuedToken, add_party
from padan.linker.service.tables import Party, Project, Upload, UploadSession

RESULT_POLICIES = ("own_matches", "counts_only")


@dataclass(frozen=True, slots=True)
class NewProject:
    project_id: str
    schema_fingerprint: str
    agencies: list[str]
    auditors: list[str]
    parameters: dict[str, Any]
    result_policy: str = "own_matches"
    key_check: str | None = None
    small_cell_k: int | None = None
    description: str = ""
    continuous: bool = False


def check_parameters(parameters: dict[str, Any]) -> None:
    """Refuse run parameters the engine would refuse, at creation rather than at the first run."""
    try:
        from padan.linker.engine import LinkParameters
        from padan.linker.errors import LinkerError
    except ImportError:  # engine not installed in this build: the worker will check
        return
    try:
        LinkParameters.from_dict(parameters)
    except (LinkerError, ValueError, TypeError) as exc:
        raise InvalidRequest(f"run parameters are not valid: {exc}") from None


def check_roles(parameters: dict[str, Any], agencies: list[str]) -> None:
    """Refuse registers or programme kinds naming a party that is not an agency."""
    try:
        from padan.linker.engine import LinkParameters
        from padan.linker.errors import LinkerError
        from padan.linker.registers import Roles
    except ImportError:  # engine not installed in this build: the worker will check
        return
    try:
        Roles.from_parameters(LinkParameters.from_dict(parameters)).check(agencies)
    except LinkerError as exc:
        raise InvalidRequest(f"run parameters are not valid: {exc}") from None


def create_project(session: Session, caller: Caller, new: NewProject, pepper: str,
                   lifetime: timedelta | None = None,
                   max_parties: int | None = None) -> tuple[Project, list[IssuedToken]]:
    if session.get(Project, new.project_id) is not None:
        raise Conflict(f"project '{new.project_id}' already exists", project=new.project_id)
    names = [*new.agencies, *new.auditors]
    if max_parties is not None and len(names) > max_parties:
        raise LimitExceeded(f"a project may have at most {max_parties} parties (agencies and "
                            f"auditors); this one names {len(names)}",
                            setting="PADAN_MAX_PARTIES_PER_PROJECT", limit=max_parties,
                            status=422)
    if len(set(names)) != len(names):
        raise InvalidRequest("party names must be unique within a project")
    check_parameters(new.parameters)
    check_roles(new.parameters, new.agencies)
    project = Project(id=new.project_id, description=new.description,
                      schema_fingerprint=new.schema_fingerprint, key_check=new.key_check,
                      parameters=new.parameters, result_policy=new.result_policy,
                      small_cell_k=new.small_cell_k, state="open",
                      continuous=new.continuous)
    session.add(project)
    session.flush()
    tokens = [add_party(session, name=name, role=role, project_id=project.id, pepper=pepper,
                        lifetime=lifetime)
              for role, group in (("agency", new.agencies), ("auditor", new.auditors))
              for name in group]
    append_entry(session, caller.actor, "project.create", project_id=project.id,
                 agencies=new.agencies, auditors=new.auditors, result_policy=new.result_policy,
                 parameters=new.parameters,
                 **({"continuous": True} if new.continuous else {}))
    for issued in tokens:
        append_entry(session, caller.actor, "token.create", project_id=project.id,
                     party=issued.party, role=issued.role)
    return project, tokens


def project_for(session: Session, caller: Caller, project_id: str, *roles: str) -> Project:
    """The project, if the caller may act on it with one of `roles`; 404 hides other projects."""
    if caller.role != "coordinator" and caller.project_id != project_id:
        raise NotFound("project not found", project=project_id)
    project = session.get(Project, project_id)
    if project is None:
        raise NotFound("project not found", project=project_id)
    if caller.role not in roles:
        raise Forbidden(f"this action needs the role {' or '.join(roles)}; "
                        f"the token is a {caller.role} token", role=caller.role)
    return project


def require_open(project: Project) -> None:
    if project.state != "open":
        raise Conflict(f"project '{project.id}' is closed", project=project.id)


def list_projects(session: Session, caller: Caller) -> list[Project]:
    query = select(Project).order_by(Project.created_at)
    if caller.role != "coordinator":
        query = query.where(Project.id == caller.project_id)
    return list(session.scalars(query))


def parties_of(session: Session, project_id: str) -> list[Party]:
    return list(session.scalars(select(Party).where(Party.project_id == project_id)
                                .order_by(Party.role, Party.name)))


def close_project(session: Session, caller: Caller, project: Project) -> list[str]:
    """Close a project; return the encodings to delete from the store once this commits."""
    require_open(project)
    project.state, project.closed_at = "closed", datetime.now(UTC)
    uploads = list(session.scalars(select(Upload).where(Upload.project_id == project.id)))
    for pending in session.scalars(select(UploadSession).where(
            UploadSession.project_id == project.id, UploadSession.state == "open")):
        pending.state = "abandoned"
    append_entry(session, caller.actor, "project.close", project_id=project.id,
                 encodings_deleted=len(uploads))
    return sorted({upload.sha256 for upload in uploads}
                  | {upload.removed_sha256 for upload in uploads if upload.removed_sha256})
