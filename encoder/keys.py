"""The project secret and the keys derived from it.

The secret is 32 random bytes kept in a key file (hex, mode 0600) or in PADAN_SECRET. Every key
that touches data is derived with HKDF-SHA256 (RFC 5869, from `cryptography`) from the secret, a
fixed salt and an `info` naming the project and the purpose, so that one project's encodings say
nothing about another's and no two fields share a key.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from padan.encoder.errors import KeyFileError

SECRET_BYTES = 32
SECRET_ENV = "PADAN_SECRET"
_HKDF_SALT = b"padan/hkdf/v1"
_KEY_CHECK_LABEL = b"padan key check value v1"


def generate_secret_file(path: Path, *, overwrite: bool = False) -> None:
    """Write a fresh 256-bit secret as hex into a new file readable by its owner only."""
    if path.exists() and not overwrite:
        raise KeyFileError(f"{path}: key file exists; refusing to overwrite it (use --force)")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    fd = os.open(path, flags, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, (secrets.token_hex(SECRET_BYTES) + "\n").encode("ascii"))
    finally:
        os.close(fd)


def _parse_secret(text: str, source: str) -> bytes:
    try:
        secret = bytes.fromhex(text.strip())
    except ValueError:
        raise KeyFileError(f"{source}: the secret must be {SECRET_BYTES * 2} hex digits") from None
    if len(secret) != SECRET_BYTES:
        raise KeyFileError(f"{source}: the secret must be {SECRET_BYTES * 2} hex digits")
    return secret


def load_secret(path: Path | None = None, *, environ: dict[str, str] | None = None) -> bytes:
    """Read the secret from a key file, else from PADAN_SECRET. Never from an argument."""
    environ = os.environ if environ is None else environ
    if path is not None:
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            raise KeyFileError(
                f"{path}: key file not found (create one with 'padan keygen')") from None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise KeyFileError(
                f"{path}: key file is readable by others; run 'chmod 600 {path}'"
            )
        return _parse_secret(path.read_text(encoding="ascii", errors="replace"), str(path))
    if SECRET_ENV in environ:
        return _parse_secret(environ[SECRET_ENV], SECRET_ENV)
    raise KeyFileError(f"no secret: pass --key-file or set {SECRET_ENV}")


def derive_key(secret: bytes, project_id: str, purpose: str, length: int = 32) -> bytes:
    """HKDF-SHA256(secret, salt, info = project id + purpose) -> `length` bytes."""
    info = f"padan/v1/{project_id}/{purpose}".encode()
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=_HKDF_SALT, info=info).derive(secret)


def key_check_value(secret: bytes, project_id: str) -> str:
    """A PRF of a fixed label: equal for parties with the same secret, says nothing of it."""
    key = derive_key(secret, project_id, "key-check")
    return hmac.new(key, _KEY_CHECK_LABEL, hashlib.sha256).hexdigest()[:32]
