"""SQLAlchemy tables of the service's metadata. Files themselves live in the store.

Migrations in padan.linker.service.migrations create exactly these tables; a test compares them.
Times are timezone-aware UTC; lease expiry is epoch seconds so comparisons work alike everywhere.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    TypeDecorator,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class UTCDateTime(TypeDecorator):
    """Stores aware UTC datetimes; SQLite hands back naive ones, which this re-labels as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


MAX_INTEGER_ID = 2**31 - 1  # Integer columns (ids, audit seq) hold no more on PostgreSQL


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    pass


class Project(Base):
    __tablename__ = "projects"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    description: Mapped[str] = mapped_column(Text, default="")
    schema_fingerprint: Mapped[str] = mapped_column(String(128))
    key_check: Mapped[str | None] = mapped_column(String(128), nullable=True)
    parameters: Mapped[dict] = mapped_column(JSON, default=dict)
    result_policy: Mapped[str] = mapped_column(String(32))
    small_cell_k: Mapped[int | None] = mapped_column(Integer, nullable=True)
    state: Mapped[str] = mapped_column(String(16), default="open")
    # continuous linkage: versions of the lists, a standing state in the store, stable group ids
    continuous: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Party(Base):
    """A token holder: the coordinator (no project), or an agency or auditor of one project."""

    __tablename__ = "parties"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str | None] = mapped_column(
        ForeignKey("projects.id"), nullable=True, index=True)
    name: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class Upload(Base):
    """A validated encoding file of one agency; `current` marks the one a run will use."""

    __tablename__ = "uploads"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(BigInteger)
    record_count: Mapped[int] = mapped_column(BigInteger)
    filter_bits: Mapped[int] = mapped_column(Integer)
    key_check: Mapped[str] = mapped_column(String(128))
    current: Mapped[bool] = mapped_column(Boolean, default=True)
    kind: Mapped[str] = mapped_column(String(8), default="whole")   # whole | delta
    removed_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)  # of a delta
    linked: Mapped[bool] = mapped_column(Boolean, default=False)  # in the project's state
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class UploadSession(Base):
    """A resumable upload in progress: bytes received so far sit in the uploads directory."""

    __tablename__ = "upload_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    offset: Mapped[int] = mapped_column(BigInteger, default=0)
    state: Mapped[str] = mapped_column(String(16), default="open")
    kind: Mapped[str] = mapped_column(String(8), default="whole")   # whole | delta
    upload_id: Mapped[int | None] = mapped_column(ForeignKey("uploads.id"), nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Run(Base):
    """A linkage job. Workers claim it with a lease; a lapsed lease lets another worker take it."""

    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    project_id: Mapped[str] = mapped_column(ForeignKey("projects.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    # link (one-off), continuous (versions into the standing state) or erase (records withdrawn)
    kind: Mapped[str] = mapped_column(String(16), default="link")
    plan: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # versions, or the erasure
    progress: Mapped[float] = mapped_column(Float, default=0.0)
    inputs: Mapped[dict] = mapped_column(JSON)  # party name -> sha256 of its encoding file
    parameters: Mapped[dict] = mapped_column(JSON)
    results: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # party -> sha256
    changes: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # party -> sha256
    report_sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    invalidated: Mapped[bool] = mapped_column(Boolean, default=False)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    lease_owner: Mapped[str | None] = mapped_column(String(128), nullable=True)
    lease_expires: Mapped[float | None] = mapped_column(Float, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AuditEntry(Base):
    """One append-only entry; `hash` = SHA-256(prev_hash || canonical JSON of the entry)."""

    __tablename__ = "audit_entries"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    at: Mapped[str] = mapped_column(String(40))  # ISO text: hashed exactly as stored
    actor: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(64))
    project_id: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    details: Mapped[str] = mapped_column(Text)  # canonical JSON text: hashed exactly as stored
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
