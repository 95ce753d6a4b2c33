"""Signed checkpoints of the audit chain's head, and the auditor's check of a chain against them.

The service holds its own Ed25519 key (generated on first start, file mode 0600). A checkpoint is
its signature over (sequence number, head hash, time, key id). An auditor fetches checkpoints from
time to time and keeps them; later, `check_chain` walks the log it downloads and compares:

- an edited entry no longer hashes to its stored hash (for entries the auditor may read), or, if
  the editor recomputed every later hash, no longer matches the auditor's checkpoint;
- a deleted entry leaves a gap in the sequence, or a broken link to its predecessor;
- a truncated tail ends before the newest checkpoint the auditor holds.

So the chain's head no longer needs writing down by hand.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from padan.linker.service.audit import GENESIS, ChainStatus, entry_hash
from padan.linker.service.errors import ServiceError

CHECKPOINT_KIND = "padan-audit-checkpoint/1"


class KeyFileError(ServiceError):
    """The signing key file is unsafe or unreadable (at start-up); the message names the file."""

    status, code = 500, "key_file"


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int  # entries 1..seq are covered; 0 for an empty log
    head_hash: str
    at: str  # ISO time of signing, UTC
    key_id: str
    signature: str  # base64 Ed25519 signature of `message()`
    public_key: str  # base64 of the raw 32-byte public key

    def message(self) -> bytes:
        return checkpoint_message(self.seq, self.head_hash, self.at, self.key_id)

    def to_dict(self) -> dict:
        return {"seq": self.seq, "head_hash": self.head_hash, "at": self.at,
                "key_id": self.key_id, "signature": self.signature,
                "public_key": self.public_key}


def checkpoint_message(seq: int, head_hash: str, at: str, key_id: str) -> bytes:
    body = {"kind": CHECKPOINT_KIND, "seq": seq, "head_hash": head_hash, "at": at,
            "key_id": key_id}
    return json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def raw_public_key(public: Ed25519PublicKey) -> bytes:
    return public.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id_of(raw_public: bytes) -> str:
    return hashlib.sha256(raw_public).hexdigest()[:16]


def load_or_create_key(path: Path) -> Ed25519PrivateKey:
    """The service's signing key; created (mode 0600) if the file does not exist yet."""
    path = Path(path)
    if not path.exists():
        key = Ed25519PrivateKey.generate()
        pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
        path.parent.mkdir(parents=True, exist_ok=True)
        try:  # O_EXCL: two API processes starting at once keep the first one's key
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass
        else:
            with os.fdopen(fd, "wb") as out:
                out.write(pem)
                out.flush()
                os.fsync(out.fileno())
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyFileError(f"{path}: the audit signing key is readable by others (mode "
                           f"{mode:o}); run chmod 600 {path}")
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise KeyFileError(f"{path}: not a PEM Ed25519 private key ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise KeyFileError(f"{path}: not an Ed25519 key")
    return key


class CheckpointSigner:
    def __init__(self, key: Ed25519PrivateKey):
        self._key = key
        self.raw_public = raw_public_key(key.public_key())
        self.key_id = key_id_of(self.raw_public)

    @property
    def public_key_b64(self) -> str:
        return base64.b64encode(self.raw_public).decode()

    def sign(self, seq: int, head_hash: str) -> Checkpoint:
        at = datetime.now(UTC).isoformat(timespec="seconds")
        signature = self._key.sign(checkpoint_message(seq, head_hash, at, self.key_id))
        return Checkpoint(seq, head_hash, at, self.key_id,
                          base64.b64encode(signature).decode(), self.public_key_b64)


class BadCheckpoint(Exception):
    """A checkpoint whose signature does not verify, or that was signed by an unexpected key."""


def verify_checkpoint(checkpoint: Checkpoint, pinned_key_id: str | None = None) -> None:
    """Raise BadCheckpoint unless the checkpoint is signed by its key (and that key is pinned)."""
    try:
        raw = base64.b64decode(checkpoint.public_key, validate=True)
        signature = base64.b64decode(checkpoint.signature, validate=True)
        public = Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        raise BadCheckpoint(f"checkpoint of entry {checkpoint.seq}: malformed key or "
                            "signature") from None
    if key_id_of(raw) != checkpoint.key_id:
        raise BadCheckpoint(f"checkpoint of entry {checkpoint.seq}: key id does not match "
                            "its key")
    if pinned_key_id is not None and checkpoint.key_id != pinned_key_id:
        raise BadCheckpoint(f"checkpoint of entry {checkpoint.seq} is signed by key "
                            f"{checkpoint.key_id}, not the pinned key {pinned_key_id}")
    try:
        public.verify(signature, checkpoint.message())
    except InvalidSignature:
        raise BadCheckpoint(f"checkpoint of entry {checkpoint.seq}: the signature does not "
                            "verify") from None


@dataclass(frozen=True, slots=True)
class Link:
    """One entry of the chain as the auditor downloads it; `entry` is None for entries of other
    projects (the auditor sees only that they exist and how they link)."""

    seq: int
    prev_hash: str
    hash: str
    entry: dict | None  # {at, actor, role, action, project_id, details (dict)}


def _recomputed(link: Link, prev: str) -> str:
    entry = link.entry or {}
    details = json.dumps(entry["details"], sort_keys=True, separators=(",", ":"),
                         ensure_ascii=False)
    return entry_hash(prev, seq=link.seq, at=entry["at"], actor=entry["actor"],
                      role=entry["role"], action=entry["action"],
                      project_id=entry["project_id"], details=details)


def check_chain(links: Iterable[Link], checkpoints: list[Checkpoint]) -> ChainStatus:
    """Walk the chain from the genesis; compare it with every checkpoint held.

    Signatures are checked first (by the caller, with `verify_checkpoint`); this compares hashes.
    """
    wanted = {checkpoint.seq for checkpoint in checkpoints}
    hash_at: dict[int, str] = {0: GENESIS} if 0 in wanted else {}
    prev, expected, count = GENESIS, 1, 0
    for link in links:
        if link.seq != expected:
            return ChainStatus(False, count, prev, expected, f"entry {expected} is missing")
        if link.prev_hash != prev:
            return ChainStatus(False, count, prev, link.seq,
                               f"entry {link.seq} does not follow entry {link.seq - 1}")
        if link.entry is not None and _recomputed(link, prev) != link.hash:
            return ChainStatus(False, count, prev, link.seq, f"entry {link.seq} was altered")
        if link.seq in wanted:
            hash_at[link.seq] = link.hash
        prev, expected, count = link.hash, expected + 1, count + 1
    for checkpoint in sorted(checkpoints, key=lambda c: c.seq):
        if checkpoint.seq > count:
            return ChainStatus(False, count, prev, count + 1,
                               f"the log ends at entry {count}, but a checkpoint signed at "
                               f"{checkpoint.at} covers entry {checkpoint.seq}: entries were "
                               "cut off the end")
        if hash_at[checkpoint.seq] != checkpoint.head_hash:
            return ChainStatus(False, count, prev, checkpoint.seq,
                               f"entry {checkpoint.seq} differs from the checkpoint signed at "
                               f"{checkpoint.at}: the log was rewritten")
    return ChainStatus(True, count, prev, None, None)
