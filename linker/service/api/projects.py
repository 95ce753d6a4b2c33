"""Routes for projects and their parties' tokens."""

from __future__ import annotations

from fastapi import APIRouter, status

from padan.linker.service.api.deps import CurrentCaller, SessionDep, StateDep
from padan.linker.service.api.views import project_view, token_view
from padan.linker.service.api_models import (
    ProjectCreate,
    ProjectCreated,
    ProjectPublic,
    TokenPublic,
)
from padan.linker.service.errors import Forbidden
from padan.linker.service.parties import ROLES, reissue_token, revoke_party
from padan.linker.service.projects import (
    NewProject,
    close_project,
    create_project,
    list_projects,
    project_for,
)
from padan.linker.service.standing import delete_state

router = APIRouter(prefix="/projects", tags=["projects"])


@router.post("", status_code=status.HTTP_201_CREATED, response_model=ProjectCreated)
def create(body: ProjectCreate, caller: CurrentCaller, session: SessionDep,
           state: StateDep) -> ProjectCreated:
    """Create a project; the response holds every party's token, shown this once."""
    if caller.role != "coordinator":
        raise Forbidden("only a coordinator creates projects", role=caller.role)
    project, tokens = create_project(session, caller, NewProject(**body.model_dump()),
                                     state.pepper, state.settings.token_lifetime,
                                     max_parties=state.settings.max_parties_per_project)
    return ProjectCreated(project=project_view(session, project, state.settings.small_cell_k),
                          tokens=[token_view(t) for t in tokens])


@router.get("", response_model=list[ProjectPublic])
def list_all(caller: CurrentCaller, session: SessionDep, state: StateDep) -> list[ProjectPublic]:
    """Projects the token may see: all for a coordinator, its own for anyone else."""
    return [project_view(session, project, state.settings.small_cell_k)
            for project in list_projects(session, caller)]


@router.get("/{project_id}", response_model=ProjectPublic)
def show(project_id: str, caller: CurrentCaller, session: SessionDep,
         state: StateDep) -> ProjectPublic:
    project = project_for(session, caller, project_id, *ROLES)
    return project_view(session, project, state.settings.small_cell_k)


@router.post("/{project_id}/close", response_model=ProjectPublic)
def close(project_id: str, caller: CurrentCaller, session: SessionDep,
          state: StateDep) -> ProjectPublic:
    """Close the project: no more uploads or runs; its encodings are deleted from the store."""
    project = project_for(session, caller, project_id, "coordinator")
    doomed = close_project(session, caller, project)
    session.commit()
    for sha256 in doomed:
        state.store.delete(sha256)
    delete_state(state.store, project.id)
    return project_view(session, project, state.settings.small_cell_k)


@router.post("/{project_id}/parties/{party}/token", status_code=status.HTTP_201_CREATED,
             response_model=TokenPublic)
def reissue(project_id: str, party: str, caller: CurrentCaller, session: SessionDep,
            state: StateDep) -> TokenPublic:
    """Give a party a new token (shown once); its old token stops working."""
    project_for(session, caller, project_id, "coordinator")
    return token_view(reissue_token(session, caller, project_id, party, state.pepper,
                                    state.settings.token_lifetime))


@router.delete("/{project_id}/parties/{party}/token", status_code=status.HTTP_204_NO_CONTENT)
def revoke(project_id: str, party: str, caller: CurrentCaller, session: SessionDep) -> None:
    """Revoke a party's token at once."""
    project_for(session, caller, project_id, "coordinator")
    revoke_party(session, caller, project_id, party)
