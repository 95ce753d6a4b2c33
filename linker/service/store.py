"""Content-addressed file store: a file's name is the SHA-256 of its bytes.

Two kinds, one interface (`open_store` picks):
- `ContentStore`, a directory (a local path or file:// URL; on a cluster, one shared volume
  mounted at the same path everywhere). Writes go to a temporary file in the same directory tree
  and are renamed into place, so a reader never sees half a file and a crash leaves at most a stray
  temporary.
- `RemoteStore`, any fsspec URL (s3://bucket/prefix with the `s3` extra, or an S3-compatible
  server). An object appears whole when its upload ends. Workers read encodings from a local
  copy (padan.linker.fetched), and Dask workers fetch the same URLs themselves.

Storing the same bytes twice is one file.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
from pathlib import Path

from padan.linker.fetched import fetch, is_remote

_DIGEST = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(_CHUNK):
            digest.update(block)
    return digest.hexdigest()


def _relative(sha256: str) -> str:
    if not _DIGEST.match(sha256):
        raise ValueError("not a SHA-256 hex digest")
    return f"{sha256[:2]}/{sha256[2:4]}/{sha256}"


class ContentStore:
    """A directory of immutable blobs at `<root>/<aa>/<bb>/<sha256>`."""

    remote = False

    def __init__(self, root: Path):
        self.root = Path(root)

    def path_of(self, sha256: str) -> Path:
        return self.root / _relative(sha256)

    def local_path(self, sha256: str) -> Path:
        """A path this process can memory-map (the file itself)."""
        return self.path_of(sha256)

    def url_of(self, sha256: str) -> str:
        """Where another process reads the file (the same path: the volume is shared)."""
        return str(self.path_of(sha256))

    def ready(self) -> bool:
        return self.root.is_dir() and os.access(self.root, os.W_OK)

    def prepare(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)

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


class RemoteStore:
    """Immutable blobs at `<url>/<aa>/<bb>/<sha256>` on an fsspec file system (S3 and kin).

    Credentials and the endpoint come from that file system's own configuration on each host
    (for S3: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_ENDPOINT_URL or an instance role),
    never from a run's tasks. `cache` holds the local copies this process maps."""

    remote = True

    def __init__(self, url: str, cache: Path):
        import fsspec

        self.url = url.rstrip("/")
        self.cache = Path(cache)
        self.filesystem, self._root = fsspec.core.url_to_fs(self.url)

    def _path(self, sha256: str) -> str:
        return f"{self._root}/{_relative(sha256)}"

    def url_of(self, sha256: str) -> str:
        return f"{self.url}/{_relative(sha256)}"

    def local_path(self, sha256: str) -> Path:
        return fetch(self.url_of(sha256), self.cache)

    def ready(self) -> bool:
        """The store takes a write (a marker object, `.ready`, rewritten each time)."""
        try:
            self.filesystem.pipe_file(f"{self._root}/.ready", b"ok")
            return True
        except Exception:
            return False

    def prepare(self) -> None:
        self.cache.mkdir(parents=True, exist_ok=True)

    def contains(self, sha256: str) -> bool:
        path = self._path(sha256)
        self.filesystem.invalidate_cache(path)
        return self.filesystem.exists(path)

    def put_bytes(self, data: bytes) -> str:
        sha256 = hashlib.sha256(data).hexdigest()
        if not self.contains(sha256):
            self.filesystem.pipe_file(self._path(sha256), data)
        return sha256

    def put_file(self, source: Path, sha256: str | None = None) -> str:
        sha256 = sha256 or file_sha256(source)
        if not self.contains(sha256):
            self.filesystem.put_file(str(source), self._path(sha256))
        return sha256

    def read_bytes(self, sha256: str) -> bytes:
        return self.filesystem.cat_file(self._path(sha256))

    def delete(self, sha256: str) -> None:
        path = self._path(sha256)
        if self.filesystem.exists(path):
            self.filesystem.rm_file(path)
        (self.cache / sha256).unlink(missing_ok=True)


Store = ContentStore | RemoteStore


def open_store(location: str | Path, cache: Path) -> Store:
    """The store at `location`: a directory (path or file:// URL) or an fsspec URL."""
    if is_remote(location):
        return RemoteStore(str(location), cache)
    return ContentStore(Path(str(location).removeprefix("file://")))
