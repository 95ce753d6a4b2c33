"""HTTP bodies, by role and direction: what comes in (…Create) and what goes out (…Public)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
Digest = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
PseudoIdText = Annotated[str, Field(pattern=r"^p[0-9a-f]{16}$")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProjectCreate(_In):
    project_id: Name
    schema_fingerprint: Annotated[str, Field(min_length=1, max_length=128)]
    # hard caps on the body; the operator's limit is PADAN_MAX_PARTIES_PER_PROJECT
    agencies: Annotated[list[Name], Field(min_length=1, max_length=1000)]
    auditors: Annotated[list[Name], Field(max_length=100)] = ["auditor"]
    parameters: dict[str, Any] = {}
    result_policy: Literal["own_matches", "counts_only"] = "own_matches"
    key_check: Annotated[str, Field(min_length=1, max_length=128)] | None = None
    small_cell_k: Annotated[int, Field(ge=1, le=1_000_000)] | None = None
    description: Annotated[str, Field(max_length=1000)] = ""
    # monthly versions (whole or delta) linked against a standing state, stable group ids,
    # erasure (docs/continuous-linkage.md)
    continuous: bool = False


class PartyPublic(BaseModel):
    name: str
    role: str
    revoked: bool
    uploaded: bool = False
    expires_at: datetime | None = None


class ProjectPublic(BaseModel):
    project_id: str
    description: str
    schema_fingerprint: str
    key_check: str | None
    parameters: dict[str, Any]
    result_policy: str
    small_cell_k: int
    state: str
    created_at: datetime
    closed_at: datetime | None
    parties: list[PartyPublic]
    continuous: bool = False


class TokenPublic(BaseModel):
    """A token, shown once: store it now, the server keeps only its hash."""

    party: str
    role: str
    token: str
    expires_at: datetime | None = None


class ProjectCreated(BaseModel):
    project: ProjectPublic
    tokens: list[TokenPublic]


class UploadCreate(_In):
    size: Annotated[int, Field(ge=1)]
    sha256: Digest | None = None
    # whole: the agency's whole list; delta (continuous projects): the records added or changed
    # since its last version, with the removed pseudo-ids PUT to .../uploads/{id}/removed
    kind: Literal["whole", "delta"] = "whole"


class UploadSessionPublic(BaseModel):
    upload_id: str
    size: int
    offset: int
    state: str
    kind: str = "whole"
    removed: int | None = None  # pseudo-ids in the removed list received (a delta)


class UploadPublic(BaseModel):
    party: str
    sha256: str
    size: int
    record_count: int
    filter_bits: int
    created_at: datetime
    replaced: bool = False
    unchanged: bool = False
    kind: str = "whole"
    linked: bool = False   # brought into the project's standing state by a run


class RunPublic(BaseModel):
    run_id: int
    project_id: str
    kind: str = "link"   # link, continuous (versions into the standing state) or erase
    state: str
    progress: float
    attempts: int
    invalidated: bool
    error: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    seconds: float | None


class MatchPublic(BaseModel):
    """One of the agency's records found on another agency's list."""

    pseudo_id: str  # 'p' + 16 hex digits, as in the agency's id map
    group_id: int
    other_party: str
    band: str
    # continuous projects: new, unchanged or changed since the last run (gone: in `gone`)
    status: str | None = None


class DuplicatePublic(BaseModel):
    """One of the agency's records in a group of its own records that are one person."""

    pseudo_id: str
    group_id: int  # the agency's own numbering of its duplicate groups
    band: str


class RegisterPublic(BaseModel):
    """One of the agency's records found in a register (padan.linker.registers): the register's
    kind (deaths, population, eligibility), never its name or pseudo-ids."""

    pseudo_id: str
    group_id: int
    kind: str   # of the register: deaths, population or eligibility
    band: str


class ResultsPublic(BaseModel):
    project_id: str
    run_id: int
    party: str
    matches: list[MatchPublic]
    duplicates: list[DuplicatePublic] = []
    registers: list[RegisterPublic] = []
    # continuous projects: the links of the last run this run no longer has (status "gone",
    # with last run's group and band)
    gone: list[MatchPublic] = []


class ErasureCreate(_In):
    """Records an agency withdraws (by pseudo-id), or its whole list."""

    pseudo_ids: Annotated[list[PseudoIdText], Field(min_length=1)] | None = None
    whole_list: bool = False


class ReportPublic(BaseModel):
    project_id: str
    run_id: int
    small_cell_k: int
    report: dict[str, Any]


class AuditEntryPublic(BaseModel):
    seq: int
    at: str
    actor: str
    role: str
    action: str
    project_id: str | None
    details: dict[str, Any]
    prev_hash: str
    hash: str


class AuditLinkPublic(BaseModel):
    seq: int
    prev_hash: str
    hash: str
    entry: AuditEntryPublic | None  # None: another project's entry (auditors)


class AuditKeyPublic(BaseModel):
    key_id: str
    public_key: str  # base64 of the raw 32-byte Ed25519 public key


class CheckpointPublic(BaseModel):
    """The audit chain's head signed by the service: entries 1..seq hash to head_hash."""

    seq: int
    head_hash: str
    at: str
    key_id: str
    signature: str
    public_key: str


class AuditStatusPublic(BaseModel):
    ok: bool
    entries: int
    head_hash: str
    first_bad_seq: int | None
    reason: str | None


class ErrorBody(BaseModel):
    code: str
    message: str
    details: dict[str, Any] = {}


class ErrorPublic(BaseModel):
    error: ErrorBody
