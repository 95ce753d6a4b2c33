"""Content-addressed file store: a file's name is the SHA-256 of its bytes.

Writes go to a temporary file in the same directory tree and are renamed into place, so a reader
never sees half a file and a crash leaves at most a stray temporary. Storing the same bytes twice
is one file. Only local directories (and file:// URLs) are supported so far; see docs/operations.md.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


class ContentStore:
    """A directory of immutable blobs at `<root>/<aa>/<bb>/<sha256>`."""

    def __init__(self, root: Path):
        self.root = Path(root)

    def path_of(self, sha256: str) -> Path:
        if not _DIGEST.match(sha256):
            raise ValueError("not a SHA-256 hex digest")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def contains(self, sha256: str) -> bool:
        return self.path_of(sha256).is_file()

    def put_bytes(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        if not self.contains(sha256):
            target = self.path_of(sha256)
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            with os.fdopen(handle, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.replace(tmp, target)
        return sha256

    def put_file(self, source: Path, sha256: str | None = None) -> str:
        """Copy (or move, when `source` is on the same disk and expendable) a file in."""
        sha256 = sha256 or file_sha256(source)
        if not self.contains(sha256):
            target = self.path_of(sha256)
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
            os.close(handle)
            shutil.copyfile(source, tmp)
            with open(tmp, "rb") as synced:
                os.fsync(synced.fileno())
            os.replace(tmp, target)
        return sha256

    def read_bytes(self, sha256: str) -> bytes:
        return self.path_of(sha256).read_bytes()

    def delete(self, sha256: str) -> None:
        self.path_of(sha256).unlink(missing_ok=True)
