"""Parties and their tokens: the coordinator bootstrap, authentication, revocation, reissue."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

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
    expires_at: datetime | None = None


def expiry(lifetime: timedelta | None) -> datetime | None:
    return None if lifetime is None else datetime.now(UTC) + lifetime


def add_party(session: Session, *, name: str, role: str, project_id: str | None,
              pepper: str, lifetime: timedelta | None = None) -> IssuedToken:
    token = new_token()
    expires_at = expiry(lifetime)
    session.add(Party(name=name, role=role, project_id=project_id,
                      token_hash=hash_token(token, pepper), expires_at=expires_at))
    session.flush()
    return IssuedToken(name, role, token, expires_at)


def create_coordinator(session: Session, name: str, pepper: str,
                       lifetime: timedelta | None = None) -> IssuedToken:
    """Bootstrap: a coordinator token, created on the server host (`padan admin …`)."""
    issued = add_party(session, name=name, role="coordinator", project_id=None, pepper=pepper,
                       lifetime=lifetime)
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
    if party.expires_at is not None and party.expires_at <= datetime.now(UTC):
        raise Unauthenticated("expired")
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


def _replace_token(party: Party, pepper: str, lifetime: timedelta | None) -> IssuedToken:
    token = new_token()
    party.token_hash = hash_token(token, pepper)
    party.revoked_at, party.expires_at = None, expiry(lifetime)
    return IssuedToken(party.name, party.role, token, party.expires_at)


def reissue_token(session: Session, caller: Caller, project_id: str, name: str,
                  pepper: str, lifetime: timedelta | None = None) -> IssuedToken:
    """Give a party a new token (the old one stops working at once)."""
    issued = _replace_token(party_named(session, project_id, name), pepper, lifetime)
    append_entry(session, caller.actor, "token.create", project_id=project_id, party=name,
                 role=issued.role)
    return issued


def rotate_own_token(session: Session, caller: Caller, pepper: str,
                     lifetime: timedelta | None = None) -> IssuedToken:
    """The caller's new token, with a fresh lifetime; the one it used stops working at once."""
    party = session.get(Party, caller.party_id)
    if party is None:  # deleted between authentication and now
        raise Unauthenticated("unknown")
    issued = _replace_token(party, pepper, lifetime)
    append_entry(session, caller.actor, "token.rotate", project_id=caller.project_id,
                 party=caller.name, role=caller.role)
    return issued


def agencies_of(session: Session, project_id: str) -> list[Party]:
    return list(session.scalars(select(Party).where(
        Party.project_id == project_id, Party.role == "agency").order_by(Party.name)))
