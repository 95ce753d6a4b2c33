"""Parties and their tokens: the coordinator bootstrap, authentication, revocation, reissue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from padan.linker.service.audit import ANONYMOUS, Actor, append_entry
from padan.linker.service.errors import Conflict, NotFound, Unauthenticated
from padan.linker.service.tables import Party
from padan.linker.service.tokens import hash_token, new_token, token_matches

ROLES = ("coordinator", "agency", "auditor")


@dataclass(frozen=True, slots=True)
class Caller:
    """The authenticated holder of a token."""

    party_id: int
    name: str
    role: str
    project_id: str | None

    @property
    def actor(self) -> Actor:
        return Actor(self.name, self.role)


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A token as shown once at creation; only its hash is stored."""

    party: str
    role: str
    token: str


def add_party(session: Session, *, name: str, role: str, project_id: str | None,
              pepper: str) -> IssuedToken:
    token = new_token()
    session.add(Party(name=name, role=role, project_id=project_id,
                      token_hash=hash_token(token, pepper)))
    session.flush()
    return IssuedToken(name, role, token)


def create_coordinator(session: Session, name: str, pepper: str) -> IssuedToken:
    """Bootstrap: a coordinator token, created on the server host (`padan admin …`)."""
    issued = add_party(session, name=name, role="coordinator", project_id=None, pepper=pepper)
    append_entry(session, Actor("operator", "operator"), "token.create", party=name,
                 role="coordinator")
    return issued


def authenticate(session: Session, token: str | None, pepper: str, *, path: str) -> Caller:
    """Return the caller of a valid, unrevoked token; audit and refuse anything else."""
    if not token:
        raise Unauthenticated("missing")
    party = session.scalars(
        select(Party).where(Party.token_hash == hash_token(token, pepper))).first()
    if party is None or not token_matches(token, party.token_hash, pepper):
        raise Unauthenticated("unknown")
    if party.revoked_at is not None:
        raise Unauthenticated("revoked")
    return Caller(party.id, party.name, party.role, party.project_id)


def record_failed_authentication(session: Session, *, path: str, method: str,
                                 token_given: bool, address: str, reason: str) -> None:
    """Audit a refused token: where, from which address and why, never the token itself."""
    append_entry(session, ANONYMOUS, "auth.failed", path=path, method=method,
                 token_given=token_given, address=address, reason=reason)


def record_lockout(session: Session, *, address: str, seconds: int) -> None:
    append_entry(session, ANONYMOUS, "auth.lockout", address=address, seconds=seconds)


def party_named(session: Session, project_id: str, name: str) -> Party:
    party = session.scalars(select(Party).where(
        Party.project_id == project_id, Party.name == name)).first()
    if party is None:
        raise NotFound(f"project '{project_id}' has no party '{name}'", party=name)
    return party


def revoke_party(session: Session, caller: Caller, project_id: str, name: str) -> None:
    party = party_named(session, project_id, name)
    if party.revoked_at is not None:
        raise Conflict(f"the token of party '{name}' is already revoked", party=name)
    party.revoked_at = datetime.now(UTC)
    append_entry(session, caller.actor, "token.revoke", project_id=project_id, party=name)


def reissue_token(session: Session, caller: Caller, project_id: str, name: str,
                  pepper: str) -> IssuedToken:
    """Give a party a new token (the old one stops working at once)."""
    party = party_named(session, project_id, name)
    token = new_token()
    party.token_hash = hash_token(token, pepper)
    party.revoked_at = None
    append_entry(session, caller.actor, "token.create", project_id=project_id, party=name,
                 role=party.role)
    return IssuedToken(name, party.role, token)


def agencies_of(session: Session, project_id: str) -> list[Party]:
    return list(session.scalars(select(Party).where(
        Party.project_id == project_id, Party.role == "agency").order_by(Party.name)))
