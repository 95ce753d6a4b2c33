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
from padan.i18n import _

SECRET_BYTES = 32
SECRET_ENV = "PADAN_SECRET"
DEFAULT_KEY_FILE = Path("padan.key")  # where `padan keygen` writes without a path
_HKDF_SALT = b"padan/hkdf/v1"
_KEY_CHECK_LABEL = b"padan key check value v1"


def generate_secret_file(path: Path, *, overwrite: bool = False) -> None:
    """Write a fresh 256-bit secret as hex into a new file readable by its owner only."""
    if path.exists() and not overwrite:
        raise KeyFileError(_("{path}: key file exists; refusing to overwrite it (use "
                             "--force)").format(path=path))
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
        raise KeyFileError(_("{source}: the secret must be {digits} hex digits").format(
            source=source, digits=SECRET_BYTES * 2)) from None
    if len(secret) != SECRET_BYTES:
        raise KeyFileError(_("{source}: the secret must be {digits} hex digits").format(
            source=source, digits=SECRET_BYTES * 2))
    return secret


def load_secret(path: Path | None = None, *, environ: dict[str, str] | None = None,
                default: Path | None = None) -> bytes:
    """Read the secret from a key file, else from PADAN_SECRET, else from the `default` key file
    when one is given and exists. Never from an argument."""
    environ = os.environ if environ is None else environ
    if path is not None:
        try:
            mode = path.stat().st_mode
        except FileNotFoundError:
            raise KeyFileError(_("{path}: key file not found (create one with 'padan "
                                 "keygen')").format(path=path)) from None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise KeyFileError(_("{path}: key file is readable by others; run 'chmod 600 "
                                 "{path}'").format(path=path))
        return _parse_secret(path.read_text(encoding="ascii", errors="replace"), str(path))
    if SECRET_ENV in environ:
        return _parse_secret(environ[SECRET_ENV], SECRET_ENV)
    if default is not None and default.exists():
        return load_secret(default, environ=environ)
    looked = ("; " + _("looked for {path} (where 'padan keygen' writes), not found").format(
        path=default.absolute()) if default is not None else "")
    raise KeyFileError(_("no secret: pass --key-file (or set PADAN_KEY_FILE) or set "
                         "{variable}").format(variable=SECRET_ENV) + looked)


def uses_default_key_file(path: Path | None, *, environ: dict[str, str] | None = None) -> bool:
    """Whether load_secret(path, default=...) falls back to the default key file."""
    environ = os.environ if environ is None else environ
    return path is None and SECRET_ENV not in environ


def derive_key(secret: bytes, project_id: str, purpose: str, length: int = 32) -> bytes:
    """HKDF-SHA256(secret, salt, info = project id + purpose) -> `length` bytes."""
    info = f"padan/v1/{project_id}/{purpose}".encode()
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=_HKDF_SALT, info=info).derive(secret)


def key_check_value(secret: bytes, project_id: str) -> str:
    """A PRF of a fixed label: equal for parties with the same secret, says nothing of it."""
    key = derive_key(secret, project_id, "key-check")
    return hmac.new(key, _KEY_CHECK_LABEL, hashlib.sha256).hexdigest()[:32]
