"""Route for erasure: an agency withdraws some of its records, or its whole list."""

from __future__ import annotations

from fastapi import APIRouter, status

from padan.encoder.pseudo_ids import parse_pseudo_id
from padan.linker.service.api.deps import CurrentCaller, SessionDep, StateDep
from padan.linker.service.api.views import run_view
from padan.linker.service.api_models import ErasureCreate, RunPublic
from padan.linker.service.continuous_runs import create_erasure
from padan.linker.service.errors import InvalidRequest
from padan.linker.service.projects import project_for, require_open

router = APIRouter(prefix="/projects/{project_id}/erasures", tags=["erasures"])


@router.post("", status_code=status.HTTP_202_ACCEPTED, response_model=RunPublic)
def request_erasure(project_id: str, body: ErasureCreate, caller: CurrentCaller,
                    session: SessionDep, state: StateDep) -> RunPublic:
    """Withdraw the calling agency's records named by pseudo-id, or (`whole_list`) its whole
    list, from a continuous project: a run of kind `erase` takes them out of the standing state
    and links the rest again; earlier runs' results are deleted and marked out of date. The
    audit log says who, which party and how many records, never which."""
    project = project_for(session, caller, project_id, "agency")
    require_open(project)
    if (body.pseudo_ids is None) == (not body.whole_list):
        raise InvalidRequest("give either pseudo_ids (some records) or whole_list: true "
                             "(the whole list), not both and not neither", field="pseudo_ids")
    ids = None if body.whole_list else [parse_pseudo_id(text) for text in body.pseudo_ids]
    run = create_erasure(session, caller, project, state.store, ids)
    return run_view(run)
