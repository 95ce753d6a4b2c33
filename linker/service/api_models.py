"""HTTP bodies, by role and direction: what comes in (…Create) and what goes out (…Public)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

Name = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
Digest = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


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


class UploadSessionPublic(BaseModel):
    upload_id: str
    size: int
    offset: int
    state: str


class UploadPublic(BaseModel):
    party: str
    sha256: str
    size: int
    record_count: int
    filter_bits: int
    created_at: datetime
    replaced: bool = False
    unchanged: bool = False


class RunPublic(BaseModel):
    run_id: int
    project_id: str
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
